"""The periodic report read back (DOCX and XLSX): its figures are the figures module's, notes become proposals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from cnscd.checks import Context
from cnscd.derive import ReportStatus, derive
from cnscd.documents.report import split_notes
from cnscd.figures import Figures, compute
from cnscd.load import load
from cnscd.phones import display_phone
from tests.conftest import SAMPLE, TODAY, run_cli
from tests.datautil import read, write
from tests.documents.helpers import all_text

COMMUNE, PROVINCE, PERIOD = "21040", "51", "2026-10"
SHEETS = ["Thông tin", "1. Tổ, thành viên", "2. Độ phủ", "3. Kiện toàn", "4. Chỉ tiêu", "5. Trễ, thiếu báo cáo",
          "6. Khó khăn, đề xuất"]


@pytest.fixture(scope="module")
def figures() -> Figures:
    ctx = Context(load(SAMPLE), TODAY)
    return compute(ctx, derive(ctx))


def make(tmp: Path, *scope: str, data: Path = SAMPLE) -> tuple[Path, Path]:
    out = tmp / "bao-cao.docx"
    result = run_cli("report", *scope, "--period", PERIOD, "--today", TODAY.isoformat(), "--data", str(data),
                     "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out, out.with_suffix(".xlsx")


@pytest.fixture(scope="module")
def commune_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make(tmp_path_factory.mktemp("commune"), "--commune", COMMUNE)


@pytest.fixture(scope="module")
def province_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make(tmp_path_factory.mktemp("province"), "--province", PROVINCE)


def table(xlsx: Path, sheet: str) -> list[dict[str, object]]:
    """The rows under a sheet's header row (the first row whose first cell is «TT»), keyed by header."""
    rows = list(load_workbook(xlsx)[sheet].iter_rows(values_only=True))
    start = next(index for index, row in enumerate(rows) if row[0] == "TT")
    return [dict(zip(rows[start], row, strict=True)) for row in rows[start + 1:]]


def test_sheets_headers_and_layout(commune_report: tuple[Path, Path]) -> None:
    workbook = load_workbook(commune_report[1])
    assert workbook.sheetnames == SHEETS
    sheet = workbook["4. Chỉ tiêu"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "TT")
    assert [c.value for c in header][:4] == ["TT", "Trụ cột", "Chỉ tiêu", "Đơn vị tính"]
    assert all(cell.font.bold for cell in header)
    assert sheet.column_dimensions["C"].width == 44
    assert sheet.freeze_panes == f"A{header[0].row + 1}"


def test_commune_figures_are_the_figures_modules(commune_report: tuple[Path, Path], figures: Figures) -> None:
    xlsx = commune_report[1]
    commune = figures.commune(COMMUNE)
    province = figures.provinces[PROVINCE]
    slot = province.strip.index(PERIOD)
    rows = {row["Chỉ tiêu"]: row for row in table(xlsx, "4. Chỉ tiêu")}
    assert len(rows) == len(commune.indicators) > 0
    for item in commune.indicators:
        row = rows[item.name_vi]
        assert row["Lũy kế năm 2026"] == item.actual
        assert row["Kết quả tháng 10/2026"] == item.trend[slot]
        assert row["Chỉ tiêu năm 2026"] == item.target  # an empty cell reads back as None
        assert row["Tỷ lệ"] == (pytest.approx(item.share) if item.share is not None else None)
    teams = {row["Tổ"]: row for row in table(xlsx, "1. Tổ, thành viên")}
    assert {label: row["Số thành viên"] for label, row in teams.items()} == {t.label: t.members for t in commune.teams}
    for team in commune.teams:
        phone = team.leader.phone if team.leader else ""
        assert teams[team.label]["SĐT tổ trưởng"] == (display_phone(phone) if phone else None)
    late = {row["Tổ"]: row for row in table(xlsx, "5. Trễ, thiếu báo cáo")}
    expected = {t.label: m for t in commune.teams for m in t.marks
                if m.period == PERIOD and m.status in (ReportStatus.LATE, ReportStatus.MISSING)}
    assert set(late) == set(expected) and expected
    for label, mark in expected.items():
        assert late[label]["Số ngày trễ"] == (mark.days_late if mark.status == ReportStatus.LATE else None)
    info = list(load_workbook(xlsx)["2. Độ phủ"].iter_rows(values_only=True))
    coverage = commune.coverage
    assert f"Thôn, tổ dân phố có tổ: {coverage.villages_covered}/{coverage.villages} (100 %)." in [r[0] for r in info]


