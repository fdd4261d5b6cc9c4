"""The site's forms against a running intake service, in real Chromium on a 360×640 phone.

An officer's way through each form — commune chosen from a list typed without diacritics, an annex table
pasted from a spreadsheet, consent chosen per person, Vietnamese dates and periods — ends in a commit on a
branch of a real temporary git repository (`cnscd intake-serve --local`). An invalid draft shows the same
findings `cnscd intake` prints for the same values. axe finds nothing serious on any form page.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cnscd.intake.forms import forms_dir, load_form
from cnscd.service.pipeline import render_body
from tests.browser.intake_site import PHONE, shot, start
from tests.conftest import TODAY, run_cli

pytestmark = pytest.mark.browser

ANNEX = ("TT\tHọ tên\tChức vụ tổ, xóm/đơn vị công tác\tChức vụ Tổ công nghệ số cộng đồng\tSĐT\tGhi chú\n"
         "1\tTrần Văn Khải\tTổ trưởng tổ dân phố\tTổ trưởng\t0900 000 901\t\n"
         "2\tLê Thị Hồng Nhung\tBí thư Chi đoàn\tTổ phó\t0900.000.902\t\n"
         "3\tPhạm Minh Tâm\tCông an khu vực\tTổ viên\t0900000903\tTrực Zalo\n"
         "4\tĐặng Thu Hà\tChi hội Phụ nữ\tTổ viên\t\t\n")


@pytest.fixture(scope="module")
def intake_site(tmp_path_factory):
    yield from start(tmp_path_factory.mktemp("intake-site"))


@pytest.fixture
def page(browser, intake_site):
    context = browser.new_context(viewport=PHONE, service_workers="block")
    outside: list[str] = []
    context.on("request", lambda r: None if r.url.startswith((intake_site.site, intake_site.service, "data:"))
               else outside.append(r.url))
    tab = context.new_page()
    yield tab
    context.close()
    assert outside == [], f"requests left the site and the service: {outside}"


def open_form(page, intake_site, path: str) -> None:
    page.goto(f"{intake_site.site}/bieu-mau/{path}")
    page.wait_for_selector("form[data-ready]", state="attached")


def wait_sent(page) -> None:
    """The receipt, or the findings that stood in its way (so a failure says why)."""
    page.wait_for_selector(".cnscd-done, [data-summary]:not([hidden]), [data-output].cnscd-form-summary")
    shown = page.locator("form[data-form] [data-summary], form[data-form] [data-output]").all_inner_texts()
    assert page.locator(".cnscd-done").count() == 1, shown


def members_of(files: dict[str, str]) -> list[dict[str, str]]:
    text = next(v for k, v in files.items() if k.endswith("/members.csv"))
    return list(csv.DictReader(io.StringIO(text)))


def test_roster_form_as_an_officer_fills_it(page, intake_site):
    open_form(page, intake_site, "to/")
    shot(page, "to-empty")
    # The commune from the list, typed without diacritics.
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Hồ Chí Minh")
    page.get_by_label("Tìm xã/phường").fill("vung tau")
    page.locator("[data-choices=commune] button", has_text="Phường Vũng Tàu").click()
    assert page.locator('[data-field="commune_code"]').input_value() == "26506"
    # The name shows once the commune's list has arrived (a fetch): waited for, not raced.
    expect(page.locator('[data-chosen="commune"]')).to_contain_text("Phường Vũng Tàu")
    # A new village team, its decision dated as people write dates.
    page.get_by_label("Thôn/tổ dân phố").fill("Tổ dân phố 99")
    page.get_by_label("Ngày thành lập (tổ mới)").fill("25/09/2025")
    # The official annex table as copied from a spreadsheet, in its own column order.
    page.get_by_label("Dán bảng phụ lục (không bắt buộc)").fill(ANNEX)
    page.get_by_role("button", name="Đưa bảng vào danh sách").click()
    people = page.locator("[data-people] .cnscd-person")
    assert people.count() == 4
    assert people.nth(1).locator('[data-p="name"]').input_value() == "Lê Thị Hồng Nhung"
    assert people.nth(1).locator('[data-p="role"]').input_value() == "Tổ phó"
    # Consent asked per person: two agreed (on paper, in person), the third did not.
    people.nth(0).get_by_label("Đồng ý công khai số điện thoại").select_option("Phiếu giấy")
    people.nth(1).get_by_label("Đồng ý công khai số điện thoại").select_option("Trực tiếp")
    page.get_by_label("Người ghi nhận sự đồng ý").fill("Công chức Văn hóa - Xã hội phường")
    page.get_by_role("button", name="Kiểm tra và gửi").click()
    wait_sent(page)
    shot(page, "to-sent")
    receipt = page.locator(".cnscd-done strong").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9]+", receipt)
    assert receipt in page.get_attribute("[data-receipt-link]", "href")

    branch = intake_site.wait_branches(1)[-1]
    files = intake_site.changed(branch)
    teams = next(v for k, v in files.items() if k.endswith("/teams.csv"))
    new_team = next(row for row in csv.DictReader(io.StringIO(teams)) if row["name"] == "Tổ CNSCĐ Tổ dân phố 99")
    assert new_team["established_on"] == "2025-09-25"
    rows = {row["full_name"]: row for row in members_of(files) if row["team_id"] == new_team["team_id"]}
    assert set(rows) == {"Trần Văn Khải", "Lê Thị Hồng Nhung", "Phạm Minh Tâm", "Đặng Thu Hà"}
    assert rows["Trần Văn Khải"]["phone"] == "0900000901"
    assert rows["Trần Văn Khải"]["phone_consent_method"] == "paper_form"
    assert rows["Lê Thị Hồng Nhung"]["phone_consent_method"] == "in_person_witnessed"
    assert rows["Lê Thị Hồng Nhung"]["phone_consent_recorded_by"] == "Công chức Văn hóa - Xã hội phường"
    assert rows["Phạm Minh Tâm"]["phone"] == "" and rows["Phạm Minh Tâm"]["phone_consent"] == "false"
    assert "0900000903" not in "".join(files.values())  # no consent: the number is stored nowhere


def test_a_commune_typed_before_its_province_list_arrives_is_offered_when_it_does(page, intake_site):
    """On a slow line people type before the province's communes have arrived: the list is drawn again then."""
    held = []
    page.route(re.compile(r".*/bieu-mau/du-lieu/79\.json$"), lambda route: held.append(route))
    open_form(page, intake_site, "to/")
    page.get_by_label("Tỉnh/thành phố").select_option(label="Thành phố Hồ Chí Minh")
    page.get_by_label("Tìm xã/phường").fill("vung tau")
    choices = page.locator("[data-choices=commune]")
    expect(choices).to_contain_text("Không thấy")
    for _ in range(100):  # the held request reaches the handler while Playwright waits (at most 5 s)
        if held:
            break
        page.wait_for_timeout(50)
    held[0].continue_()
    expect(choices.locator("button", has_text="Phường Vũng Tàu")).to_be_visible()
    choices.scroll_into_view_if_needed()
    shot(page, "to-slow-list")
    choices.locator("button", has_text="Phường Vũng Tàu").click()
    assert page.locator('[data-field="commune_code"]').input_value() == "26506"


