"""Authority is judged by the 2025 commune a team serves now, never by a pre-2025 code."""

from __future__ import annotations

from pathlib import Path

from cnscd.intake.body import parse_body
from cnscd.intake.codeowners import Maintainers
from cnscd.intake.forms import load_form
from cnscd.intake.submission import BUILDERS
from cnscd.load import load
from cnscd.units import Units
from tests.conftest import TODAY
from tests.datautil import CAO_BANG, edit

BODY = "### Mã tổ\n\nT04-0003\n\n### Kỳ báo cáo\n\n2026-11\n\n### Hồ sơ dịch vụ công trực tuyến được hỗ trợ (hồ sơ)\n\n3\n"


def test_report_of_a_pre2025_team_is_judged_by_its_new_commune(data_copy: Path) -> None:
    # T04-0003 was set up under old Phường Sông Hiến (01267), which became Phường Thục Phán (01273);
    # with current_commune_code left empty the mapping alone tells the new commune.
    edit(data_copy, f"{CAO_BANG}/teams.csv", "team_id", "T04-0003", current_commune_code="")
    dataset = load(data_copy)
    units = Units.from_dataset(dataset)
    form = load_form("report")
    change = BUILDERS["report"](parse_body(BODY, form, "body.md"), form, dataset, units, TODAY, "body.md")
    assert not change.has_errors, change.findings
    assert (change.province_code, change.commune_code) == ("04", "01273")
    maintainers = Maintainers(communes={"01273": ["thuc-phan-officer"], "01267": ["someone-else"]})
    assert maintainers.may_change("thuc-phan-officer", change.commune_code, change.province_code)
    assert not maintainers.may_change("someone-else", change.commune_code, change.province_code)


def test_current_commune_by_scheme(data_copy: Path) -> None:
    units = Units.from_dataset(load(data_copy))
    team = {"level": "village", "unit_scheme": "pre2025", "commune_code": "01267", "current_commune_code": ""}
    assert units.current_commune(team) == "01273"
    assert units.current_commune({**team, "commune_code": "01615"}) is None  # split: must be chosen
    assert units.current_commune({**team, "commune_code": "01615", "current_commune_code": "01648"}) == "01648"
    assert units.current_commune({**team, "unit_scheme": "2025", "commune_code": "01273"}) == "01273"
    assert units.current_commune({**team, "level": "district"}) is None
