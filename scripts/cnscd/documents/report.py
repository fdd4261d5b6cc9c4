"""The periodic report a commune (or a province) sends upward, as parts: each part one table.

Every number comes from `figures` (coverage, punctuality, targets against actual): the report only
selects and labels, so the site, the dashboards and the paperwork never disagree. Difficulties and
proposals are read from the reports' notes, where intake stores «Khó khăn: …; Đề xuất: …».
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import datespan, periods
from ..checks import Context
from ..derive import REPORT_STATUS_VI, ReportStatus, percent
from ..figures import (
    RECONFIRM_VI,
    CommuneFigures,
    Coverage,
    Figures,
    PeriodMark,
    ProvinceFigures,
    Reconfirm,
    Reconfirmation,
    TeamRecord,
)
from ..load import Row
from ..model import PILLAR_VI, Finding
from ..phones import display_phone
from ..site.render import date_vi
from .roster import province_in_text

TEMPLATE_VERSION = "report-9"
ARGUMENT_FILE = "(dòng lệnh / command line)"
PH = "…"


class ReportRefused(Exception):
    """The report cannot be made as asked (unknown unit, period not judged): the findings say why."""

    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(f.message_en for f in findings))
        self.findings = findings


@dataclass
class Part:
    """One section of the report: a heading, summary sentences, one table (a sheet in the XLSX)."""

    sheet: str
    title: str
    lines: list[str]
    headers: list[str]
    rows: list[list[object]]
    widths: list[int]  # in characters, for the spreadsheet; the DOCX scales them to the page
    formats: list[str] = field(default_factory=list)  # per column: text | int | pct


@dataclass
class Report:
    scope: str  # commune | province
    code: str
    name: str
    superior: str  # line above the issuer in the heading («UBND TỈNH …» for a department), may be ""
    issuer: str
    number_suffix: str
    place: str
    recipient: str
    signer: str
    reporter: str  # the issuer inside a sentence: «Ủy ban nhân dân xã Bình Sơn»
    period: str
    today: dt.date  # the day the figures are taken: a plain date, left out of the document cache's key (site.py)
    year: int
    written_on: dt.date | None = None  # the date line; the day the figures are taken when None
    parts: list[Part] = field(default_factory=list)

    @property
    def period_text(self) -> str:
        return periods.label_vi(self.period).lower()

    @property
    def title(self) -> str:
        return f"Kết quả hoạt động của Tổ công nghệ số cộng đồng {self.period_text}"


def _refuse(field_name: str, code: str, vi: str, en: str) -> ReportRefused:
    return ReportRefused([Finding(ARGUMENT_FILE, None, field_name, code, vi, en)])


def figures_day(period: str, today: dt.date) -> dt.date:
    """The day to take the figures on: today, or the last day of the period's year when the report is made
    later (a December report written in January counts year to date in December's year)."""
    span = periods.parse(period)
    if span is None:
        return today
    return min(today, dt.date(span[1].year, 12, 31))


def check_period(province: ProvinceFigures, period: str, today: dt.date) -> None:
    """The period must be one the figures judge: the province's cadence, due by today, within the strip."""
    if periods.parse(period) is None or period.count("-") != 1:
        raise _refuse("--period", "period-invalid", f"Kỳ «{period}» phải có dạng YYYY-MM hoặc YYYY-Qn",
                      f"The period «{period}» must be YYYY-MM or YYYY-Qn")
    if province.policy is None or not province.strip:
        raise _refuse("--period", "policy-missing",
                      f"{province.name} chưa có quy định về kỳ báo cáo áp dụng ngày {date_vi(today)} (policies.csv)",
                      f"{province.name} has no reporting policy in force on {today} (policies.csv)")
    if periods.is_quarter(period) != province.policy.quarterly:
        kind_vi, kind_en = ("quý", "quarterly") if province.policy.quarterly else ("tháng", "monthly")
        raise _refuse("--period", "period-cadence", f"{province.name} báo cáo theo {kind_vi}, kỳ «{period}» không dùng được",
                      f"{province.name} reports {kind_en}; the period «{period}» does not apply")
    if period not in province.strip:
        first, last = province.strip[0], province.strip[-1]
        if periods.parse(period)[0] > periods.parse(last)[0]:
            due = periods.due_date(period, province.policy.deadline_day)
            raise _refuse("--period", "period-not-due",
                          f"Kỳ {period} chưa đến hạn báo cáo (hạn {date_vi(due)}, hôm nay {date_vi(today)}); "
                          "dùng --today để lập báo cáo sau hạn",
                          f"The period {period} is not due yet (deadline {due}, today {today}); use --today")
        raise _refuse("--period", "period-too-old",
                      f"Chỉ lập được báo cáo cho các kỳ từ {first} đến {last}",
                      f"Reports can be made for the periods {first} to {last} only")


def mark_of(team: TeamRecord, period: str) -> PeriodMark | None:
    return next((mark for mark in team.marks if mark.period == period), None)


_NOTE_PART = re.compile(r"(Khó khăn|Đề xuất):\s*")


def split_notes(notes: str) -> tuple[str, str, str]:
    """(difficulties, proposals, anything else) from a report's notes as intake writes them."""
    found = {"Khó khăn": "", "Đề xuất": ""}
    pieces = _NOTE_PART.split(notes)
    other = pieces[0].strip().rstrip(";").strip()
    for label, text in zip(pieces[1::2], pieces[2::2], strict=True):
        found[label] = (found[label] + " " + text.strip().rstrip(";").strip()).strip()
    return found["Khó khăn"], found["Đề xuất"], other


Notes = dict[tuple[str, str], list[str]]


def notes_index(ctx: Context) -> Notes:
    """(team, period) → its distinct notes, in one pass (a report repeats them on each indicator row)."""
    found: Notes = {}
    add_notes(found, ctx.dataset.rows("reports"))
    return found


def add_notes(found: Notes, rows: Iterable[Row]) -> None:
    """Add report rows' notes to the index; given file by file, they give the index all of them at once would."""
    for row in rows:
        if row["notes"]:
            notes = found.setdefault((row["team_id"], row["period"]), [])
            if row["notes"] not in notes:
                notes.append(row["notes"])


# ---------------------------------------------------------------- parts

def _coverage_lines(coverage: Coverage, province: bool) -> list[str]:
    lines = []
    if province:
        lines.append(f"Xã, phường có tổ: {coverage.communes_covered}/{coverage.communes} "
                     f"({percent(coverage.commune_share)}).")
    lines.append(f"Thôn, tổ dân phố có tổ: {coverage.villages_covered}/{coverage.villages} "
                 f"({percent(coverage.village_share)}).")
    lines.append(f"Số tổ đang hoạt động: {coverage.teams}; số thành viên: {coverage.members}.")
    return lines


def _person(record: TeamRecord, which: str) -> tuple[str, str]:
    person = getattr(record, which)
    if person is None:
        return "", ""
    return person.name, display_phone(person.phone) if person.phone else ""


def _scoped(province: bool, rows: list[list], *columns: list) -> tuple[list, ...]:
    """A province's report lists the commune of each row (the second column); a commune's own report does not."""
    if province:
        return (rows, *columns)
    return ([row[:1] + row[2:] for row in rows], *(column[:1] + column[2:] for column in columns))


def teams_part(teams: list[tuple[str, TeamRecord]], coverage: Coverage, province: bool) -> Part:
    rows = []
    for index, (commune_name, team) in enumerate(teams, start=1):
        leader, phone = _person(team, "leader")
        deputy, _ = _person(team, "deputy")
        row = [index, commune_name, team.label, leader, phone, deputy, team.members,
               team.min_size if team.min_size is not None else "", "Thiếu" if team.too_small else "Đủ"]
        rows.append(row)
    headers = ["TT", "Xã, phường", "Tổ", "Tổ trưởng", "SĐT tổ trưởng", "Tổ phó", "Số thành viên", "Tối thiểu",
               "Số lượng"]
    widths = [5, 22, 28, 24, 14, 24, 10, 10, 9]
    formats = ["int", "text", "text", "text", "text", "text", "int", "int", "text"]
    rows, headers, widths, formats = _scoped(province, rows, headers, widths, formats)
    small = sum(1 for _, team in teams if team.too_small)
    lines = [f"Số tổ đang hoạt động: {len(teams)}; số thành viên: {sum(t.members for _, t in teams)}; "
             f"tổ chưa đủ số thành viên tối thiểu: {small}.",
             "Số điện thoại chỉ ghi khi người đó đã đồng ý công khai."]
    return Part("1. Tổ, thành viên", "I. TỔ VÀ THÀNH VIÊN", lines, headers, rows, widths, formats)


def coverage_part(coverage: Coverage, missing: list[tuple[str, str]], province: bool) -> Part:
    what = "xã, phường" if province else "thôn, tổ dân phố"
    lines = _coverage_lines(coverage, province)
    listed = coverage.communes if province else coverage.villages
    if missing:
        lines.append(f"Danh sách {what} chưa có tổ: {len(missing)}.")
    elif listed:
        lines.append(f"Mọi {what} đều đã có tổ.")
    else:
        lines.append(f"Dữ liệu chưa có danh sách {what}.")
    return Part("2. Độ phủ", "II. ĐỘ PHỦ", lines, ["TT", "Mã", f"{what.capitalize()} chưa có tổ"],
                [[index, code, name] for index, (code, name) in enumerate(missing, start=1)], [5, 12, 40],
                ["int", "text", "text"])


def reconfirm_part(items: list[tuple[str, Reconfirmation]], province: bool) -> Part:
    rows = []
    for index, (commune_name, item) in enumerate(items, start=1):
        row = [index, commune_name, item.name, f"{item.decision_number} ({date_vi(item.decision_signed_on)})"
               if item.decision_number else "", RECONFIRM_VI[item.status], date_vi(item.deadline)]
        rows.append(row)
    headers = ["TT", "Xã, phường", "Tổ thành lập trước 1/7/2025", "Quyết định", "Tình trạng", "Hạn kiện toàn"]
    widths = [5, 22, 34, 26, 18, 14]
    formats = ["int"] + ["text"] * 5
    rows, headers, widths, formats = _scoped(province, rows, headers, widths, formats)
    pending = sum(1 for _, item in items if item.status in (Reconfirm.PENDING, Reconfirm.OVERDUE))
    return Part("3. Kiện toàn", "III. KIỆN TOÀN TỔ THÀNH LẬP TRƯỚC SẮP XẾP", [
        f"Tổ thành lập trước 1/7/2025: {len(items)}; chưa kiện toàn: {pending}."], headers, rows, widths, formats)


def indicators_part(source: CommuneFigures | ProvinceFigures, strip: list[str], period: str, year: int) -> Part:
    slot = strip.index(period)
    rows = []
    for index, item in enumerate(source.indicators, start=1):
        in_period = item.trend[slot] if len(item.trend) > slot else 0.0
        rows.append([index, PILLAR_VI.get(item.pillar, item.pillar), item.name_vi, item.unit_vi, in_period,
                     item.actual, item.target if item.target is not None else "",
                     item.share if item.share is not None else "",
                     "" if item.target is None else ("Đạt" if item.met else "Chưa đạt")])
    lines = [f"Lũy kế năm {year} tính đến ngày lập báo cáo; chỉ tiêu năm {year} được giao."]
    for pillar in source.pillars:
        lines.append(f"{PILLAR_VI.get(pillar.pillar, pillar.pillar)}: đạt {pillar.met}/{pillar.indicators} chỉ tiêu "
                     f"được giao; tỷ lệ hoàn thành bình quân {percent(pillar.share)}.")
    return Part("4. Chỉ tiêu", "IV. KẾT QUẢ THỰC HIỆN CHỈ TIÊU", lines,
                ["TT", "Trụ cột", "Chỉ tiêu", "Đơn vị tính", f"Kết quả {periods.label_vi(period).lower()}",
                 f"Lũy kế năm {year}", f"Chỉ tiêu năm {year}", "Tỷ lệ", "Đánh giá"], rows,
                [5, 16, 44, 12, 14, 14, 14, 9, 11], ["int", "text", "text", "text", "int", "int", "int", "pct", "text"])


def lateness_part(teams: list[tuple[str, TeamRecord]], period: str, province: bool) -> Part:
    counts = {status: 0 for status in ReportStatus}
    rows = []
    for commune_name, team in teams:
        mark = mark_of(team, period)
        if mark is None:
            continue
        counts[mark.status] += 1
        if mark.status in (ReportStatus.LATE, ReportStatus.MISSING):
            leader, phone = _person(team, "leader")
            row = [len(rows) + 1, commune_name, team.label, REPORT_STATUS_VI[mark.status],
                   mark.days_late if mark.status == ReportStatus.LATE else "", date_vi(mark.submitted_on),
                   date_vi(mark.due_on), leader, phone]
            rows.append(row)
    headers = ["TT", "Xã, phường", "Tổ", "Tình trạng", "Số ngày trễ", "Ngày gửi", "Hạn", "Tổ trưởng", "SĐT tổ trưởng"]
    widths = [5, 22, 28, 14, 10, 12, 12, 24, 14]
    formats = ["int", "text", "text", "text", "int", "text", "text", "text", "text"]
    rows, headers, widths, formats = _scoped(province, rows, headers, widths, formats)
    lines = [f"{periods.label_vi(period)}: đúng hạn {counts[ReportStatus.ON_TIME]}, trễ hạn {counts[ReportStatus.LATE]}, "
             f"chưa báo cáo {counts[ReportStatus.MISSING]}."]
    return Part("5. Trễ, thiếu báo cáo", "V. TỔ BÁO CÁO TRỄ HẠN HOẶC CHƯA BÁO CÁO", lines, headers, rows, widths,
                formats)


def proposals_part(notes: Notes, teams: list[tuple[str, TeamRecord]], period: str, province: bool) -> Part:
    rows = []
    for commune_name, team in teams:
        for text in notes.get((team.team_id, period), []):
            difficulty, proposal, other = split_notes(text)
            row = [len(rows) + 1, commune_name, team.label, difficulty, proposal, other]
            rows.append(row)
    headers = ["TT", "Xã, phường", "Tổ", "Khó khăn, vướng mắc", "Đề xuất, kiến nghị", "Ghi chú khác"]
    widths = [5, 22, 26, 44, 44, 24]
    formats = ["int"] + ["text"] * 5
    rows, headers, widths, formats = _scoped(province, rows, headers, widths, formats)
    lines = [f"Tổng hợp từ ghi chú trong báo cáo {periods.label_vi(period).lower()} của các tổ: {len(rows)} ý kiến."
             if rows else f"Không có tổ nào nêu khó khăn hoặc đề xuất trong {periods.label_vi(period).lower()}."]
    return Part("6. Khó khăn, đề xuất", "VI. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT, KIẾN NGHỊ", lines, headers, rows, widths,
                formats)


# ---------------------------------------------------------------- the whole report

def _place(name: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        bare = name.removeprefix(prefix)
        if bare != name and not bare.isdigit():
            return bare
    return name


def _in_text(name: str) -> str:
    """«Xã Bình Sơn» → «xã Bình Sơn», «Tỉnh Quảng Ngãi» → «tỉnh Quảng Ngãi» inside a sentence."""
    return name[:1].lower() + name[1:]


def build_report(ctx: Context, figures: Figures, period: str, *, commune: str | None = None,
                 province: str | None = None, notes: Notes | None = None, written_on: dt.date | None = None) -> Report:
    """Select and label the figures of one commune or one province for one period.

    `notes` (from `notes_index`) is built once when many reports are made in one run.
    """
    units = ctx.units
    notes = notes_index(ctx) if notes is None else notes
    if commune is not None:
        row = units.communes.get(commune)
        if row is None:
            raise _refuse("--commune", "commune-unknown", f"Không có xã, phường mã {commune} (danh mục 2025)",
                          f"No 2025 commune with code {commune}")
        facts = figures.provinces[row["province_code"]]
        place_figures = figures.commune(commune) or CommuneFigures(commune, row["name"], row["slug"],
                                                                   row["province_code"], Coverage(1, 0, 0, 0, 0, 0))
        check_period(facts, period, ctx.today)
        division = row["division_type"]
        report_place = _place(row["name"], (division.capitalize() + " ",))
        report = Report("commune", commune, row["name"], "", f"ỦY BAN NHÂN DÂN\n{row['name'].upper()}", "BC-UBND",
                        report_place, f"Sở Khoa học và Công nghệ {province_in_text(facts.name)}",
                        "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", f"Ủy ban nhân dân {_in_text(row['name'])}", period,
                        datespan.unwatched(ctx.today), figures.year)
        teams = [(row["name"], team) for team in place_figures.teams]
        reconfirm = [(row["name"], item) for item in place_figures.reconfirmations]
        missing, coverage, source, wide = place_figures.villages_without, place_figures.coverage, place_figures, False
    else:
        facts = figures.provinces.get(province or "")
        if facts is None:
            raise _refuse("--province", "province-unknown", f"Không có tỉnh, thành phố mã {province} (danh mục 2025)",
                          f"No 2025 province with code {province}")
        check_period(facts, period, ctx.today)
        report = Report("province", facts.code, facts.name, f"UBND {facts.name.upper()}", "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
                        "BC-SKHCN", _place(facts.name, ("Tỉnh ",)), "Bộ Khoa học và Công nghệ", "GIÁM ĐỐC",
                        f"Sở Khoa học và Công nghệ {province_in_text(facts.name)}", period,
                        datespan.unwatched(ctx.today),
                        figures.year)
        teams = [(c.name, team) for c in facts.communes.values() for team in c.teams]
        reconfirm = [(c.name, item) for c in facts.communes.values() for item in c.reconfirmations]
        missing, coverage, source, wide = facts.communes_without, facts.coverage, facts, True
    report.written_on = written_on
    report.parts = [
        teams_part(teams, coverage, wide),
        coverage_part(coverage, missing, wide),
        reconfirm_part(reconfirm, wide),
        indicators_part(source, facts.strip, period, figures.year),
        lateness_part(teams, period, wide),
        proposals_part(notes, teams, period, wide),
    ]
    return report
