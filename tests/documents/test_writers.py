"""The text writers (wordml, sheetml): same reading as python-docx/openpyxl made before, same bytes each time,
every value escaped and inert, and table grids that carry the real column widths."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from cnscd.checks import Context
from cnscd.documents import wordml
from cnscd.documents.decision import ANNEX_WIDTHS_MM, decision_bytes
from cnscd.documents.report_files import docx_bytes, write_report, xlsx_bytes
from cnscd.documents.roster import OFFICIAL_HEADERS, commune_roster
from cnscd.load import load
from tests.conftest import SAMPLE, TODAY, run_python
from tests.documents.helpers import all_text, expected_roster, tables_text, workbook_dump
from tests.documents.report_sample import FORMULA, TRICKY, sample_report
from tests.documents.test_golden import check_golden, roster


def test_report_reads_as_python_docx_and_openpyxl_wrote_it(tmp_path: Path) -> None:
    """The golden files were written by the python-docx/openpyxl code this replaced; only widths may differ."""
    docx_path, xlsx_path = write_report(sample_report(), tmp_path / "bc.docx")
    check_golden("report.txt", all_text(docx_path) + "\n== tables\n"
                 + "\n".join(repr(table) for table in tables_text(docx_path)) + "\n")
    check_golden("report-xlsx.txt", workbook_dump(xlsx_path))


def test_same_content_same_bytes_even_in_another_process() -> None:
    """Caches and deploys compare bytes: nothing may depend on the clock, the process or hash order."""
    report = sample_report()
    here = (decision_bytes(roster(legacy=True)), docx_bytes(report), xlsx_bytes(report))
    assert here == (decision_bytes(roster(legacy=True)), docx_bytes(report), xlsx_bytes(report))
    script = ("import sys, hashlib\n"
              "from cnscd.documents.decision import decision_bytes\n"
              "from cnscd.documents.report_files import docx_bytes, xlsx_bytes\n"
              "from tests.documents.report_sample import sample_report\n"
              "from tests.documents.test_golden import roster\n"
              "r = sample_report()\n"
              "for data in (decision_bytes(roster(legacy=True)), docx_bytes(r), xlsx_bytes(r)):\n"
              "    print(hashlib.sha256(data).hexdigest())\n")
    other = run_python(script, env={"PYTHONHASHSEED": "12345"})
    assert other.returncode == 0, other.stderr
    import hashlib

    assert other.stdout.split() == [hashlib.sha256(data).hexdigest() for data in here]
    for data in here:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}


def test_values_are_escaped_and_formulas_stay_text(tmp_path: Path) -> None:
    docx_path, xlsx_path = write_report(sample_report(), tmp_path / "bc.docx")
    body = zipfile.ZipFile(docx_path).read("word/document.xml").decode()
    assert "Thôn &lt;Đông&gt; &amp; &quot;Tây&quot;" in body and TRICKY not in body
    assert TRICKY in all_text(docx_path) and FORMULA in all_text(docx_path)
    workbook = load_workbook(xlsx_path)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row if cell.value in (TRICKY, FORMULA)]
    assert len(cells) == 3 and {cell.data_type for cell in cells} == {"s"}
    with zipfile.ZipFile(xlsx_path) as package:
        sheets = [package.read(name).decode() for name in package.namelist() if name.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)  # no cell is a formula
    assert any("=HYPERLINK(&quot;https://example.invalid&quot;,&quot;Bấm&quot;)" in sheet for sheet in sheets)


def test_characters_xml_cannot_carry_are_dropped_not_fatal() -> None:
    """A vertical tab pasted from a spreadsheet would make the whole file unreadable: it is dropped."""
    team = roster(legacy=False)
    team.teams[0].members[0].name = "Nguyễn\x0bVăn\x00 A <b>"
    data = decision_bytes(team)
    text = "\n".join(p.text for table in Document(io.BytesIO(data)).tables for row in table.rows
                     for cell in row.cells for p in cell.paragraphs)
    assert "NguyễnVăn A <b>" in text
    assert wordml.escape('a\x01<&>"b\tc\n') == 'a&lt;&amp;&gt;&quot;b\tc\n'


def test_sample_decision_phones_only_with_consent_and_real_column_widths() -> None:
    ctx = Context(load(SAMPLE), TODAY)
    commune = commune_roster(ctx, "21040")
    document = Document(io.BytesIO(decision_bytes(commune)))
    annex = [t for t in document.tables if tuple(c.text for c in t.rows[0].cells) == OFFICIAL_HEADERS]
    expected = expected_roster(SAMPLE, TODAY, "21040")  # phones by consent.public_phone, from the core
    phones = [phone for members in expected.values() for _, phone in members]
    assert any(phones) and not all(phones) and len(annex) == len(commune.teams) == len(expected)
    for team, table in zip(commune.teams, annex, strict=True):
        found = [(row.cells[1].text, row.cells[4].text.replace(" ", "")) for row in table.rows[1:]]
        assert sorted(found) == sorted(expected[team.team_id])
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.iter(qn("w:gridCol"))]
        assert grid == [wordml.twips(mm) for mm in ANNEX_WIDTHS_MM]  # LibreOffice lays out from the grid
        assert [cell.width for cell in table.rows[1].cells] == [col.width for col in table.columns]


@pytest.mark.parametrize(("headers", "rows", "weights"), [
    (["TT", "Chỉ tiêu", "Tỷ lệ"], [["1", "Hồ sơ dịch vụ công trực tuyến", "82 %"]], [5, 44, 9]),
    (["TT", "Tổ", "SĐT tổ trưởng", "Ngày gửi"], [["12", "Thôn Phước Hải", "0900 000 111", "01/11/2026"]],
     [5, 28, 14, 12]),
    (["TT", "Trụ cột", "Chỉ tiêu", "Đơn vị tính", "Kết quả tháng 10/2026", "Lũy kế", "Chỉ tiêu năm", "Tỷ lệ", "Đánh giá"],
     [["1", "Chính quyền số", "Hồ sơ dịch vụ công trực tuyến", "hồ sơ", "56", "317", "143", "222 %", "Chưa đạt"]],
     [5, 16, 44, 12, 14, 14, 14, 9, 11]),
])
def test_fit_widths_gives_every_column_its_longest_word(headers, rows, weights) -> None:
    widths = wordml.fit_widths(headers, rows, weights, 165)
    assert sum(widths) == 165
    for index, width in enumerate(widths):
        assert width >= round(max(wordml._least_mm(t) for t in [headers[index], *(r[index] for r in rows)]))
    if len(headers) == 9:  # by weight alone «TT» got 6 mm and printed as «T T»
        assert round(165 * weights[0] / sum(weights)) == 6 and widths[0] >= 11


def test_sample_report_sheets_hold_numbers_as_numbers() -> None:
    from cnscd.derive import derive
    from cnscd.documents.report import build_report
    from cnscd.figures import compute

    ctx = Context(load(SAMPLE), TODAY)
    report = build_report(ctx, compute(ctx, derive(ctx)), "2026-10", commune="21040", written_on=dt.date(2026, 11, 22))
    workbook = load_workbook(io.BytesIO(xlsx_bytes(report)))
    for part in report.parts:
        sheet = workbook[part.sheet]
        header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "TT")
        assert sheet.freeze_panes == f"A{header + 1}"
        for values, row in zip(part.rows, sheet.iter_rows(min_row=header + 1), strict=True):
            for value, kind, cell in zip(values, part.formats, row, strict=True):
                if kind in ("int", "pct") and isinstance(value, (int, float)):
                    assert cell.value == pytest.approx(value) and cell.data_type == "n"
                else:
                    assert cell.value == (str(value) if value != "" else None)


def test_sheets_keep_what_libreoffice_lays_out_from() -> None:
    """Cells carry no `r` (they run from A) but every sheet keeps its row-height default: without it LibreOffice
    (7.4, checked by converting to PDF) showed one line of a wrapped «Thiếu sóng\\n4G» cell instead of two."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(sample_report()))) as package:
        sheets = [package.read(name).decode() for name in package.namelist() if name.startswith("xl/worksheets/")]
    assert sheets and all('<sheetFormatPr defaultRowHeight="15"/>' in sheet for sheet in sheets)
    assert not any(' r="A' in sheet for sheet in sheets)
