"""The decision's wording and layout against a golden text (UPDATE_GOLDEN=1 rewrites it), from a hand-made roster.

A hand-made roster keeps the golden file independent of the sample data, which is regenerated often.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from cnscd.documents.decision import write_decision
from cnscd.documents.roster import CommuneRoster, RosterMember, RosterTeam
from tests.documents.helpers import all_text

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs from its golden file; UPDATE_GOLDEN=1 to accept"


def roster(legacy: bool) -> CommuneRoster:
    commune_team = RosterTeam("T51-0002", "Tổ CNSCĐ Xã Bình Sơn", "commune", "", "", "2025-07-18", False, "72/QĐ-UBND", [
        RosterMember("M1", "P1", "Nguyễn Văn A", "leader", "Phó Chủ tịch UBND xã", "0900000001", ""),
        RosterMember("M2", "P2", "Nguyễn Văn B", "deputy", "Bí thư Đoàn xã", "", "Chưa đồng ý công khai số"),
    ])
    village_team = RosterTeam("T51-0003", "Tổ CNSCĐ Thôn Tây", "village", "V21040-002", "Thôn Tây", "2022-05-20",
                              legacy, "245/QĐ-UBND", [
        RosterMember("M3", "P3", "Trần Thị C", "leader", "Trưởng thôn", "0900000003", ""),
        RosterMember("M4", "P4", "Lê Văn D", "member", "Công an viên", "", ""),
        RosterMember("M5", "P5", "Phạm Thị E", "member", "Nhân viên VNPT", "0900000005", ""),
    ])
    return CommuneRoster("21040", "Xã Bình Sơn", "xã", "51", "Tỉnh Quảng Ngãi", [commune_team, village_team])


def test_decision_reconfirming_golden(tmp_path: Path) -> None:
    path = write_decision(roster(legacy=True), tmp_path / "qd.docx")
    check_golden("decision-kien-toan.txt", all_text(path))


def test_decision_establishing_with_number_and_date_golden(tmp_path: Path) -> None:
    path = write_decision(roster(legacy=False), tmp_path / "qd.docx", "15", dt.date(2026, 3, 9))
    check_golden("decision-thanh-lap.txt", all_text(path))
