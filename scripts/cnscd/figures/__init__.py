"""Accountability figures, computed once per build: coverage, report punctuality per period, re-confirmation
of pre-2025 teams, targets against results, and the lists a province office acts on.

Pure: reads a `checks.Context` (the loaded dataset and its indexes) and the site's `derive.Derived` (whose
people carry only consented phones); one pass over each table, so the cost grows with the data, not pages.
Renderers (site dashboards, documents) only read these objects.

Definitions (documented in README «Số liệu»):
- a commune is *covered* when at least one active team serves it; a village when an active village team does.
- a *pre-2025 team* is a team row in the pre2025 scheme, or one established before 1 July 2025. It is
  *re-confirmed* when its decision was signed on or after 1 July 2025 by its 2025 commune (a 2025-scheme
  decision whose unit is that commune): re-confirming (kiện toàn) means the commune points the team row at
  its new decision. Otherwise it is *pending* (or *overdue* after the province's `reconfirm_by`), unless it
  was dissolved or merged.
- a report of a period is *on time* when submitted by the deadline day of the period's last month, *late*
  (with days late) after it, *missing* when there is none and the deadline has passed; a team is not
  judged for periods before it was established. Cadence and deadline are the province's policy in force today.
- year-to-date *actual* sums the year's report values of every team now serving the commune, former teams
  of the old communes merged into it included; a province's actual sums all its rows. A *target* is the
  year's row for the unit, else the sum of its quarter or month rows; a province without its own row
  gets the sum of its communes' targets. A pillar's completion is the mean of its indicators' shares.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from .. import periods
from ..derive import Additive, Person, Policy, ReportStatus, judge_report
from ..load import parse_date
from ..model import Pillar, Scheme, Status

REFORM_DAY = dt.date(2025, 7, 1)
STRIP_LENGTH = 12
TOP_TEAMS = 5


class Reconfirm(StrEnum):
    RECONFIRMED = "reconfirmed"
    PENDING = "pending"
    OVERDUE = "overdue"
    DISSOLVED = "dissolved"
    MERGED = "merged"


RECONFIRM_VI = {
    Reconfirm.RECONFIRMED: "Đã kiện toàn", Reconfirm.PENDING: "Chưa kiện toàn",
    Reconfirm.OVERDUE: "Quá hạn kiện toàn", Reconfirm.DISSOLVED: "Đã giải thể", Reconfirm.MERGED: "Đã sáp nhập",
}


# ---------------------------------------------------------------- types

@dataclass
class Coverage(Additive):
    """Counts that add up from commune to province to nation."""

    communes: int = 0
    communes_covered: int = 0
    villages: int = 0
    villages_covered: int = 0
    teams: int = 0
    members: int = 0

    @property
    def commune_share(self) -> float | None:
        return self.communes_covered / self.communes if self.communes else None

    @property
    def village_share(self) -> float | None:
        return self.villages_covered / self.villages if self.villages else None


@dataclass(slots=True, frozen=True)
class PeriodMark:
    """One team's report for one period, judged against the deadline and today."""

    period: str
    status: ReportStatus
    due_on: dt.date | None
    submitted_on: dt.date | None

    @property
    def days_late(self) -> int:
        if self.status != ReportStatus.LATE or self.submitted_on is None or self.due_on is None:
            return 0
        return (self.submitted_on - self.due_on).days


@dataclass
class TeamRecord:
    """An active team as the province office sees it: who to call, its size, its reports, its results."""

    team_id: str
    label: str  # the village's name for a village team, else the team's name
    commune_code: str
    leader: Person | None  # phone only with consent (derive filters it)
    deputy: Person | None
    members: int
    min_size: int | None
    marks: list[PeriodMark] = field(default_factory=list)  # oldest first, ending at the period due
    actual: dict[str, float] = field(default_factory=dict)  # indicator → year to date
    score: float = 0.0  # mean share of the commune's targets this team delivered

    @property
    def current(self) -> PeriodMark | None:
        return self.marks[-1] if self.marks else None

    @property
    def too_small(self) -> bool:
        return self.min_size is not None and self.members < self.min_size

    @property
    def on_time(self) -> int:
        return sum(1 for mark in self.marks if mark.status == ReportStatus.ON_TIME)

    def count(self, status: ReportStatus) -> int:
        return sum(1 for mark in self.marks if mark.status == status)


