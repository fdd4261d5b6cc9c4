"""`cnscd import roster`: the official annex table from .xlsx or .csv, and the reader fuzzed."""

from __future__ import annotations

import csv
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from cnscd.intake.spreadsheet import parse_grid, read_csv_text, read_roster
from cnscd.model import Finding
from tests.conftest import run_cli

HEADER = ["TT", "Họ tên", "Chức vụ tổ, xóm/đơn vị công tác", "Chức vụ Tổ công nghệ số cộng đồng", "SĐT", "Ghi chú"]
ROWS = [
    ["1", "Nguyễn Văn A", "Trưởng xóm", "Tổ trưởng", "0900 000 951", ""],
    ["2", "Nguyễn Văn B", "Bí thư Chi đoàn", "Tổ phó TT", "84-900-000-952", ""],
    ["3", "Trần Thị C", "Chi hội Phụ nữ", "Tổ phó thường trực", "+84 900.000.953", ""],
    ["4", "Lê Văn D", "Công an viên", "thành viên", "", ""],
    ["5", "Phạm Thị E", "Giáo viên", "TỔ VIÊN", "0900000955", ""],
]


def write_xlsx(path: Path, rows: list[list[str]], consent: list[str] | None = None) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["DANH SÁCH THÀNH VIÊN TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG"])
    sheet.merge_cells("A1:F1")
    sheet.append(["(Kèm theo Quyết định số /QĐ-UBND)"])
    sheet.append([])
    sheet.append(HEADER + (["Đồng ý công khai SĐT"] if consent else []))
    for index, row in enumerate(rows):
        sheet.append(row + ([consent[index]] if consent else []))
        if index == 1:
            sheet.append([])
    # the same position for two people, merged vertically as clerks do
    sheet["C5"] = "Trưởng xóm"
    sheet.merge_cells("C5:C6")
    book.save(path)


def test_xlsx_with_title_rows_merged_cells_and_no_consent_column(tmp_path: Path) -> None:
    path = tmp_path / "to.xlsx"
    write_xlsx(path, ROWS)
    sheet = read_roster(path)
    assert [m.full_name for m in sheet.members] == ["Nguyễn Văn A", "Nguyễn Văn B", "Trần Thị C", "Lê Văn D",
                                                    "Phạm Thị E"]
    assert sheet.members[1].position == "Trưởng xóm"  # filled from the merged cell
    assert all(not m.consent and not m.phone_text for m in sheet.members)
    not_stored = [f.row for f in sheet.findings if f.code == "phone-not-stored"]
    assert not_stored == [5, 6, 8, 10]  # one per row with a phone, located on the sheet's row


def test_consent_column_keeps_phones_of_those_who_agreed(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "to.xlsx"
    write_xlsx(path, ROWS, consent=["Có", "có", "Không", "", "Có"])
    result = run_cli("import", "roster", str(path), "--commune", "26506", "--village", "Tổ dân phố 9",
                     "--data", str(data_copy), "--today", "2026-11-22")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NHẬP/IMPORTED to.xlsx:5: Nguyễn Văn A — Tổ trưởng, SĐT 0900000951" in result.stdout
    assert "to.xlsx:8 [SĐT]: CẢNH BÁO/WARNING phone-not-stored: Trần Thị C" in result.stdout
    with open(data_copy / "provinces/79-ho-chi-minh/members.csv", encoding="utf-8") as handle:
        rows = {r["full_name"]: r for r in csv.DictReader(handle) if r["team_id"] == "T79-0026"}
    assert rows["Nguyễn Văn A"]["phone"] == "0900000951" and rows["Nguyễn Văn A"]["phone_consent_on"] == "2026-11-22"
    assert rows["Nguyễn Văn B"]["phone"] == "0900000952" and rows["Nguyễn Văn B"]["role"] == "deputy"
    assert rows["Trần Thị C"]["phone"] == "" and rows["Trần Thị C"]["phone_consent"] == "false"
    assert rows["Phạm Thị E"]["role"] == "member"
    assert run_cli("validate", "--data", str(data_copy), "--today", "2026-11-22").returncode == 0
    assert run_cli("fmt", "--check", "--data", str(data_copy)).returncode == 0


def test_csv_with_bom_and_a_bad_row_reports_per_row(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "to.csv"
    lines = ["UBND XÃ,,,,,", ",,,,,", ",".join(f'"{h}"' for h in HEADER)]
    lines += [",".join(row) for row in ROWS] + ["6,Đỗ Văn G,Dân quân,Chủ tịch,,"]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    before = (data_copy / "provinces/79-ho-chi-minh/members.csv").read_text(encoding="utf-8")
    result = run_cli("import", "roster", str(path), "--commune", "26506", "--village", "Tổ dân phố 9",
                     "--data", str(data_copy), "--today", "2026-11-22")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BỎ QUA/REJECTED to.csv:9 [Chức vụ Tổ công nghệ số cộng đồng]: LỖI/ERROR member-role-unknown" in result.stdout
    assert (data_copy / "provinces/79-ho-chi-minh/members.csv").read_text(encoding="utf-8") != before


def test_invalid_result_writes_nothing(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "to.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, ROWS[3], ROWS[4]])  # no leader, no deputy
    before = {p: p.read_bytes() for p in data_copy.rglob("*.csv")}
    result = run_cli("import", "roster", str(path), "--commune", "26506", "--village", "Tổ dân phố 9",
                     "--data", str(data_copy), "--today", "2026-11-22")
    assert result.returncode == 1
    assert "leader-count" in result.stdout and "nothing written" in result.stderr
    assert {p: p.read_bytes() for p in data_copy.rglob("*.csv")} == before


def test_unreadable_file_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "to.xlsx"
    path.write_bytes(b"not a zip")
    sheet = read_roster(path)
    assert [f.code for f in sheet.findings] == ["file-unreadable"] and not sheet.members


cells = st.one_of(st.text(max_size=12), st.sampled_from([*HEADER, "Tổ trưởng", "tổ phó tt", "0900 000 111", ""]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, max_size=8), max_size=12))
def test_reader_never_crashes(grid: list[list[str]]) -> None:
    sheet = parse_grid(grid, "fuzz.xlsx")
    assert sheet.members or sheet.findings
    assert all(isinstance(f, Finding) and f.file == "fuzz.xlsx" for f in sheet.findings)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_csv_text_never_crashes(text: str) -> None:
    sheet = parse_grid(read_csv_text(text), "fuzz.csv")
    assert sheet.members or sheet.findings
