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
from .model import Finding, Level, Role, Scheme, Severity, Status
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


# ---------------------------------------------------------------- units and the 2025 reform

def _unknown(row: Row, name: str, code: str, scheme: str) -> Finding:
    label = "từ 1/7/2025" if scheme == Scheme.CURRENT else "trước 1/7/2025"
    return finding(row, name, "unit-unknown",
                   f"Không có đơn vị mã {code} trong danh mục {label} (hệ mã {scheme})",
                   f"No unit with code {code} in the {scheme} list")


def check_unit_references(ctx: Context) -> Iterator[Finding]:
    """Every unit code exists in the scheme the row names."""
    units = ctx.units
    for team in ctx.dataset.rows("teams"):
        scheme, level = team["unit_scheme"], team["level"]
        if level == Level.DISTRICT:
            if scheme == Scheme.CURRENT:
                yield finding(team, "level", "district-after-2025",
                              "Từ 1/7/2025 không còn cấp huyện; tổ cấp huyện phải dùng hệ mã pre2025",
                              "Districts no longer exist after 1 July 2025; district teams use scheme pre2025")
            elif team["district_code"] not in units.legacy_districts:
                yield _unknown(team, "district_code", team["district_code"] or "(trống)", scheme)
            continue
        if not team["commune_code"]:
            yield finding(team, "commune_code", "commune-missing", "Thiếu mã xã của tổ",
                          "The team's commune code is missing")
        elif not units.commune_exists(scheme, team["commune_code"]):
            yield _unknown(team, "commune_code", team["commune_code"], scheme)
        if team["current_commune_code"] and team["current_commune_code"] not in units.communes:
            yield _unknown(team, "current_commune_code", team["current_commune_code"], Scheme.CURRENT)
    for village in ctx.dataset.rows("villages"):
        legacy = village["legacy_commune_code"]
        if legacy and legacy not in units.legacy_communes:
            yield _unknown(village, "legacy_commune_code", legacy, Scheme.LEGACY)
    for decision in ctx.dataset.rows("decisions"):
        code, scheme = decision["unit_code"], decision["unit_scheme"]
        known = (units.legacy_districts if scheme == Scheme.LEGACY and len(code) == 3
                 else units.communes if scheme == Scheme.CURRENT else units.legacy_communes)
        if code not in known:
            yield _unknown(decision, "unit_code", code, scheme)
    for target in ctx.dataset.rows("targets"):
        table = units.provinces if target["unit_level"] == "province" else units.communes
        if target["unit_code"] not in table:
            yield _unknown(target, "unit_code", target["unit_code"], Scheme.CURRENT)
    for training in ctx.dataset.rows("trainings"):
        if training["commune_code"] and training["commune_code"] not in units.communes:
            yield _unknown(training, "commune_code", training["commune_code"], Scheme.CURRENT)
    for policy in ctx.dataset.rows("policies"):
        table = units.provinces if policy["unit_scheme"] == Scheme.CURRENT else units.legacy_provinces
        if policy["province_code"] not in table:
            yield _unknown(policy, "province_code", policy["province_code"], policy["unit_scheme"])


def check_abolished_units(ctx: Context) -> Iterator[Finding]:
    """Teams of units abolished in 2025 are mapped to a new commune or marked dissolved/merged."""
    for team in ctx.dataset.rows("teams"):
        status = team["status"]
        if status != Status.ACTIVE:
            if not team["ended_on"]:
                yield finding(team, "ended_on", "ended-date-missing",
                              "Tổ đã giải thể/sáp nhập phải có ngày kết thúc",
                              "A dissolved or merged team needs the date it ended")
            if status == Status.MERGED and not team["merged_into"]:
                yield finding(team, "merged_into", "merged-target-missing",
                              "Tổ đã sáp nhập phải ghi tổ tiếp nhận (merged_into)",
                              "A merged team must name the team it merged into")
            continue
        if team["ended_on"]:
            yield finding(team, "ended_on", "active-with-end-date",
                          "Tổ đang hoạt động không được có ngày kết thúc",
                          "An active team cannot have an end date")
        if team["unit_scheme"] != Scheme.LEGACY:
            continue
        if team["level"] == Level.DISTRICT:
            yield finding(team, "status", "abolished-unit-unmapped",
                          "Cấp huyện đã bỏ từ 1/7/2025: tổ cấp huyện phải ghi đã giải thể hoặc đã sáp nhập",
                          "Districts were abolished on 1 July 2025: mark the district team dissolved or merged")
            continue
        mapped = ctx.units.old_to_new.get(team["commune_code"], [])
        chosen = team["current_commune_code"]
        if not mapped:
            yield finding(team, "commune_code", "abolished-unit-unmapped",
                          f"Xã cũ {team['commune_code']} không có trong bảng chuyển đổi 2025",
                          f"Old commune {team['commune_code']} is not in the 2025 conversion table")
        elif chosen and chosen not in mapped:
            yield finding(team, "current_commune_code", "mapping-mismatch",
                          f"Xã cũ {team['commune_code']} không được chuyển vào xã {chosen} (mà vào: {', '.join(mapped)})",
                          f"Old commune {team['commune_code']} did not become {chosen} (it became: {', '.join(mapped)})")
        elif not chosen and len(mapped) > 1:
            yield finding(team, "current_commune_code", "mapping-ambiguous",
                          f"Xã cũ {team['commune_code']} được chia vào nhiều xã mới ({', '.join(mapped)}); ghi current_commune_code",
                          f"Old commune {team['commune_code']} was split into {', '.join(mapped)}; set current_commune_code")


