"""Offline and installable, in real Chromium on a 360×640 phone with the service worker running.

The site is opened once with signal; then without it the home page, a commune page already seen and the
report form open from the device, a report is queued and shown as waiting, and when the signal returns it
is delivered exactly once (one branch in the temporary repository, the same receipt for a resend).
"""

from __future__ import annotations

import json

import pytest

from tests.browser.intake_site import PHONE, shot, start

pytestmark = pytest.mark.browser
COMMUNE = "/79-ho-chi-minh/26506-phuong-vung-tau/"


@pytest.fixture(scope="module")
def intake_site(tmp_path_factory):
    yield from start(tmp_path_factory.mktemp("offline-site"))


@pytest.fixture
def context(browser, intake_site):
    context = browser.new_context(viewport=PHONE)
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith((intake_site.site, intake_site.service, "data:"))
               else outside.append(r.url))
    yield context
    context.close()
    assert outside == [], f"requests left the site and the service: {outside}"


def controlled(page) -> None:
    """Wait until the service worker is active and controls the page."""
    page.evaluate("navigator.serviceWorker.ready")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_manifest_and_worker_are_served_from_the_root(context, intake_site):
    page = context.new_page()
    page.goto(intake_site.site + "/")
    href = page.get_attribute('link[rel="manifest"]', "href")
    assert href == intake_site.site + "/manifest.webmanifest"
    manifest = json.loads(page.request.get(href).text())
    assert manifest["lang"] == "vi" and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert page.request.get(intake_site.site + "/" + icon["src"]).headers["content-type"] == "image/png"
    controlled(page)
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)")
    assert scope == intake_site.site + "/"
    # What a person opens is kept for later, but never a download (it could fill a cheap phone).
    kept, download = "/bieu-mau/du-lieu/xa/26506.json", COMMUNE + "van-ban/du-thao-quyet-dinh-26506.docx"
    assert page.evaluate(f"Promise.all([fetch('{kept}'), fetch('{download}')]).then(r => r.every(x => x.ok))")
    for _ in range(100):
        if page.evaluate(f"caches.match('{kept}').then(Boolean)"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(f"caches.match('{kept}').then(Boolean)")
    assert not page.evaluate(f"caches.match('{download}').then(Boolean)")


def test_report_queued_offline_is_delivered_once(context, intake_site):
    page = context.new_page()
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data))
            if r.url.endswith("/api/submissions") and r.method == "POST" else None)
    page.goto(intake_site.site + "/")
    controlled(page)
    page.goto(intake_site.site + COMMUNE)  # a commune page the person looked at
    page.goto(intake_site.site + "/bieu-mau/bao-cao/?xa=26506")
    page.wait_for_selector("form[data-ready]", state="attached")

    context.set_offline(True)
    page.goto(intake_site.site + "/")
    assert page.locator("#cnscd-find, .cnscd-find").count() >= 1  # the home page, from the device
    page.goto(intake_site.site + COMMUNE)
    assert page.get_by_role("heading", level=1).inner_text().endswith("Phường Vũng Tàu")
    page.goto(intake_site.site + "/79-ho-chi-minh/")  # never opened: a clear Vietnamese answer, not an error page
    assert "Chưa có mạng" in page.get_by_role("heading", level=1).inner_text()

    page.goto(intake_site.site + "/bieu-mau/bao-cao/?xa=26506")  # the commune page's link, from the device
    page.wait_for_selector("form[data-ready]", state="attached")
    page.get_by_label("Tìm tổ").fill("to dan pho 6")
    page.locator("[data-choices=team] button", has_text="Tổ CNSCĐ Tổ dân phố 6").click()
    page.get_by_label("Kỳ báo cáo").fill("quý 3/2026")
    page.get_by_label("Người cài đặt ứng dụng VssID (người)").fill("12")
    page.get_by_role("button", name="Kiểm tra và gửi").click()
    waiting = page.locator("form [data-queue-list] h2")
    waiting.wait_for()
    assert waiting.inner_text() == "Đang chờ gửi (1)"
    assert "tự gửi" in page.locator("[data-output]").inner_text()
    shot(page, "bao-cao-queued")
    page.locator("form [data-queue-list]").scroll_into_view_if_needed()
    shot(page, "bao-cao-queue-list")
    assert intake_site.branches() == []

    context.set_offline(False)  # the `online` event sends what waits
    page.wait_for_function("document.querySelector('form [data-queue-list] h2').textContent === 'Đang chờ gửi (0)'")
    assert page.locator("form [data-queue-list] [data-queue-sent]").count() == 1
    page.locator("form [data-queue-list]").scroll_into_view_if_needed()
    shot(page, "bao-cao-delivered")
    branches = intake_site.wait_branches(1)
    assert len(branches) == 1
    page.reload()  # sending again on load finds nothing left to send
    page.wait_for_selector("form[data-ready]", state="attached")
    page.evaluate("window.cnscdOffline.flush()")
    assert page.evaluate("window.cnscdOffline.list().then(items => items.length)") == 0
    assert len(sent) == 1
    # A resend with the same key (an answer lost on the way back) is the same submission.
    status, again = intake_site.post("/api/submissions", sent[0])
    receipt = page.locator("form [data-queue-list] [data-queue-sent] a").inner_text().split()[-1]
    assert status in (200, 202) and again["receipt"] == receipt
    assert intake_site.branches() == branches
    files = intake_site.changed(branches[0])
    report = next(text for name, text in files.items() if "/reports-" in name)
    assert "T79-0008,2026-Q3,vssid_installs,12" in report


