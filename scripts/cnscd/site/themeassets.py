"""The theme's files that no visitor's browser asks for, taken out of the built site after the engine runs.

Material copies its source maps (read only by a developer's tools) and the search language packs of all 32
languages it supports, while the site searches in the languages `plugins.search.lang` names: 2.2 MB of a national
site that every deployment would carry. Which packs the search worker loads is Material's rule (its
`search.*.min.js`: `lunr.<lang>.min.js` for each language but English, `lunr.multi` for more than one,
`lunr.stemmer.support` for any, `tinyseg.js` for ja, `wordcut.js` for hi and th); the browser test of the top-bar
search fails when a pack it needs is gone.
"""

from __future__ import annotations

import json
from pathlib import Path

LUNR = Path("assets/javascripts/lunr")


def search_packs(languages: list[str]) -> set[str]:
    """The files under `lunr/` that Material's search worker loads for these languages."""
    needed = {f"min/lunr.{lang}.min.js" for lang in languages if lang != "en"}
    if len(languages) > 1:
        needed.add("min/lunr.multi.min.js")
    if needed:
        needed.add("min/lunr.stemmer.support.min.js")
    if "ja" in languages:
        needed.add("tinyseg.js")
    if {"hi", "th"} & set(languages):
        needed.add("wordcut.js")
    return needed


def unused(site_dir: Path) -> list[Path]:
    """Source maps under assets/, and the search packs the site's languages do not load (all of them when the
    site has no search index). Sorted, for a stable report."""
    site_dir = Path(site_dir)
    found = sorted(path for path in (site_dir / "assets").rglob("*.map") if path.is_file())
    index = site_dir / "search" / "search_index.json"
    languages = json.loads(index.read_text(encoding="utf-8"))["config"]["lang"] if index.is_file() else []
    keep = search_packs(languages)
    lunr = site_dir / LUNR
    if lunr.is_dir():
        found += sorted(path for path in lunr.rglob("*") if path.is_file()
                        and path.relative_to(lunr).as_posix() not in keep)
    return found


def drop_unused(site_dir: Path) -> int:
    """Remove what `unused` lists; returns the bytes freed."""
    freed = 0
    for path in unused(site_dir):
        freed += path.stat().st_size
        path.unlink()
    return freed