def test_report_form_with_a_vietnamese_period(page, intake_site):
    before = set(intake_site.branches())
    open_form(page, intake_site, "bao-cao/?xa=26506")  # the commune page's link
    page.get_by_label("Tìm tổ").fill("to dan pho 4")
    page.locator("[data-choices=team] button", has_text="Tổ CNSCĐ Tổ dân phố 4").click()
    assert page.locator('[data-field="team_id"]').input_value() == "T79-0006"
    page.get_by_label("Kỳ báo cáo").fill("quý 3/2026")
    page.get_by_label("Tài khoản định danh điện tử VNeID được hỗ trợ kích hoạt (tài khoản)").fill("1.250")
    page.get_by_label("Lượt người dân được hướng dẫn trực tiếp (lượt)").fill("37")
    page.get_by_label("Khó khăn, vướng mắc").fill("Sóng yếu ở khu phố")
    shot(page, "bao-cao-filled")
    page.get_by_role("button", name="Kiểm tra và gửi").click()
    wait_sent(page)
    branch = next(b for b in intake_site.wait_branches(len(before) + 1) if b not in before)
    text = next(v for k, v in intake_site.changed(branch).items() if "/reports-" in k)
    rows = {(r["team_id"], r["period"], r["indicator_code"]): r for r in csv.DictReader(io.StringIO(text))}
    assert rows[("T79-0006", "2026-Q3", "vneid_activations")]["value"] == "1250"
    assert rows[("T79-0006", "2026-Q3", "residents_helped")]["value"] == "37"
    assert "Sóng yếu" in rows[("T79-0006", "2026-Q3", "residents_helped")]["notes"]


