"""Data → HTML fragments, from Jinja2 templates with autoescape on.

Generated pages are Markdown files that hold only one block of template-made HTML (plus YAML front
matter written by a YAML dumper), so no data ever reaches Markdown syntax and any engine that reads
Markdown with raw HTML (MkDocs, Zensical) renders them the same.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import jinja2
import markupsafe
import yaml

from .. import periods
from ..derive import REPORT_STATUS_VI, CommuneFacts, Derived, ProvinceFacts, TeamFacts, VillageFacts, percent
from ..model import PILLAR_VI, ROLE_VI, VILLAGE_KIND_VI, Pillar
from ..phones import display_phone, tel_href
from ..text import fold, slugify
from .guides import Guide

CADENCE_VI = {"monthly": "Hằng tháng", "quarterly": "Hằng quý"}
MODE_VI = {"in_person": "Trực tiếp", "online": "Trực tuyến"}
STATUS_VI = {"dissolved": "đã giải thể", "merged": "đã sáp nhập", "active": "đang hoạt động"}


def date_vi(value: str | dt.date | None) -> str:
    """19/07/2025, as dates are written in Vietnamese documents."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return day.strftime("%d/%m/%Y")


def number_vi(value: int) -> str:
    """3.321: Vietnamese groups thousands with a dot."""
    return f"{value:,}".replace(",", ".")


def size_vi(size: int) -> str:
    """«3,3 MB», «850 KB»: what a person on a phone plan weighs before downloading."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB".replace(".", ",")
    return f"{max(1, round(size / 1000))} KB"


# A commune page with this many villages or more opens with a «Chọn thôn, tổ dân phố» list of links.
JUMP_LIST_FROM = 6


def percent_vi(share: float | None) -> str:
    """«75 %» with a no-break space: a phone screen must not put the % sign on the next line."""
    return percent(share).replace(" ", "\u00a0")


def decision_vi(team: TeamFacts) -> str:
    """«167/QĐ-UBND, 23/08/2025»: a team's establishing decision as the reports table shows it ("" without one)."""
    if not team.decision_number:
        return ""
    return team.decision_number + (f", {date_vi(team.decision_signed_on)}" if team.decision_signed_on else "")


