"""Layout of an administrative document per Decree 30/2020/NĐ-CP, on top of python-docx.

A4, margins 20 / 20 / 30 / 15 mm (top, bottom, left, right), Times New Roman 13 pt. The font is set on
the styles and on their East Asian attribute too: Word picks the East Asian font for Vietnamese text
on some systems, and without it a draft opens in a different face.

The consent form is built here through python-docx; the commune decision and report (6,642 + 3,321 files at
national scale) are written as text by `wordml`, on a template this module makes once per process.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from copy import deepcopy

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
SIZE = Pt(13)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PAGE_MM = (210, 297)
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
PLACEHOLDER = "…"
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                               WD_ALIGN_PARAGRAPH.JUSTIFY)


def _set_fonts(element_rpr_owner, name: str = FONT) -> None:
    """Set ascii, hAnsi, cs and eastAsia fonts on a style's or run's rPr."""
    rpr = element_rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), name)


def new_document() -> DocumentType:
    """An empty A4 document whose every style writes Times New Roman 13 pt."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    for style_name in ("Normal", "Table Grid"):
        style = document.styles[style_name]
        style.font.name = FONT
        style.font.size = SIZE
        _set_fonts(style.element)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before, normal.space_after, normal.line_spacing = Pt(0), Pt(6), 1.0
    # Pages are numbered at the top centre from the second page on (Decree 30, Appendix I).
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = CENTER
    _field(header.add_run(), "PAGE")
    return document


def _field(run, instruction: str) -> None:
    for kind, text in (("begin", None), (None, instruction), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    _style_run(run)


def _style_run(run, bold: bool = False, italic: bool = False, size: Pt = SIZE, underline: bool = False) -> None:
    """Only what differs from the Normal style (Times New Roman 13 pt): thousands of cells stay cheap."""
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if underline:
        run.underline = True
    if size != SIZE:
        run.font.size = size


def para(container, text: str = "", *, bold: bool = False, italic: bool = False, align=JUSTIFY,
         indent: bool = False, after: int = 6, size: Pt = SIZE, underline: bool = False) -> Paragraph:
    """One paragraph; lines split on \\n become line breaks inside it (headings keep their block).

    The container is the document or a table cell (a second paragraph under a cell's first).
    """
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(after)
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    for index, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        _style_run(run, bold, italic, size, underline)
        if index < text.count("\n"):
            run.add_break()
    return paragraph


def runs(container, parts: Sequence[tuple[str, bool]], *, indent: bool = True, align=JUSTIFY, italic: bool = False,
         after: int | None = None) -> Paragraph:
    """A paragraph of (text, bold) pieces: «Điều 1.» bold, the rest plain; `italic` slants every piece.

    Without `after` the space below is the Normal style's.
    """
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    for text, bold in parts:
        _style_run(paragraph.add_run(text), bold, italic)
    return paragraph


def _borders(table: Table, visible: bool) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single" if visible else "nil")
        if visible:
            element.set(qn("w:sz"), "4")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    # Schema order matters to Word (a misplaced child makes it call the file corrupt).
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                 "w:tblDescription", "w:tblPrChange")


def cell_text(cell, text: str, bold: bool = False, italic: bool = False, align=LEFT, size: Pt = SIZE) -> None:
    """A cell's first paragraph, tight (no space after); \\n becomes a line break."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    for index, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        _style_run(run, bold, italic, size)
        if index < text.count("\n"):
            run.add_break()


def set_widths(table: Table, widths_mm: Sequence[int]) -> None:
    """Column widths in the grid (LibreOffice prints from it) and in every cell (Word reads those)."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def layout_table(document: DocumentType, left: Sequence[tuple[str, bool, bool]],
                 right: Sequence[tuple[str, bool, bool]], widths_mm: tuple[int, int]) -> Table:
    """Two borderless columns: the issuer beside the national motto, recipients beside the signature.

    Each side is a list of (text, bold, italic) paragraphs, centred.
    """
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, visible=False)
    for cell, blocks, width in zip(table.rows[0].cells, (left, right), widths_mm, strict=True):
        cell.width = Mm(width)
        for index, (text, bold, italic) in enumerate(blocks):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            paragraph.alignment = CENTER
            paragraph.paragraph_format.space_after = Pt(0)
            for line_index, line in enumerate(text.split("\n")):
                run = paragraph.add_run(line)
                _style_run(run, bold, italic)
                if line_index < text.count("\n"):
                    run.add_break()
    return table


_PROTOTYPES: dict[tuple, object] = {}


