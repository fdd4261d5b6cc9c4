"""Domain rules, one small function each, over a loaded dataset.

Each rule yields Findings; `run_checks` runs them all. Rules read a shared Context built once,
so no rule does work that scales with the country more than once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from . import datespan, package, periods
from .load import Dataset, Row, parse_date
from .load import schema as load_schema
from .model import Finding, Role, Scheme, Severity, Status
from .phones import normalise_phone
from .text import FORMULA_PREFIXES, has_control, has_html, is_nfc, maybe_unsafe, tone_key
from .units import Units

Check = Callable[["Context"], Iterator[Finding]]


def finding(row: Row, field_name: str | None, code: str, vi: str, en: str,
            severity: Severity = Severity.ERROR) -> Finding:
    return Finding(row.file, row.line, field_name, code, vi, en, severity)


@dataclass
class Context:
    """Indexes every rule needs, built once per validation run."""

    dataset: Dataset
    today: dt.date
    units: Units = None  # type: ignore[assignment]  # given when the caller already has them (one per province run)
    teams: dict[str, Row] = field(init=False)
    villages: dict[str, Row] = field(init=False)
    members_by_team: dict[str, list[Row]] = field(init=False)
    string_fields: dict[str, set[str]] = field(init=False)
    _active: dict[str, list[Row]] = field(init=False, default_factory=dict)
    _days: dict[str, datespan.Today] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.units is None:
            self.units = Units.from_dataset(self.dataset)
        self.teams = self.dataset.index("teams", "team_id")
        self.villages = self.dataset.index("villages", "village_id")
        self.members_by_team = defaultdict(list)
        for member in self.dataset.rows("members"):
            self.members_by_team[member["team_id"]].append(member)
        self.string_fields = {}
        for table in package.TABLES:
            schema = load_schema(self.dataset.root, table)
            self.string_fields[table] = {f["name"] for f in schema["fields"] if f.get("type", "string") == "string"}

    def active_members(self, team_id: str) -> list[Row]:
        """Members on the team today: joined already and not yet left."""
        if team_id in self._active:
            return self._active[team_id]
        result = self._active[team_id] = []
        for member in self.members_by_team.get(team_id, []):
            joined, left = parse_date(member["joined_on"]), parse_date(member["left_on"])
            if (joined is None or joined <= self.today) and (left is None or left > self.today):
                result.append(member)
        return result

    def day_in(self, province_code: str) -> dt.date:
        """`today` as one province's results use it. A watched day (datespan) gets a watched copy per province, so
        one province's deadlines and planned trainings do not end the days another province's pages hold for."""
        if not isinstance(self.today, datespan.Today):
            return self.today
        day = self._days.get(province_code)
        if day is None:
            day = self._days[province_code] = datespan.Today(self.today)
        return day

    def province_span(self, province_code: str) -> datespan.Span:
        """The days on which what was done with `today`, everywhere and for this province, gives the same answers."""
        return datespan.span_of(self.today).meet(datespan.span_of(self._days.get(province_code, self.today)))

    def current_commune(self, team: Row) -> str | None:
        """The 2025 commune a team serves now, if it can be told."""
        return self.units.current_commune(team)

    def policy(self, province_code: str, day: dt.date) -> Row | None:
        """The province's rules in force on a day (2025 scheme)."""
        best = None
        for row in self.dataset.rows("policies"):
            if row["unit_scheme"] != Scheme.CURRENT or row["province_code"] != province_code:
                continue
            start, end = parse_date(row["valid_from"]), parse_date(row["valid_to"])
            in_force = start is not None and start <= day and (end is None or day <= end)
            if in_force and (best is None or row["valid_from"] > best["valid_from"]):
                best = row
        return best


def _is_active(team: Row) -> bool:
    return team["status"] == Status.ACTIVE


# ---------------------------------------------------------------- text hygiene

# Unit tables too: their names reach page titles, which the site engine's theme does not escape.
_TEXT_TABLES = package.TABLES


_BLOCK = 512
# A cell that starts a formula, in rows joined cell by cell with line breaks (a break inside a cell only costs a
# closer look at its block).
_FORMULA_START = re.compile("\n[" + re.escape("".join(FORMULA_PREFIXES)) + "]")


def check_text_cells(ctx: Context) -> Iterator[Finding]:
    """Text is NFC, free of control characters and HTML, and never starts a spreadsheet formula."""
    for table in _TEXT_TABLES:
        strings = ctx.string_fields[table]
        rows = ctx.dataset.checked_rows(table)
        # Two scans per block of rows find the rare blocks worth looking at cell by cell.
        for start in range(0, len(rows), _BLOCK):
            block = rows[start:start + _BLOCK]
            text = "\n" + "\n".join(["\n".join(row.values()) for row in block])
            unsafe, formula = maybe_unsafe(text), _FORMULA_START.search(text) is not None
            for row in block:
                yield from _text_findings(row, strings, unsafe, formula)


