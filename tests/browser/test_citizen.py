"""The citizen's site on a 360×640 phone (issue 11): every commune has a page, old addresses lead on, links
preview, the poster prints, the find box shows its results above the keyboard, and nothing is in English.

Screenshots of every kind of page go to $CNSCD_SHOTS (default: a temporary folder) for a person to look at.
"""

from __future__ import annotations

import os
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from cnscd.load import load
from cnscd.units import Units
from tests.browser.test_site import COMMUNE, PHONE, pdf_pages, serious_violations, serve_large_commune
from tests.conftest import SAMPLE

pytestmark = pytest.mark.browser

NO_DATA = "79-ho-chi-minh/26740-phuong-sai-gon/"  # Phường Sài Gòn: no team in the sample
OLD_WHOLE = "xa-cu/26740/"  # Phường Bến Nghé (Quận 1), whole into Phường Sài Gòn
OLD_SPLIT = "xa-cu/00019/"  # an old Hà Nội ward split between four new wards
GUIDE = "huong-dan/cai-dat-vneid/"
SITE_PATH = "/to-cong-nghe-so/"  # site_url's path: the 404 page's links start with it
PAGES = {"home": "", "province": "79-ho-chi-minh/", "commune": COMMUNE, "no-data": NO_DATA,
         "old-split": OLD_SPLIT, "guide": GUIDE, "404": "404.html"}


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("CNSCD_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _serve_site_path(page, site_server) -> None:
    """Serve the site also under site_url's path, as GitHub Pages does, for the 404 page's own links."""
    def fulfill(route):
        path = route.request.url.split(SITE_PATH, 1)[1]
        with urllib.request.urlopen(f"{site_server}/{path}") as response:
            route.fulfill(body=response.read(), content_type=response.headers["Content-Type"])
    page.route(re.compile(re.escape(site_server + SITE_PATH) + ".*"), fulfill)


@pytest.fixture
def phone(page, site_server):
    _serve_site_path(page, site_server)
    return page


# ---------------------------------------------------------------- 1. every commune, every old address

def test_a_commune_without_data_has_a_page_that_says_how_to_register(phone, site_server, shots):
    phone.goto(site_server + "/" + NO_DATA)
    assert phone.get_by_role("heading", level=1).inner_text().endswith("Phường Sài Gòn")
    assert phone.get_by_text("Phường Sài Gòn thuộc Thành phố Hồ Chí Minh.").is_visible()
    assert "Phường Bến Nghé (Quận 1)" in phone.locator("main").inner_text()
    register = phone.get_by_role("link", name="Gửi danh sách tổ của Phường Sài Gòn")
    assert register.get_attribute("href") == "../../bieu-mau/to/?xa=26740"
    assert register.bounding_box()["height"] >= 44
    phone.screenshot(path=shots / "no-data.png")
    # Small: no theme, one stylesheet shared with every page.
    assert len(urllib.request.urlopen(site_server + "/" + NO_DATA).read()) < 3_000
    phone.get_by_role("link", name="Thành phố Hồ Chí Minh").first.click()
    phone.wait_for_url(re.compile(r"/79-ho-chi-minh/$"))
    assert phone.locator(".cnscd-others").get_by_role("link", name="Phường Sài Gòn").is_visible()


def test_an_old_commune_address_leads_to_its_new_commune(phone, site_server):
    phone.goto(site_server + "/" + OLD_WHOLE)
    phone.wait_for_url(re.compile(re.escape(NO_DATA) + "$"))
    assert phone.get_by_role("heading", level=1).inner_text().endswith("Phường Sài Gòn")


def test_a_split_old_commune_lists_every_candidate(phone, site_server, shots):
    targets = Units.from_dataset(load(SAMPLE)).old_to_new["00019"]
    assert len(targets) == 4
    phone.goto(site_server + "/" + OLD_SPLIT)
    links = phone.locator(".cnscd-targets a")
    assert links.count() == 4
    hrefs = [links.nth(i).get_attribute("href") for i in range(4)]
    assert sorted(re.search(r"/(\d{5})-", h).group(1) for h in hrefs) == sorted(targets)
    phone.screenshot(path=shots / "old-split.png")
    links.first.click()
    phone.wait_for_url(re.compile(r"/01-ha-noi/\d{5}-[a-z-]+/$"))


def test_an_old_commune_missing_from_the_mapping_is_no_dead_end(phone, site_server, shots):
    phone.goto(site_server + "/xa-cu/01651/")  # Xã Mỹ Hưng (Huyện Quảng Hòa): no row in the 2025 mapping
    assert phone.get_by_role("heading", level=1).inner_text().endswith("Xã Mỹ Hưng (Huyện Quảng Hòa)")
    phone.screenshot(path=shots / "old-unknown.png")
    assert serious_violations(phone) == []
    phone.get_by_role("link", name="Tìm xã, phường mới ở trang chủ").click()
    phone.wait_for_url(site_server + "/")
    assert phone.get_by_label("Tìm tổ ở thôn, xã của bạn").is_visible()


def test_ben_nghe_is_found_and_leads_to_its_new_ward(phone, site_server):
    phone.goto(site_server + "/")
    phone.get_by_label("Tìm tổ ở thôn, xã của bạn").fill("ben nghe")
    phone.locator("#cnscd-find-results a", has_text="Phường Bến Nghé (Quận 1)").first.click()
    phone.wait_for_url(re.compile(re.escape(NO_DATA) + "$"))


# ---------------------------------------------------------------- 2. previews

@pytest.mark.parametrize("name", ["home", "province", "commune", "no-data", "old-split", "guide"])
def test_every_page_has_preview_tags(phone, site_server, built_site, name):
    phone.goto(site_server + "/" + PAGES[name])
    meta = phone.evaluate("""() => Object.fromEntries([...document.querySelectorAll('meta[property^="og:"], meta[name^="twitter:"]')]
        .map(m => [m.getAttribute('property') || m.getAttribute('name'), m.content]))""")
    assert meta["og:title"] and meta["og:description"] and meta["twitter:card"] == "summary_large_image"
    site_url = "https://example.github.io/to-cong-nghe-so/"
    assert meta["og:image"].startswith(site_url + "xem-truoc/") and meta["og:image"].endswith(".png")
    assert (built_site / meta["og:image"].removeprefix(site_url)).is_file()
    canonical = phone.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical.startswith(site_url)
    if name in ("commune", "no-data"):
        code = re.search(r"/(\d{5})-", PAGES[name]).group(1)
        assert meta["og:image"] == f"{site_url}xem-truoc/{code}.png"
        assert meta["og:url"] == canonical == site_url + PAGES[name]


# ---------------------------------------------------------------- 3. poster

def _pdf_words(pdf: Path) -> list[tuple[int, str, float, float]]:
    """(page, word, height, bottom) of every word, in PDF points, from poppler's pdftotext."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = []
    for number, page in enumerate(html.split("<page ")[1:], start=1):
        for y_min, y_max, word in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page):
            words.append((number, word, float(y_max) - float(y_min), float(y_max)))
    return words


def _decode_qr(pdf: Path, tmp_path: Path) -> set[str]:
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "sheet")], check=True)
    found = set()
    for image in sorted(tmp_path.glob("sheet*.png")):
        result = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True)
        found |= set(result.stdout.split())
    return found


def _data_date(code: str) -> str:
    from tests.browser.test_posters import _data_date as dated

    return dated(code)


def test_poster_fills_an_a4_sheet_readable_from_two_metres(phone, site_server, tmp_path, shots):
    phone.goto(site_server + "/" + COMMUNE)
    button = phone.get_by_role("button", name="In áp phích")
    assert button.is_visible() and button.bounding_box()["height"] >= 44
    phone.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    button.click()
    assert phone.evaluate("window.printed") == 1
    phone.emulate_media(media="print")
    assert not button.is_visible()
    # Names and phones at 14 pt (18.67 px) or more.
    sizes = phone.locator(".cnscd-teams b, .cnscd-teams a[href^='tel:']").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 18.6, sizes
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(phone.pdf(format="A4", print_background=True))
    assert pdf_pages(pdf.read_bytes()) == 1
    words = _pdf_words(pdf)
    text = "".join(word for _page, word, _h, _b in words)  # a word may come in pieces where the font changes
    dated = "Số liệu ngày " + _data_date("26506")  # the commune's last data change, not the build day
    for expected in ("Phường Vũng Tàu", "Thành phố Hồ Chí Minh", dated, "Dương Kim Bình", "0900 000 166"):
        assert expected.replace(" ", "") in text, expected
    phones = [(height, bottom) for _page, word, height, bottom in words if re.fullmatch(r"0900|000|1\d\d", word)]
    assert phones and min(height for height, _ in phones) >= 14  # glyph boxes of 14 pt text are taller than 14 pt
    assert max(bottom for _, bottom in phones) > 842 * 0.6  # the contacts fill the sheet, not its top third
    assert _decode_qr(pdf, tmp_path) == {"https://example.github.io/to-cong-nghe-so/" + COMMUNE,
                                         "https://zalo.me/g/cnscd26506"}
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(pdf), str(shots / "poster")], check=True)


def test_a_large_commune_prints_several_sheets_each_with_its_headings(phone, site_server, tmp_path):
    phone.goto(serve_large_commune(phone, site_server, 150))
    phone.emulate_media(media="print")
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(phone.pdf(format="A4", print_background=True))
    sheets = pdf_pages(pdf.read_bytes())
    assert sheets >= 2
    for number in range(1, sheets + 1):
        page_text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                                   capture_output=True, text=True, check=True).stdout
        page_text = re.sub(r"\s+", "", page_text)
        assert "PhườngVũngTàu" in page_text and "ThànhphốHồChíMinh" in page_text, number
        assert "Quétđểxemtrangnày" in page_text, number


# ---------------------------------------------------------------- 4. search a phone can see

def test_find_results_show_above_the_keyboard(browser, site_server, shots):
    context = browser.new_context(viewport={"width": 360, "height": 300})  # 640 less an on-screen keyboard
    page = context.new_page()
    page.goto(site_server + "/")
    box = page.get_by_label("Tìm tổ ở thôn, xã của bạn")
    box.click()
    page.keyboard.type("vung tau", delay=20)
    first = page.locator("#cnscd-find-results a").first
    first.wait_for(timeout=5000)
    page.wait_for_timeout(400)
    header = page.locator(".md-header").bounding_box()
    top, result = box.bounding_box(), first.bounding_box()
    assert top["y"] >= header["y"] + header["height"] - 1
    assert result["y"] > top["y"] and result["y"] + result["height"] <= 300, (top, result)
    page.screenshot(path=shots / "find-keyboard.png")
    context.close()


@pytest.mark.parametrize(("typed", "found"), [("tdp 1 vung tau", "Tổ dân phố 1"), ("p. thuc phan", "Phường Thục Phán"),
                                              ("x. phong quang", "Xã Phong Quang")])
def test_find_box_understands_abbreviations(phone, site_server, typed, found):
    phone.goto(site_server + "/")
    phone.get_by_label("Tìm tổ ở thôn, xã của bạn").fill(typed)
    phone.locator("#cnscd-find-results a", has_text=found).first.wait_for(timeout=5000)


def test_top_bar_search_is_for_guides_and_speaks_vietnamese(browser, site_server, built_site):
    import json

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_server + "/")
    box = page.locator("input.md-search__input")
    assert box.get_attribute("placeholder") == "Tìm hướng dẫn"
    assert page.locator(".md-search").get_attribute("aria-label") == "Tìm hướng dẫn"
    box.click()
    page.keyboard.type("thon na rua", delay=20)
    page.wait_for_timeout(1500)
    assert not page.locator('.md-search-result__item a[href*="75-dong-nai/"]').count()
    context.close()
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d for d in index["docs"] if re.match(r"^\d\d-", d["location"])]  # no province, no commune
    for html in built_site.glob("*.html"):
        assert "Initializing search" not in html.read_text(encoding="utf-8")


# ---------------------------------------------------------------- 5. Vietnamese everywhere

@pytest.mark.parametrize("name", list(PAGES))
def test_vietnamese_footer_and_privacy_link_on_every_page(phone, site_server, name, shots):
    phone.goto(site_server + "/" + PAGES[name])
    body = phone.locator("body").inner_text()
    for english in ("Made with", "Material for MkDocs", "Not found", "Permanent link", "Initializing search"):
        assert english not in body, english
    privacy = phone.locator("footer").get_by_role("link", name="Quyền riêng tư")
    assert privacy.count() == 1
    assert privacy.evaluate("a => new URL(a.href).pathname").endswith("/quyen-rieng-tu/")
    phone.screenshot(path=shots / f"{name}.png")


def test_404_page_is_vietnamese(phone, site_server):
    phone.goto(site_server + "/404.html")
    assert phone.get_by_role("heading", level=1).inner_text() == "Không tìm thấy trang này"
    assert phone.locator(".md-header").is_visible()  # the theme's own styles loaded from site_url's path


def test_permalinks_are_labelled_in_vietnamese(phone, site_server):
    phone.goto(site_server + "/dong-gop/")
    titles = phone.locator("a.headerlink").evaluate_all("els => els.map(a => a.title)")
    assert titles and set(titles) == {"Liên kết đến mục này"}


def test_tap_targets_are_44_px(phone, site_server):
    phone.goto(site_server + "/")
    for link in phone.locator(".cnscd-provinces a").all()[:5]:
        assert link.bounding_box()["height"] >= 44
    phone.goto(site_server + "/" + COMMUNE)
    for selector in (".cnscd-teams a.cnscd-zalo", ".cnscd-teams a[href^='tel:']", ".cnscd-crumbs a"):
        links = phone.locator(selector).all()
        assert links, selector
        for link in links:
            link.scroll_into_view_if_needed()
            assert link.bounding_box()["height"] >= 44, selector


def test_percentages_do_not_wrap(phone, site_server):
    phone.goto(site_server + "/79-ho-chi-minh/")
    cells = phone.locator("td", has_text="%")
    assert cells.count() >= 3
    for cell in cells.all():
        text = cell.inner_text()
        assert "\u00a0%" in text
        lines = cell.evaluate("td => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; }")
        assert lines == 1, text


def test_trainings_read_as_lines_on_a_phone(phone, site_server, shots):
    """A training is one item, not a row of four columns: its topic keeps the phone's width (a table squeezed it to
    a word a line, and the place off screen)."""
    phone.goto(site_server + "/" + COMMUNE)
    upcoming = phone.locator("#tap-huan-sap-toi + .cnscd-trainings li").first
    upcoming.scroll_into_view_if_needed()
    assert "25/11/2026" in upcoming.inner_text() and "Hội trường UBND Phường Vũng Tàu" in upcoming.inner_text()
    assert upcoming.bounding_box()["width"] >= 300
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    topic = upcoming.evaluate("li => { const r = document.createRange(); r.setStart(li.firstChild, 0);"
                              " r.setEnd(li.querySelector('br'), 0); return r.getClientRects().length; }")
    assert topic <= 8, topic  # the topic and trainer over a few lines, not one word a line
    phone.screenshot(path=shots / "commune-trainings.png")


def test_jump_to_a_village_on_a_long_page(phone, site_server):
    phone.goto(site_server + "/" + COMMUNE)
    jump = phone.get_by_text("Chọn thôn, tổ dân phố")
    assert jump.is_visible() and jump.bounding_box()["y"] < 640
    jump.click()
    phone.locator(".cnscd-jump").get_by_role("link", name="Tổ dân phố 5").click()
    phone.wait_for_url(re.compile(r"#v26506-005-ten$"))
    assert phone.locator("#v26506-005-ten").is_visible()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(phone, site_server, name):
    phone.goto(site_server + "/" + PAGES[name])
    assert serious_violations(phone) == []


def test_top_bar_search_shows_no_runs_of_unaccented_words(browser, site_server, shots):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(site_server + "/")
    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").click()
    page.keyboard.type("kich hoat", delay=20)
    result = page.locator('.md-search-result__item a[href*="huong-dan/cai-dat-vneid/"]').first
    result.wait_for(timeout=10000)
    shown = page.locator(".md-search-result").inner_text()
    assert "Cài đặt và kích hoạt" in shown
    assert "cai dat va" not in shown and "dinh danh dien tu" not in shown  # found by them, never shown
    page.screenshot(path=shots / "top-bar-search.png")
    context.close()
