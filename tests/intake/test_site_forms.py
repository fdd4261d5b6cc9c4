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


def test_roster_form_opens_prefilled_issue(page, forms_server) -> None:
    page.goto(f"{forms_server}/bieu-mau/to/")
    page.fill('[data-field="commune_code"]', "26506")
    page.fill('[data-field="village"]', "Tổ dân phố 9")
    page.fill('[data-field="members"]', "Nguyễn Văn A; Tổ trưởng; Trưởng thôn; 0900 000 101\n"
                                        "Nguyễn Văn B; Tổ phó TT; Bí thư Chi đoàn;")
    page.click("button[type=submit]")
    href = page.get_attribute("[data-issue-link]", "href")
    url = urllib.parse.urlsplit(href)
    assert href.startswith(configured_repository() + "/issues/new?")
    query = urllib.parse.parse_qs(url.query)
    assert query["template"] == ["to.yml"] and query["commune_code"] == ["26506"]
    assert query["village"] == ["Tổ dân phố 9"]
    assert query["members"][0].startswith("Nguyễn Văn A; Tổ trưởng")
    assert "village=T%E1%BB%95%20d%C3%A2n%20ph%E1%BB%91%209" in url.query  # UTF-8 percent-encoded
    field_ids = {f.id for f in load_form("team").fields}
    assert set(query) - {"template", "title"} <= field_ids  # every parameter is a field of the issue form


def test_field_errors_are_shown_and_nothing_is_opened(page, forms_server) -> None:
    page.goto(f"{forms_server}/bieu-mau/to/")
    page.fill('[data-field="commune_code"]', "2650")
    page.fill('[data-field="members"]', "Nguyễn Văn A; Chủ tịch; Trưởng thôn")
    page.click("button[type=submit]")
    assert "5 chữ số" in page.inner_text('[data-error-for="commune_code"]')
    assert "Dòng 1" in page.inner_text('[data-error-for="members"]')
    assert page.get_attribute('[data-field="commune_code"]', "aria-invalid") == "true"
    assert page.locator("[data-issue-link]").count() == 0


def test_too_long_roster_offers_the_filled_csv(page, forms_server, tmp_path: Path) -> None:
    page.goto(f"{forms_server}/bieu-mau/to/")
    page.fill('[data-field="commune_code"]', "26506")
    lines = ["Nguyễn Văn A; Tổ trưởng; Trưởng thôn; 0900 000 101"]
    lines += [f"Trần Thị Thành Viên Số {i}; Tổ viên; Chi hội Phụ nữ khu dân cư số {i};" for i in range(200)]
    page.fill('[data-field="members"]', "\n".join(lines))
    page.check('[data-field="phone_consent"]')
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
    assert rows[1] == ["1", "Nguyễn Văn A", "Trưởng thôn", "Tổ trưởng", "0900 000 101", "", "Có"]
    assert len(rows) == 202
    from cnscd.intake.spreadsheet import read_roster

    sheet = read_roster(target)  # the same file `cnscd import roster` takes
    assert len(sheet.members) == 201 and sheet.members[0].consent_text


def test_report_form_lists_the_catalogue_and_validates_values(page, forms_server) -> None:
    page.goto(f"{forms_server}/bieu-mau/bao-cao/")
    page.fill('[data-field="team_id"]', "T79-0002")
    page.fill('[data-field="period"]', "2026-10")
    page.fill('[data-field="vneid_activations"]', "-3")
    page.click("button[type=submit]")
    assert page.inner_text('[data-error-for="vneid_activations"]')
    page.fill('[data-field="vneid_activations"]', "1.250")
    page.click("button[type=submit]")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(page.get_attribute("[data-issue-link]", "href")).query)
    assert query["template"] == ["bao-cao.yml"] and query["vneid_activations"] == ["1.250"]
    assert query["period"] == ["2026-10"]


def test_report_page_fields_match_the_issue_form_and_catalogue() -> None:
    with open(SAMPLE / "indicators.csv", encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    page = (PAGES / "bao-cao.md").read_text(encoding="utf-8")
    assert set(re.findall(r'data-field="([a-z_]+)" data-indicator', page)) == codes
    assert set(re.findall(r'data-field="([a-z_]+)"', page)) <= {f.id for f in load_form("report").fields}
    roster = (PAGES / "to.md").read_text(encoding="utf-8")
    assert set(re.findall(r'data-field="([a-z_]+)"', roster)) == {f.id for f in load_form("team").fields}