def check_village_commune(ctx: Context) -> Iterator[Finding]:
    """A village team has a village, and the village belongs to the team's commune."""
    for team in ctx.dataset.rows("teams"):
        if team["level"] != Level.VILLAGE:
            if team["village_id"] and team["level"] != Level.VILLAGE:
                yield finding(team, "village_id", "village-on-non-village-team",
                              "Chỉ tổ cấp thôn mới ghi mã thôn", "Only village-level teams name a village")
            continue
        village = ctx.villages.get(team["village_id"])
        if not team["village_id"]:
            yield finding(team, "village_id", "village-missing", "Tổ cấp thôn phải ghi mã thôn/tổ dân phố",
                          "A village-level team must name its village")
            continue
        if village is None:
            continue  # the foreign-key check reports it
        expected = village["commune_code"] if team["unit_scheme"] == Scheme.CURRENT else village["legacy_commune_code"]
        if expected != team["commune_code"]:
            yield finding(team, "village_id", "village-wrong-commune",
                          f"Thôn {village['name']} ({team['village_id']}) không thuộc xã {team['commune_code']} của tổ",
                          f"Village {village['name']} ({team['village_id']}) is not in the team's commune {team['commune_code']}")


def check_partitions(ctx: Context) -> Iterator[Finding]:
    """A row lives in the folder of the 2025 province it belongs to, so that province's owners review it."""
    units = ctx.units

    def misplaced(row: Row, name: str, province: str | None) -> Iterator[Finding]:
        folder = package.partition_of(row.file)
        if province and folder and province != folder:
            yield finding(row, name, "wrong-province-folder",
                          f"Dòng này thuộc tỉnh mã {province}, không thuộc thư mục {folder}",
                          f"This row belongs to province {province}, not folder {folder}")

    for village in ctx.dataset.rows("villages"):
        yield from misplaced(village, "commune_code", units.province_of_commune(village["commune_code"]))
    for team in ctx.dataset.rows("teams"):
        commune = ctx.current_commune(team)
        if commune:
            yield from misplaced(team, "commune_code", units.province_of_commune(commune))
    for table in ("members", "reports"):
        for row in ctx.dataset.rows(table):
            team = ctx.teams.get(row["team_id"])
            if team is not None:
                yield from misplaced(row, "team_id", package.partition_of(team.file))
    for training in ctx.dataset.rows("trainings"):
        if training["commune_code"]:
            yield from misplaced(training, "commune_code", units.province_of_commune(training["commune_code"]))
    for target in ctx.dataset.rows("targets"):
        code = target["unit_code"]
        yield from misplaced(target, "unit_code", code if target["unit_level"] == "province" else units.province_of_commune(code))


def check_spelling_variants(ctx: Context) -> Iterator[Finding]:
    """Warn when one commune spells the same village name two ways ("Hoà" and "Hòa")."""
    seen: dict[tuple[str, str], Row] = {}
    for village in ctx.dataset.rows("villages"):
        key = (village["commune_code"], tone_key(village["name"]))
        first = seen.setdefault(key, village)
        if first is not village and first["name"] != village["name"]:
            yield finding(village, "name", "spelling-variant",
                          f"Tên \"{village['name']}\" và \"{first['name']}\" (dòng {first.line}) chỉ khác cách bỏ dấu; "
                          "thống nhất một cách viết",
                          f"\"{village['name']}\" and \"{first['name']}\" (row {first.line}) differ only in tone-mark placement",
                          Severity.WARNING)


CHECKS: tuple[Check, ...] = (
    check_text_cells,
    check_leader_and_deputy,
    check_team_size,
    check_duplicate_members,
    check_phones,
    check_dates,
    check_reports,
    check_unit_references,
    check_abolished_units,
    check_village_commune,
    check_partitions,
    check_spelling_variants,
)


def run_checks(dataset: Dataset, today: dt.date, ctx: Context | None = None) -> list[Finding]:
    """All rules; pass the Context when the caller needs it afterwards (the site build), so it is built once."""
    ctx = ctx or Context(dataset, today)
    return [item for check in all_checks() for item in check(ctx)]


def all_checks() -> tuple[Check, ...]:
    """The core rules plus the personal-data rules, which live in modules of their own."""
    from .consent import CONSENT_CHECKS
    from .contact import CONTACT_CHECKS

    return CHECKS + CONSENT_CHECKS + CONTACT_CHECKS
