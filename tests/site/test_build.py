"""The whole `cnscd build` on the sample: layout, budgets, search exclusion, refusal on errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from cnscd.site import build, communefiles, render
from tests.conftest import ROOT, SAMPLE, TODAY, run_cli
from tests.datautil import edit
from tests.site.conftest import commune, large_commune, province

COMMUNE = "79-ho-chi-minh/26506-phuong-vung-tau/"


def test_commune_page_and_its_files(built_site):
    folder = built_site / COMMUNE
    assert {p.name for p in folder.iterdir()} == {"index.html", "qr.svg", "zalo.svg", "van-ban"}
    assert (folder / "qr.svg").read_text(encoding="utf-8").startswith("<?xml")
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert '<span class="cnscd-kicker">Tổ Công nghệ số cộng đồng</span> Phường Vũng Tàu</h1>' in html
    assert 'href="tel:+84900000166"' in html


def test_commune_page_links_its_rows_in_the_province_zip(built_site, derived):
    """mkdocs.yml offers no CSV per commune (communefiles.py): the page links to its province's zip, which holds
    exactly the rows the commune's own CSV would."""
    import csv
    import io
    import zipfile

    from cnscd.site import downloads

    html = (built_site / COMMUNE / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([^"]+\.(?:csv|zip))" download>([^<]+)</a>', html) == [
        ("../to-cnscd-79.zip", "Tải danh sách tổ của Thành phố Hồ Chí Minh, gồm Phường Vũng Tàu (CSV trong tệp nén ZIP)")]
    with zipfile.ZipFile(built_site / COMMUNE / "../to-cnscd-79.zip") as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("to-cnscd-79.csv").decode("utf-8-sig"))))
    own = list(csv.DictReader(io.StringIO(downloads.to_csv(list(downloads.commune_rows(
        province(derived, "79"), commune(derived, "26506")))).lstrip("\ufeff"))))
    assert own and [row for row in rows if row["commune_code"] == "26506"] == own
    listing = (built_site / "du-lieu-mo" / "index.html").read_text(encoding="utf-8")
    assert "trang của mỗi xã, phường dẫn tới danh sách của tỉnh mình" in listing and "mở ngay trên điện thoại" not in listing