def held_from(trainings: list, day: dt.date) -> list:
    """Trainings held on `day` or later, compared as dates: a watched build day (datespan) notes each comparison,
    where comparing its ISO text would tie the page to that one day."""
    found = []
    for training in trainings:
        held = dt.date.fromisoformat(training.held_on) if training.held_on else None
        if held is not None and held >= day:
            found.append(training)
    return found


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("cnscd.site", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(phone=display_phone, tel=tel_href, date_vi=date_vi, period_vi=periods.label_vi,
                       percent=percent_vi, number=number_vi, fold=fold,
                       size_vi=size_vi, decision_vi=decision_vi, held_from=held_from)
    env.globals.update(ROLE_VI=ROLE_VI, KIND_VI=VILLAGE_KIND_VI, PILLAR_VI=PILLAR_VI, CADENCE_VI=CADENCE_VI,
                       MODE_VI=MODE_VI, REPORT_VI=REPORT_STATUS_VI, STATUS_VI=STATUS_VI, JUMP_LIST_FROM=JUMP_LIST_FROM)
    return env


ENV = _environment()
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_block(html: str) -> str:
    """One raw-HTML block: Markdown ends a raw block at a blank line, so there are none inside."""
    return _BLANK_LINES.sub("\n", html.strip())


_UNSAFE_META = re.compile(r'[<>"&]')


def _plain(value: object) -> object:
    """Front-matter text without <, >, " and &: themes print page.title and descriptions unescaped."""
    if isinstance(value, str):
        return _UNSAFE_META.sub("", value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def page(front_matter: dict, html: str) -> str:
    """A Markdown page made of front matter and a single HTML block."""
    head = yaml.safe_dump(_plain(front_matter), allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{head}---\n\n{html_block(html)}\n"


def page_block(markdown: str) -> str:
    """The HTML block of a page `page` wrote: what follows the front matter, without the last line feed."""
    start = markdown.index("\n---\n\n", 3) + len("\n---\n\n")
    return markdown[start:-1]


def province_path(province: ProvinceFacts) -> str:
    return f"{province.code}-{province.slug}/"


def commune_path(province: ProvinceFacts, commune: CommuneFacts) -> str:
    """Stable address: both codes stay, the slugs only help people read it."""
    return f"{province_path(province)}{commune.code}-{commune.slug}/"


def redirect_path(old_code: str) -> str:
    return f"xa-cu/{old_code}/"


def render_home(derived: Derived, total_communes: int, day_text: str | None = None) -> tuple[str, str]:
    """The find-your-village box and the national figures, placed separately in the hand-written home page.
    `day_text`: the day the figures are as of, by default the derived facts' (the build puts a mark there and the
    day in just before the engine runs: pages.DAY_MARK)."""
    day_text = date_vi(derived.today) if day_text is None else day_text
    figures = ENV.get_template("home.html").render(d=derived, tally=derived.tally, total_communes=total_communes,
                                                   province_path=province_path, day_text=day_text)
    return ENV.get_template("home_find.html").render(), figures


def render_province(derived: Derived, province: ProvinceFacts, others: list[tuple[str, str]] | None = None,
                    board: dict | None = None) -> str:
    """others: (address from the province page, name) of its communes without data, listed after the table.
    board: the dashboard's variables (dashboards.province_board): figures, last update, changes."""
    return ENV.get_template("province.html").render(p=province, tally=province.tally, root="../",
                                                    today=derived.today, others=others or [], **(board or {}))


# A page may weigh 60 KB with the theme; Material's header, footer and scripts and the link-preview tags
# take about 13 KB of it (tests/site/test_build.py measures them on the built sample and checks this allowance).
PAGE_BUDGET = 60 * 1024
THEME_ALLOWANCE = 14 * 1024


@dataclass
class Part:
    """Some villages of a commune too large for one page, shown in full on their own page."""

    path: str  # inside the commune's folder: "chi-tiet-1/"
    title: str
    villages: list[VillageFacts]


def report_rows(teams: list[TeamFacts], villages: list[VillageFacts]) -> list[tuple[str, TeamFacts]]:
    """(label, team) for the decisions and reports table: a village team is labelled by its village."""
    rows = [(team.name, team) for team in teams]
    for village in villages:
        for team in village.teams:
            if team.active:
                named = fold(team.name) != fold(f"Tổ CNSCĐ {village.name}")
                rows.append((f"{village.name} — {team.name}" if named else village.name, team))
    return rows


def _fits(html: str, budget: int) -> bool:
    return len(html_block(html).encode()) <= budget


def zalo_team(commune: CommuneFacts) -> TeamFacts | None:
    """The team whose Zalo group the poster prints as a QR code: the commune-level team's, when it has one."""
    return next((team for team in commune.commune_teams if team.zalo_url), None)


def poster_size(commune: CommuneFacts, parts: list[Part] | None) -> str:
    """l, m or s: few teams print large enough to fill the sheet; never below 14 pt (assets/site.css)."""
    count = len(commune.commune_teams) + len(commune.villages)
    return "s" if parts or count > 8 else "m" if count > 4 else "l"


def render_commune(derived: Derived, province: ProvinceFacts, commune: CommuneFacts, page_url: str,
                   parts: list[Part] | None = None, board: dict | None = None, poster_pdf: str = "") -> str:
    """The commune page: every team's contacts, then decisions and reports; with parts, one line per village."""
    rows = report_rows(commune.commune_teams, [] if parts else commune.villages)
    return ENV.get_template("commune.html").render(p=province, c=commune, tally=commune.tally, root="../../",
                                                   page_url=page_url, parts=parts, report_rows=rows,
                                                   today=derived.today, zalo=zalo_team(commune),
                                                   poster_size=poster_size(commune, parts), poster_pdf=poster_pdf,
                                                   **(board or {}))


def render_commune_part(derived: Derived, province: ProvinceFacts, commune: CommuneFacts, part: Part,
                        parts: list[Part], board: dict | None = None) -> str:
    return ENV.get_template("commune_part.html").render(p=province, c=commune, tally=commune.tally, root="../../../",
                                                        part=part, parts=parts,
                                                        report_rows=report_rows([], part.villages),
                                                        today=derived.today, **(board or {}))


def split_villages(commune: CommuneFacts, count: int) -> list[Part]:
    """count parts of consecutive villages, as even as possible, titled by their first and last village."""
    size, extra = divmod(len(commune.villages), count)
    parts, start = [], 0
    for number in range(1, count + 1):
        end = start + size + (1 if number <= extra else 0)
        chunk = commune.villages[start:end]
        title = f"Thôn, tổ dân phố (phần {number}/{count}): {chunk[0].name} – {chunk[-1].name}"
        parts.append(Part(f"chi-tiet-{number}/", title, chunk))
        start = end
    return parts


def render_commune_pages(derived: Derived, province: ProvinceFacts, commune: CommuneFacts, page_url: str,
                         budget: int = PAGE_BUDGET - THEME_ALLOWANCE, board: dict | None = None,
                         poster_pdf: str = "") -> dict[str, str]:
    """The commune's pages by path inside its folder: one page when everything fits the budget.

    Otherwise the first page keeps one line per village (a phone to call, the Zalo group) and the full
    teams with their decisions and reports go to as few parts as fit (chi-tiet-1/, chi-tiet-2/, …).
    poster_pdf: the ready PDF's name when the build prints them (posters.print_pdfs).
    """
    whole = render_commune(derived, province, commune, page_url, board=board, poster_pdf=poster_pdf)
    if _fits(whole, budget) or len(commune.villages) < 2:
        return {"": whole}
    count = 2
    while True:
        parts = split_villages(commune, count)
        part_board = {"updated": (board or {}).get("updated")}  # the dashboard stays on the first page
        pages = {part.path: render_commune_part(derived, province, commune, part, parts, part_board) for part in parts}
        if all(_fits(html, budget) for html in pages.values()) or count >= len(commune.villages):
            return {"": render_commune(derived, province, commune, page_url, parts, board, poster_pdf), **pages}
        count += 1


@dataclass
class Meta:
    """What a page says about itself to search engines and to link previews (Zalo, Facebook)."""

    title: str
    description: str
    canonical: str  # absolute address of the page
    image: str  # absolute address of its 1200×630 preview
    root: str = "../../"  # from the page to the site root


@dataclass
class Target:
    """A 2025 commune an old commune's address leads to."""

    href: str
    name: str
    province: str


def render_redirect(old_name: str, targets: list[Target], meta: Meta) -> str:
    """A small page without the theme for an old commune's address: meta refresh when it went to one commune."""
    return ENV.get_template("redirect.html").render(old_name=old_name, targets=targets, **vars(meta))


def render_commune_empty(code: str, name: str, province: str, old: list[str], meta: Meta) -> str:
    """A commune without data: its province, the old communes it took in and how its teams get listed."""
    return ENV.get_template("commune_empty.html").render(code=code, name=name, province=province, old=old,
                                                         **vars(meta))


ENV.filters["slug"] = slugify


def render_guide(guide: Guide, folded: str) -> str:
    # body_html was sanitised by nh3 in guides.py; Markup only stops Jinja escaping it a second time.
    return ENV.get_template("guide.html").render(g=guide, body=markupsafe.Markup(guide.body_html),  # noqa: S704
                                                 folded=folded)


def render_guides_index(guides: list[Guide]) -> str:
    by_pillar: dict[str, list[Guide]] = {}
    by_platform: dict[str, list[Guide]] = {}
    for guide in sorted(guides, key=lambda g: fold(str(g.meta["title"]))):
        by_pillar.setdefault(guide.meta["pillar"], []).append(guide)
        by_platform.setdefault(str(guide.meta["platform"]), []).append(guide)
    pillars = [(p.value, by_pillar[p.value]) for p in Pillar if p.value in by_pillar]
    platforms = sorted(by_platform.items(), key=lambda item: fold(item[0]))
    return ENV.get_template("guides_index.html").render(by_pillar=pillars, by_platform=platforms)
