"""The generated pages: home, guides, each province and commune (with their downloads and QR codes).

`build.py` runs them; `cnscd serve` re-renders single pages with them after an edit.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from .. import datespan
from ..checks import Context
from ..derive import CommuneFacts, Derived, ProvinceFacts
from ..units import Units
from . import communefiles, dashboards, downloads, forks, guides, qrcodes, render, reuse, search, shell, standalone

ASSETS = "assets/cnscd"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


FIND_MARKER, HOME_MARKER = "<!-- cnscd:find -->", "<!-- cnscd:home -->"


# The home page says which day its figures are as of, yet the national pages are reused on every day their figures
# hold for (reuse.py): the build writes this mark in their place, and `stamp_day` puts the day in before the engine.
DAY_MARK = "@@cnscd-build-day@@"


def write_home(docs: Path, derived: Derived, total_communes: int, day_text: str | None = None) -> None:
    """The hand-written home text with the search box and national figures put in at their markers."""
    source = docs / "index.md"
    text = source.read_text(encoding="utf-8") if source.is_file() else "# Tổ Công nghệ số cộng đồng\n"
    fragments = render.render_home(derived, total_communes, day_text)
    for marker, fragment in zip((FIND_MARKER, HOME_MARKER), fragments, strict=True):
        block = "\n" + render.html_block(fragment) + "\n"
        text = text.replace(marker, block) if marker in text else text.rstrip() + "\n\n" + block
    _write(source, text)


def stamp_day(docs: Path, today: dt.date) -> None:
    """Put the build's day where the home page has `DAY_MARK`, in a new file: a linked bundle stays as it is."""
    source = docs / "index.md"
    text = source.read_text(encoding="utf-8") if source.is_file() else ""
    if DAY_MARK in text:
        partial = source.with_name(f"index.md.{os.getpid()}.part")
        partial.write_text(text.replace(DAY_MARK, render.date_vi(today)), encoding="utf-8")
        os.replace(partial, source)


def communes_without_data(derived: Derived, units) -> dict[str, list[tuple[str, str]]]:
    """Province code → (folder, name) of its communes without data (a small page after the engine, standalone.py)."""
    with_data = {commune.code for commune in derived.communes()}
    others: dict[str, list[tuple[str, str]]] = {}
    for code, place in standalone.commune_places(derived, units).items():
        if code not in with_data:
            others.setdefault(units.communes[code]["province_code"], []).append((place.path.split("/")[1] + "/", place.name))
    return others


def write_province_page(docs: Path, derived: Derived, province: ProvinceFacts, others: list[tuple[str, str]],
                        boards: dashboards.Boards | None = None) -> None:
    """One province page and its downloads (also what `cnscd serve` re-renders after an edit)."""
    folder = docs / render.province_path(province)
    title = f"Tổ Công nghệ số cộng đồng {province.name}"
    _write(folder / "index.md", render.page(
        {"title": title, "description": f"Các tổ công nghệ số cộng đồng ở {province.name}: độ phủ, báo cáo, quy định.",
         "image": standalone.preview_image(f"tinh-{province.code}"),
         # The theme's search answers guides; places are found with the find box on the home page.
         "search": {"exclude": True}, "hide": ["navigation", "toc"]},
        render.render_province(derived, province, others,
                               board=boards.province(province.code) if boards else None)))
    downloads.write_province_zip(folder, f"to-cnscd-{province.code}", list(downloads.province_rows(province)))


def write_commune_page(docs: Path, derived: Derived, province: ProvinceFacts, commune: CommuneFacts, base_url: str,
                       boards: dashboards.Boards | None = None, poster_pdf: str = "",
                       documents: dict[str, dict] | None = None, spliced: list[shell.Page] | None = None,
                       files: frozenset[str] = communefiles.ALL) -> list[str]:
    """One commune's page(s), downloads and QR codes; returns the pages written (docs-relative).
    With `spliced`, the first page is also listed there so it can be put into the theme's shell.
    `files`: what the page offers beside itself (communefiles.py); its documents are in `documents`."""
    path = render.commune_path(province, commune)
    url = base_url + path
    folder = docs / path
    written = []
    # One page, or a first page and parts (chi-tiet-N/) for a commune with very many villages.
    board = {**(boards.commune(province.code, commune.code) or {} if boards else {}),
             "documents": (documents or {}).get(commune.code), "teams_csv": communefiles.TEAMS_CSV in files}
    for part, fragment in render.render_commune_pages(derived, province, commune, url, board=board,
                                                      poster_pdf=poster_pdf).items():
        number = f" (phần {part.rstrip('/').rsplit('-', 1)[1]})" if part else ""
        meta = {"title": f"Tổ CNSCĐ {commune.name}, {province.name}{number}",
                "description": f"Ai giúp người dân dùng dịch vụ số ở {commune.name}: tổ trưởng, số điện thoại, nhóm Zalo.",
                # Thousands of commune pages stay out of Material's search index and out of the nav.
                "image": standalone.preview_image(commune.code),
                "search": {"exclude": True}, "hide": ["navigation", "toc"]}
        _write(folder / part / "index.md", render.page(meta, fragment))
        written.append(f"{path}{part}index.md")
        if spliced is not None and not part:
            spliced.append(shell.Page(path, meta["title"], meta["description"], meta["image"],
                                      render.html_block(fragment)))
    if communefiles.TEAMS_CSV in files:
        downloads.write_commune_csv(folder, f"to-cnscd-{commune.code}", list(downloads.commune_rows(province, commune)))
    qrcodes.write(url, folder / "qr.svg")
    if render.zalo_team(commune):
        qrcodes.write(render.zalo_team(commune).zalo_url, folder / "zalo.svg")
    return written


