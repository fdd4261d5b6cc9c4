"""The dashboards' variables for province and commune pages, and the national page «Số liệu».

Figures are computed once per build (figures.compute) and history once (history.changes); here they are only
picked per page, so a page costs what it shows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..derive import Derived
from ..figures import Figures
from ..history.feed import FEED_NAME, atom
from ..history.log import History
from . import charts, render

STRIP_LIMIT = 20  # teams drawn one row each on a commune page; above it the table alone keeps the page small
CHANGES_SHOWN = 30  # roster changes listed on a commune page (the province's feed has them all)

LIST_LIMIT = 25  # teams named in each list of a province page; the rest are counted (pages stay under 60 KB)

render.ENV.globals.update(charts=charts, strip_limit=STRIP_LIMIT, list_limit=LIST_LIMIT)
render.ENV.filters["num"] = lambda value: "—" if value is None else charts.number(value)

render.ENV.filters["share"] = charts.share_text


def province_board(figures: Figures | None, code: str, updated: dt.date | None = None,
                   feed: str | None = None) -> dict:
    board: dict = {"updated": updated, "feed": feed}
    if figures is not None and code in figures.provinces:
        board.update(f=figures.provinces[code], year=figures.year)
    return board


def commune_board(figures: Figures | None, province_code: str, code: str, updated: dt.date | None = None,
                  changes: list | None = None) -> dict:
    board: dict = {"updated": updated, "changes": (changes or [])[-CHANGES_SHOWN:][::-1]}
    province = figures.provinces.get(province_code) if figures is not None else None
    if province is not None and code in province.communes:
        board.update(f=province.communes[code], pf=province, year=figures.year)
    return board


class Boards:
    """Per-page dashboard variables from the build's figures and history (each computed once)."""

    def __init__(self, figures: Figures | None, history: History | None) -> None:
        self.figures = figures
        self.history = history or History()
        self.changes = self.history.by_commune()

    def province(self, code: str) -> dict:
        return province_board(self.figures, code, self.history.province_updated.get(code),
                              FEED_NAME if self.history.updated else None)

    def commune(self, province_code: str, code: str) -> dict:
        return commune_board(self.figures, province_code, code, self.history.commune_updated.get(code),
                             self.changes.get(code))


NATIONAL_PATH = "so-lieu/"


def write_national(docs: Path, figures: Figures, updated: dt.date | None) -> None:
    """The national page «Số liệu» (so-lieu/), in the nav through mkdocs.yml."""
    path = docs / NATIONAL_PATH / "index.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render.page({"title": "Số liệu", "description": "Độ phủ, báo cáo và chỉ tiêu của các Tổ "
                                 "công nghệ số cộng đồng trên cả nước.", "hide": ["toc"]},
                                render_national(figures, updated)), encoding="utf-8")


def write_feeds(docs: Path, derived: Derived, history: History, base_url: str) -> int:
    """One Atom feed per province with changes (thay-doi.xml beside its page)."""
    if history.updated is None:
        return 0
    by_province = history.by_province()
    written = 0
    for province in derived.provinces:
        page = base_url + render.province_path(province)
        urls = {c.code: base_url + render.commune_path(province, c) for c in province.communes}
        names = {c.code: c.name for c in province.communes}
        path = docs / render.province_path(province) / FEED_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # a reused province's feed is a link into the reuse cache: replaced, never written through
        path.write_bytes(atom(f"Thay đổi Tổ CNSCĐ {province.name}", page, page + FEED_NAME,
                              by_province.get(province.code, []), urls, names))
        written += 1
    return written


def render_national(figures: Figures, updated: dt.date | None = None) -> str:
    provinces = list(figures.provinces.values())
    # Bars only for provinces with teams: 34 empty bars would hide the few that say something.
    bars = [(p.name, p.coverage.communes_covered, p.coverage.communes) for p in provinces if p.coverage.communes_covered]
    return render.ENV.get_template("dashboard_national.html").render(
        f=figures, provinces=provinces, bars=bars, year=figures.year, updated=updated, root="../",
        province_path=lambda p: f"{p.code}-{p.slug}/")