def test_province_report_rolls_up_its_communes(province_report: tuple[Path, Path], figures: Figures) -> None:
    xlsx = province_report[1]
    province = figures.provinces[PROVINCE]
    without = table(xlsx, "2. Độ phủ")
    assert [(r["Mã"], r["Xã, phường chưa có tổ"]) for r in without] == province.communes_without
    lines = [r[0] for r in load_workbook(xlsx)["2. Độ phủ"].iter_rows(values_only=True)]
    assert f"Xã, phường có tổ: {province.coverage.communes_covered}/{province.coverage.communes} (3 %)." in lines
    assert len(table(xlsx, "1. Tổ, thành viên")) == len(province.teams())
    late = table(xlsx, "5. Trễ, thiếu báo cáo")
    expected = [t for t in province.teams() for m in t.marks
                if m.period == PERIOD and m.status in (ReportStatus.LATE, ReportStatus.MISSING)]
    assert sorted((r["Xã, phường"], r["Tổ"]) for r in late) == sorted(
        (province.communes[t.commune_code].name, t.label) for t in expected)
    rows = {row["Chỉ tiêu"]: row for row in table(xlsx, "4. Chỉ tiêu")}
    for item in province.indicators:
        assert rows[item.name_vi]["Lũy kế năm 2026"] == item.actual
    text = all_text(province_report[0])
    for line in ("UBND TỈNH QUẢNG NGÃI\nSỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: …/BC-SKHCN", "Quảng Ngãi, ngày 22 tháng 11 năm 2026",
                 "Kính gửi: Bộ Khoa học và Công nghệ.", "GIÁM ĐỐC"):
        assert line in text, line
    pending = {r["Tổ thành lập trước 1/7/2025"] for r in table(xlsx, "3. Kiện toàn") if r["Tình trạng"] != "Đã kiện toàn"}
    assert {r.name for r in province.pending()} <= pending


def test_docx_heading_parts_and_layout(commune_report: tuple[Path, Path], figures: Figures) -> None:
    path = commune_report[0]
    text = all_text(path)
    for line in ("ỦY BAN NHÂN DÂN\nXÃ BÌNH SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: …/BC-UBND",
                 "Bình Sơn, ngày 22 tháng 11 năm 2026", "BÁO CÁO",
                 "Kết quả hoạt động của Tổ công nghệ số cộng đồng tháng 10/2026",
                 "Kính gửi: Sở Khoa học và Công nghệ tỉnh Quảng Ngãi.", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"):
        assert line in text, line
    titles = ["I. TỔ VÀ THÀNH VIÊN", "II. ĐỘ PHỦ", "III. KIỆN TOÀN", "IV. KẾT QUẢ THỰC HIỆN CHỈ TIÊU",
              "V. TỔ BÁO CÁO TRỄ HẠN", "VI. KHÓ KHĂN"]
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)
    document = Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size == Pt(13)
    # The late teams of the DOCX are the figures' late teams.
    late_table = next(t for t in document.tables if t.rows[0].cells[-1].text == "SĐT tổ trưởng"
                      and t.rows[0].cells[2].text == "Tình trạng")
    expected = {t.label for t in figures.commune(COMMUNE).teams for m in t.marks
                if m.period == PERIOD and m.status in (ReportStatus.LATE, ReportStatus.MISSING)}
    assert {row.cells[1].text for row in late_table.rows[1:]} == expected


