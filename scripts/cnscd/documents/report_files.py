"""A `report.Report` written out: DOCX laid out per Decree 30/2020, XLSX with one sheet per part.

Spreadsheet cells from data are stored as text (never formulas, `sheetml`): a note that starts with «=» stays
text in Excel, LibreOffice and Google Sheets alike.
"""

from __future__ import annotations

from pathlib import Path

from ..derive import percent
from ..site.render import date_vi, number_vi
from . import docx_style as style
from . import wordml as ml
from .report import PH, Part, Report
from .sheetml import Sheet, Style, xlsx
from .wordml import Block


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

def _heading(report: Report) -> str:
    left = [Block(report.superior)] if report.superior else []
    left += [Block(report.issuer, bold=True), Block("———"), Block(f"Số: {PH}/{report.number_suffix}")]
    return ml.layout_table(left, [
        Block("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True), Block("Độc lập - Tự do - Hạnh phúc", bold=True),
        Block("———————————"), Block(style.date_line(report.place, report.written_on or report.today), italic=True)],
        (62, 103))


def _part(part: Part) -> list[str]:
    body = [ml.para(part.title, bold=True, align=ml.LEFT, after=3)]
    body += [ml.para(line, indent=True, after=3) for line in part.lines]
    if not part.rows:
        return body
    formats = part.formats or ["text"] * len(part.headers)
    rows = [[cell_text(value, kind) for value, kind in zip(row, formats, strict=True)] for row in part.rows]
    widths = ml.fit_widths(part.headers, rows, part.widths, style.TEXT_WIDTH_MM)
    centred = [index for index, kind in enumerate(formats) if kind in ("int", "pct")]
    body.append(ml.grid_table(part.headers, rows, widths, centred=centred))
    body.append(ml.para("", after=3))
    return body


def docx_bytes(report: Report) -> bytes:
    """The report as a DOCX: heading, title, one section per part, signature."""
    body = [_heading(report),
            ml.para("", after=0),
            ml.para("BÁO CÁO", bold=True, align=ml.CENTER, after=0),
            ml.para(report.title, bold=True, align=ml.CENTER, after=0),
            ml.para("———", align=ml.CENTER),
            ml.para(f"Kính gửi: {report.recipient}.", align=ml.CENTER),
            ml.para(f"{report.reporter} báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng "
                    f"{report.period_text} (số liệu đến ngày {date_vi(report.today)}) như sau:", indent=True)]
    for part in report.parts:
        body += _part(part)
    body.append(ml.para(f"Trên đây là báo cáo kết quả hoạt động của Tổ công nghệ số cộng đồng {report.period_text} "
                        f"của {report.reporter}./.", indent=True))
    body.append(ml.layout_table([Block("Nơi nhận:", bold=True, italic=True), Block("- Như trên;\n- Lưu: VT.")],
                                [Block(report.signer, bold=True), Block("\n\n\n\n" + PH)], (80, 85),
                                left_align=ml.LEFT))
    return ml.docx(body, f"{report.name} — {report.title}")


# ---------------------------------------------------------------- XLSX

_KIND_STYLE = {"int": Style.INTEGER, "pct": Style.PERCENT}


def _sheet(part: Part, report: Report) -> Sheet:
    sheet = Sheet(part.sheet, part.widths)
    sheet.add((part.title, Style.TITLE))
    sheet.add((f"{report.name} — {report.title} — số liệu đến ngày {date_vi(report.today)}", Style.PLAIN))
    for line in part.lines:
        sheet.add((line, Style.PLAIN))
    sheet.add()
    sheet.freeze_below = sheet.add(*((header, Style.HEADER) for header in part.headers))
    formats = part.formats or ["text"] * len(part.headers)
    for values in part.rows:
        sheet.add(*((value, _KIND_STYLE.get(kind, Style.TEXT)) for value, kind in zip(values, formats, strict=True)))
    return sheet


def xlsx_bytes(report: Report) -> bytes:
    """The report as a workbook: an information sheet, then one sheet per part."""
    info = Sheet("Thông tin", (20, 80))
    info.add(("Trường", Style.BOLD), ("Giá trị", Style.BOLD))
    for label, value in (("Báo cáo", report.title), ("Đơn vị báo cáo", report.name), ("Kính gửi", report.recipient),
                         ("Kỳ báo cáo", report.period), ("Số liệu đến ngày", date_vi(report.today)),
                         ("Ghi chú", "Số điện thoại chỉ ghi khi người đó đã đồng ý công khai.")):
        info.add((label, Style.BOLD), (value, Style.PLAIN))
    return xlsx([info] + [_sheet(part, report) for part in report.parts])


def write_report(report: Report, out: Path) -> tuple[Path, Path]:
    """FILE.docx and FILE.xlsx side by side."""
    out.parent.mkdir(parents=True, exist_ok=True)
    docx_path, xlsx_path = out.with_suffix(".docx"), out.with_suffix(".xlsx")
    docx_path.write_bytes(docx_bytes(report))
    xlsx_path.write_bytes(xlsx_bytes(report))
    return docx_path, xlsx_path
