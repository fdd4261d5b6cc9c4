"""The whole build's figures in one pass per table: reports read once, each commune's figures, then the roll-up
commune → province → nation. The types and the small rules live in `figures/__init__.py`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import datespan, package, periods
from ..checks import Context
from ..derive import Derived, TeamFacts, note_submission
from ..load import Row, parse_date
from ..model import Pillar
from . import (
    TOP_TEAMS,
    CommuneFigures,
    Coverage,
    Figures,
    PeriodMark,
    ProvinceFigures,
    Reconfirmation,
    TeamRecord,
    Training,
    _elapsed,
    _first,
    _judge,
    progress,
    reconfirmation,
    strip_periods,
    targets_by_unit,
    year_targets,
)


@dataclass
class Reports:
    """What one pass over the reports collects."""

    sent: dict[str, dict[str, dt.date | None]] = field(default_factory=lambda: defaultdict(dict))
    team_year: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    commune_periods: dict[str, dict[str, dict[str, float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(float))))
    province_periods: dict[str, dict[str, dict[str, float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(float))))


def commune_of_team(ctx: Context) -> dict[str, str]:
    """Team → the 2025 commune it serves now (teams whose commune cannot be told are left out)."""
    units = ctx.units
    return {team["team_id"]: code for team in ctx.dataset.rows("teams")
            if (code := ctx.current_commune(team)) is not None and code in units.communes}


def add_reports(found: Reports, rows: Iterable[Row], commune_of_team: dict[str, str], year: int) -> None:
    """Add report rows to the sums; rows given file by file add up to the same sums as all of them at once."""
    for row in rows:
        team_id, period = row["team_id"], row["period"]
        day = parse_date(row["submitted_on"])
        note_submission(found.sent[team_id], period, day)
        try:
            value = float(row["value"] or 0)
        except ValueError:
            continue
        indicator = row["indicator_code"]
        province = package.partition_of(row.file)
        if province:
            found.province_periods[province][period][indicator] += value
        commune = commune_of_team.get(team_id)
        if commune:
            found.commune_periods[commune][period][indicator] += value
        if period[:4] == str(year):
            found.team_year[team_id][indicator] += value


def _year_sum(by_period: dict[str, dict[str, float]], year: int) -> dict[str, float]:
    total: dict[str, float] = defaultdict(float)
    for period, values in by_period.items():
        if period[:4] == str(year):
            for code, value in values.items():
                total[code] += value
    return total


def _trend(by_period: dict[str, dict[str, float]], strip: list[str]) -> dict[str, list[float]]:
    """Values per indicator in each strip period; a finer report period counts in the period that holds it."""
    if not strip:
        return {}
    quarterly = periods.is_quarter(strip[0])
    slot = {period: index for index, period in enumerate(strip)}
    trend: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(strip))
    for period, values in by_period.items():
        span = periods.parse(period)
        index = slot.get(periods.period_of(span[1], quarterly)) if span else None
        if index is not None:
            for code, value in values.items():
                trend[code][index] += value
    return trend


def _trainings(ctx: Context, province_of: dict[str, str]) -> dict[str, list[Training]]:
    """Planned trainings from today on, per province (a commune's or the whole province's)."""
    found: dict[str, list[Training]] = defaultdict(list)
    for row in ctx.dataset.rows("trainings"):
        province = province_of.get(row["commune_code"]) or package.partition_of(row.file)
        if not province:
            continue
        day, today = parse_date(row["held_on"]), ctx.day_in(province)
        planned = row["status"] == "planned" or (not row["status"] and day is not None and day > today)
        if planned and day is not None and day >= today:
            found[province].append(Training(row["held_on"], "planned", row["topic"], row["platform"], row["mode"],
                                            row["place"], row["trainer"], row["participants"], row["commune_code"]))
    for items in found.values():
        items.sort(key=lambda t: (t.held_on, t.commune_code))
    return found


def _slots(strip: list[str], deadline_day: int | None) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """(period, last day, deadline) for each period of a province's strip."""
    if deadline_day is None:
        return []
    return [(period, (periods.parse(period) or (None, None))[1], periods.due_date(period, deadline_day))
            for period in strip]


