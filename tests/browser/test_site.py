"""The built site in real headless Chromium (Debian's, via the conftest fixtures) on a 360×640 phone."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from cnscd.checks import Context
from cnscd.derive import derive
from cnscd.load import load
from cnscd.site import build, render
from tests.conftest import ROOT, SAMPLE, TODAY

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 640}
COMMUNE = "79-ho-chi-minh/26506-phuong-vung-tau/"
PHONE_TEXT = re.compile(r"^0\d{3} \d{3} \d{3}$")


def test_home_to_province_to_commune_finds_a_leader_phone(page, site_server):
    page.goto(site_server + "/")
    page.get_by_role("link", name="Thành phố Hồ Chí Minh").first.click()
    page.wait_for_url(re.compile(r"/79-ho-chi-minh/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Thành phố Hồ Chí Minh"
    page.get_by_role("link", name="Phường Vũng Tàu").first.click()
    page.wait_for_url(re.compile(r"/26506-phuong-vung-tau/$"))
    leader = page.locator("#t79-0002 li", has_text="Tổ trưởng")
    tel = leader.locator('a[href^="tel:"]')
    tel.scroll_into_view_if_needed()
    assert tel.is_visible()
    assert PHONE_TEXT.match(tel.inner_text())
    assert tel.get_attribute("href") == "tel:+84900000166"


def test_contacts_readable_without_javascript(browser, site_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site_server + "/" + COMMUNE)
    links = page.locator('.cnscd-teams a[href^="tel:"]')
    assert links.count() >= 7
    assert links.first.is_visible()
    assert page.get_by_text("Dương Kim Bình").first.is_visible()
    context.close()


@pytest.mark.parametrize(("typed", "shown", "commune_path"), [
    ("thon khuoi kep phong quang", "Thôn Khuổi Kép", "/19-thai-nguyen/01849-xa-phong-quang/"),
    ("vung tau", "Phường Vũng Tàu", "/" + COMMUNE),
    ("thuc phan", "Phường Thục Phán", "/04-cao-bang/01273-phuong-thuc-phan/"),
])
def test_find_your_village_without_diacritics(page, site_server, typed, shown, commune_path):
    page.goto(site_server + "/")
    page.get_by_label("Tìm tổ ở thôn, xã của bạn").fill(typed)
    result = page.locator("#cnscd-find-results a", has_text=shown).first
    result.click()
    page.wait_for_url(re.compile(re.escape(commune_path) + "(#.*)?$"))
    assert page.locator(".cnscd-commune h1, .cnscd-teams").get_by_text(shown).first.is_visible()


def test_find_box_keeps_up_while_typing(page, site_server):
    page.goto(site_server + "/")
    box = page.get_by_label("Tìm tổ ở thôn, xã của bạn")
    box.click()
    shards: list[str] = []
    page.on("request", lambda request: shards.append(request.url) if "/tim-kiem/s/" in request.url else None)
    for typed in ("thu", "thuc", "thuc phan"):
        box.fill(typed)
        page.locator("#cnscd-find-results a", has_text="Phường Thục Phán").first.wait_for(timeout=5000)
    page.locator("#cnscd-find-results a", has_text="Phường Thục Phán").first.click()
    page.wait_for_url(re.compile(r"/04-cao-bang/01273-phuong-thuc-phan/$"))
    assert shards and all(url.endswith(".json") for url in shards)


# At the sample's scale only the words that name a kind of place are common ("tổ", "dân" become common
# nationally; tests/site/test_search.py checks that with a smaller budget).
@pytest.mark.parametrize("typed", ["thon", "khu pho 5", "xa phuong"])
def test_find_box_asks_for_more_than_common_words(page, site_server, typed):
    shards: list[str] = []
    page.on("request", lambda request: shards.append(request.url) if "/tim-kiem/s/" in request.url else None)
    page.goto(site_server + "/")
    page.get_by_label("Tìm tổ ở thôn, xã của bạn").fill(typed)
    status = page.get_by_role("status")
    status.get_by_text("Gõ thêm tên xã, phường hoặc tỉnh để thu hẹp kết quả.").wait_for(timeout=5000)
    assert page.locator("#cnscd-find-results li").count() == 0
    assert shards == []


@pytest.mark.parametrize(("typed", "found"), [("cao bang", "Tỉnh Cao Bằng"), ("nguyen", "Nguyễn")])
def test_find_box_folds_diacritics(page, site_server, typed, found):
    page.goto(site_server + "/")
    page.get_by_label("Tìm tổ ở thôn, xã của bạn").fill(typed)
    page.locator("#cnscd-find-results a", has_text=found).first.wait_for(timeout=5000)
    assert page.get_by_role("status").inner_text().startswith("Có ")


@pytest.mark.parametrize(("typed", "guide"), [("kich hoat dinh danh", "cai-dat-vneid"),
                                              ("huong dan nop ho so", "nop-ho-so-dich-vu-cong"),
                                              ("nong san", "ban-hang-postmart")])
def test_site_search_finds_guides_without_diacritics(browser, site_server, typed, guide):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site_server + "/")
    box = page.locator("input.md-search__input")
    box.click()
    result = page.locator(f'.md-search-result__item a[href*="huong-dan/{guide}/"]').first
    page.keyboard.type(typed, delay=20)  # Material listens to key presses, not to a programmatic fill
    result.wait_for(timeout=10000)
    assert page.locator(".md-search-result__meta").inner_text() != "Nhập để bắt đầu tìm kiếm"
    context.close()


def test_guide_page_renders(page, site_server):
    page.goto(site_server + "/huong-dan/cai-dat-vneid/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Cài đặt và kích hoạt")
    assert page.locator("h2#chuan-bi").is_visible()
    assert page.locator(".cnscd-guide-body table").count() == 1
    assert not page.locator(".cnscd-folded").is_visible()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """A site built from docs with a guide that tries to run script."""
    project = tmp_path_factory.mktemp("hostile")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    (project / "docs" / "huong-dan" / "doc-hai.md").write_text(
        "---\ntitle: Hướng dẫn có mã độc\nplatform: VNeID\npillar: society\naudience: Người dân\n"
        "author: Nguyễn Văn A\nreviewed_on: 2026-01-01\n---\n\n## Bước 1\n\n<script>window.pwned = 1</script>\n\n"
        '<img src="x" onerror="window.pwned = 2">\n\n[bấm](javascript:window.pwned=3)\n\nNội dung an toàn.\n',
        encoding="utf-8")
    site = project / "site"
    build.build_site(SAMPLE, site, today=TODAY, config_path=project / "mkdocs.yml")
    return site


def test_script_in_a_guide_does_not_run(browser, hostile_site):
    page = browser.new_page(viewport=PHONE)
    page.goto((hostile_site / "huong-dan" / "doc-hai" / "index.html").as_uri())
    assert page.get_by_text("Nội dung an toàn.").is_visible()
    page.get_by_text("bấm").click()
    assert page.evaluate("window.pwned") is None
    page.close()


def test_script_in_a_data_field_does_not_run(browser):
    dataset = load(SAMPLE)
    team = next(t for t in dataset.rows("teams") if t["team_id"] == "T79-0002")
    team.data["name"] = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    derived = derive(Context(dataset, TODAY))
    province = next(p for p in derived.provinces if p.code == "79")
    commune = next(c for c in province.communes if c.code == "26506")
    page = browser.new_page(viewport=PHONE)
    page.set_content(render.render_commune(derived, province, commune, "https://example.org/"))
    assert page.locator(".cnscd-teams h3").first.inner_text().startswith("<script>window.pwned = 1</script>")
    assert page.evaluate("window.pwned") is None
    page.close()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_print_media_turns_the_page_into_a_one_page_poster(page, site_server):
    page.goto(site_server + "/" + COMMUNE)
    assert not page.locator(".cnscd-qr").first.is_visible()
    assert page.locator(".cnscd-more").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".cnscd-qr").first.is_visible() and page.locator(".cnscd-qr-zalo").is_visible()
    for hidden in (".cnscd-more", ".cnscd-crumbs", ".md-header", "#thon-to-dan-pho", ".cnscd-jump"):
        assert not page.locator(hidden).is_visible(), hidden
    teams = page.locator(".cnscd-teams")
    assert teams.evaluate("e => getComputedStyle(e).columnCount") == "2"
    poster = teams.inner_text()
    assert "Tổ trưởng Dương Kim Bình 0900 000 166" in poster and "Tổ dân phố 6" in poster  # positions stay on screen
    # Paper cannot be clicked: the Zalo group's address is printed instead of the link text.
    zalo = page.locator('.cnscd-teams a[href="https://zalo.me/g/cnscd26506"]')
    assert zalo.evaluate("a => getComputedStyle(a, '::after').content") == '"Zalo: https://zalo.me/g/cnscd26506"'
    for img in page.locator(".cnscd-qr img").all():
        assert img.evaluate("img => img.complete && img.naturalWidth > 0")
    assert pdf_pages(page.pdf(format="A4")) == 1


def _fulfill(route, body: str | bytes, content_type: str) -> None:
    route.fulfill(body=body, content_type=content_type)


def serve_large_commune(page, site_server, villages: int, long_names: bool = True) -> str:
    """The built sample page with a synthetic commune of `villages` villages in place of its content."""
    import urllib.request

    from tests.site.conftest import large_commune

    derived = derive(Context(load(SAMPLE), TODAY))
    province = next(p for p in derived.provinces if p.code == "79")
    sample = next(c for c in province.communes if c.code == "26506")
    url = "https://example.github.io/to-cong-nghe-so/" + COMMUNE
    built = urllib.request.urlopen(site_server + "/" + COMMUNE).read().decode()
    article = re.compile(r'(<article class="md-content__inner md-typeset">).*?(</article>)', re.DOTALL)
    assert article.search(built) and sample.name in article.search(built).group(0)
    pages = render.render_commune_pages(derived, province, large_commune(derived, villages, long_names), url)
    address = site_server + "/79-ho-chi-minh/99999-xa-lon/"
    for path, html in pages.items():
        body = article.sub(lambda found, html=html: found.group(1) + render.html_block(html) + found.group(2), built)
        if path:  # a part sits one folder deeper: its links to the theme's files go one level further up
            body = body.replace('="../../', '="../../../')
        page.route(address + path, functools.partial(_fulfill, body=body, content_type="text/html"))
    for name in ("qr.svg", "zalo.svg"):
        qr = urllib.request.urlopen(site_server + "/" + COMMUNE + name).read()
        page.route(address + name, functools.partial(_fulfill, body=qr, content_type="image/svg+xml"))
    return address


@pytest.mark.parametrize(("villages", "long_names", "sheets"), [(30, False, 4), (30, True, 4), (150, True, 11)])
def test_poster_of_a_large_commune(page, site_server, villages, long_names, sheets):
    """Names and phones at 14 pt (readable from two metres): a commune of 30 villages, even with very long
    names, prints on four A4 sheets; 150 villages print one entry each (a phone and the Zalo group) on eleven."""
    page.goto(serve_large_commune(page, site_server, villages, long_names))
    page.emulate_media(media="print")
    assert page.locator(".cnscd-teams").get_by_text("Khu phố Phước Thắng 29").is_visible()
    assert pdf_pages(page.pdf(format="A4")) == sheets


def test_large_commune_without_javascript_and_accessible(browser, site_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    address = serve_large_commune(page, site_server, 150)
    page.goto(address + "#v26506-120-ten")
    line = page.locator("#v26506-120-ten")
    assert line.locator('a[href^="tel:"]').inner_text() == "0900 000 171"
    line.get_by_role("link", name="Khu phố Phước Thắng 120").click()
    page.wait_for_url(re.compile(r"/chi-tiet-3/#t79-0120$"))
    assert page.locator("#t79-0120").get_by_text("Bí thư chi bộ kiêm trưởng khu phố").is_visible()
    context.close()
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    address = serve_large_commune(page, site_server, 150)
    for path in ("", "chi-tiet-1/"):
        page.goto(address + path)
        assert serious_violations(page) == [], path
    context.close()


def serious_violations(page) -> list:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", ["", "79-ho-chi-minh/", COMMUNE, "huong-dan/cai-dat-vneid/", "huong-dan/"])
def test_no_serious_accessibility_violations(page, site_server, path):
    page.goto(site_server + "/" + path)
    assert serious_violations(page) == []
