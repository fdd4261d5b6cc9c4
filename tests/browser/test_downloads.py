"""Downloads on a 360×640 phone: the open-data page lists every zip with its size, a province page offers its
list and its full package, a commune page its province's list, and each link fetches a file that is there.

Screenshots go to $CNSCD_SHOTS (default: a temporary folder) for a person to look at.
"""

from __future__ import annotations

import io
import os
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.browser.test_site import COMMUNE, serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("CNSCD_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fetch(page, link) -> bytes:
    url = link.evaluate("a => a.href")
    with urllib.request.urlopen(url) as response:
        return response.read()


def test_open_data_page_lists_the_zips_with_their_sizes(page, site_server, shots):
    page.goto(site_server + "/du-lieu-mo/")
    national = page.get_by_role("link", name="Danh sách tổ cả nước (CSV)")
    assert national.is_visible() and national.bounding_box()["height"] >= 44
    item = page.locator("li", has=national)
    assert "tệp nén ZIP" in item.inner_text() and ("KB" in item.inner_text() or "MB" in item.inner_text())
    with zipfile.ZipFile(io.BytesIO(_fetch(page, national))) as archive:
        assert archive.namelist() == ["to-cnscd-ca-nuoc.csv"]
    packages = page.locator("#goi-du-lieu + p + ul a")
    assert packages.count() == 34
    hcm = page.get_by_role("link", name="Thành phố Hồ Chí Minh")
    with zipfile.ZipFile(io.BytesIO(_fetch(page, hcm))) as archive:
        assert "datapackage.json" in archive.namelist()
    page.screenshot(path=shots / "du-lieu-mo.png")
    page.locator("#goi-du-lieu").scroll_into_view_if_needed()
    page.screenshot(path=shots / "du-lieu-mo-goi.png")
    assert serious_violations(page) == []


def test_province_and_commune_pages_link_their_downloads(page, site_server, shots):
    page.goto(site_server + "/79-ho-chi-minh/")
    team_list = page.get_by_role("link", name="Tải danh sách tổ của Thành phố Hồ Chí Minh (CSV trong tệp nén ZIP)")
    package = page.get_by_role("link", name="Tải gói dữ liệu đầy đủ của Thành phố Hồ Chí Minh (tệp nén ZIP, chuẩn Frictionless Data)")
    with zipfile.ZipFile(io.BytesIO(_fetch(page, team_list))) as archive:
        assert archive.namelist() == ["to-cnscd-79.csv"]  # the JSON is national only
    with zipfile.ZipFile(io.BytesIO(_fetch(page, package))) as archive:
        assert "provinces/79-ho-chi-minh/teams.csv" in archive.namelist()
    team_list.scroll_into_view_if_needed()
    assert team_list.bounding_box()["height"] >= 44
    page.screenshot(path=shots / "province-downloads.png")
    page.goto(site_server + "/" + COMMUNE)
    # No CSV of its own (mkdocs.yml extra.commune_files): the province's zip, with this commune's rows in it.
    rows_link = page.get_by_role(
        "link", name="Tải danh sách tổ của Thành phố Hồ Chí Minh, gồm Phường Vũng Tàu (CSV trong tệp nén ZIP)")
    with zipfile.ZipFile(io.BytesIO(_fetch(page, rows_link))) as archive:
        assert ",26506,Phường Vũng Tàu," in archive.read("to-cnscd-79.csv").decode("utf-8")
    assert page.locator('a[href$=".json"][download], a[href$=".csv"][download], a[href$=".xlsx"]').count() == 0
    rows_link.scroll_into_view_if_needed()
    assert rows_link.bounding_box()["height"] >= 44
    page.screenshot(path=shots / "commune-downloads.png")
