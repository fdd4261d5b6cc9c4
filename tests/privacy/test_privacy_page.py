"""The privacy notice page «Quyền riêng tư»: built from docs/, in the nav, readable on a phone."""

from __future__ import annotations

import re
from pathlib import Path

PAGE = "quyen-rieng-tu/index.html"


def test_privacy_page_is_built_with_what_a_citizen_needs(built_site: Path) -> None:
    html = (built_site / PAGE).read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", " ", html)
    for needle in ("Nghị định số 13/2023/NĐ-CP", "91/2025/QH15", "01/01/2026",  # legal basis
                   "Phiếu giấy có chữ ký", "Trực tiếp, có người chứng kiến", "Tự xác nhận trực tuyến",  # consent
                   "15 ngày", "UBND xã", "Sở Khoa học và Công nghệ", "cnscd erase"):
        assert needle in text, needle
    # the withdrawal form it points to is part of the same site
    links = re.findall(r'href="([^"]+)"', html)
    assert "../bieu-mau/go-so/" in links
    assert "https://github.com/example/to-cong-nghe-so/issues/new?template=go-so.yml" in links  # from mkdocs.yml
    assert (built_site / "bieu-mau" / "go-so" / "index.html").is_file()
    # in the navigation (mkdocs.yml nav) and in the footer of other pages
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="quyen-rieng-tu/" class="md-nav__link">\s*<span class="md-ellipsis">\s*Quyền riêng tư',
                     home)
    assert '<a href="./quyen-rieng-tu/">Quyền riêng tư</a>' in home

def test_privacy_page_fits_a_phone(browser, site_server: str, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 640})
    try:
        page.goto(f"{site_server}/quyen-rieng-tu/")
        assert page.locator("h1").inner_text().rstrip("¶") == "Quyền riêng tư và dữ liệu cá nhân"
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
        page.screenshot(path=str(tmp_path / "quyen-rieng-tu-360.png"), full_page=True)
        assert (tmp_path / "quyen-rieng-tu-360.png").stat().st_size > 10_000
    finally:
        page.close()