@dataclass
class Reconfirmation:
    team_id: str
    name: str
    commune_code: str
    status: Reconfirm
    decision_number: str
    decision_signed_on: str
    deadline: dt.date | None


@dataclass
class IndicatorProgress:
    code: str
    name_vi: str
    unit_vi: str
    pillar: str
    target: float | None
    actual: float
    expected_to_date: float | None  # the target pro rata to the end of the period due
    trend: list[float] = field(default_factory=list)  # per strip period

    @property
    def share(self) -> float | None:
        return self.actual / self.target if self.target else None

    @property
    def met(self) -> bool:
        return self.target is not None and self.actual >= self.target


@dataclass
class PillarProgress:
    pillar: str
    indicators: int  # with a target
    met: int
    share: float | None  # mean of the indicators' shares


@dataclass
class Training:
    held_on: str
    status: str  # planned | held
    topic: str
    platform: str
    mode: str
    place: str
    trainer: str
    participants: str
    commune_code: str


@dataclass
class CommuneFigures:
    code: str
    name: str
    slug: str
    province_code: str
    coverage: Coverage
    villages_without: list[tuple[str, str]] = field(default_factory=list)  # (village_id, name)
    teams: list[TeamRecord] = field(default_factory=list)
    reconfirmations: list[Reconfirmation] = field(default_factory=list)
    indicators: list[IndicatorProgress] = field(default_factory=list)
    pillars: list[PillarProgress] = field(default_factory=list)
    by_period: dict[str, dict[str, float]] = field(default_factory=dict)  # period → indicator → sum, all years

    @property
    def late_or_missing(self) -> list[TeamRecord]:
        return [t for t in self.teams if t.current and t.current.status in (ReportStatus.LATE, ReportStatus.MISSING)]


@dataclass
class ProvinceFigures:
    code: str
    name: str
    slug: str
    policy: Policy | None
    reconfirm_by: dt.date | None
    strip: list[str]  # the last periods, oldest first, ending at the period due
    coverage: Coverage = field(default_factory=Coverage)
    communes: dict[str, CommuneFigures] = field(default_factory=dict)
    communes_without: list[tuple[str, str]] = field(default_factory=list)  # (code, name) in the units table
    indicators: list[IndicatorProgress] = field(default_factory=list)
    pillars: list[PillarProgress] = field(default_factory=list)
    top_teams: list[TeamRecord] = field(default_factory=list)
    upcoming: list[Training] = field(default_factory=list)

    @property
    def due_period(self) -> str | None:
        return self.strip[-1] if self.strip else None

    def teams(self) -> list[TeamRecord]:
        return [team for commune in self.communes.values() for team in commune.teams]

    def late_or_missing(self) -> list[TeamRecord]:
        return [team for commune in self.communes.values() for team in commune.late_or_missing]

    def below_standard(self) -> list[TeamRecord]:
        """Teams under the minimum size, or without a leader or a deputy."""
        return [team for team in self.teams() if team.too_small or team.leader is None or team.deputy is None]

    def pending(self) -> list[Reconfirmation]:
        return [r for c in self.communes.values() for r in c.reconfirmations
                if r.status in (Reconfirm.PENDING, Reconfirm.OVERDUE)]

    def reconfirm_counts(self) -> dict[str, int]:
        counts = {status.value: 0 for status in Reconfirm}
        for commune in self.communes.values():
            for item in commune.reconfirmations:
                counts[item.status] += 1
        return counts


@dataclass
class Figures:
    today: dt.date
    year: int
    provinces: dict[str, ProvinceFigures]
    coverage: Coverage
    indicators: list[IndicatorProgress]
    pillars: list[PillarProgress]

    def commune(self, code: str) -> CommuneFigures | None:
        for province in self.provinces.values():
            if code in province.communes:
                return province.communes[code]
        return None


# ---------------------------------------------------------------- small rules, each testable alone

def judge(period: str, established_on: dt.date | None, submitted_on: dt.date | None, deadline_day: int,
          today: dt.date) -> PeriodMark:
    """On time, late or missing for one period; not due before the team existed or before the deadline."""
    span = periods.parse(period)
    due = periods.due_date(period, deadline_day)
    return _judge(period, span[1] if span else None, due, established_on, submitted_on, today)