def test_difficulties_and_proposals_come_from_report_notes(data_copy: Path, tmp_path: Path) -> None:
    relpath = "provinces/51-quang-ngai/reports-2026.csv"
    rows = read(data_copy, relpath)
    proposal = '=HYPERLINK("https://example.invalid","Bấm")'
    team = next(r["team_id"] for r in rows if r["period"] == PERIOD)
    for row in rows:
        if row["team_id"] == team and row["period"] == PERIOD:
            row["notes"] = f"Khó khăn: Thiếu sóng 4G ở xóm trong; Đề xuất: {proposal}"
    write(data_copy, relpath, rows)
    docx_path, xlsx_path = make(tmp_path, "--commune", COMMUNE, data=data_copy)
    found = table(xlsx_path, "6. Khó khăn, đề xuất")
    assert len(found) == 1  # the note repeats on every indicator row of one report; it is listed once
    assert found[0]["Khó khăn, vướng mắc"] == "Thiếu sóng 4G ở xóm trong"
    assert found[0]["Đề xuất, kiến nghị"] == proposal
    sheet = load_workbook(xlsx_path)["6. Khó khăn, đề xuất"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == proposal)
    assert cell.data_type == "s"  # stored as text: never run as a formula
    assert "Thiếu sóng 4G ở xóm trong" in all_text(docx_path)


def test_a_past_years_report_counts_that_year(tmp_path: Path) -> None:
    out = tmp_path / "bc.docx"
    result = run_cli("report", "--commune", COMMUNE, "--period", "2025-12", "--today", TODAY.isoformat(),
                     "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    ctx = Context(load(SAMPLE), dt.date(2025, 12, 31))
    december = compute(ctx, derive(ctx)).commune(COMMUNE)
    rows = {row["Chỉ tiêu"]: row for row in table(out.with_suffix(".xlsx"), "4. Chỉ tiêu")}
    assert december.indicators and len(rows) == len(december.indicators)
    for item in december.indicators:
        assert rows[item.name_vi]["Lũy kế năm 2025"] == item.actual
    text = all_text(out)
    assert "ngày 22 tháng 11 năm 2026" in text and "số liệu đến ngày 31/12/2025" in text


@pytest.mark.parametrize(("notes", "expected"), [
    ("Khó khăn: A; Đề xuất: B", ("A", "B", "")),
    ("Đề xuất: chỉ đề xuất", ("", "chỉ đề xuất", "")),
    ("Khó khăn: thiếu máy; còn thiếu mạng", ("thiếu máy; còn thiếu mạng", "", "")),
    ("Ghi chú tự do", ("", "", "Ghi chú tự do")),
])
def test_split_notes(notes: str, expected: tuple[str, str, str]) -> None:
    assert split_notes(notes) == expected


@pytest.mark.parametrize(("args", "field", "code"), [
    (["--commune", "99999", "--period", PERIOD], "--commune", "commune-unknown"),
    (["--province", "99", "--period", PERIOD], "--province", "province-unknown"),
    (["--commune", COMMUNE, "--period", "2026-13"], "--period", "period-invalid"),
    (["--commune", COMMUNE, "--period", "2026-Q3"], "--period", "period-cadence"),
    (["--commune", "25993", "--period", "2026-10"], "--period", "period-cadence"),  # Đồng Nai reports quarterly
    (["--commune", COMMUNE, "--period", "2026-11"], "--period", "period-not-due"),
    (["--province", PROVINCE, "--period", "2024-01"], "--period", "policy-missing"),  # before the 2025 units
])
def test_bad_unit_or_period_is_a_located_usage_error(tmp_path: Path, args: list[str], field: str, code: str) -> None:
    out = tmp_path / "bc.docx"
    result = run_cli("report", *args, "--today", TODAY.isoformat(), "--out", str(out))
    assert result.returncode == 2, result.stdout + result.stderr
    assert f"[{field}]" in result.stderr and code in result.stderr and " — " in result.stderr
    assert not out.exists() and not out.with_suffix(".xlsx").exists()


def test_scope_is_one_commune_or_one_province(tmp_path: Path) -> None:
    both = run_cli("report", "--commune", COMMUNE, "--province", PROVINCE, "--period", PERIOD,
                   "--out", str(tmp_path / "x.docx"))
    assert both.returncode == 2 and "not allowed with" in both.stderr