def write_data_pages(docs: Path, derived: Derived, ctx: Context, base_url: str,
                     boards: dashboards.Boards | None = None, poster_pdf: str = "",
                     documents: dict[str, dict] | None = None,
                     spliced: list[shell.Page] | None = None,
                     bundles: reuse.Bundles | None = None,
                     files: frozenset[str] = communefiles.ALL) -> tuple[int, int, int]:
    """Province and commune pages, their downloads and QR codes (the find box's index: `write_find_index`). With
    `bundles`, a province whose inputs did not change is linked back from the cache, and one rendered is kept there.
    Provinces are rendered on every usable core when there are many communes to render.
    Returns the number of provinces, of communes, and of processes that rendered."""
    units = ctx.units
    others = communes_without_data(derived, units)
    restored: dict[str, list[shell.Page]] = {}
    todo = []
    for province in derived.provinces:
        found: list[shell.Page] = []
        if bundles is not None and bundles.restore_province(province.code, docs, found) is not None:
            restored[province.code] = found
        else:
            todo.append(province)
    # What the build's day decided before the pages: derived facts, figures and documents, country-wide and for
    # each province (Context.day_in); taken before any page narrows the country-wide day.
    before = {province.code: ctx.province_span(province.code) for province in todo}
    rendered, workers = _render_provinces(todo, (docs, derived, others, base_url, boards, poster_pdf, documents, files))
    for province in derived.provinces:
        if province.code in restored:
            pages = restored[province.code]
        else:  # the page's HTML block is read from its Markdown when the page is written (a worker wrote it)
            found_pages, span = rendered[province.code]
            pages = [shell.Page(path, title, description, image, source=str(docs / path / "index.md"))
                     for path, title, description, image in found_pages]
            if bundles is not None:
                bundles.rendered_province(province.code, render.province_path(province),
                                          [render.commune_path(province, commune) for commune in province.communes],
                                          pages, before[province.code].meet(span))
        if spliced is not None:
            spliced.extend(pages)
    return len(derived.provinces), sum(len(province.communes) for province in derived.provinces), workers


def write_find_index(docs: Path, derived: Derived, units: Units) -> None:
    """The find box's index: its manifest and shards (about 70 MB of entries while they are made, nationally)."""
    entries = search.entries(derived, units.communes, standalone.old_labels(units))
    for name, text in search.index_files(entries).items():
        _write(docs / ASSETS / "tim-kiem" / name, text)


# Communes to render below which starting processes costs more than it saves (the tests set it to 0).
PARALLEL_FROM = int(os.environ.get("CNSCD_RENDER_PARALLEL_FROM", "300"))
_SHARED: tuple = ()  # set just before forking: workers read the build's objects from memory, unpickled


_Rendered = dict[str, tuple[list[list[str]], datespan.Span]]


def _render_some(codes: list[str]) -> _Rendered:
    """Render the given provinces; return each one's commune pages as [path, title, description, image], and the
    days on which what its pages did with the build's day gives the same answers (a worker's are lost otherwise)."""
    docs, derived, others, base_url, boards, poster_pdf, documents, files = _SHARED
    found: _Rendered = {}
    for province in derived.provinces:
        if province.code in codes:
            mine: list[shell.Page] = []
            with datespan.apart(derived.today) as seen:
                write_province_page(docs, derived, province, others.get(province.code, []), boards)
                for commune in province.communes:
                    write_commune_page(docs, derived, province, commune, base_url, boards, poster_pdf, documents, mine,
                                       files)
            found[province.code] = ([[page.path, page.title, page.description, page.image] for page in mine],
                                    seen.span)
    return found


def _render_provinces(todo: list[ProvinceFacts], shared: tuple) -> tuple[_Rendered, int]:
    """In this process, or across forked workers, largest provinces first (as the documents are rendered)."""
    global _SHARED
    _SHARED = shared
    try:
        workers = forks.default_workers() if sum(len(p.communes) for p in todo) >= PARALLEL_FROM else 1
        largest_first = sorted(todo, key=lambda province: -sum(len(c.villages) + 1 for c in province.communes))
        parts, used = forks.fork_map(_render_some, [[province.code] for province in largest_first], workers)
        return {code: pages for part in parts for code, pages in part.items()}, used
    finally:
        _SHARED = ()


def write_guide(docs: Path, guide: guides.Guide) -> str:
    """One guide page; returns its docs-relative path."""
    relpath = f"huong-dan/{guide.slug}.md"
    _write(docs / relpath, render.page(
        {"title": str(guide.meta["title"]), "description": f"{guide.meta['platform']} — {guide.meta['audience']}"},
        render.render_guide(guide, guides.folded_words(guide))))
    return relpath


def write_guides(docs: Path, items: list[guides.Guide]) -> None:
    for guide in items:
        write_guide(docs, guide)
    if not (docs / "huong-dan" / "index.md").exists():
        _write(docs / "huong-dan" / "index.md", render.page({"title": "Hướng dẫn"}, render.render_guides_index(items)))