def _judge(period: str, end: dt.date | None, due: dt.date | None, established_on: dt.date | None,
           submitted_on: dt.date | None, today: dt.date) -> PeriodMark:
    """judge() with the period's last day and deadline worked out once per province, not once per team."""
    return PeriodMark(period, judge_report(end, due, established_on, submitted_on, today), due, submitted_on)


def strip_periods(last: str, count: int = STRIP_LENGTH) -> list[str]:
    """count periods ending at last, oldest first."""
    found = [last]
    while len(found) < count:
        found.append(periods.previous(found[-1]))
    return found[::-1]


def reconfirmation(team: dict, decision: dict | None, commune_code: str, deadline: dt.date | None,
                   today: dt.date) -> Reconfirm | None:
    """The re-confirmation state of a pre-2025 team; None for a team set up under the 2025 units."""
    established = parse_date(team["established_on"])
    if team["unit_scheme"] != Scheme.LEGACY and (established is None or established >= REFORM_DAY):
        return None
    if team["status"] == Status.DISSOLVED:
        return Reconfirm.DISSOLVED
    if team["status"] == Status.MERGED:
        return Reconfirm.MERGED
    if decision is not None and decision["unit_scheme"] == Scheme.CURRENT and decision["unit_code"] == commune_code:
        signed = parse_date(decision["signed_on"])
        if signed is not None and signed >= REFORM_DAY:
            return Reconfirm.RECONFIRMED
    return Reconfirm.OVERDUE if deadline is not None and today > deadline else Reconfirm.PENDING


def targets_by_unit(targets: dict[tuple[str, str, str], float]) -> dict[tuple[str, str], dict[str, float]]:
    """(unit_level, unit_code) → indicator → target, so each unit finds its own without a scan."""
    found: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for (level, unit, indicator), value in targets.items():
        found[(level, unit)][indicator] = value
    return found


def year_targets(rows: list[dict], year: int) -> dict[tuple[str, str, str], float]:
    """(unit_level, unit_code, indicator) → the year's target: its year row, else its sub-period rows summed."""
    whole: dict[tuple[str, str, str], float] = {}
    parts: dict[tuple[str, str, str], float] = defaultdict(float)
    prefix = str(year)
    for row in rows:
        if not row["period"].startswith(prefix):
            continue
        key = (row["unit_level"], row["unit_code"], row["indicator_code"])
        value = float(row["value"] or 0)
        if row["period"] == prefix:
            whole[key] = value
        else:
            parts[key] += value
    return {**parts, **whole}


def progress(indicators: list[dict], targets: dict[str, float], actual: dict[str, float], elapsed: float,
             trend: dict[str, list[float]] | None = None) -> tuple[list[IndicatorProgress], list[PillarProgress]]:
    """Targets against actual per indicator (those with a target or a result) and per pillar."""
    items = []
    for row in indicators:
        code = row["code"]
        target = targets.get(code)
        if target is None and not actual.get(code):
            continue
        items.append(IndicatorProgress(code, row["name_vi"], row["unit_vi"], row["pillar"], target,
                                       actual.get(code, 0.0), None if target is None else target * elapsed,
                                       (trend or {}).get(code, [])))
    pillars = []
    for pillar in Pillar:
        shares = [item.share for item in items if item.pillar == pillar and item.share is not None]
        if shares:
            met = sum(1 for item in items if item.pillar == pillar and item.met)
            pillars.append(PillarProgress(pillar.value, len(shares), met, sum(shares) / len(shares)))
    return items, pillars


def _first(people: list[Person]) -> Person | None:
    """The one to call: the first with a published phone, else the first."""
    return next((p for p in people if p.phone), people[0] if people else None)


def _elapsed(strip: list[str], year: int) -> float:
    """Share of the year that has come due (1.0 once the year's last period is due)."""
    if not strip:
        return 0.0
    span = periods.parse(strip[-1])
    if span is None or span[1].year < year:
        return 0.0
    return 1.0 if span[1].year > year else span[1].month / 12


from .rollup import compute as compute  # noqa: E402 - rollup reads the types above