def _prototype(document: DocumentType, headers: Sequence[str], widths_mm: Sequence[int],
               centred: Sequence[int]) -> Table:
    """A table of a header row and one model data row, built once per shape through python-docx."""
    key = (tuple(headers), tuple(widths_mm), tuple(centred))
    if key in _PROTOTYPES:
        tbl = deepcopy(_PROTOTYPES[key])
        document.element.body._insert_tbl(tbl)
        return Table(tbl, document._body)
    table = document.add_table(rows=2, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table, visible=True)
    header, template = table.rows
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for index, (head, model, text, width) in enumerate(zip(header.cells, template.cells, headers, widths_mm,
                                                             strict=True)):
        head.width = model.width = Mm(width)
        cell_text(head, text, bold=True, align=CENTER)
        cell_text(model, "-", align=CENTER if index in centred else LEFT)
    _PROTOTYPES[key] = deepcopy(table._tbl)
    return table


def grid_table(document: DocumentType, headers: Sequence[str], rows: Sequence[Sequence[str]],
               widths_mm: Sequence[int], centred: Sequence[int] = (0,), row_height_mm: int | None = None) -> Table:
    """A bordered table with a bold header row repeated on every page.

    Rows are copies of one model row python-docx built (widths, alignment, one run per cell) with
    their text set: a national build writes hundreds of thousands of cells, and going through
    python-docx's object layer for each costs several times more. `row_height_mm` is a least height
    for every data row (room to write by hand).
    """
    table = _prototype(document, headers, widths_mm, centred)
    if row_height_mm is not None:
        table.rows[-1].height = Mm(row_height_mm)
    model = table._tbl.tr_lst[-1]
    body = model.getparent()
    body.remove(model)
    t_tag, space = qn("w:t"), qn("xml:space")
    for values in rows:
        row = deepcopy(model)
        for node, value in zip(row.iter(t_tag), values, strict=True):
            node.text = " ".join(str(value).split("\n"))
            node.set(space, "preserve")
        body.append(row)
    return table


def page_break(document: DocumentType) -> None:
    document.add_page_break()


def date_line(place: str, day: dt.date | None) -> str:
    """«Bình Sơn, ngày 05 tháng 02 năm 2026»: days below 10 and months below 3 take a leading zero.

    Without a date the line keeps dots to fill in by hand once the chair signs.
    """
    if day is None:
        return f"{place}, ngày {PLACEHOLDER} tháng {PLACEHOLDER} năm {PLACEHOLDER}"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: dt.date | None) -> str:
    """«ngày 05 tháng 02 năm 2026» for references to this document, dots without a date."""
    return date_line("", day).removeprefix(", ")


# Parts python-docx's template carries that no reader needs: a Word 2010 copy of every style, a
# thumbnail and custom XML. With 3,321 communes × 2 documents on the site, they were half its size.
_UNREAD_PARTS = ("/stylesWithEffects", "/customXml", "/thumbnail")


def _slim(document: DocumentType) -> None:
    """Drop unread parts, latent styles and every style the document does not use (nor its styles' bases)."""
    for owner in (document.part, document.part.package):
        for rel in list(owner.rels.values()):
            if rel.reltype.endswith(_UNREAD_PARTS):
                owner.rels.pop(rel.rId)
    styles = document.styles.element
    latent = styles.find(qn("w:latentStyles"))
    if latent is not None:
        styles.remove(latent)
    parts = [document.element] + [section.header._element for section in document.sections]
    parts += [section.first_page_header._element for section in document.sections]
    used = {node.get(qn("w:val")) for part in parts
            for tag in ("w:pStyle", "w:rStyle", "w:tblStyle") for node in part.iter(qn(tag))}
    by_id = {style.get(qn("w:styleId")): style for style in styles.iterfind(qn("w:style"))}
    used |= {sid for sid, style in by_id.items() if style.get(qn("w:default")) in ("1", "true")}
    pending = list(used)
    while pending:  # a used style keeps what it is based on, links to and is followed by
        style = by_id.get(pending.pop())
        for tag in ("w:basedOn", "w:link", "w:next"):
            node = style.find(qn(tag)) if style is not None else None
            if node is not None and node.get(qn("w:val")) not in used:
                used.add(node.get(qn("w:val")))
                pending.append(node.get(qn("w:val")))
    for sid, style in by_id.items():
        if sid not in used:
            styles.remove(style)


def save(document: DocumentType, path) -> None:
    """Write a slim DOCX: what Word and LibreOffice read, without the template's unread weight."""
    _slim(document)
    document.save(str(path))