_Marks = dict[tuple[str, dt.date | None, dt.date | None, dt.date | None], PeriodMark]


def _team_record(team: TeamFacts, label: str, min_size: int | None, slots: list, deadline_day: int | None,
                 sent: dict[str, dt.date | None], actual: dict[str, float], today: dt.date,
                 marks: _Marks | None = None) -> TeamRecord:
    """With `marks`, equal marks are one shared object (they are frozen): 100,000 teams × 12 periods hold a few
    thousand distinct ones, which spares ~90 MB and most of the work nationally."""
    record = TeamRecord(team.team_id, label, team.commune_code, _first(team.leaders), _first(team.deputies),
                        team.member_count, min_size, actual=dict(actual))
    if deadline_day is not None:
        established = parse_date(team.established_on)
        known = {} if marks is None else marks
        found = []
        for period, end, due in slots:
            submitted = sent.get(period)
            key = (period, due, established, submitted)  # with today, all a mark depends on (end follows period)
            mark = known.get(key)
            if mark is None:
                mark = known[key] = _judge(period, end, due, established, submitted, today)
            found.append(mark)
        record.marks = found
    return record


def compute(ctx: Context, derived: Derived, reports: Reports | None = None) -> Figures:
    """Every figure of the build, from the checked dataset and the site's derived facts; `reports`: the sums of
    the report rows (`add_reports`) when the build took them already (they are used up here)."""
    today, units = ctx.today, ctx.units
    year = datespan.year_of(today)
    order = {pillar.value: index for index, pillar in enumerate(Pillar)}
    indicators = sorted(ctx.dataset.rows("indicators"), key=lambda r: (order.get(r["pillar"], 9), r["code"]))
    targets = year_targets(ctx.dataset.rows("targets"), year)
    by_unit = targets_by_unit(targets)
    decisions = ctx.dataset.index("decisions", "decision_id")

    provinces: dict[str, ProvinceFigures] = {}
    for facts in derived.provinces:
        row = ctx.policy(facts.code, ctx.day_in(facts.code))
        strip = strip_periods(facts.due_period) if facts.due_period else []
        provinces[facts.code] = ProvinceFigures(facts.code, facts.name, facts.slug, facts.policy,
                                                parse_date(row["reconfirm_by"]) if row else None, strip)

    teams_commune = commune_of_team(ctx)
    reconfirmed: dict[str, list[Reconfirmation]] = defaultdict(list)
    for team in ctx.dataset.rows("teams"):
        code = teams_commune.get(team["team_id"])
        if code is None:
            continue
        province = provinces.get(units.communes[code]["province_code"])
        decision = decisions.get(team["decision_id"])
        state = reconfirmation(team, decision, code, province.reconfirm_by if province else None,
                               ctx.day_in(province.code) if province else today)
        if state is not None:
            reconfirmed[code].append(Reconfirmation(
                team["team_id"], team["name"], code, state, decision["number"] if decision else "",
                decision["signed_on"] if decision else "", province.reconfirm_by if province else None))
    if reports is None:
        reports = Reports()
        add_reports(reports, ctx.dataset.rows("reports"), teams_commune, year)
    upcoming = _trainings(ctx, {code: row["province_code"] for code, row in units.communes.items()})

    derived_communes = {commune.code: commune for commune in derived.communes()}
    slot_cache: dict[str, list] = {}
    marks: dict[str, _Marks] = defaultdict(dict)  # per province: a mark judged with its day (see Context.day_in)
    for code, row in units.communes.items():
        province = provinces.get(row["province_code"])
        if province is None:
            continue
        facts = derived_communes.get(code)
        if facts is None:
            province.coverage.communes += 1
            province.communes_without.append((code, row["name"]))
            continue
        tally = facts.tally
        coverage = Coverage(1, 1 if tally.teams else 0, tally.villages, tally.villages_covered, tally.teams,
                            tally.members)
        commune = CommuneFigures(code, facts.name, facts.slug, facts.province_code, coverage,
                                 [(v.village_id, v.name) for v in facts.villages if not v.covered],
                                 reconfirmations=sorted(reconfirmed.get(code, []), key=lambda r: r.team_id))
        policy = province.policy
        slots = slot_cache.get(province.code)
        if slots is None:
            slots = slot_cache[province.code] = _slots(province.strip, policy.deadline_day if policy else None)
        labelled = [(team.name, team) for team in facts.commune_teams]
        labelled += [(village.name, team) for village in facts.villages for team in village.teams if team.active]
        for label, team in labelled:
            commune.teams.append(_team_record(
                team, label, policy.min_team_size if policy else None, slots,
                policy.deadline_day if policy else None, reports.sent.pop(team.team_id, {}),
                reports.team_year.pop(team.team_id, {}), ctx.day_in(province.code), marks[province.code]))
        # Taken out of the pass's tables as they are copied, so the copies reuse their memory (checked data:
        # a team id is one team, a commune code one commune).
        commune.by_period = {p: dict(v) for p, v in reports.commune_periods.pop(code, {}).items()}
        commune_targets = by_unit.get(("commune", code), {})
        commune.indicators, commune.pillars = progress(
            indicators, commune_targets, _year_sum(commune.by_period, year), _elapsed(province.strip, year),
            _trend(commune.by_period, province.strip))
        for team in commune.teams:
            shares = [team.actual.get(ind, 0.0) / value for ind, value in commune_targets.items() if value]
            team.score = sum(shares) / len(shares) if shares else 0.0
        if not coverage.communes_covered:
            province.communes_without.append((code, row["name"]))
        province.communes[code] = commune
        province.coverage.add(coverage)
    return _roll_up(today, year, provinces, indicators, by_unit, reports, upcoming)


