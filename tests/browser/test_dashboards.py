"""Dashboards on a 360×640 phone (Debian Chromium): the national page, a province's and a commune's section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from cnscd import periods

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
PROVINCE = "/04-cao-bang/"
COMMUNE = "/04-cao-bang/01273-phuong-thuc-phan/"


def serious(page) -> list:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Screenshots for people to look at (CNSCD_SHOTS=DIR keeps them there)."""
    import os

    folder = Path(os.environ.get("CNSCD_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize(("path", "anchor", "name"), [
    ("/so-lieu/", "", "national"), (PROVINCE, "#so-lieu", "province"), (COMMUNE, "#theo-doi", "commune")])
def test_dashboards_have_no_serious_accessibility_violations(page, site_server, shots, path, anchor, name):
    page.goto(site_server + path + anchor)
    page.screenshot(path=str(shots / f"dashboard-{name}.png"))
    assert serious(page) == []
    # Charts are images with a name; the page does not scroll sideways on a phone.
    for chart in page.locator("svg.cnscd-chart").all():
        assert chart.get_attribute("role") == "img" and chart.get_attribute("aria-labelledby")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_national_page_is_in_the_nav_and_adds_up(page, site_server):
    page.goto(site_server + "/")
    page.locator(".md-header label[for='__drawer']").click()  # the phone's menu
    page.locator(".md-nav--primary").get_by_role("link", name="Số liệu").first.click()
    page.wait_for_url(re.compile(r"/so-lieu/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Số liệu Tổ công nghệ số cộng đồng"
    rows = page.locator("table.cnscd-table").first.locator("tbody tr")
    assert rows.count() == 34
    covered = [int(cell.split("/")[0].replace(".", "")) for cell in rows.locator("td:nth-child(2)").all_inner_texts()]
    headline = page.locator(".cnscd-figures li").first.inner_text()
    assert headline.startswith(f"{sum(covered)}/3.321 xã")
    bars = page.locator("svg[data-chart=share] g.cnscd-bar")
    assert bars.count() == sum(1 for value in covered if value)


def test_province_chase_list_calls_the_leader(page, site_server):
    page.goto(site_server + PROVINCE + "#can-nhac")
    heading = page.locator("#can-nhac")
    assert heading.is_visible()
    due = re.search(r"tháng (\d+/\d{4})", heading.inner_text()).group(1)
    month, year = due.split("/")
    assert periods.label_vi(f"{year}-{int(month):02d}").lower() in heading.inner_text()
    items = page.locator("ul.cnscd-chase li")
    assert items.count() >= 1
    for text in items.all_inner_texts():
        assert re.search(r"trễ \d+ ngày|chưa báo cáo", text)
    tel = page.locator("ul.cnscd-chase a[href^='tel:']").first
    tel.scroll_into_view_if_needed()
    box = tel.bounding_box()
    assert tel.is_visible() and box["height"] >= 24


def test_commune_strip_and_table_agree(page, site_server):
    page.goto(site_server + COMMUNE + "#theo-doi")
    strip = page.locator("svg[data-chart=strip]")
    strip.scroll_into_view_if_needed()
    assert strip.is_visible() and strip.bounding_box()["width"] <= PHONE["width"]
    rows = page.locator("#bao-cao-theo-ky ~ div.cnscd-scroll").first.locator("tbody tr")
    groups = strip.locator("g[data-team]")
    assert rows.count() == groups.count() >= 1
    for index in range(groups.count()):
        marks = groups.nth(index).get_attribute("data-marks")
        cells = rows.nth(index).locator("td").all_inner_texts()
        assert [int(cells[1]), int(cells[2]), int(cells[3])] == [marks.count("d"), marks.count("t"), marks.count("c")]
        current = {"d": "Đúng hạn", "t": "Trễ", "c": "Chưa báo cáo", "k": "Chưa đến kỳ"}[marks[-1]]
        assert cells[0].startswith(current)
    assert page.get_by_text(re.compile(r"^Cập nhật lần cuối: \d{2}/\d{2}/\d{4}")).first.is_visible()


def test_commune_reports_table_is_one_card_per_team_on_a_phone(page, site_server):
    """«Quyết định và báo cáo» with its decision column: on a phone each team is a card whose lines are named
    after the columns (by CSS) and nothing lies off-screen; on a desktop it is still a table."""
    page.goto(site_server + COMMUNE + "#bao-cao")
    region = page.locator("#bao-cao ~ div.cnscd-scroll").first
    headings = [text.strip() for text in region.locator("table > thead th").all_text_contents()]
    assert headings[2] == "Quyết định thành lập"
    assert region.evaluate("e => e.scrollWidth <= e.clientWidth")
    off_screen = region.evaluate("""e => [...e.querySelectorAll(':scope > table > tbody > tr > *')].map(c => c.getBoundingClientRect())
        .filter(r => r.left < 0 || r.right > innerWidth).length""")
    assert off_screen == 0
    status = region.locator("table > tbody > tr").first.locator("td").last
    box = status.bounding_box()
    assert status.is_visible() and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert re.match(r"(đúng hạn|trễ hạn|chưa báo cáo|chưa đến kỳ)", status.inner_text())
    labels = region.locator("table > tbody > tr").first.evaluate("""row => [...row.querySelectorAll('td')].map(c =>
        getComputedStyle(c, '::before').content.replace(/"\\s*"/g, '').replace(/^"|: "$/g, ''))""")
    assert labels == ["Thành viên", "Quyết định", headings[3]]
    assert headings[2].startswith(labels[1])
    assert region.locator("table > thead").bounding_box()["height"] <= 1  # hidden from sight, still read out
    page.set_viewport_size({"width": 1280, "height": 800})
    assert region.locator("table > thead th").first.bounding_box()["height"] > 1
    assert region.locator("table > tbody > tr").first.evaluate("row => getComputedStyle(row).display") == "table-row"
