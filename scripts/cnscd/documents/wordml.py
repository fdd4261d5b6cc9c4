"""WordprocessingML written as text: a body of paragraphs and tables, packed with a template's other parts.

A national build writes 6,642 DOCX with hundreds of thousands of table cells; python-docx's object layer
cost ~35 ms a document. Here the body is a string (every value through `escape`), and python-docx runs
once per process, to make the template (`docx_style.new_document`: A4, Decree 30 margins, Times New
Roman 13 pt, page numbers from page 2). Entries are sorted and dated 1980-01-01: the same content gives
the same bytes, so caches and deploys see only real changes.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx.oxml.ns import qn
from lxml import etree

from . import docx_style as style

CENTER, LEFT, RIGHT, BOTH = "center", "left", "right", "both"
HALF_POINTS = 26  # 13 pt, the Normal style's size: runs carry a size only when it differs
INDENT_TWIPS = 567  # 10 mm first-line indent
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
ZIP_LEVEL = 8  # national DOCX/XLSX: 3.1 % smaller than 6 for +0.4 ms CPU a document; 9 gains 0.3 % more for +0.8 ms


def escape(value: object) -> str:
    """Text safe inside an element or an attribute; characters XML cannot carry (C0 controls) are dropped."""
    text = _ILLEGAL.sub("", str(value))  # str.replace beats translate and html.escape on short strings
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def twips(mm: float) -> int:
    """Millimetres to twentieths of a point, rounded as python-docx rounds them."""
    return round(mm * 36000 / 635)


def _t(text: str) -> str:
    text = escape(text)
    preserve = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<w:t{preserve}>{text}</w:t>"


def run(text: str, *, bold: bool = False, italic: bool = False, size: int = HALF_POINTS, underline: bool = False,
        line_break: bool = False) -> str:
    """One run: formatting only where it differs from Normal; `line_break` ends it with a soft break."""
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    props += f'<w:sz w:val="{size}"/>' if size != HALF_POINTS else ""
    props += '<w:u w:val="single"/>' if underline else ""
    body = (_t(text) if text else "") + ("<w:br/>" if line_break else "")
    if not body:
        return ""
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{body}</w:r>"


def lines(text: str, **format_) -> str:
    """Runs of `text` with each \\n a line break (a heading keeps its block)."""
    parts = text.split("\n")
    return "".join(run(line, line_break=index < len(parts) - 1, **format_) for index, line in enumerate(parts))


def paragraph(content: str, *, align: str = BOTH, after_pt: float | None = 6, indent: bool = False) -> str:
    """A paragraph around runs; `after_pt=None` keeps the Normal style's space below."""
    props = f'<w:spacing w:after="{round(after_pt * 20)}"/>' if after_pt is not None else ""
    props += f'<w:ind w:firstLine="{INDENT_TWIPS}"/>' if indent else ""
    props += f'<w:jc w:val="{align}"/>' if align != LEFT else ""  # left is the default: said on no paragraph
    return f"<w:p><w:pPr>{props}</w:pPr>{content}</w:p>"


def para(text: str = "", *, bold: bool = False, italic: bool = False, align: str = BOTH, indent: bool = False,
         after: float = 6, size: int = HALF_POINTS) -> str:
    """docx_style.para as text: one paragraph, \\n as line breaks."""
    return paragraph(lines(text, bold=bold, italic=italic, size=size), align=align, after_pt=after, indent=indent)


def runs(parts: Sequence[tuple[str, bool]], *, indent: bool = True, align: str = BOTH) -> str:
    """«Điều 1.» bold and the rest plain, in one paragraph with the Normal style's space below."""
    return paragraph("".join(run(text, bold=bold) for text, bold in parts), align=align, after_pt=None, indent=indent)


def page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def _grid(widths_mm: Sequence[float]) -> str:
    """The column grid LibreOffice lays out from (python-docx left it even, so columns printed equal)."""
    return "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{twips(w)}"/>' for w in widths_mm) + "</w:tblGrid>"


def _cell(width_mm: float, content: str) -> str:
    return f'<w:tc><w:tcPr><w:tcW w:w="{twips(width_mm)}" w:type="dxa"/></w:tcPr>{content}</w:tc>'


