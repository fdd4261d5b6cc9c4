"""Figures the site shows, computed once per build from a checked dataset: coverage, report status, rollups.

Pure: reads only the in-memory dataset and indexes of a `checks.Context`; no file or network access.
Every figure is computed in one pass over each table, so the cost grows with the data, not with pages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum

from . import package, periods
from .checks import Context
from .consent import public_phone, withdrawals_by_person
from .load import Row, parse_date
from .model import Cadence, Level, Role, Status


class ReportStatus(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"
    NOT_DUE = "not_due"  # the team did not exist yet in the period


REPORT_STATUS_VI = {
    ReportStatus.ON_TIME: "Đúng hạn",
    ReportStatus.LATE: "Trễ hạn",
    ReportStatus.MISSING: "Chưa báo cáo",
    ReportStatus.NOT_DUE: "Chưa đến kỳ",
}


@dataclass(frozen=True)
class Policy:
    min_team_size: int
    cadence: str
    deadline_day: int
    source: str

    @property
    def quarterly(self) -> bool:
        return self.cadence == Cadence.QUARTERLY


@dataclass
class LatestReport:
    period: str
    submitted_on: dt.date | None
    due_on: dt.date | None
    on_time: bool | None


@dataclass
class Person:
    name: str
    role: str
    position: str
    phone: str  # empty unless consent to publish is recorded


@dataclass
class TeamFacts:
    team_id: str
    name: str
    level: str
    status: str
    commune_code: str  # the 2025 commune it serves now
    village_id: str
    zalo_url: str
    decision_number: str
    decision_signed_on: str
    established_on: str
    leaders: list[Person] = field(default_factory=list)
    deputies: list[Person] = field(default_factory=list)
    member_count: int = 0
    latest_report: LatestReport | None = None
    status_this_period: ReportStatus | None = None

    @property
    def active(self) -> bool:
        return self.status == Status.ACTIVE


@dataclass
class VillageFacts:
    village_id: str
    name: str
    kind: str
    teams: list[TeamFacts] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return any(team.active for team in self.teams)


class Additive:
    """Counts that roll up by addition: every int field is added, every dict of counts is merged."""

    def add(self, other: Additive) -> None:
        for item in fields(self):  # type: ignore[arg-type]
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, dict):
                for key, count in theirs.items():
                    mine[key] = mine.get(key, 0) + count
            else:
                setattr(self, item.name, mine + theirs)


@dataclass
class Tally(Additive):
    """Counts that roll up from commune to province to nation by addition."""

    teams: int = 0
    members: int = 0
    villages: int = 0
    villages_covered: int = 0
    communes_with_teams: int = 0
    reports: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in ReportStatus})

    @property
    def coverage(self) -> float | None:
        """Share of villages with an active village team; None when no village is listed."""
        return self.villages_covered / self.villages if self.villages else None

    @property
    def reports_due(self) -> int:
        return sum(count for key, count in self.reports.items() if key != ReportStatus.NOT_DUE)


@dataclass
class TrainingFacts:
    held_on: str
    topic: str
    platform: str
    mode: str
    place: str
    trainer: str
    participants: str
    status: str = "held"  # planned trainings may lie in the future and are shown as upcoming


@dataclass
class CommuneFacts:
    code: str
    name: str
    slug: str
    province_code: str
    old_communes: list[tuple[str, str]]  # (old code, "Phường 1 (Thành phố Vũng Tàu)")
    villages: list[VillageFacts] = field(default_factory=list)
    commune_teams: list[TeamFacts] = field(default_factory=list)
    former_teams: list[TeamFacts] = field(default_factory=list)
    trainings: list[TrainingFacts] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


@dataclass
class ProvinceFacts:
    code: str
    name: str
    slug: str
    policy: Policy | None
    due_period: str | None
    communes: list[CommuneFacts] = field(default_factory=list)
    trainings: list[TrainingFacts] = field(default_factory=list)  # province-wide, no commune
    tally: Tally = field(default_factory=Tally)


@dataclass
class Derived:
    today: dt.date
    provinces: list[ProvinceFacts]
    tally: Tally

    def communes(self) -> list[CommuneFacts]:
        return [commune for province in self.provinces for commune in province.communes]


def due_period(policy: Policy, today: dt.date) -> str:
    """The latest period whose report deadline has passed by today (the one the site judges)."""
    period = periods.period_of(today, policy.quarterly)
    while True:
        due = periods.due_date(period, policy.deadline_day)
        if due is not None and due < today:
            return period
        period = periods.previous(period)


def judge_report(end: dt.date | None, due: dt.date | None, established_on: dt.date | None,
                 submitted: dt.date | None, today: dt.date | None = None) -> ReportStatus:
    """The one rule for a period's report: not due before the team existed or (given today) before the deadline."""
    if end is None or due is None or (established_on and established_on > end):
        return ReportStatus.NOT_DUE
    if submitted is None:
        return ReportStatus.MISSING if today is None or due < today else ReportStatus.NOT_DUE
    return ReportStatus.ON_TIME if submitted <= due else ReportStatus.LATE