def test_invalid_draft_shows_the_findings_intake_gives(page, intake_site, tmp_path):
    before = set(intake_site.branches())
    open_form(page, intake_site, "to/?xa=26506")
    sent: list[dict] = []
    page.on("request", lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/api/check") else None)
    page.get_by_label("Thôn/tổ dân phố").fill("Tổ dân phố 98")
    people = page.locator("[data-people] .cnscd-person")
    people.nth(0).locator('[data-p="name"]').fill("Hoàng Văn Một")
    people.nth(1).locator('[data-p="name"]').fill("Hoàng Văn Hai")
    people.nth(1).locator('[data-p="role"]').fill("Tổ trưởng")  # two leaders
    people.nth(2).locator('[data-p="name"]').fill("Hoàng Văn Ba")
    people.nth(2).locator('[data-p="phone"]').fill("0123")  # not a phone number
    people.nth(2).get_by_label("Đồng ý công khai số điện thoại").select_option("Tự xác nhận")
    page.get_by_role("button", name="Kiểm tra và gửi").click()
    summary = page.locator("[data-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-summary')")  # focus moves to the summary
    shot(page, "to-errors")

    # The same values through `cnscd intake` (the issue route) on the same data.
    body = tmp_path / "body.md"
    body.write_text(render_body(load_form("team", forms_dir(intake_site.repo / "data")), sent[-1]["fields"]),
                    encoding="utf-8")
    result = run_cli("intake", str(body), "--form", "team", "--data", str(intake_site.repo / "data"),
                     "--today", TODAY.isoformat(), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    answer = json.loads(next(line for line in result.stdout.splitlines() if line.startswith('{"valid"')))
    core = [f for f in answer["findings"] if f["severity"] == "error"]
    assert core, result.stdout
    shown = summary.inner_text()
    for finding in core:
        assert finding["message_vi"] in shown
    assert shown.count("\n") >= len(core)
    # Each person's own errors sit beside that person; nothing was committed.
    assert people.nth(2).locator("[data-person-error]").is_visible()
    assert "Người thứ 3" in people.nth(2).locator("[data-person-error]").inner_text()
    assert set(intake_site.branches()) == before


def test_withdrawal_form_removes_the_number(page, intake_site):
    data = intake_site.repo / "data" / "provinces" / "79-ho-chi-minh" / "members.csv"
    with open(data, encoding="utf-8") as handle:
        person = next(r for r in csv.DictReader(handle) if r["team_id"] == "T79-0003" and r["phone"])
    before = set(intake_site.branches())
    open_form(page, intake_site, "go-so/?xa=26506")
    page.get_by_label("Tìm tổ").fill("to dan pho 1")
    page.locator("[data-choices=team] button", has_text="Tổ CNSCĐ Tổ dân phố 1").click()
    page.get_by_label("Họ tên của bạn").fill(person["full_name"])
    page.get_by_label("4 số cuối của số điện thoại đang công khai").fill(person["phone"][-4:])
    shot(page, "go-so-filled")
    page.get_by_role("button", name="Kiểm tra và gửi").click()
    wait_sent(page)
    branch = next(b for b in intake_site.wait_branches(len(before) + 1) if b not in before)
    files = intake_site.changed(branch)
    assert person["phone"] not in "".join(files.values())
    withdrawals = next(v for k, v in files.items() if k.endswith("/withdrawals.csv"))
    assert person["person_id"] in withdrawals


def serious_violations(page) -> list:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", ["", "to/", "bao-cao/", "go-so/"])
def test_form_pages_have_no_serious_accessibility_violations(page, intake_site, path):
    open_form(page, intake_site, path) if path else page.goto(f"{intake_site.site}/bieu-mau/")
    assert serious_violations(page) == []
    if path:
        page.get_by_role("button", name="Kiểm tra và gửi").click()
        page.locator("[data-summary]").wait_for()
        shot(page, f"{path.strip('/')}-required")
        assert serious_violations(page) == []


def test_tap_targets_and_visible_boxes(page, intake_site):
    open_form(page, intake_site, "bao-cao/")
    for selector in ("button[type=submit]", '[data-field="period"]', '[data-field="vneid_activations"]', "select"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["height"] >= 44 and box["width"] >= 44, (selector, box)
    border = page.locator('[data-field="vneid_activations"]').evaluate("e => getComputedStyle(e).borderTopWidth")
    assert float(border.rstrip("px")) >= 1
