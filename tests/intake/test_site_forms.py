"""The site's forms in real headless Chromium: field errors, the prefilled issue address, the CSV fallback.

The pages in docs/bieu-mau/ are served as MkDocs lays them out (bieu-mau/to/index.html, bieu-mau/forms.js).
"""

from __future__ import annotations

import csv
import re
import urllib.parse
from pathlib import Path

import pytest

from cnscd.intake.forms import load_form
from tests.conftest import ROOT, SAMPLE

PAGES = ROOT / "docs" / "bieu-mau"
pytestmark = pytest.mark.browser


def configured_repository() -> str:
    import yaml

    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # The config carries a `!!python/name` tag for MkDocs; only `extra` is needed here.
    return yaml.safe_load(text[text.index("extra:"):text.index("theme:")])["extra"]["repository"]


@pytest.fixture(scope="module")
def forms_server(site_server):
    """The forms as published: the site built from the sample by `cnscd build`."""
    return site_server


@pytest.fixture
def page(browser, forms_server):
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.requests = requests  # type: ignore[attr-defined]
    yield tab
    assert all(url.startswith(forms_server) or url.startswith("blob:") for url in requests), requests
    context.close()


def ready(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("form[data-ready]", state="attached")


def test_roster_form_opens_prefilled_issue(page, forms_server) -> None:
    ready(page, f"{forms_server}/bieu-mau/to/?xa=26506")  # the commune page's link
    assert page.locator('[data-field="commune_code"]').input_value() == "26506"
    page.fill('[data-field="village"]', "Tổ dân phố 9")
    people = page.locator("[data-people] .cnscd-person")
    people.nth(0).locator('[data-p="name"]').fill("Nguyễn Văn A")
    people.nth(0).locator('[data-p="position"]').fill("Trưởng thôn")
    people.nth(0).locator('[data-p="phone"]').fill("0900 000 101")
    people.nth(0).locator('[data-p="consent"]').select_option("Phiếu giấy")
    people.nth(1).locator('[data-p="name"]').fill("Nguyễn Văn B")
    people.nth(1).locator('[data-p="role"]').fill("Tổ phó TT")
    people.nth(1).locator('[data-p="phone"]').fill("0900 000 102")  # no consent: «Không»
    page.fill('[data-field="consent_recorded_by"]', "Công chức Văn hóa - Xã hội xã")
    page.click("button[type=submit]")
    href = page.get_attribute("[data-issue-link]", "href")
    url = urllib.parse.urlsplit(href)
    assert href.startswith(configured_repository() + "/issues/new?")
    query = urllib.parse.parse_qs(url.query)
    assert query["template"] == ["to.yml"] and query["commune_code"] == ["26506"]
    assert query["village"] == ["Tổ dân phố 9"]
    # One line per person in the agreed order: name; role; position; phone; consent; notes.
    assert query["members"][0].split("\n") == ["Nguyễn Văn A; Tổ trưởng; Trưởng thôn; 0900 000 101; Phiếu giấy",
                                               "Nguyễn Văn B; Tổ phó TT; ; 0900 000 102; Không"]
    assert query["consent_recorded_by"] == ["Công chức Văn hóa - Xã hội xã"]
    assert "village=T%E1%BB%95%20d%C3%A2n%20ph%E1%BB%91%209" in url.query  # UTF-8 percent-encoded
    field_ids = {f.id for f in load_form("team").fields}
    assert set(query) - {"template", "title"} <= field_ids  # every parameter is a field of the issue form


def test_missing_fields_are_shown_and_nothing_is_opened(page, forms_server) -> None:
    ready(page, f"{forms_server}/bieu-mau/to/")
    page.click("button[type=submit]")
    summary = page.locator("[data-summary]")
    assert summary.is_visible() and "Cần sửa 2 chỗ" in summary.inner_text()
    assert page.evaluate("document.activeElement.hasAttribute('data-summary')")
    assert "bắt buộc" in page.inner_text('[data-error-for="commune_code"]')
    assert "ít nhất một thành viên" in page.inner_text('[data-error-for="members"]')
    assert page.get_attribute('[data-field="commune_code"]', "aria-invalid") == "true"
    assert page.locator("[data-issue-link]").count() == 0


def test_too_long_roster_offers_the_filled_csv(page, forms_server, tmp_path: Path) -> None:
    ready(page, f"{forms_server}/bieu-mau/to/?xa=26506")
    lines = ["Nguyễn Văn A; Tổ trưởng; Trưởng thôn; 0900 000 101; Phiếu giấy"]
    lines += [f"Trần Thị Thành Viên Số {i}; Tổ viên; Chi hội Phụ nữ khu dân cư số {i};" for i in range(200)]
    page.fill("[data-paste]", "\n".join(lines))
    page.click("[data-paste-read]")
    assert page.locator("[data-people] .cnscd-person").count() == 201
    page.fill('[data-field="consent_recorded_by"]', "Công chức xã")
    page.click("button[type=submit]")
    assert page.locator("[data-issue-link]").count() == 0
    with page.expect_download() as info:
        page.click("[data-csv-link]")
    target = tmp_path / "danh-sach-to.csv"
    info.value.save_as(target)
    with open(target, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:6] == ["TT", "Họ tên", "Chức vụ tổ, xóm/đơn vị công tác", "Chức vụ Tổ công nghệ số cộng đồng",
                           "SĐT", "Ghi chú"]
    assert rows[1] == ["1", "Nguyễn Văn A", "Trưởng thôn", "Tổ trưởng", "0900 000 101", "", "Phiếu giấy"]
    assert len(rows) == 202
    from cnscd.intake.spreadsheet import read_roster

    sheet = read_roster(target)  # the same file `cnscd import roster` takes
    assert len(sheet.members) == 201
    assert [m.consent_text for m in sheet.members[:2]] == ["Phiếu giấy", "Không"]


def test_report_form_passes_the_period_as_people_write_it(page, forms_server) -> None:
    ready(page, f"{forms_server}/bieu-mau/bao-cao/?xa=26506")
    page.get_by_label("Tìm tổ").fill("phuong vung")
    page.locator("[data-choices=team] button", has_text="Tổ CNSCĐ Phường Vũng Tàu").click()
    page.fill('[data-field="period"]', "tháng 10/2026")
    page.fill('[data-field="vneid_activations"]', "1.250")
    page.click("button[type=submit]")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.get_attribute("[data-issue-link]", "href")).query)
    assert query["template"] == ["bao-cao.yml"] and query["vneid_activations"] == ["1.250"]
    assert query["period"] == ["tháng 10/2026"] and query["team_id"] == ["T79-0002"]
    assert "commune_code" not in query  # the report form's commune only helps to find the team


def test_form_pages_fields_match_the_issue_forms_and_catalogue() -> None:
    with open(SAMPLE / "indicators.csv", encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    page = (PAGES / "bao-cao.md").read_text(encoding="utf-8")
    assert set(re.findall(r'data-field="([a-z0-9_]+)" name="[a-z_]+" data-indicator', page)) == codes
    assert set(re.findall(r'data-field="([a-z0-9_]+)"', page)) <= {f.id for f in load_form("report").fields}
    roster = (PAGES / "to.md").read_text(encoding="utf-8")
    assert set(re.findall(r'data-field="([a-z0-9_]+)"', roster)) == {f.id for f in load_form("team").fields}
    withdrawal = (PAGES / "go-so.md").read_text(encoding="utf-8")
    assert set(re.findall(r'data-field="([a-z0-9_]+)"', withdrawal)) == {f.id for f in load_form("withdrawal").fields}
