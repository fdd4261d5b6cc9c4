"""Charts drawn at build time as static SVG: bars (coverage, targets), a report strip per team, trend lines.

No chart library reaches the browser. Each chart is `role="img"` with a <title> and <desc> that say what it
shows, and the page beside it carries the same numbers as a table or text (the accessible alternative).
Every label comes from data and is escaped here; numbers are attributes (`data-value` …) so tests can read
the drawing back and compare it with the figures.
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup, escape

from .. import periods
from ..derive import REPORT_STATUS_VI, ReportStatus
from ..figures import IndicatorProgress, TeamRecord

WIDTH = 320  # user units; the SVG scales to the column (a 360 px phone shows it at about this size)


def number(value: float) -> str:
    """1.234 or 12,5: Vietnamese separators; integers without decimals."""
    if value == int(value):
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{round(share * 100)}\u00a0%"


def share_text(share: float | None) -> str:
    """A coverage share; one decimal below 10 % so that 15 of 3,321 communes reads «0,5 %», not «0 %»."""
    if share is not None and 0 < share < 0.1:
        return f"{share * 100:.1f}".replace(".", ",") + "\u00a0%"
    return _percent(share)


def _frame(kind: str, title: str, desc: str, height: int, body: str) -> Markup:
    # Named by content: the same data draws the same bytes, and two charts on a page never share an id.
    ident = "cnscd-c" + hashlib.sha1(f"{kind}\n{title}\n{desc}".encode()).hexdigest()[:10]  # noqa: S324 - a name, not security
    return Markup(  # noqa: S704 - every data value below went through escape()
        f'<svg class="cnscd-chart cnscd-chart-{kind}" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" data-chart="{kind}">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>{body}</svg>')


# ---------------------------------------------------------------- bars

def share_bars(title: str, rows: list[tuple[str, int, int]]) -> Markup:
    """One bar per (label, covered, total), as the share covered; a thin track shows the whole."""
    row_height, label_width = 26, 130
    bar_width = WIDTH - label_width - 46
    parts = []
    for index, (label, covered, total) in enumerate(rows):
        y = index * row_height
        share = covered / total if total else 0.0
        parts.append(
            f'<g class="cnscd-bar" data-label="{escape(label)}" data-value="{covered}" data-total="{total}">'
            f'<text x="0" y="{y + 16}" class="cnscd-label">{escape(_clip(label, 20))}</text>'
            f'<rect x="{label_width}" y="{y + 5}" width="{bar_width}" height="14" class="cnscd-track"/>'
            f'<rect x="{label_width}" y="{y + 5}" width="{round(bar_width * share, 1)}" height="14" class="cnscd-fill"/>'
            f'<text x="{WIDTH}" y="{y + 16}" text-anchor="end" class="cnscd-value">{share_text(share if total else None)}</text></g>')
    desc = "; ".join(f"{label}: {covered}/{total}" for label, covered, total in rows)
    return _frame("share", title, desc, max(row_height * len(rows), row_height), "".join(parts))


def target_bars(title: str, items: list[IndicatorProgress]) -> Markup:
    """Actual against target per indicator: the bar is the share reached, the line at 100 % the target, the
    dashed line what was due by now (the target pro rata). Bars stop at 150 % so one success does not hide the rest."""
    rows = [item for item in items if item.target]
    row_height, label_width = 30, 130
    scale = (WIDTH - label_width - 46) / 1.5
    parts = []
    for index, item in enumerate(rows):
        y = index * row_height
        share = item.share or 0.0
        due = (item.expected_to_date or 0) / item.target if item.target else 0
        state = "met" if item.met else "short"
        parts.append(
            f'<g class="cnscd-bar cnscd-{state}" data-label="{escape(item.code)}" data-value="{item.actual:g}" '
            f'data-target="{item.target:g}">'
            f'<text x="0" y="{y + 18}" class="cnscd-label">{escape(_clip(item.name_vi, 20))}</text>'
            f'<rect x="{label_width}" y="{y + 7}" width="{round(scale * min(share, 1.5), 1)}" height="14" class="cnscd-fill"/>'
            f'<line x1="{label_width + round(scale * min(due, 1.5), 1)}" x2="{label_width + round(scale * min(due, 1.5), 1)}" '
            f'y1="{y + 3}" y2="{y + 25}" class="cnscd-due"/>'
            f'<line x1="{label_width + round(scale, 1)}" x2="{label_width + round(scale, 1)}" y1="{y + 3}" y2="{y + 25}" '
            f'class="cnscd-target"/>'
            f'<text x="{WIDTH}" y="{y + 18}" text-anchor="end" class="cnscd-value">{_percent(item.share)}</text></g>')
    desc = "; ".join(f"{item.name_vi}: {number(item.actual)}/{number(item.target or 0)} {item.unit_vi} "
                     f"({_percent(item.share)})" for item in rows)
    return _frame("targets", title, desc or "Chưa có chỉ tiêu.", max(row_height * len(rows), row_height), "".join(parts))


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# ---------------------------------------------------------------- report strip

_STATUS_CODE = {ReportStatus.ON_TIME: "d", ReportStatus.LATE: "t", ReportStatus.MISSING: "c", ReportStatus.NOT_DUE: "k"}
# A shape per state, not only a colour: filled with a tick, a clock mark, an empty box with a cross, a dot.
_SYMBOLS = (  # 14×14 shapes used by every cell; colours as attributes (page styles do not reach <use> copies)
    '<defs><g id="cnscd-d"><rect width="14" height="14" rx="2" fill="#2e7d32"/>'
    '<path d="M3 7l3 3 5-6" fill="none" stroke="#fff" stroke-width="2"/></g>'
    '<g id="cnscd-t"><rect width="14" height="14" rx="2" fill="#ef8f00"/>'
    '<path d="M7 3v5h3" fill="none" stroke="#000" stroke-width="2"/></g>'
    '<g id="cnscd-c"><rect x="1" y="1" width="12" height="12" rx="2" fill="#fff" stroke="#b00020" stroke-width="1.5"/>'
    '<path d="M4 4l6 6M10 4l-6 6" stroke="#b00020" stroke-width="2"/></g>'
    '<g id="cnscd-k"><circle cx="7" cy="7" r="2" fill="#9e9e9e"/></g></defs>')


def report_strip(title: str, strip: list[str], teams: list[TeamRecord]) -> Markup:
    """One row per team, one cell per period (oldest left): on time, late, missing, not due.

    The page shows the same per team as a table; the description says how to read the cells."""
    label_width, row_height = 104, 20
    parts = [_SYMBOLS]
    step = round((WIDTH - label_width) / max(len(strip), 1), 1)
    for index, period in enumerate(strip):
        if index % 3 == len(strip) % 3 or index == len(strip) - 1:
            parts.append(f'<text x="{round(label_width + step * index, 1)}" y="12" class="cnscd-tick">'
                         f'{escape(_short(period))}</text>')
    for row, team in enumerate(teams):
        cells = "".join(f'<use href="#cnscd-{_STATUS_CODE[mark.status]}" x="{round(label_width + step * i, 1):g}"/>'
                        for i, mark in enumerate(team.marks))
        codes = "".join(_STATUS_CODE[mark.status] for mark in team.marks)
        parts.append(f'<g transform="translate(0 {18 + row * row_height})" data-team="{escape(team.team_id)}" '
                     f'data-marks="{codes}"><text y="11" class="cnscd-label">{escape(_clip(team.label, 16))}</text>'
                     f'{cells}</g>')
    desc = ("Mỗi hàng là một tổ, mỗi ô là một kỳ báo cáo từ "
            f"{periods.label_vi(strip[0]).lower() if strip else ''} đến {periods.label_vi(strip[-1]).lower() if strip else ''}: "
            "ô xanh có dấu tích là đúng hạn, ô cam có kim đồng hồ là trễ hạn, ô trống có dấu nhân là chưa báo cáo, "
            "chấm nhỏ là chưa đến kỳ. Bảng bên dưới ghi số kỳ của từng tổ.")
    return _frame("strip", title, desc, 18 + row_height * max(len(teams), 1), "".join(parts))


def strip_text(team: TeamRecord) -> str:
    """The strip of one team in words (the chart's text alternative)."""
    counts = [f"{team.count(status)} {REPORT_STATUS_VI[status].lower()}"
              for status in (ReportStatus.ON_TIME, ReportStatus.LATE, ReportStatus.MISSING) if team.count(status)]
    return f"{team.label}: {', '.join(counts) or 'chưa đến kỳ'}"


def _short(period: str) -> str:
    """10/26 or Q3/26: short enough for a tick on a phone."""
    year = period[2:4]
    return f"Q{period[-1]}/{year}" if periods.is_quarter(period) else f"{period[5:7]}/{year}"


# ---------------------------------------------------------------- trends

def trend_line(item: IndicatorProgress, strip: list[str]) -> Markup:
    """Values per period as a line with dots; the axis starts at zero so small changes are not magnified."""
    height, top, bottom, left = 90, 16, 18, 6
    values = item.trend or [0.0] * len(strip)
    peak = max(values) or 1.0
    step = (WIDTH - 2 * left) / max(len(values) - 1, 1)
    points = [(round(left + step * i, 1), round(top + (height - top - bottom) * (1 - v / peak), 1))
              for i, v in enumerate(values)]
    path = " ".join(f"{x},{y}" for x, y in points)
    dots = f'<circle cx="{points[-1][0]}" cy="{points[-1][1]}" r="3" class="cnscd-dot"/>' if points else ""
    ticks = (f'<text x="{left}" y="{height - 4}" class="cnscd-tick">{escape(_short(strip[0]))}</text>'
             f'<text x="{WIDTH - left}" y="{height - 4}" text-anchor="end" class="cnscd-tick">{escape(_short(strip[-1]))}</text>'
             if strip else "")
    body = (f'<text x="{left}" y="11" class="cnscd-tick">cao nhất {number(peak)} {escape(item.unit_vi)}</text>'
            f'<line x1="{left}" x2="{WIDTH - left}" y1="{height - bottom}" y2="{height - bottom}" class="cnscd-axis"/>'
            f'<polyline points="{path}" class="cnscd-line" data-values="{" ".join(f"{v:g}" for v in values)}"/>'
            f'{dots}{ticks}')
    desc = ", ".join(f"{periods.label_vi(p)}: {number(v)}" for p, v in zip(strip, values, strict=False))
    return _frame("trend", f"{item.name_vi} theo kỳ", desc, height, body)
