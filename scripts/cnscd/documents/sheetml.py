"""SpreadsheetML written as text: a workbook of simple sheets (a few styles, typed cells, frozen header).

openpyxl built and serialised a cell object per value, ~40 ms a report; 3,321 reports at national
scale. Text cells are inline strings (`t="inlineStr"`), never formulas: a value starting with «=» stays
text in Excel, LibreOffice and Google Sheets. Packed with `wordml.pack`: the same content, the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from .wordml import escape, pack

FONT = "Times New Roman"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


class Style(IntEnum):
    """Index into the workbook's cell formats (cellXfs below, same order)."""

    PLAIN = 0
    BOLD = 1
    TITLE = 2  # 13 pt bold
    HEADER = 3  # bold, shaded, boxed, centred and wrapped
    TEXT = 4  # boxed, wrapped, top
    INTEGER = 5  # as TEXT, «#,##0»
    PERCENT = 6  # as TEXT, «0%»


_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    f'<fonts count="3"><font><sz val="11"/><name val="{FONT}"/></font><font><b/><sz val="11"/><name val="{FONT}"/></font>'
    f'<font><b/><sz val="13"/><name val="{FONT}"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    + "".join(f'<{edge} style="thin"><color rgb="FF000000"/></{edge}>' for edge in ("left", "right", "top", "bottom"))
    + '<diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    + "".join(f'<xf numFmtId="{number}" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" '
              'applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
              for number in (0, 3, 9))  # 3 = #,##0 and 9 = 0% are built-in formats
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def _cell(value: object, style: Style) -> str:
    """A number stays a number only in a numeric style; everything else is text, an empty value an empty cell.

    No `r="B7"`: a row writes every cell from column A on, and a cell without a reference is the one after the
    previous (ECMA-376 §18.3.1.4; Excel, LibreOffice and openpyxl read it so): 13 % of a national XLSX.
    """
    if style in (Style.INTEGER, Style.PERCENT) and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and math.isfinite(value):
        return f'<c s="{style}"><v>{value!r}</v></c>'
    text = "" if value is None else escape(value)
    if not text:
        return f'<c s="{style}"/>'
    preserve = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c s="{style}" t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


@dataclass
class Sheet:
    """Rows of (value, style) cells from A1 down; `freeze_below` keeps rows 1..n on screen."""

    name: str
    widths: Sequence[float] = ()
    freeze_below: int | None = None
    rows: list[list[tuple[object, Style]]] = field(default_factory=list)

    def add(self, *cells: tuple[object, Style]) -> int:
        """Append a row (an empty call leaves a blank row); returns its number."""
        self.rows.append(list(cells))
        return len(self.rows)

    def xml(self) -> str:
        # Only what a reader needs: a view when rows are frozen, no relationships namespace (no sheet links a part).
        # The row-height default stays: without it LibreOffice does not grow a row for a wrapped two-line cell.
        view = ""
        if self.freeze_below:
            top = f"A{self.freeze_below + 1}"
            view = (f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{self.freeze_below}" topLeftCell="{top}" '
                    f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top}" '
                    f'sqref="{top}"/></sheetView></sheetViews>')
        cols = "".join(f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
                       for index, width in enumerate(self.widths, start=1))
        data = []
        for number, cells in enumerate(self.rows, start=1):
            if cells:
                data.append(f'<row r="{number}">' + "".join(_cell(value, style) for value, style in cells) + "</row>")
        return (f'{_HEAD}<worksheet xmlns="{_MAIN}">{view}<sheetFormatPr defaultRowHeight="15"/>'
                f'{f"<cols>{cols}</cols>" if cols else ""}'
                f'<sheetData>{"".join(data)}</sheetData></worksheet>')


def xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The workbook: sheets in order (names ≤ 31 characters, as Excel requires), styles, relationships."""
    count = len(sheets)
    parts: dict[str, str] = {f"xl/worksheets/sheet{i}.xml": sheet.xml() for i, sheet in enumerate(sheets, start=1)}
    parts["xl/workbook.xml"] = (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>'
        + "".join(f'<sheet name="{escape(sheet.name[:31])}" sheetId="{i}" r:id="rId{i}"/>'
                  for i, sheet in enumerate(sheets, start=1)) + "</sheets></workbook>")
    parts["xl/styles.xml"] = _STYLES
    parts["xl/_rels/workbook.xml.rels"] = (
        f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
        + "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                  for i in range(1, count + 1))
        + f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>')
    parts["_rels/.rels"] = (f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
                            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts["[Content_Types].xml"] = (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{kind}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{kind}.styles+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{kind}.worksheet+xml"/>'
                  for i in range(1, count + 1)) + "</Types>")
    return pack(parts)
