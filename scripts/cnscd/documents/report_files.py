"""A `report.Report` written out: DOCX laid out per Decree 30/2020, XLSX with one sheet per part.

Spreadsheet cells from data are stored as text (never formulas): a note that starts with «=» stays
text in Excel, LibreOffice and Google Sheets alike.
"""

from __future__ import annotations

from pathlib import Path

from docx.document import Document as DocumentType
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..derive import percent
from ..site.render import date_vi, number_vi
from . import docx_style as style
from .report import PH, Part, Report


def cell_text(value: object, kind: str) -> str:
    """How a value reads in the DOCX: 1.234, 75 %, or the text itself."""
    if value == "" or value is None:
        return ""
    if kind == "pct" and isinstance(value, float):
        return percent(value)
    if kind == "int" and isinstance(value, (int, float)):
        return number_vi(round(value))
    return str(value)


# ---------------------------------------------------------------- DOCX

def _heading(document: DocumentType, report: Report) -> None:
    left = []
    if report.superior:
        left.append((report.superior, False, False))
    left += [(report.issuer, True, False), ("———", False, False), (f"Số: {PH}/{report.number_suffix}", False, False)]
    style.layout_table(document, left, [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False), ("Độc lập - Tự do - Hạnh phúc", True, False),
        ("———————————", False, False), (style.date_line(report.place, report.written_on or report.today), False, True)], (62, 103))


def _part(document: DocumentType, part: Part) -> None:
    style.para(document, part.title, bold=True, align=style.LEFT, after=3)
    for line in part.lines:
        style.para(document, line, indent=True, after=3)
    if not part.rows:
        return
    total = sum(part.widths)
    widths = [max(8, round(style.TEXT_WIDTH_MM * w / total)) for w in part.widths]
    widths[-1] -= sum(widths) - style.TEXT_WIDTH_MM
    formats = part.formats or ["text"] * len(part.headers)
    rows = [[cell_text(value, kind) for value, kind in zip(row, formats, strict=True)] for row in part.rows]
    centred = [index for index, kind in enumerate(formats) if kind in ("int", "pct")]
    style.grid_table(document, part.headers, rows, widths, centred=centred)
    style.para(document, "", after=3)


def build_docx(report: Report) -> DocumentType:
    document = style.new_document()
    _heading(document, report)
    style.para(document, "", after=0)
    style.para(document, "BÁO CÁO", bold=True, align=style.CENTER, after=0)
    style.para(document, report.title, bold=True, align=style.CENTER, after=0)
    style.para(document, "———", align=style.CENTER)
    style.para(document, f"Kính gửi: {report.recipient}.", align=style.CENTER)
    style.para(document, f"{report.reporter} báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng "
               f"{report.period_text} (số liệu đến ngày {date_vi(report.today)}) như sau:", indent=True)
    for part in report.parts:
        _part(document, part)
    style.para(document, f"Trên đây là báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng {report.period_text} "
               f"của {report.reporter}./.", indent=True)
    table = style.layout_table(document, [("Nơi nhận:", True, True), ("- Như trên;\n- Lưu: VT.", False, False)],
                               [(report.signer, True, False), ("\n\n\n\n" + PH, False, False)], (80, 85))
    for paragraph in table.rows[0].cells[0].paragraphs:
        paragraph.alignment = style.LEFT
    return document


# ---------------------------------------------------------------- XLSX

_BOLD = Font(name=style.FONT, bold=True)
_TITLE = Font(name=style.FONT, bold=True, size=13)
_PLAIN = Font(name=style.FONT)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_NUMBER_FORMAT = {"int": "#,##0", "pct": "0%"}


def _put(sheet, row: int, column: int, value: object, kind: str = "text", font: Font = _PLAIN):
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and kind in ("int", "pct"):
        cell.value = value
        cell.number_format = _NUMBER_FORMAT[kind]
    else:
        cell.value = "" if value is None else str(value)
        cell.data_type = "s"  # text stays text: a value starting with = + - @ is never a formula
    cell.font = font
    return cell


def _sheet(workbook: Workbook, part: Part, report: Report) -> None:
    sheet = workbook.create_sheet(part.sheet[:31])
    _put(sheet, 1, 1, part.title, font=_TITLE)
    _put(sheet, 2, 1, f"{report.name} — {report.title} — số liệu đến ngày {date_vi(report.today)}")
    row = 3
    for line in part.lines:
        _put(sheet, row, 1, line)
        row += 1
    row += 1
    header_row = row
    for column, header in enumerate(part.headers, start=1):
        cell = _put(sheet, row, column, header, font=_BOLD)
        cell.fill, cell.border = _FILL, _BOX
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    formats = part.formats or ["text"] * len(part.headers)
    for values in part.rows:
        row += 1
        for column, (value, kind) in enumerate(zip(values, formats, strict=True), start=1):
            cell = _put(sheet, row, column, value, kind)
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in enumerate(part.widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)


def build_xlsx(report: Report) -> Workbook:
    workbook = Workbook()
    info = workbook.active
    info.title = "Thông tin"
    meta = [("Báo cáo", report.title), ("Đơn vị báo cáo", report.name), ("Kính gửi", report.recipient),
            ("Kỳ báo cáo", report.period), ("Số liệu đến ngày", date_vi(report.today)),
            ("Ghi chú", "Số điện thoại chỉ ghi khi người đó đã đồng ý công khai.")]
    _put(info, 1, 1, "Trường", font=_BOLD)
    _put(info, 1, 2, "Giá trị", font=_BOLD)
    for index, (label, value) in enumerate(meta, start=2):
        _put(info, index, 1, label, font=_BOLD)
        _put(info, index, 2, value)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 20, 80
    for part in report.parts:
        _sheet(workbook, part, report)
    return workbook


def write_report(report: Report, out: Path) -> tuple[Path, Path]:
    """FILE.docx and FILE.xlsx side by side."""
    out.parent.mkdir(parents=True, exist_ok=True)
    docx_path, xlsx_path = out.with_suffix(".docx"), out.with_suffix(".xlsx")
    style.save(build_docx(report), docx_path)
    build_xlsx(report).save(str(xlsx_path))
    return docx_path, xlsx_path