_LOOK = ('<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
         'w:noHBand="0" w:noVBand="1"/>')
_NO_BORDERS = "<w:tblBorders>" + "".join(f'<w:{edge} w:val="nil"/>' for edge in (
    "top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"
_BORDERS = "<w:tblBorders>" + "".join(f'<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for edge in (
    "top", "left", "bottom", "right", "insideH", "insideV")) + "</w:tblBorders>"


# Widths of 13 pt Times New Roman in mm, generous (bold headers, stacked diacritics); a cell's side
# margins are 108 twips each. Lines break at spaces.
_CAPITAL_MM, _SPACE_MM, _OTHER_MM, _CELL_MARGINS_MM = 3.4, 1.3, 2.6, 4.3
_NUMBER_LIKE = re.compile(r"[\d .,%/]+")  # a phone, «75 %», «1.234», a date: kept on one line


def _least_mm(text: str) -> float:
    """Room for the longest unbreakable piece of a cell."""
    words = [text] if _NUMBER_LIKE.fullmatch(text) else text.split()
    return max((sum(_CAPITAL_MM if c.isupper() else _SPACE_MM if c == " " else _OTHER_MM for c in word)
                for word in words), default=0.0) + _CELL_MARGINS_MM


def fit_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], weights: Sequence[float],
               total_mm: float) -> list[int]:
    """Whole-mm column widths summing to `total_mm`: shares by `weights`, but no column narrower than its
    longest word (else «TT» prints as «T T»); what the narrow ones take comes from the roomy ones."""
    least = [max(_least_mm(text) for text in [header, *(row[index] for row in rows)])
             for index, header in enumerate(headers)]
    share = [total_mm * weight / sum(weights) for weight in weights]
    widths = [max(low, target) for low, target in zip(least, share, strict=True)]
    excess, room = sum(widths) - total_mm, sum(w - low for w, low in zip(widths, least, strict=True))
    if excess > 0 and room >= excess:
        widths = [w - excess * (w - low) / room for w, low in zip(widths, least, strict=True)]
    elif excess > 0:  # too many columns for their words: the narrow ones («TT», counts) keep theirs, the wide share
        narrow = [low <= total_mm / len(least) for low in least]
        rest = total_mm - sum(low for low, keep in zip(least, narrow, strict=True) if keep)
        wide = sum(low for low, keep in zip(least, narrow, strict=True) if not keep)
        widths = [low if keep else low * rest / wide for low, keep in zip(least, narrow, strict=True)]
    whole = [round(w) for w in widths]
    whole[whole.index(max(whole))] += round(total_mm) - sum(whole)
    return whole


@dataclass(frozen=True)
class Block:
    """A paragraph of a layout table's cell: centred unless told, tight; size in half points."""

    text: str
    bold: bool = False
    italic: bool = False
    size: int = HALF_POINTS


def layout_table(left: Iterable[Block], right: Iterable[Block], widths_mm: tuple[float, float], *,
                 left_align: str = CENTER) -> str:
    """Two borderless columns: the issuer beside the national motto, recipients beside the signature."""
    cells = []
    for blocks, width, align in ((left, widths_mm[0], left_align), (right, widths_mm[1], CENTER)):
        content = "".join(paragraph(lines(b.text, bold=b.bold, italic=b.italic, size=b.size), align=align, after_pt=0)
                          for b in blocks)
        cells.append(_cell(width, content))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>{_NO_BORDERS}'
            f'<w:tblLayout w:type="fixed"/>{_LOOK}</w:tblPr>{_grid(widths_mm)}<w:tr>{"".join(cells)}</w:tr></w:tbl>')


_CENTRED = f'<w:jc w:val="{CENTER}"/>'


