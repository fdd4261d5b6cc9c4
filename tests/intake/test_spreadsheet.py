"""`cnscd import roster`: the official annex table from .xlsx or .csv, and the reader fuzzed."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
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


MEMBERS = "provinces/79-ho-chi-minh/members.csv"


def import_cli(path: Path, data: Path, *extra: str):
    return run_cli("import", "roster", str(path), "--commune", "26506", "--village", "Tổ dân phố 9",
                   "--data", str(data), "--today", "2026-11-22", *extra)


def snapshot(data: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}


def test_xlsx_with_title_rows_merged_cells_and_no_consent_column(tmp_path: Path) -> None:
    path = tmp_path / "to.xlsx"
    write_xlsx(path, ROWS)
    sheet = read_roster(path)
    assert [m.full_name for m in sheet.members] == ["Nguyễn Văn A", "Nguyễn Văn B", "Trần Thị C", "Lê Văn D",
                                                    "Phạm Thị E"]
    assert sheet.members[1].position == "Trưởng xóm"  # filled from the merged cell
    assert all(not m.consent_text and not m.phone_text for m in sheet.members)
    not_stored = [f.row for f in sheet.findings if f.code == "phone-not-stored"]
    assert not_stored == [5, 6, 8, 10]  # one per row with a phone, located on the sheet's row


def test_consent_column_keeps_phones_of_those_who_agreed(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "to.xlsx"
    write_xlsx(path, ROWS, consent=["Phiếu giấy", "trực tiếp", "Không", "", "Tu xac nhan"])
    result = import_cli(path, data_copy, "--consent-recorded-by", "Công chức Văn hóa - Xã hội phường")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ĐỌC ĐƯỢC/READ to.xlsx:5: Nguyễn Văn A — Tổ trưởng, SĐT 0900000951" in result.stdout
    assert "to.xlsx:8 [SĐT]: CẢNH BÁO/WARNING phone-not-stored: Trần Thị C" in result.stdout
    with open(data_copy / MEMBERS, encoding="utf-8") as handle:
        rows = {r["full_name"]: r for r in csv.DictReader(handle) if r["team_id"] == "T79-0026"}
    a, b, e = rows["Nguyễn Văn A"], rows["Nguyễn Văn B"], rows["Phạm Thị E"]
    assert (a["phone"], a["phone_consent_on"], a["phone_consent_method"], a["phone_consent_recorded_by"]) == (
        "0900000951", "2026-11-22", "paper_form", "Công chức Văn hóa - Xã hội phường")
    assert b["phone"] == "0900000952" and b["role"] == "deputy" and b["phone_consent_method"] == "in_person_witnessed"
    assert e["phone_consent_method"] == "online_self" and e["role"] == "member"
    assert rows["Trần Thị C"]["phone"] == "" and rows["Trần Thị C"]["phone_consent"] == "false"
    assert run_cli("validate", "--data", str(data_copy), "--today", "2026-11-22").returncode == 0
    assert run_cli("fmt", "--check", "--data", str(data_copy)).returncode == 0


def test_consent_needs_who_recorded_it(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "to.xlsx"
    write_xlsx(path, ROWS, consent=["Phiếu giấy", "", "", "", ""])
    before = snapshot(data_copy)
    result = import_cli(path, data_copy)
    assert result.returncode == 1
    assert "consent-recorder-missing" in result.stdout and "--consent-recorded-by" in result.stdout
    assert snapshot(data_copy) == before


def test_a_consent_cell_that_says_how_nobody_agreed_refuses_the_file(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "to.xlsx"
    write_xlsx(path, ROWS, consent=["Có", "", "", "", ""])
    before = snapshot(data_copy)
    result = import_cli(path, data_copy, "--consent-recorded-by", "Cán bộ xã")
    assert result.returncode == 1
    assert ("to.xlsx:5 [Đồng ý công khai SĐT]: LỖI/ERROR consent-unclear: Nguyễn Văn A: cột đồng ý ghi «Có»; "
            "ghi một trong: Phiếu giấy") in result.stdout
    assert snapshot(data_copy) == before


def test_a_bad_row_refuses_the_whole_file(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "to.csv"
    lines = ["UBND XÃ,,,,,", ",,,,,", ",".join(f'"{h}"' for h in HEADER)]
    lines += [",".join(row) for row in ROWS] + ["6,Đỗ Văn G,Dân quân,Chủ tịch,,"]
    path.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(data_copy)
    result = import_cli(path, data_copy)
    assert result.returncode == 1
    assert "to.csv:9 [Chức vụ Tổ công nghệ số cộng đồng]: LỖI/ERROR member-role-unknown" in result.stdout
    assert "nothing written" in result.stderr
    assert snapshot(data_copy) == before


@pytest.mark.parametrize(("column", "value", "kind"), [
    ("Chức vụ tổ, xóm/đơn vị công tác", "Trưởng xóm, ĐT 0914.555.666", "số điện thoại"),
    ("Ghi chú", "Zalo 0912 345 678", "số điện thoại"),
    ("Ghi chú", "lienhe@example.com", "địa chỉ e-mail"),
    ("Họ tên", "Nguyễn Văn A 0987654321", "số điện thoại"),
    ("E-mail", "a.nguyen [at] example [dot] com", "địa chỉ e-mail"),
])
def test_a_contact_in_any_column_is_refused_per_person(tmp_path: Path, data_copy: Path, column: str, value: str,
                                                        kind: str) -> None:
    header = HEADER + (["E-mail"] if column == "E-mail" else [])
    rows = [row + ([""] if column == "E-mail" else []) for row in ROWS]
    rows[0][header.index(column)] = value
    path = tmp_path / "to.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    before = snapshot(data_copy)
    result = import_cli(path, data_copy)
    assert result.returncode == 1, result.stdout
    line = next(x for x in result.stdout.splitlines() if "contact-in-text" in x)
    assert line.startswith(f"to.csv:2 [{column}]: LỖI/ERROR contact-in-text: ")
    assert f"Không ghi số điện thoại hay e-mail vào cột «{column}» (tìm thấy {kind})" in line
    assert "ghi ở cột SĐT và ghi cách người đó đồng ý (Phiếu giấy, Trực tiếp hoặc Tự xác nhận)" in line
    assert snapshot(data_copy) == before


def test_decision_numbers_dates_and_quantities_are_not_contacts(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][5] = "Theo QĐ 1234/QĐ-UBND ngày 19/07/2025; hỗ trợ 1.250 hồ sơ; nhóm https://zalo.me/g/abc"
    sheet = parse_grid([HEADER, *rows], "to.csv")
    assert not sheet.has_errors and sheet.members[0].notes.startswith("Theo QĐ 1234/QĐ-UBND")


@pytest.mark.parametrize("header", [["TT", "Họ", "Tên"], ["TT", "Họ và tên đệm", "Tên"], ["STT", "Họ đệm", "Tên"]])
def test_a_name_split_over_two_columns_is_read_whole(header: list[str]) -> None:
    grid = [[*header, "Chức vụ Tổ công nghệ số cộng đồng", "SĐT"],
            ["1", "Nguyễn Văn", "An", "Tổ trưởng", ""], ["2", "Trần Thị", "Bình", "Tổ phó", ""]]
    sheet = parse_grid(grid, "to.csv")
    assert [m.full_name for m in sheet.members] == ["Nguyễn Văn An", "Trần Thị Bình"]


def test_a_name_header_merged_over_family_and_given_name(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["TT", "Họ và tên", None, "Chức vụ Tổ công nghệ số cộng đồng"])
    sheet.merge_cells("B1:C1")
    sheet.append(["1", "Nguyễn Văn", "An", "Tổ trưởng"])
    sheet.append(["2", "Lê Thị Hồng", None, "Tổ viên"])
    sheet.append(["3", "Phạm Minh Đức", None, "Tổ phó"])
    sheet.merge_cells("B4:C4")  # one full name merged across both cells
    path = tmp_path / "to.xlsx"
    book.save(path)
    assert [m.full_name for m in read_roster(path).members] == ["Nguyễn Văn An", "Lê Thị Hồng", "Phạm Minh Đức"]


def test_unknown_columns_are_kept_as_notes() -> None:
    sheet = parse_grid([[*HEADER, "Năm sinh"], [*ROWS[0], "1990"]], "to.csv")
    assert sheet.members[0].notes == "Năm sinh: 1990"


def test_rows_past_the_limit_refuse_the_whole_file(tmp_path: Path, monkeypatch) -> None:
    from cnscd.intake import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 10)
    path = tmp_path / "to.csv"
    rows = [HEADER] + [[str(i), f"Người {i}", "", "Tổ viên", "", ""] for i in range(1, 11)]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    sheet = read_roster(path)
    assert [(f.code, f.row) for f in sheet.findings] == [("too-many-rows", 11)] and not sheet.members
    assert "không nhập phần nào" in sheet.findings[0].message_vi
    # blank rows past the limit are not data: the same table with trailing blank lines is read whole
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows[:10] + [[""] * 6] * 20)
    assert len(read_roster(path).members) == 9


def test_oversized_file_cell_and_columns_are_refused_before_reading(tmp_path: Path, data_copy: Path,
                                                                   monkeypatch) -> None:
    from cnscd.intake import spreadsheet

    big = tmp_path / "to.csv"
    big.write_bytes(b"x" * (spreadsheet.MAX_FILE_BYTES + 1))
    before = snapshot(data_copy)
    result = import_cli(big, data_copy)
    assert result.returncode == 1 and "file-too-large" in result.stdout and snapshot(data_copy) == before
    cell = tmp_path / "cell.csv"
    cell.write_text(",".join(HEADER) + "\n1,A,,Tổ trưởng,," + "y" * (spreadsheet.MAX_CELL_CHARS + 1) + "\n",
                    encoding="utf-8")
    assert [(f.code, f.row) for f in read_roster(cell).findings] == [("cell-too-long", 2)]
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(HEADER) + "\n" + ",".join(["1", "A", "", "Tổ trưởng"] + [""] * 60 + ["z"]) + "\n",
                    encoding="utf-8")
    assert [f.code for f in read_roster(wide).findings] == ["too-many-columns"]


def test_a_second_sheet_with_data_is_refused_not_ignored(tmp_path: Path) -> None:
    path = tmp_path / "to.xlsx"
    write_xlsx(path, ROWS)
    from openpyxl import load_workbook

    book = load_workbook(path)
    book.create_sheet("Tổ 2").append(["1", "Hoàng Văn K", "", "Tổ trưởng"])
    book.save(path)
    sheet = read_roster(path)
    assert [f.code for f in sheet.findings] == ["sheets-many"] and "Tổ 2" in sheet.findings[0].message_vi


def test_invalid_result_writes_nothing(tmp_path: Path, data_copy: Path) -> None:
    path = tmp_path / "to.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, ROWS[3], ROWS[4]])  # no leader, no deputy
    before = {p: p.read_bytes() for p in data_copy.rglob("*.csv")}
    result = import_cli(path, data_copy)
    assert result.returncode == 1
    assert "leader-count" in result.stdout and "nothing written" in result.stderr
    assert {p: p.read_bytes() for p in data_copy.rglob("*.csv")} == before


def test_unreadable_file_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "to.xlsx"
    path.write_bytes(b"not a zip")
    sheet = read_roster(path)
    assert [f.code for f in sheet.findings] == ["file-unreadable"] and not sheet.members


cells = st.one_of(st.text(max_size=12), st.sampled_from([*HEADER, "Tổ trưởng", "tổ phó tt", "0900 000 111", "", "Họ",
                                                          "Tên", "Phiếu giấy", "Có", "ĐT 0914.555.666"]))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, max_size=8), max_size=12))
def test_reader_never_crashes(grid: list[list[str]]) -> None:
    sheet = parse_grid(grid, "fuzz.xlsx")
    assert sheet.members or sheet.findings
    assert all(isinstance(f, Finding) and f.file == "fuzz.xlsx" for f in sheet.findings)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_csv_text_never_crashes(text: str) -> None:
    from cnscd.intake.spreadsheet import TooLarge

    try:
        grid = read_csv_text(text)
    except TooLarge as refusal:  # a declared refusal (past a limit), turned into a finding by read_roster
        assert refusal.vi and refusal.en
        return
    sheet = parse_grid(grid, "fuzz.csv")
    assert sheet.members or sheet.findings