def _roll_up(today: dt.date, year: int, provinces: dict[str, ProvinceFigures], indicators: list[dict],
             by_unit: dict[tuple[str, str], dict[str, float]], reports: Reports,
             upcoming: dict[str, list[Training]]) -> Figures:
    """Province figures from their communes (and own targets), nation from provinces."""
    nation = Coverage()
    nation_targets: dict[str, float] = defaultdict(float)
    nation_actual: dict[str, float] = defaultdict(float)
    for code, province in provinces.items():
        own = by_unit.get(("province", code), {})
        summed: dict[str, float] = defaultdict(float)
        for commune in province.communes.values():
            for item in commune.indicators:
                if item.target is not None:
                    summed[item.code] += item.target
        province_targets = {**summed, **own}
        by_period = reports.province_periods.get(code, {})
        actual = _year_sum(by_period, year)
        province.indicators, province.pillars = progress(indicators, province_targets, actual,
                                                         _elapsed(province.strip, year),
                                                         _trend(by_period, province.strip))
        ranked = [team for team in province.teams() if team.score > 0]
        ranked.sort(key=lambda t: (-t.score, -t.on_time, t.team_id))
        province.top_teams = ranked[:TOP_TEAMS]
        province.upcoming = upcoming.get(code, [])
        province.communes_without.sort()
        nation.add(province.coverage)
        for ind, value in province_targets.items():
            nation_targets[ind] += value
        for ind, value in actual.items():
            nation_actual[ind] += value
    items, pillars = progress(indicators, dict(nation_targets), dict(nation_actual),
                              min((_elapsed(p.strip, year) for p in provinces.values() if p.strip), default=0.0))
    return Figures(today, year, dict(sorted(provinces.items())), nation, items, pillars)