def grid_table(headers: Sequence[str], rows: Iterable[Sequence[object]], widths_mm: Sequence[float],
               centred: Sequence[int] = (0,)) -> str:
    """A bordered table, its bold header row repeated on every page; a value's line breaks become spaces."""
    if len(headers) != len(widths_mm):
        raise ValueError("one width per column")
    head = "".join(_cell(w, paragraph(lines(h, bold=True), align=CENTER, after_pt=0))
                   for h, w in zip(headers, widths_mm, strict=True))
    # Each column's cell opening is the same on every row: made once, then joined with the escaped text.
    openings = [f'<w:tc><w:tcPr><w:tcW w:w="{twips(w)}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:spacing w:after="0"/>'
                f'{_CENTRED if index in centred else ""}</w:pPr>'
                for index, w in enumerate(widths_mm)]
    body = []
    for values in rows:
        cells = []
        for opening, value in zip(openings, values, strict=True):
            text = " ".join(str(value).split("\n"))
            cells.append(f"{opening}<w:r>{_t(text)}</w:r></w:p></w:tc>" if text else f"{opening}</w:p></w:tc>")
        body.append(f"<w:tr>{''.join(cells)}</w:tr>")
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
            f'{_BORDERS}<w:tblLayout w:type="fixed"/>{_LOOK}</w:tblPr>{_grid(widths_mm)}'
            f'<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>{"".join(body)}</w:tbl>')


# ---------------------------------------------------------------- the package

# Parts of python-docx's template no one reads in these documents: lists, web view, the theme and the font
# table (every font is named outright below), an app.xml that claims «Microsoft Macintosh Word». 6,642
# documents carry what is left, so its unused namespace declarations go too.
_DROPPED = ("/numbering", "/webSettings", "/theme", "/fontTable", "/extended-properties")
_IGNORABLE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable"
_SETTINGS_KEPT = ("defaultTabStop", "characterSpacingControl", "compat", "decimalSymbol", "listSeparator")
_SECTION = re.compile(r"<w:sectPr\b.*</w:sectPr>", re.S)
_CORE = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
         'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title><dc:creator>cnscd</dc:creator>'
         '</cp:coreProperties>')


@dataclass(frozen=True)
class Template:
    parts: dict[str, bytes]  # every part but the body and the core properties
    section: str  # the body's last child: page size, margins, header references


def _trim(document) -> None:
    """Drop the unread parts and settings; the document defaults name Times New Roman, not a theme font."""
    for owner in (document.part, document.part.package):
        for rel in list(owner.rels.values()):
            if rel.reltype.endswith(_DROPPED):
                owner.rels.pop(rel.rId)
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = defaults.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), style.FONT)
    settings = document.settings.element
    for child in list(settings):
        if child.tag.split("}")[1] not in _SETTINGS_KEPT:
            settings.remove(child)


def _tidy(xml: bytes) -> bytes:
    """The part without namespace declarations it never uses (and without the compatibility list naming them)."""
    root = etree.fromstring(xml)
    root.attrib.pop(_IGNORABLE, None)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


@functools.cache
def template() -> Template:
    """The package python-docx makes through docx_style, slimmed, once per process.

    It holds a bordered table so the slimming keeps the «Table Grid» style the grid tables name.
    """
    document = style.new_document()
    style.grid_table(document, ["-"], [["-"]], [style.TEXT_WIDTH_MM])
    _trim(document)
    style._slim(document)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: _tidy(package.read(name)) for name in package.namelist()}
    body = parts.pop("word/document.xml").decode()
    parts.pop("docProps/core.xml")
    return Template(parts, _SECTION.search(body).group(0))


def pack(parts: dict[str, bytes | str]) -> bytes:
    """A zip whose bytes depend only on `parts`: sorted names, fixed dates and modes, deflated at ZIP_LEVEL.

    The level goes to each `writestr`: the archive's own compresslevel is ignored for a ready-made ZipInfo
    (the level 9 asked for here before came out as zlib's default 6).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name in sorted(parts):
            info = zipfile.ZipInfo(name, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = parts[name]
            package.writestr(info, data.encode() if isinstance(data, str) else data, compresslevel=ZIP_LEVEL)
    return buffer.getvalue()


def docx(body: Iterable[str], title: str) -> bytes:
    """A whole DOCX from body fragments (paragraphs and tables, in order)."""
    base = template()
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_NS}><w:body>'
                f'{"".join(body)}{base.section}</w:body></w:document>')
    return pack({**base.parts, "word/document.xml": document, "docProps/core.xml": _CORE.format(title=escape(title))})
