"""Commune pages put into the theme's shell (site/shell.py): the shell gives back the engine's pages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from cnscd.site import render, shell

BASE = "https://example.org/site/"


def _engine_page(page: shell.Page, raw_description: bool = False) -> str:
    """What a theme prints for a page: the values in several places, some escaped, around the content."""
    values = page.values()
    description = shell.render._plain(page.description) if raw_description else values["description"]
    return (f'<!doctype html><html><head><title>{values["title"]} - Site</title>'
            f'<meta name="description" content="{description}">'
            f'<link rel="canonical" href="{BASE}{page.path}">'
            f'<meta property="og:title" content="{values["title"]}">'
            f'<meta property="og:image" content="{BASE}{page.image}"></head>'
            f'<body><header>{values["title"]}</header><article>{page.content}</article>'
            f'<footer>© Site</footer></body></html>')


def _page(code: str, name: str, content: str = "") -> shell.Page:
    return shell.Page(f"79-ho-chi-minh/{code}-{name.lower().replace(' ', '-')}/", f"Tổ CNSCĐ {name}, TP HCM",
                      f"Ai giúp người dân ở {name}: tổ trưởng.", f"xem-truoc/{code}.png",
                      content or f"<div><h2>Các tổ ở {name}</h2><p>Tổ CNSCĐ {name}, TP HCM</p></div>")


def test_a_shell_made_from_one_page_gives_another_page_exactly():
    first, second = _page("26506", "Phuong Vung Tau"), _page("26526", "Phuong Tam Thang")
    made = shell.make_shell(_engine_page(first), first)
    assert made is not None
    assert made.fill(first) == _engine_page(first)
    assert made.fill(second) == _engine_page(second)
    # The title inside the content is content, not a slot: the other page keeps its own words.
    assert "Các tổ ở Phuong Tam Thang" in made.fill(second) and "Vung Tau" not in made.fill(second)


def test_values_are_escaped_as_the_theme_escapes_them():
    first, odd = _page("26506", "Phuong Vung Tau"), _page("26527", "Xa O'Lac")
    made = shell.make_shell(_engine_page(first), first)
    filled = made.fill(odd)
    assert "Xa O&#39;Lac, TP HCM - Site" in filled and "O'Lac, TP HCM - Site" not in filled
    assert filled == _engine_page(odd)


def test_no_shell_when_the_content_is_not_found_once():
    first = _page("26506", "Phuong Vung Tau")
    changed = _engine_page(first).replace("<h2>", "<h2 id='x'>")  # as Markdown would change a block
    assert shell.make_shell(changed, first) is None
    twice = _engine_page(first).replace("</article>", first.content + "</article>")
    assert shell.make_shell(twice, first) is None


def test_verified_shell_refuses_a_theme_that_prints_a_value_it_cannot_follow(tmp_path: Path):
    first, second = _page("26506", "Phuong Vung Tau"), _page("26526", "Phuong Tam Thang")
    for page, text in ((first, _engine_page(first)), (second, _engine_page(second))):
        (tmp_path / page.path).mkdir(parents=True)
        (tmp_path / page.path / "index.html").write_text(text, encoding="utf-8")
    assert shell.verified_shell(tmp_path, first, second) is not None
    # A theme that printed the description unescaped somewhere: an apostrophe page would differ.
    odd = _page("26527", "Xa O'Lac")
    (tmp_path / odd.path).mkdir(parents=True)
    (tmp_path / odd.path / "index.html").write_text(_engine_page(odd, raw_description=True), encoding="utf-8")
    assert shell.verified_shell(tmp_path, first, odd) is None


def test_spliced_pages_are_in_the_sitemap(tmp_path: Path):
    (tmp_path / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset>\n    <url>\n         <loc>https://example.org/site/</loc>\n'
        '         <lastmod>2026-11-25</lastmod>\n    </url>\n</urlset>', encoding="utf-8")
    shell.add_to_sitemap(tmp_path, BASE, [_page("26526", "Phuong Tam Thang")])
    text = (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/site/79-ho-chi-minh/26526-phuong-tam-thang/</loc>\n" \
           "         <lastmod>2026-11-25</lastmod>" in text
    assert gzip.decompress((tmp_path / "sitemap.xml.gz").read_bytes()).decode() == text


def test_every_commune_page_of_the_sample_is_a_whole_theme_page(built_site: Path, derived):
    sitemap = (built_site / "sitemap.xml").read_text(encoding="utf-8")
    shells = set()
    for province_facts in derived.provinces:
        for commune_facts in province_facts.communes:
            path = render.commune_path(province_facts, commune_facts)
            text = (built_site / path / "index.html").read_text(encoding="utf-8")
            title = f"Tổ CNSCĐ {commune_facts.name}, {province_facts.name}"
            assert f"<title>{title} - " in text
            assert re.search(rf'<meta property="og:url" content="[^"]*/{re.escape(path)}">', text), path
            assert f'xem-truoc/{commune_facts.code}.png"' in text
            assert f"/{path}</loc>" in sitemap, path
            # Everything outside the article, with this page's values taken out, is one shell for all.
            outside = text[:text.index('<article')] + text[text.index('</article>'):]
            for value in (title, path, f"{commune_facts.code}.png",
                          f"Ai giúp người dân dùng dịch vụ số ở {commune_facts.name}"):
                outside = outside.replace(value, "")
            shells.add(outside)
    assert len(shells) == 1


def _tiny_project(tmp_path: Path, name: str, pages: list[shell.Page]) -> tuple[Path, Path, Path]:
    """A real MkDocs + Material project with this site's theme and the given commune pages."""
    import yaml

    from cnscd.site import build
    from tests.conftest import ROOT

    docs, site = tmp_path / name / "docs", tmp_path / name / "site"
    (docs / "index.md").parent.mkdir(parents=True)
    (docs / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    for page in pages:
        (docs / page.path).mkdir(parents=True)
        (docs / page.path / "index.md").write_text(render.page(
            {"title": page.title, "description": page.description, "image": page.image,
             "search": {"exclude": True}, "hide": ["navigation", "toc"]}, page.content), encoding="utf-8")
    config = build.engine_config(build.read_config(ROOT / "mkdocs.yml"), docs, site, ROOT)
    config_file = tmp_path / name / "mkdocs.yml"
    config_file.write_text(yaml.dump(config, Dumper=build._Dumper, allow_unicode=True, sort_keys=False),
                           encoding="utf-8")
    return config_file, docs, site


def test_the_build_splices_pages_that_equal_what_mkdocs_writes(tmp_path: Path):
    from cnscd.site import build

    pages = [_page("26506", "Phuong Vung Tau"), _page("26526", "Phuong Tam Thang"), _page("26527", "Xa O'Lac"),
             _page("26536", "Phuong Rach Dua", "<div><h2>Tổ</h2><table><tr><td>Thôn 1 &amp; 2</td></tr></table></div>"),
             _page("26539", "Phuong Tan Hung")]
    config_file, docs, site = _tiny_project(tmp_path, "spliced", pages)
    from tests.conftest import ROOT

    site_url = build.read_config(ROOT / "mkdocs.yml")["site_url"]
    # Five pages: the first two give the shell, the one with an apostrophe goes through the engine.
    assert shell.escape_free(pages[0]) and not shell.escape_free(pages[2])
    assert build.run_engine_spliced(config_file, "mkdocs", docs, site, pages, tmp_path / "held", site_url) == 2
    assert all((docs / page.path / "index.md").is_file() for page in pages)  # the pages are given back
    engine_file, _engine_docs, engine_site = _tiny_project(tmp_path, "engine", pages)
    build.run_engine(engine_file, "mkdocs")
    for page in pages:
        assert (site / page.path / "index.html").read_bytes() == (engine_site / page.path / "index.html").read_bytes()
    locations = re.findall(r"<loc>([^<]*)</loc>", (site / "sitemap.xml").read_text(encoding="utf-8"))
    assert sorted(locations) == sorted(re.findall(r"<loc>([^<]*)</loc>",
                                                  (engine_site / "sitemap.xml").read_text(encoding="utf-8")))