def test_draft_survives_closing_the_page(context, intake_site):
    page = context.new_page()
    page.goto(intake_site.site + "/bieu-mau/to/?xa=26506")
    page.wait_for_selector("form[data-ready]", state="attached")
    person = page.locator("[data-people] .cnscd-person").first
    person.locator('[data-p="name"]').fill("Vũ Thị Nháp")
    person.get_by_label("Đồng ý công khai số điện thoại").select_option("Phiếu giấy")
    page.get_by_label("Người ghi nhận sự đồng ý").fill("Công chức xã")
    saved = """async () => {
        const draft = await window.cnscdOffline.draftGet("form:to");
        return !!draft && draft.fields.consent_recorded_by === "Công chức xã"; }"""
    for _ in range(100):  # the draft is written shortly after the last keystroke
        if page.evaluate(saved):
            break
        page.wait_for_timeout(100)
    page.close()
    again = context.new_page()
    again.goto(intake_site.site + "/bieu-mau/to/")
    again.wait_for_selector("form[data-ready]", state="attached")
    person = again.locator("[data-people] .cnscd-person").first
    assert person.locator('[data-p="name"]').input_value() == "Vũ Thị Nháp"
    assert person.locator('[data-p="consent"]').input_value() == "Phiếu giấy"
    assert again.get_by_label("Người ghi nhận sự đồng ý").input_value() == "Công chức xã"
    assert again.locator('[data-field="commune_code"]').input_value() == "26506"


def test_queued_report_the_service_refuses_is_kept_with_its_reason(context, intake_site):
    page = context.new_page()
    page.goto(intake_site.site + "/bieu-mau/bao-cao/?xa=26506&to=T79-0004")
    page.wait_for_selector("form[data-ready]", state="attached")
    controlled(page)
    assert "T79-0004" in page.locator('[data-chosen="team"]').inner_text()
    context.set_offline(True)
    page.get_by_label("Kỳ báo cáo").fill("tháng 13/2026")  # no such month: only the service can say so
    page.get_by_label("Người cài đặt ứng dụng VssID (người)").fill("3")
    page.get_by_role("button", name="Kiểm tra và gửi").click()
    page.locator("form [data-queue-list] [data-queue-item]").wait_for()
    context.set_offline(False)
    rejected = page.locator("form [data-queue-list] [data-queue-rejected]")
    rejected.wait_for()
    assert "chưa được nhận" in rejected.inner_text() and "13/2026" in rejected.inner_text()
    assert page.locator("form [data-queue-list] h2").inner_text() == "Đang chờ gửi (0)"
    rejected.scroll_into_view_if_needed()
    shot(page, "bao-cao-refused-after-queue")
    # Nothing typed is lost: the refused report goes back into the form to be corrected.
    page.get_by_label("Kỳ báo cáo").fill("")
    with page.expect_navigation():
        rejected.get_by_role("button", name="Mở lại để sửa").click()
    page.wait_for_selector("form[data-ready]", state="attached")
    assert page.get_by_label("Kỳ báo cáo").input_value() == "tháng 13/2026"
    assert page.get_by_label("Người cài đặt ứng dụng VssID (người)").input_value() == "3"
    assert page.locator("form [data-queue-list] [data-queue-rejected]").count() == 0