def _text_findings(row: Row, strings: set[str], unsafe: bool, formula: bool) -> Iterator[Finding]:
    if row.raw is not None:
        for name, raw in row.raw.items():
            if raw and not is_nfc(raw):
                yield finding(row, name, "text-not-nfc",
                              "Chữ chưa ở dạng Unicode dựng sẵn (NFC); chạy `cnscd fmt` để sửa",
                              "Text is not Unicode NFC; run `cnscd fmt` to fix it")
            elif raw != row.data.get(name, raw):
                yield finding(row, name, "text-whitespace",
                              "Thừa khoảng trắng; chạy `cnscd fmt` để sửa",
                              "Extra whitespace; run `cnscd fmt` to fix it", Severity.WARNING)
    if unsafe and maybe_unsafe("\n".join(row.values())):
        for name, value in row.items():
            if has_control(value):
                yield finding(row, name, "text-control", "Có ký tự điều khiển ẩn",
                              "Contains hidden control characters")
            if has_html(value):
                yield finding(row, name, "text-html", "Không được chứa mã HTML",
                              "Must not contain HTML markup")
    if formula:
        for name, value in row.items():
            if value and value[0] in FORMULA_PREFIXES and name in strings:
                yield finding(row, name, "text-formula",
                              "Ô không được bắt đầu bằng = + - @ (công thức bảng tính)",
                              "A cell must not start with = + - @ (spreadsheet formula)")


# ---------------------------------------------------------------- team composition

def check_leader_and_deputy(ctx: Context) -> Iterator[Finding]:
    """An active team has exactly one leader and at least one deputy."""
    for team in ctx.dataset.rows("teams"):
        if not _is_active(team):
            continue
        roles = [m["role"] for m in ctx.active_members(team["team_id"])]
        leaders = roles.count(Role.LEADER)
        if leaders != 1:
            yield finding(team, None, "leader-count",
                          f"Tổ {team['team_id']} phải có đúng 1 Tổ trưởng (đang có {leaders})",
                          f"Team {team['team_id']} must have exactly 1 leader (has {leaders})")
        if Role.DEPUTY not in roles:
            yield finding(team, None, "deputy-missing",
                          f"Tổ {team['team_id']} phải có ít nhất 1 Tổ phó",
                          f"Team {team['team_id']} must have at least 1 deputy")


def check_team_size(ctx: Context) -> Iterator[Finding]:
    """An active team has at least the minimum number of members its province requires."""
    for team in ctx.dataset.rows("teams"):
        if not _is_active(team):
            continue
        commune = ctx.current_commune(team)
        province = ctx.units.province_of_commune(commune) if commune else None
        policy = ctx.policy(province, ctx.today) if province else None
        if policy is None:
            continue
        minimum = int(policy["min_team_size"])
        size = len(ctx.active_members(team["team_id"]))
        if size < minimum:
            yield finding(team, None, "team-too-small",
                          f"Tổ {team['team_id']} có {size} thành viên, tỉnh quy định tối thiểu {minimum} ({policy['source']})",
                          f"Team {team['team_id']} has {size} members; the province requires at least {minimum}")


def _overlaps(a: Row, b: Row) -> bool:
    far = dt.date.max
    a_start, b_start = parse_date(a["joined_on"]) or dt.date.min, parse_date(b["joined_on"]) or dt.date.min
    a_end, b_end = parse_date(a["left_on"]) or far, parse_date(b["left_on"]) or far
    return a_start < b_end and b_start < a_end


def check_duplicate_members(ctx: Context) -> Iterator[Finding]:
    """A person is on a team once at a time; the same name under two ids is probably a slip."""
    keys: dict[str, str] = {}  # names repeat across the country: fold each spelling once
    for team_id, members in ctx.members_by_team.items():
        by_person: dict[str, list[Row]] = defaultdict(list)
        by_name: dict[str, set[str]] = defaultdict(set)
        for member in members:
            for earlier in by_person[member["person_id"]]:
                if _overlaps(earlier, member):
                    there = "" if earlier.file == member.file else f"{earlier.file} "
                    yield finding(member, "person_id", "member-duplicate",
                                  f"{member['full_name']} đã có trong tổ {team_id} ({there}dòng {earlier.line})",
                                  f"{member['full_name']} is already on team {team_id} ({there}row {earlier.line})")
                    break
            by_person[member["person_id"]].append(member)
            name = member["full_name"]
            key = keys.get(name)
            if key is None:
                key = keys[name] = tone_key(name)
            if by_name[key] and member["person_id"] not in by_name[key]:
                yield finding(member, "full_name", "member-same-name",
                              f"Tổ {team_id} đã có người tên {member['full_name']} với mã khác; kiểm tra có trùng không",
                              f"Team {team_id} already has someone named {member['full_name']} under another id",
                              Severity.WARNING)
            by_name[key].add(member["person_id"])