def test_commune_page_offers_its_documents_and_its_forms(built_site):
    """The decision draft and latest report (Word: mkdocs.yml offers no Excel copy) are downloadable from the page,
    and each form opens for this commune."""
    folder = built_site / COMMUNE
    html = (folder / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(van-ban/[^"]+)"', html)
    assert len(links) == 2 and {Path(link).suffix for link in links} == {".docx"}
    assert sorted(p.name for p in (folder / "van-ban").iterdir()) == sorted(Path(link).name for link in links)
    assert all((folder / link).is_file() and (folder / link).stat().st_size > 1000 for link in links)
    assert "(Excel)" not in html
    for form in ("to", "bao-cao", "go-so"):
        target = f"../../bieu-mau/{form}/?xa=26506"
        assert f'href="{target}"' in html
        assert (folder / "../../bieu-mau" / form / "index.html").resolve().is_file()


def test_commune_page_within_60_kb(built_site):
    sizes = {p: p.stat().st_size for p in built_site.glob("[0-9][0-9]-*/[0-9][0-9][0-9][0-9][0-9]-*/index.html")}
    assert len(sizes) == 3321  # every 2025 commune has a page, with data (15 in the sample) or not
    assert max(sizes.values()) <= 60 * 1024, max(sizes.items(), key=lambda item: item[1])


@pytest.mark.parametrize(("villages", "pages"), [(30, 1), (50, 1), (150, 4), (170, 4)])
def test_large_communes_fit_60_kb_with_the_theme(built_site, sample_context, derived, villages, pages, tmp_path):
    """Material's chrome is measured on the built sample page; synthetic communes are rendered in memory.
    (The dashboard's own cost on large communes: tests/site/test_charts.py.)"""
    from cnscd.documents import site as documents_site
    from cnscd.figures import compute
    from cnscd.history.log import read_history
    from cnscd.site import dashboards

    p, c = province(derived, "79"), commune(derived, "26506")
    url = build.read_config(ROOT / "mkdocs.yml")["site_url"] + render.commune_path(p, c)
    built = (built_site / COMMUNE / "index.html").read_text(encoding="utf-8")
    figures = compute(sample_context, derived)
    boards = dashboards.Boards(figures, read_history(SAMPLE, sample_context.units))
    files, _ = communefiles.from_config(build.read_config(ROOT / "mkdocs.yml"))
    documents = documents_site.write_commune_documents(sample_context, derived, tmp_path / "docs", tmp_path / "cache",
                                                       figures=figures, kinds=files).links
    board = {**boards.commune("79", "26506"), "documents": documents["26506"],
             "teams_csv": communefiles.TEAMS_CSV in files}
    fragment = render.html_block(render.render_commune(derived, p, c, url, board=board))
    assert fragment in built
    theme = len(built.encode()) - len(fragment.encode())
    assert theme <= render.THEME_ALLOWANCE, theme
    rendered = render.render_commune_pages(derived, p, large_commune(derived, villages), url)
    sizes = {path: theme + len(render.html_block(html).encode()) for path, html in rendered.items()}
    assert len(sizes) == pages and max(sizes.values()) <= 60 * 1024, sizes


def test_commune_pages_are_out_of_search_and_nav(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"].split("#")[0] for doc in index["docs"]}
    assert not [loc for loc in locations if re.match(r"^\d\d-[a-z-]+/\d{5}-", loc)]
    assert "huong-dan/cai-dat-vneid/" in locations
    home = (built_site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('class="md-nav md-nav--primary"'):home.index("</nav>", home.index('class="md-nav md-nav--primary"'))]
    assert "26506" not in nav and "Hướng dẫn" in nav


def test_guides_are_searchable_without_diacritics(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    guide = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("huong-dan/cai-dat-vneid/"))
    assert "kich hoat" in guide and "dinh danh dien tu" in guide


def test_no_request_leaves_the_site(built_site):
    for path in [built_site / "index.html", built_site / COMMUNE / "index.html"]:
        html = path.read_text(encoding="utf-8")
        loaded = re.findall(r'<(?:script|img|link|iframe)\b[^>]*\b(?:src|href)="([^"]+)"', html)
        external = [url for url in loaded if re.match(r"(https?:)?//", url) and "rel=\"canonical\"" not in url]
        assert [u for u in external if not u.startswith("https://example.github.io/")] == [], path
        assert "fonts.googleapis" not in html


def test_old_commune_address_leads_to_the_new_commune(built_site):
    html = (built_site / "xa-cu" / "26508" / "index.html").read_text(encoding="utf-8")
    assert f'content="0; url=../../{COMMUNE}"' in html
    assert (built_site / "xa-cu" / "26508" / "../.." / COMMUNE / "index.html").resolve().is_file()




def test_build_refuses_invalid_data(data_copy, tmp_path):
    edit(data_copy, "provinces/79-ho-chi-minh/members.csv", "member_id", "M79-000003", phone="0900000999")
    result = run_cli("build", "--data", str(data_copy), "--site-dir", str(tmp_path / "site"),
                     "--today", TODAY.isoformat(), "--config", str(ROOT / "mkdocs.yml"))
    assert result.returncode == 1
    assert "phone-without-consent" in result.stdout
    assert "provinces/79-ho-chi-minh/members.csv:4 [phone]" in result.stdout
    assert not (tmp_path / "site").exists()


def test_build_refuses_a_guide_with_bad_front_matter(tmp_path):
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    guide = tmp_path / "docs" / "huong-dan" / "cai-dat-vneid.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("pillar: government\n", ""), encoding="utf-8")
    with pytest.raises(build.BuildRefused) as refused:
        build.build_site(ROOT / "data", tmp_path / "site", today=TODAY, config_path=tmp_path / "mkdocs.yml")
    assert [(f.file, f.field, f.code) for f in refused.value.findings] == [
        ("docs/huong-dan/cai-dat-vneid.md", "pillar", "guide-field-missing")]


def test_nav_keeps_only_pages_that_exist(tmp_path: Path):
    (tmp_path / "index.md").write_text("x", encoding="utf-8")
    nav = [{"Trang chủ": "index.md"}, {"Gửi biểu mẫu": "bieu-mau/index.md"}, {"Nhóm": [{"A": "a.md"}]},
           {"Ngoài": "https://example.org/"}]
    assert build.prune_nav(nav, tmp_path) == [{"Trang chủ": "index.md"}, {"Ngoài": "https://example.org/"}]


def test_engine_config_keeps_python_tags(tmp_path):
    config = build.read_config(ROOT / "mkdocs.yml")
    text = build.yaml.dump(build.engine_config(config, tmp_path / "docs", tmp_path / "site", ROOT),
                           Dumper=build._Dumper, allow_unicode=True)
    assert "!!python/name:cnscd.site.guides.heading_slug" in text
    assert f"docs_dir: {tmp_path / 'docs'}" in text


def test_form_pages_get_the_configured_repository(built_site, tmp_path) -> None:
    from cnscd.site.build import REPOSITORY_PLACEHOLDER, fill_settings

    page = (built_site / "bieu-mau" / "to" / "index.html").read_text(encoding="utf-8")
    assert REPOSITORY_PLACEHOLDER not in page
    assert 'data-issue-url="https://github.com/example/to-cong-nghe-so/issues/new"' in page
    (tmp_path / "a.md").write_text(f'<form data-issue-url="{REPOSITORY_PLACEHOLDER}/issues/new">', encoding="utf-8")
    fill_settings(tmp_path, {"extra": {"repository": 'https://github.com/o/r"><script>'}})
    assert (tmp_path / "a.md").read_text(encoding="utf-8") == (
        '<form data-issue-url="https://github.com/o/r&quot;&gt;&lt;script&gt;/issues/new">')
    with pytest.raises(ValueError, match=r"extra\.repository"):
        fill_settings(tmp_path, {"extra": {"repository": "javascript:alert(1)"}})
