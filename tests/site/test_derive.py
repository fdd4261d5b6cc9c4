"""Coverage, report status and rollups, on the sample at a fixed today and on small in-memory edits."""

from __future__ import annotations

import datetime as dt

import pytest

from cnscd.checks import Context
from cnscd.derive import Policy, ReportStatus, derive, due_period, percent, report_status
from cnscd.load import load
from tests.conftest import SAMPLE, TODAY
from tests.site.conftest import commune, province

MONTHLY_25 = Policy(3, "monthly", 25, "")
MONTHLY_20 = Policy(4, "monthly", 20, "")
QUARTERLY_25 = Policy(5, "quarterly", 25, "")


@pytest.mark.parametrize(("policy", "today", "expected"), [
    (MONTHLY_25, dt.date(2026, 11, 22), "2026-10"),   # November's deadline has not come yet
    (MONTHLY_25, dt.date(2026, 11, 25), "2026-10"),   # the deadline day itself still counts as on time
    (MONTHLY_25, dt.date(2026, 11, 26), "2026-11"),
    (MONTHLY_20, dt.date(2026, 11, 22), "2026-11"),
    (MONTHLY_25, dt.date(2026, 1, 10), "2025-12"),    # across the new year
    (QUARTERLY_25, dt.date(2026, 11, 22), "2026-Q3"),
    (QUARTERLY_25, dt.date(2026, 12, 26), "2026-Q4"),
])
def test_due_period_is_the_latest_period_whose_deadline_passed(policy, today, expected):
    assert due_period(policy, today) == expected


@pytest.mark.parametrize(("established", "submitted", "expected"), [
    (dt.date(2025, 7, 1), dt.date(2026, 10, 25), ReportStatus.ON_TIME),
    (dt.date(2025, 7, 1), dt.date(2026, 10, 26), ReportStatus.LATE),
    (dt.date(2025, 7, 1), None, ReportStatus.MISSING),
    (dt.date(2026, 11, 1), None, ReportStatus.NOT_DUE),  # the team did not exist in October
])
def test_report_status(established, submitted, expected):
    assert report_status(established, "2026-10", submitted, 25) == expected


def test_commune_facts_of_the_sample(derived):
    vung_tau = commune(derived, "26506")
    assert vung_tau.name == "Phường Vũng Tàu"
    assert vung_tau.tally.villages == 6 and vung_tau.tally.villages_covered == 6
    assert vung_tau.tally.teams == 7  # six village teams and the commune team
    assert [t.team_id for t in vung_tau.commune_teams] == ["T79-0002"]
    # A pre-2025 village team is placed in the 2025 commune it serves now.
    assert [t.team_id for t in vung_tau.villages[0].teams] == ["T79-0003"]
    assert ("26508", "Phường Thắng Tam (Thành phố Vũng Tàu)") in vung_tau.old_communes
    assert [t.team_id for t in vung_tau.former_teams] == ["T79-0009"]
    leader = vung_tau.commune_teams[0].leaders[0]
    assert (leader.name, leader.phone) == ("Dương Kim Bình", "0900000166")


def test_rollups_add_up(derived):
    hcm = province(derived, "79")
    assert hcm.tally.teams == sum(c.tally.teams for c in hcm.communes)
    assert derived.tally.members == sum(p.tally.members for p in derived.provinces)
    assert derived.tally.communes_with_teams == 15
    assert sum(derived.tally.reports.values()) == derived.tally.teams


def test_report_status_of_the_due_period(derived):
    # HCM reports monthly by the 20th: on 22/11/2026 November is due and nobody has sent it yet.
    hcm = province(derived, "79")
    assert hcm.due_period == "2026-11"
    assert hcm.tally.reports[ReportStatus.MISSING] == hcm.tally.teams
    dong_nai = province(derived, "75")
    assert dong_nai.due_period == "2026-Q3"
    assert dong_nai.tally.reports[ReportStatus.ON_TIME] == 19 and dong_nai.tally.reports[ReportStatus.LATE] == 2


def test_latest_report_on_time_flag(derived):
    team = commune(derived, "26506").villages[0].teams[0]
    assert team.latest_report.period == "2026-10"
    assert team.latest_report.submitted_on == dt.date(2026, 11, 1)
    assert team.latest_report.on_time is False


def test_phone_without_consent_never_reaches_the_facts():
    dataset = load(SAMPLE)
    leader = next(m for m in dataset.rows("members") if m["team_id"] == "T79-0002" and m["role"] == "leader"
                  and not m["left_on"])
    leader.data["phone_consent"] = "false"
    vung_tau = commune(derive(Context(dataset, TODAY)), "26506")
    assert vung_tau.commune_teams[0].leaders[0].phone == ""


def test_coverage_drops_when_a_village_team_dissolves():
    dataset = load(SAMPLE)
    team = next(t for t in dataset.rows("teams") if t["team_id"] == "T79-0004")
    team.data.update(status="dissolved", ended_on="2026-10-01")
    vung_tau = commune(derive(Context(dataset, TODAY)), "26506")
    assert (vung_tau.tally.villages_covered, vung_tau.tally.villages) == (5, 6)
    assert percent(vung_tau.tally.coverage) == "83 %"
    assert not vung_tau.villages[1].covered


def test_percent_without_villages():
    assert percent(None) == "—"