# ---------------------------------------------------------------- people's data

def check_phones(ctx: Context) -> Iterator[Finding]:
    """A phone is stored only with recorded consent, and only as a valid Vietnamese number."""
    for member in ctx.dataset.rows("members"):
        phone, consent = member["phone"], member["phone_consent"] == "true"
        if phone and not consent:
            yield finding(member, "phone", "phone-without-consent",
                          "Chỉ ghi số điện thoại khi người đó đã đồng ý công khai (phone_consent=true)",
                          "A phone number may be stored only with recorded consent to publish it")
        if consent and not member["phone_consent_on"]:
            yield finding(member, "phone_consent_on", "consent-date-missing",
                          "Thiếu ngày người đó đồng ý công khai số điện thoại",
                          "The date consent was given is missing")
        stored = normalise_phone(phone) if phone else ""
        if stored is None:
            yield finding(member, "phone", "phone-invalid",
                          f"Số điện thoại không hợp lệ: {phone}",
                          f"Not a valid Vietnamese phone number: {phone}")
        elif stored != phone:
            yield finding(member, "phone", "phone-format",
                          f"Số điện thoại nên ghi liền dạng {stored}; chạy `cnscd fmt` để sửa",
                          f"Write the number as {stored}; run `cnscd fmt` to fix it", Severity.WARNING)


# ---------------------------------------------------------------- dates

_DATE_FIELDS = {
    "members": ("joined_on", "left_on", "phone_consent_on"),
    "teams": ("established_on", "ended_on"),
    "decisions": ("signed_on",),
    "reports": ("submitted_on",),
    "trainings": ("held_on",),
}
_DATE_ORDER = {"members": ("joined_on", "left_on"), "teams": ("established_on", "ended_on")}


def check_dates(ctx: Context) -> Iterator[Finding]:
    """Dates are not in the future, and an end never comes before its start."""
    for table, names in _DATE_FIELDS.items():
        for row in ctx.dataset.rows(table):
            if table == "trainings" and row["status"] == "planned":
                continue  # a planned class is dated ahead on purpose
            for name in names:
                day = parse_date(row[name])
                if day and day > ctx.today:
                    yield finding(row, name, "date-in-future",
                                  f"Ngày {row[name]} nằm trong tương lai (hôm nay {ctx.today.isoformat()})",
                                  f"Date {row[name]} is in the future (today is {ctx.today.isoformat()})")
            if table in _DATE_ORDER:
                start_name, end_name = _DATE_ORDER[table]
                start, end = parse_date(row[start_name]), parse_date(row[end_name])
                if start and end and end < start:
                    yield finding(row, end_name, "end-before-start",
                                  f"{end_name} ({row[end_name]}) trước {start_name} ({row[start_name]})",
                                  f"{end_name} ({row[end_name]}) is before {start_name} ({row[start_name]})")


# ---------------------------------------------------------------- reports

def check_reports(ctx: Context) -> Iterator[Finding]:
    """Reports only for periods when the team was active, with non-negative values."""
    spans = {team_id: (parse_date(team["established_on"]), parse_date(team["ended_on"]))
             for team_id, team in ctx.teams.items()}
    for report in ctx.dataset.rows("reports"):
        value = report["value"]
        try:
            if float(value) < 0:
                yield finding(report, "value", "report-negative", f"Kết quả không được âm: {value}",
                              f"A reported value cannot be negative: {value}")
        except ValueError:
            pass  # not a number: the schema check reports it
        active = spans.get(report["team_id"])
        span = periods.parse(report["period"])
        if active is None or span is None:
            continue
        start, end = active
        if (start and span[1] < start) or (end and span[0] > end):
            yield finding(report, "period", "report-team-inactive",
                          f"Tổ {report['team_id']} không hoạt động trong kỳ {report['period']}",
                          f"Team {report['team_id']} was not active in period {report['period']}")


CHECKS: tuple[Check, ...] = (
    check_text_cells,
    check_leader_and_deputy,
    check_team_size,
    check_duplicate_members,
    check_phones,
    check_dates,
    check_reports,
)


def run_checks(dataset: Dataset, today: dt.date, ctx: Context | None = None) -> list[Finding]:
    """All rules; pass the Context when the caller needs it afterwards (the site build), so it is built once."""
    ctx = ctx or Context(dataset, today)
    return [item for check in all_checks() for item in check(ctx)]


def all_checks() -> tuple[Check, ...]:
    """The core rules plus the unit and personal-data rules, which live in modules of their own."""
    from .consent import CONSENT_CHECKS
    from .contact import CONTACT_CHECKS
    from .unitchecks import UNIT_CHECKS

    return CHECKS + UNIT_CHECKS + CONSENT_CHECKS + CONTACT_CHECKS
