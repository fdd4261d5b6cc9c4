"""Figures on a small hand-made province (Quảng Ngãi, Xã Bình Sơn) checked against values computed by hand.

The fixture keeps the sample's unit tables and policies, drops every province folder and writes Quảng Ngãi's
tables row by row with the canonical writer: a merged old commune team, a late report, a missing current
period after an on-time previous one, a team below the minimum size, a team without deputy, a pre-2025
team pending re-confirmation and one re-confirmed, targets met and missed, a planned and a held training.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cnscd import figures, package, write
from cnscd.checks import Context
from cnscd.derive import ReportStatus, derive
from cnscd.figures import Reconfirm
from cnscd.load import load
from cnscd.validate import validate_dataset
from tests.conftest import SAMPLE

TODAY = dt.date(2026, 11, 22)  # Quảng Ngãi: monthly, due the 25th → the period judged is 2026-10
FOLDER = "provinces/51-quang-ngai"


def member(number: int, team: str, role: str, name: str, phone: str = "") -> dict[str, str]:
    consent = {"phone": phone, "phone_consent": "true", "phone_consent_on": "2025-07-18",
               "phone_consent_method": "paper_form", "phone_consent_recorded_by": "Công chức Văn hóa - Xã hội xã"}
    return {"member_id": f"M51-{number:06d}", "team_id": team, "person_id": f"P51-{number:06d}", "full_name": name,
            "role": role, "position": "Trưởng thôn", "joined_on": "2025-07-18",
            **(consent if phone else {"phone_consent": "false"})}


def report(team: str, period: str, indicator: str, value: int, submitted: str) -> dict[str, str]:
    return {"team_id": team, "period": period, "indicator_code": indicator, "value": str(value),
            "submitted_on": submitted}


TEAM = {"unit_scheme": "2025", "commune_code": "21040", "status": "active"}
TABLES: dict[str, list[dict[str, str]]] = {
    "villages": [
        {"village_id": "V21040-001", "commune_code": "21040", "kind": "thon", "name": "Thôn An", "legacy_commune_code": "21046"},
        {"village_id": "V21040-002", "commune_code": "21040", "kind": "thon", "name": "Thôn Bình", "legacy_commune_code": "21040"},
        {"village_id": "V21040-003", "commune_code": "21040", "kind": "thon", "name": "Thôn Cát", "legacy_commune_code": "21052"},
    ],
    "decisions": [
        {"decision_id": "D51-0001", "number": "12/QĐ-UBND", "signed_on": "2022-05-20", "issuer": "UBND Xã Bình Thạnh",
         "unit_scheme": "pre2025", "unit_code": "21046", "title": "Thành lập Tổ CNSCĐ"},
        {"decision_id": "D51-0002", "number": "72/QĐ-UBND", "signed_on": "2025-07-18", "issuer": "UBND Xã Bình Sơn",
         "unit_scheme": "2025", "unit_code": "21040", "title": "Kiện toàn Tổ CNSCĐ Xã Bình Sơn"},
    ],
    "teams": [
        {**TEAM, "team_id": "T51-0001", "name": "Tổ CNSCĐ Xã Bình Sơn", "level": "commune", "decision_id": "D51-0002",
         "established_on": "2025-07-18"},
        # pre-2025, still on its old decision: pending re-confirmation; two members: below the minimum of 3
        {**TEAM, "team_id": "T51-0002", "name": "Tổ CNSCĐ Thôn An", "level": "village", "unit_scheme": "pre2025",
         "commune_code": "21046", "current_commune_code": "21040", "village_id": "V21040-001",
         "decision_id": "D51-0001", "established_on": "2022-05-20"},
        # pre-2025, re-confirmed by the 2025 commune's decision; no deputy
        {**TEAM, "team_id": "T51-0003", "name": "Tổ CNSCĐ Thôn Bình", "level": "village", "unit_scheme": "pre2025",
         "commune_code": "21040", "current_commune_code": "21040", "village_id": "V21040-002",
         "decision_id": "D51-0002", "established_on": "2022-05-20"},
        # the old commune's team, merged into the new commune's team in the reform
        {**TEAM, "team_id": "T51-0004", "name": "Tổ CNSCĐ Xã Bình Thạnh (cũ)", "level": "commune", "status": "merged",
         "unit_scheme": "pre2025", "commune_code": "21046", "decision_id": "D51-0001", "established_on": "2022-05-20",
         "ended_on": "2025-06-30", "merged_into": "T51-0001"},
    ],
    "members": [
        member(1, "T51-0001", "leader", "Nguyễn Văn A", "0900000001"), member(2, "T51-0001", "deputy", "Trần Thị B"),
        member(3, "T51-0001", "member", "Lê Văn C"),
        member(4, "T51-0002", "leader", "Phạm Văn D", "0900000004"), member(5, "T51-0002", "deputy", "Hồ Thị E"),
        member(6, "T51-0003", "leader", "Vũ Văn G"), member(7, "T51-0003", "member", "Đỗ Thị H"),
        member(8, "T51-0003", "member", "Bùi Văn K"),
        {**member(9, "T51-0004", "leader", "Lý Văn L"), "joined_on": "2022-05-20", "left_on": "2025-06-30"},
    ],
    "reports-2025": [report("T51-0004", "2025-05", "dvc_dossiers", 7, "2025-05-20")],
    "reports-2026": [
        report("T51-0001", "2026-09", "dvc_dossiers", 30, "2026-09-20"),
        report("T51-0001", "2026-09", "vneid_activations", 20, "2026-09-20"),
        report("T51-0001", "2026-10", "dvc_dossiers", 40, "2026-10-30"),  # 5 days late
        report("T51-0002", "2026-09", "dvc_dossiers", 50, "2026-09-25"),  # on the deadline: on time
    ],
    "targets": [
        {"unit_level": "commune", "unit_code": "21040", "period": "2026", "indicator_code": "dvc_dossiers", "value": "100"},
        {"unit_level": "commune", "unit_code": "21040", "period": "2026", "indicator_code": "vneid_activations", "value": "200"},
        {"unit_level": "commune", "unit_code": "21040", "period": "2026-Q1", "indicator_code": "payment_accounts", "value": "10"},
        {"unit_level": "commune", "unit_code": "21040", "period": "2026-Q2", "indicator_code": "payment_accounts", "value": "15"},
    ],
    "trainings": [
        {"training_id": "H51-0001", "held_on": "2026-06-01", "status": "held", "commune_code": "21040", "mode": "online",
         "topic": "VNeID", "trainer": "VNPT", "participants": "20"},
        {"training_id": "H51-0002", "held_on": "2026-12-05", "status": "planned", "commune_code": "21040",
         "mode": "in_person", "topic": "Thanh toán bằng mã QR", "trainer": "Sở Khoa học và Công nghệ", "participants": "0"},
    ],
}


def build_fixture(root: Path) -> Path:
    """The sample's units, indicators and policies; Quảng Ngãi's tables from TABLES; no other province."""
    data = root / "data"
    shutil.copytree(SAMPLE, data, ignore=shutil.ignore_patterns("provinces"))
    for name, rows in TABLES.items():
        table = name.split("-")[0]
        schema = package.load_schema(data, table)
        write.write_text_atomic(data / FOLDER / f"{name}.csv",
                                write.render(rows, package.field_names(schema), schema.get("primaryKey", [])))
    policies = data / "policies.csv"
    lines = policies.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert "reconfirm_by" in header, "policies.csv has the reconfirm_by column"
    column = header.index("reconfirm_by")
    fixed = []
    for line in lines[1:]:
        cells = line.split(",")
        if cells[:2] == ["2025", "51"]:
            cells[column] = "2025-12-31"
        fixed.append(",".join(cells))
    policies.write_text("\n".join([lines[0], *fixed]) + "\n", encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Context, figures.Figures]:
    data = build_fixture(tmp_path_factory.mktemp("figures"))
    ctx = Context(load(data), TODAY)
    return ctx, figures.compute(ctx, derive(ctx))


def test_fixture_is_valid_data(built):
    ctx, _ = built
    found = [f for f in validate_dataset(ctx.dataset, TODAY, ctx=ctx) if f.severity == "error"]
    # The two teams below standard are what the figures must show; nothing else may be wrong.
    assert sorted({f.code for f in found}) == ["deputy-missing", "team-too-small"]


def test_coverage_totals_and_lists(built):
    ctx, figs = built
    province = figs.provinces["51"]
    all_communes = sum(1 for row in ctx.dataset.rows("communes") if row["province_code"] == "51")
    assert (province.coverage.communes, province.coverage.communes_covered) == (all_communes, 1)
    assert (province.coverage.villages, province.coverage.villages_covered) == (3, 2)
    assert (province.coverage.teams, province.coverage.members) == (3, 8)
    assert len(province.communes_without) == all_communes - 1 and ("21040", "Xã Bình Sơn") not in province.communes_without
    commune = province.communes["21040"]
    assert commune.villages_without == [("V21040-003", "Thôn Cát")]
    assert figs.coverage.communes == len(ctx.dataset.rows("communes")) and figs.coverage.communes_covered == 1


def test_team_standards(built):
    _, figs = built
    teams = {team.team_id: team for team in figs.provinces["51"].teams()}
    assert set(teams) == {"T51-0001", "T51-0002", "T51-0003"}  # the merged team is not active
    assert [t for t in teams if teams[t].too_small] == ["T51-0002"]
    assert teams["T51-0003"].deputy is None and teams["T51-0003"].leader.name == "Vũ Văn G"
    assert teams["T51-0001"].leader.phone == "0900000001" and teams["T51-0001"].deputy.phone == ""
    assert teams["T51-0002"].label == "Thôn An"


def test_report_marks_per_period(built):
    _, figs = built
    province = figs.provinces["51"]
    assert province.strip[0] == "2025-11" and province.strip[-1] == "2026-10" and len(province.strip) == 12
    teams = {team.team_id: team for team in province.teams()}
    late = teams["T51-0001"].current
    assert (late.period, late.status, late.days_late) == ("2026-10", ReportStatus.LATE, 5)
    assert late.due_on == dt.date(2026, 10, 25) and late.submitted_on == dt.date(2026, 10, 30)
    before, now = teams["T51-0002"].marks[-2:]
    assert (before.status, now.status) == (ReportStatus.ON_TIME, ReportStatus.MISSING)
    assert now.submitted_on is None and now.days_late == 0
    assert teams["T51-0003"].count(ReportStatus.MISSING) == 12
    assert [t.team_id for t in province.late_or_missing()] == ["T51-0001", "T51-0002", "T51-0003"]


def test_report_not_due_before_the_team_existed_or_the_deadline():
    mark = figures.judge("2025-05", dt.date(2025, 7, 18), None, 25, TODAY)
    assert mark.status == ReportStatus.NOT_DUE
    assert figures.judge("2026-11", None, None, 25, TODAY).status == ReportStatus.NOT_DUE  # due 25/11, today 22/11
    assert figures.judge("2026-11", None, dt.date(2026, 11, 20), 25, TODAY).status == ReportStatus.ON_TIME


def test_reconfirmation(built):
    _, figs = built
    commune = figs.provinces["51"].communes["21040"]
    states = {item.team_id: item.status for item in commune.reconfirmations}
    # T51-0001 was set up under the 2025 units: not a pre-2025 team.
    assert states == {"T51-0002": Reconfirm.OVERDUE, "T51-0003": Reconfirm.RECONFIRMED, "T51-0004": Reconfirm.MERGED}
    assert [item.team_id for item in figs.provinces["51"].pending()] == ["T51-0002"]
    assert commune.reconfirmations[0].deadline == dt.date(2025, 12, 31)


def test_pending_before_the_deadline():
    team = {"unit_scheme": "pre2025", "established_on": "2022-05-20", "status": "active"}
    old = {"unit_scheme": "pre2025", "unit_code": "21046", "signed_on": "2022-05-20"}
    assert figures.reconfirmation(team, old, "21040", dt.date(2026, 12, 31), TODAY) == Reconfirm.PENDING
    assert figures.reconfirmation(team, old, "21040", None, TODAY) == Reconfirm.PENDING
    other = {"unit_scheme": "2025", "unit_code": "21052", "signed_on": "2025-08-01"}  # another commune's decision
    assert figures.reconfirmation(team, other, "21040", None, TODAY) == Reconfirm.PENDING
    recoded = {"unit_scheme": "2025", "established_on": "2024-03-01", "status": "active"}
    new = {"unit_scheme": "2025", "unit_code": "21040", "signed_on": "2025-07-18"}
    assert figures.reconfirmation(recoded, new, "21040", None, TODAY) == Reconfirm.RECONFIRMED
    assert figures.reconfirmation({**team, "status": "dissolved"}, old, "21040", None, TODAY) == Reconfirm.DISSOLVED


def test_targets_against_actual(built):
    _, figs = built
    commune = figs.provinces["51"].communes["21040"]
    got = {item.code: (item.target, item.actual, item.met) for item in commune.indicators}
    assert got == {"dvc_dossiers": (100, 120, True), "vneid_activations": (200, 20, False),
                   "payment_accounts": (25, 0, False)}  # Q1 10 + Q2 15
    dvc = next(item for item in commune.indicators if item.code == "dvc_dossiers")
    assert dvc.expected_to_date == pytest.approx(100 * 10 / 12)
    assert dvc.trend[-2:] == [80, 40] and sum(dvc.trend) == 120
    pillars = {p.pillar: (p.indicators, p.met, round(p.share, 4)) for p in commune.pillars}
    assert pillars == {"government": (2, 1, 0.65), "economy": (1, 0, 0.0)}
    # The merged old commune's history counts in the new commune.
    assert commune.by_period["2025-05"] == {"dvc_dossiers": 7}
    province = {item.code: (item.target, item.actual) for item in figs.provinces["51"].indicators}
    assert province == {"dvc_dossiers": (100, 127 - 7), "vneid_activations": (200, 20), "payment_accounts": (25, 0)}
    nation = {item.code: (item.target, item.actual) for item in figs.indicators}
    assert nation == province


def test_most_active_teams_and_upcoming_trainings(built):
    _, figs = built
    province = figs.provinces["51"]
    # score: mean share of the commune's three targets: (70/100 + 20/200 + 0/25)/3 and (50/100)/3
    assert [(t.team_id, round(t.score, 4)) for t in province.top_teams] == [("T51-0001", 0.2667), ("T51-0002", 0.1667)]
    assert [(t.held_on, t.topic) for t in province.upcoming] == [("2026-12-05", "Thanh toán bằng mã QR")]
