"""Cost linear in the input: a 20,000-line roster pasted into a form is answered, not timed out.

Work is measured as the number of function calls (cProfile), never wall-clock: ten times the lines must
cost about ten times the calls, where a quadratic step (an id search per new member, a name search per
line) would cost a hundred times.
"""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

from cnscd.intake.body import parse_body
from cnscd.intake.forms import load_form
from cnscd.intake.submission import BUILDERS
from cnscd.load import load
from cnscd.units import Units
from tests.conftest import SAMPLE, TODAY, run_cli

TEAM = load_form("team")
DATASET = load(SAMPLE)
UNITS = Units.from_dataset(DATASET)


def roster_body(count: int) -> str:
    lines = ["Nguyễn Văn A; Tổ trưởng; Trưởng thôn; 0900 000 901; Phiếu giấy", "Nguyễn Văn B; Tổ phó; Bí thư; ;"]
    lines += [f"Người Số {i}; Tổ viên; Chi hội {i % 50}; ; ; ghi chú {i}" for i in range(count - 2)]
    return ("### Mã xã/phường (5 chữ số)\n\n26506\n\n### Thôn/tổ dân phố\n\nTổ dân phố 9\n\n"
            "### Danh sách thành viên\n\n" + "\n".join(lines) + "\n\n### Người ghi nhận sự đồng ý\n\nCán bộ xã\n")


def calls_for(count: int):
    text = roster_body(count)
    profile = cProfile.Profile()
    profile.enable()
    parsed = parse_body(text, TEAM, "big")
    change = BUILDERS["team"](parsed, TEAM, DATASET, UNITS, TODAY, "big")
    profile.disable()
    return pstats.Stats(profile).total_calls, change


def test_work_grows_linearly_with_the_roster() -> None:
    small, _ = calls_for(2_000)
    large, change = calls_for(20_000)
    assert large < 13 * small, (small, large)
    members = change.rows["members"]
    assert len(members) == 20_000 and not change.has_errors
    assert len({m["member_id"] for m in members}) == 20_000  # every new id distinct
    assert members[0]["phone_consent_method"] == "paper_form" and members[-1]["notes"] == "ghi chú 19997"


def test_a_20000_line_roster_is_answered_by_the_command(tmp_path: Path) -> None:
    path = tmp_path / "body.md"
    path.write_text(roster_body(20_000), encoding="utf-8")
    result = run_cli("intake", str(path), "--form", "team", "--data", str(SAMPLE), "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Members: 20000 added, 0 kept, 0 left; 1 phone numbers stored with consent" in result.stdout
    assert "HỢP LỆ / VALID" in result.stdout