def report_status(established_on: dt.date | None, period: str, submitted: dt.date | None,
                  deadline_day: int) -> ReportStatus:
    span = periods.parse(period)
    return judge_report(span[1] if span else None, periods.due_date(period, deadline_day), established_on, submitted)


def _person(member: Row, withdrawals: Mapping[str, dt.date]) -> Person:
    return Person(member["full_name"], member["role"], member["position"], public_phone(member, withdrawals))


def _policies(ctx: Context) -> dict[str, Policy]:
    found = {}
    for code in ctx.units.provinces:
        row = ctx.policy(code, ctx.day_in(code))
        if row is not None:
            found[code] = Policy(int(row["min_team_size"]), row["report_cadence"], int(row["report_deadline_day"]),
                                 row["source"])
    return found


def note_submission(by_period: dict[str, dt.date | None], period: str, day: dt.date | None) -> None:
    """Keep the day a period's report was last submitted (the rule both derive and the figures' sums follow)."""
    known = by_period.get(period)
    if period not in by_period or (day and (known is None or day > known)):
        by_period[period] = day


def _submissions(ctx: Context) -> dict[str, dict[str, dt.date | None]]:
    """team → period → the day the report of that period was (last) submitted."""
    found: dict[str, dict[str, dt.date | None]] = defaultdict(dict)
    for report in ctx.dataset.rows("reports"):
        note_submission(found[report["team_id"]], report["period"], parse_date(report["submitted_on"]))
    return found


def _old_label(ctx: Context, code: str) -> str:
    row = ctx.units.legacy_communes.get(code, {})
    district = ctx.units.legacy_districts.get(row.get("district_code", ""), {}).get("name")
    name = row.get("name", code)
    return f"{name} ({district})" if district else name


