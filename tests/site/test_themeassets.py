"""The theme's unused files leave the site: source maps and other languages' search packs, never what search loads."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import material

from cnscd.site import themeassets

THEME_ASSETS = Path(material.__file__).parent / "templates" / "assets"


def _site(tmp_path: Path, languages: list[str] | None) -> Path:
    """A site folder holding Material's own assets as the engine copies them, and a search index for `languages`."""
    site = tmp_path / "site"
    shutil.copytree(THEME_ASSETS, site / "assets")
    if languages is not None:
        (site / "search").mkdir()
        (site / "search" / "search_index.json").write_text(json.dumps({"config": {"lang": languages}, "docs": []}))
    return site


def _files(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}


def test_maps_and_other_languages_go_and_the_sites_languages_stay(tmp_path: Path) -> None:
    site = _site(tmp_path, ["vi", "en"])
    before = _files(site)
    freed = themeassets.drop_unused(site)
    after = _files(site)
    lunr = {name.removeprefix("assets/javascripts/lunr/") for name in after if name.startswith("assets/javascripts/lunr/")}
    assert lunr == {"min/lunr.vi.min.js", "min/lunr.multi.min.js", "min/lunr.stemmer.support.min.js"}
    assert not [name for name in after if name.endswith(".map")]
    gone = before - after
    assert {name for name in gone if name.endswith(".map")} and "assets/javascripts/lunr/min/lunr.fr.min.js" in gone
    assert freed == sum((THEME_ASSETS / name.removeprefix("assets/")).stat().st_size for name in gone) > 1_000_000
    # Everything else the theme ships stays: its scripts, stylesheets, the search worker, images.
    assert {name for name in gone if not name.endswith(".map") and "/lunr/" not in name} == set()


def test_each_language_keeps_the_packs_the_search_worker_loads_for_it() -> None:
    assert themeassets.search_packs(["en"]) == set()
    assert themeassets.search_packs(["ja"]) == {"tinyseg.js", "min/lunr.ja.min.js", "min/lunr.stemmer.support.min.js"}
    assert themeassets.search_packs(["th", "en"]) == {"wordcut.js", "min/lunr.th.min.js", "min/lunr.multi.min.js",
                                                       "min/lunr.stemmer.support.min.js"}
    packs = {path.relative_to(THEME_ASSETS / "javascripts" / "lunr").as_posix()
             for path in (THEME_ASSETS / "javascripts" / "lunr").rglob("*") if path.is_file()}
    for language in ("vi", "ja", "hi", "th", "de", "zh"):
        assert themeassets.search_packs([language, "en"]) <= packs, language  # names the files Material ships


def test_a_site_without_search_keeps_no_pack(tmp_path: Path) -> None:
    site = _site(tmp_path, None)
    themeassets.drop_unused(site)
    assert not (site / "assets" / "javascripts" / "lunr").exists() or not any(
        path.is_file() for path in (site / "assets" / "javascripts" / "lunr").rglob("*"))
    assert (site / "assets" / "javascripts" / "workers").is_dir()


def test_the_built_site_has_no_source_map_and_only_vietnamese_and_english_search(built_site: Path) -> None:
    assert not list((built_site / "assets").rglob("*.map"))
    lunr = built_site / "assets" / "javascripts" / "lunr"
    assert {path.relative_to(lunr).as_posix() for path in lunr.rglob("*") if path.is_file()} == {
        "min/lunr.vi.min.js", "min/lunr.multi.min.js", "min/lunr.stemmer.support.min.js"}