def derive(ctx: Context, sent: dict[str, dict[str, dt.date | None]] | None = None) -> Derived:
    """All facts the site needs, for every 2025 commune that has villages, teams or trainings. `sent`: team → period
    → the day its report was last submitted, when the build has it already (figures' `add_reports`)."""
    units, today = ctx.units, ctx.today
    policies = _policies(ctx)
    due = {code: due_period(policy, ctx.day_in(code)) for code, policy in policies.items()}
    submissions = _submissions(ctx) if sent is None else sent
    withdrawals = withdrawals_by_person(ctx.dataset)
    decisions = ctx.dataset.index("decisions", "decision_id")
    communes: dict[str, CommuneFacts] = {}

    def commune(code: str) -> CommuneFacts:
        if code not in communes:
            row = units.communes[code]
            old = [(old_code, _old_label(ctx, old_code)) for old_code in sorted(units.new_to_old.get(code, []))]
            communes[code] = CommuneFacts(code, row["name"], row["slug"], row["province_code"], old)
        return communes[code]

    villages: dict[str, tuple[str, VillageFacts]] = {}
    for row in ctx.dataset.rows("villages"):
        if row["commune_code"] in units.communes:
            village = VillageFacts(row["village_id"], row["name"], row["kind"])
            villages[row["village_id"]] = (row["commune_code"], village)
            commune(row["commune_code"]).villages.append(village)

    for team in ctx.dataset.rows("teams"):
        code = ctx.current_commune(team)
        if code is None or code not in units.communes:
            continue
        place = commune(code)
        decision = decisions.get(team["decision_id"])
        facts = TeamFacts(team["team_id"], team["name"], team["level"], team["status"], code, team["village_id"],
                          team["zalo_url"], decision["number"] if decision else "",
                          decision["signed_on"] if decision else "", team["established_on"])
        if not facts.active:
            place.former_teams.append(facts)
            continue
        members = ctx.active_members(team["team_id"])
        facts.member_count = len(members)
        facts.leaders = [_person(m, withdrawals) for m in members if m["role"] == Role.LEADER]
        facts.deputies = [_person(m, withdrawals) for m in members if m["role"] == Role.DEPUTY]
        policy = policies.get(place.province_code)
        sent = submissions.get(team["team_id"], {})
        if sent:
            latest = max(sent, key=lambda p: (periods.parse(p) or (dt.date.min,))[0])
            due_on = periods.due_date(latest, policy.deadline_day) if policy else None
            day = sent[latest]
            facts.latest_report = LatestReport(latest, day, due_on,
                                               None if due_on is None or day is None else day <= due_on)
        if policy:
            period = due[place.province_code]
            facts.status_this_period = report_status(parse_date(team["established_on"]), period,
                                                     sent.get(period), policy.deadline_day)
        village_commune, village = villages.get(team["village_id"], ("", None))
        if team["level"] == Level.VILLAGE and village is not None and village_commune == code:
            village.teams.append(facts)
        else:
            place.commune_teams.append(facts)

    provinces_trainings: dict[str, list[TrainingFacts]] = defaultdict(list)
    for row in ctx.dataset.rows("trainings"):
        facts = TrainingFacts(row["held_on"], row["topic"], row["platform"], row["mode"], row["place"],
                              row["trainer"], row["participants"], "planned" if row["status"] == "planned" else "held")
        if row["commune_code"] in units.communes:
            commune(row["commune_code"]).trainings.append(facts)
        else:
            province = package.partition_of(row.file)
            if province:
                provinces_trainings[province].append(facts)

    provinces: dict[str, ProvinceFacts] = {}
    for code, row in units.provinces.items():
        provinces[code] = ProvinceFacts(code, row["name"], row["slug"], policies.get(code), due.get(code),
                                        trainings=sorted(provinces_trainings.get(code, []), key=lambda t: t.held_on))
    nation = Tally()
    for place in sorted(communes.values(), key=lambda c: c.code):
        place.villages.sort(key=lambda v: v.village_id)
        place.trainings.sort(key=lambda t: t.held_on)
        tally = place.tally
        active = place.commune_teams + [team for village in place.villages for team in village.teams]
        tally.teams = len(active)
        tally.members = sum(team.member_count for team in active)
        tally.villages = len(place.villages)
        tally.villages_covered = sum(1 for village in place.villages if village.covered)
        tally.communes_with_teams = 1 if active else 0
        for team in active:
            if team.status_this_period is not None:
                tally.reports[team.status_this_period] += 1
        province = provinces[place.province_code]
        province.communes.append(place)
        province.tally.add(tally)
    for province in provinces.values():
        nation.add(province.tally)
    return Derived(today, sorted(provinces.values(), key=lambda p: p.code), nation)


def percent(share: float | None) -> str:
    """75 %, as Vietnamese writes it; an em dash when there is nothing to divide."""
    return "—" if share is None else f"{round(share * 100)} %"
