"""The consent form a commune prints for a team, gets signed, and keeps on paper (DOCX, python-docx).

Names come from the data; phone cells stay empty on purpose: each person writes the number they agree
to publish, in their own hand, so the form never carries a number nobody agreed to. Layout follows the
administrative document rules of Decree 30/2020/NĐ-CP (A4, Times New Roman 13 pt, its margins).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..load import load, parse_date
from ..model import ROLE_VI, Role
from ..units import Units

FONT = "Times New Roman"
SIZE = Pt(13)
# Decree 30/2020, annex I: top 20–25 mm, bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS = {"top_margin": Mm(20), "bottom_margin": Mm(20), "left_margin": Mm(30), "right_margin": Mm(15)}
COLUMNS = [("TT", 10), ("Họ tên", 40), ("Chức vụ trong Tổ", 25), ("Số điện thoại đồng ý công khai", 35),
           ("Đồng ý (ký, ghi rõ họ tên)", 37), ("Ngày", 18)]  # mm; 165 mm between the margins
HEADING_SIZE = Pt(12)  # Decree 30/2020: national heading and issuer in 12–13 pt; 12 keeps each on one line
ROLE_ORDER = {Role.LEADER: 0, Role.DEPUTY: 1, Role.MEMBER: 2}
HEADINGS = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
            "PHIẾU ĐỒNG Ý CÔNG KHAI SỐ ĐIỆN THOẠI")


class ConsentFormError(Exception):
    def __init__(self, vi: str, en: str) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi, self.en = vi, en


def _current(member, today: dt.date) -> bool:
    joined, left = parse_date(member["joined_on"]), parse_date(member["left_on"])
    return (joined is None or joined <= today) and (left is None or left > today)


def _run(paragraph, text: str, bold: bool = False, italic: bool = False, underline: bool = False, size=None):
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = size
    return run


def _paragraph(container, text: str = "", *, align=None, bold: bool = False, italic: bool = False,
               space_after: int = 4):
    paragraph = container.add_paragraph()
    if text:
        _run(paragraph, text, bold=bold, italic=italic)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    return paragraph


def _setup(document) -> None:
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, SIZE
    # Word picks the font of Vietnamese text from the east-Asian and complex-script slots too.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    for name, value in MARGINS.items():
        setattr(section, name, value)


def _cell(cell, text: str, *, bold: bool = False, align=WD_ALIGN_PARAGRAPH.LEFT, italic: bool = False,
          size=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)


def _widths(table, widths_mm: list[int]) -> None:
    """Word reads the cell widths, LibreOffice the grid: set both so the table prints the same everywhere."""
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _heading(document, commune_name: str, team_name: str) -> None:
    """The two-column head of a Vietnamese administrative document: issuer left, national motto right."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    _widths(table, [68, 97])
    left, right = table.rows[0].cells
    _cell(left, f"UBND {commune_name.upper()}", align=WD_ALIGN_PARAGRAPH.CENTER, size=HEADING_SIZE)
    unit = left.add_paragraph()
    unit.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(unit, team_name.upper(), bold=True, size=HEADING_SIZE)
    _cell(right, HEADINGS[0], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=HEADING_SIZE)
    motto = right.add_paragraph()
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(motto, HEADINGS[1], bold=True, underline=True)


def build_document(team: dict[str, str], members: list[dict[str, str]], commune_name: str, province_name: str,
                   site_url: str = ""):
    """The Document for one team; `members` are the current members, already in print order."""
    document = Document()
    _setup(document)
    _heading(document, commune_name, team["name"])
    _paragraph(document, f"{commune_name}, ngày ..... tháng ..... năm 20.....", align=WD_ALIGN_PARAGRAPH.RIGHT,
               italic=True, space_after=12)
    _paragraph(document, HEADINGS[2], align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, space_after=0)
    _paragraph(document, f"của thành viên {team['name']}", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, space_after=12)

    where = _paragraph(document)
    _run(where, "Tổ: ", bold=True)
    _run(where, f"{team['name']} (mã tổ {team['team_id']}); ")
    _run(where, "xã/phường: ", bold=True)
    _run(where, f"{commune_name}; ")
    _run(where, "tỉnh/thành phố: ", bold=True)
    _run(where, f"{province_name}.")
    site = f" ({site_url})" if site_url else ""
    for title, text in (
        ("1. Nội dung được công khai. ",
         "Họ tên và chức vụ trong Tổ của thành viên được đăng trên trang web công khai về các Tổ Công nghệ số cộng "
         f"đồng{site}: trang của xã/phường, áp phích có mã QR dán tại thôn, tổ dân phố, và bộ dữ liệu mở tải về được. "
         "Số điện thoại chỉ được đăng cùng họ tên khi chính người đó ghi số và ký vào dòng của mình dưới đây, để "
         "người dân gọi khi cần hỗ trợ dùng dịch vụ công trực tuyến, thanh toán số và các ứng dụng số."),
        ("2. Căn cứ pháp lý. ",
         "Nghị định số 13/2023/NĐ-CP ngày 17/4/2023 của Chính phủ về bảo vệ dữ liệu cá nhân; Luật Bảo vệ dữ liệu "
         "cá nhân số 91/2025/QH15 (có hiệu lực từ ngày 01/01/2026). Số điện thoại là dữ liệu cá nhân: chỉ công khai "
         "khi người đó đồng ý, rõ ràng và tự nguyện."),
        ("3. Tự nguyện. ",
         "Ai không muốn công khai số điện thoại thì để trống ô số điện thoại và không ký; người đó vẫn là thành "
         "viên của Tổ. Chỉ ghi số mà mình muốn người dân gọi."),
        ("4. Quyền rút lại sự đồng ý. ",
         "Người đã đồng ý có thể rút lại bất cứ lúc nào, không cần nêu lý do: bằng biểu mẫu «Gỡ số điện thoại của "
         f"tôi» trên trang web (mục «Gửi biểu mẫu»), hoặc báo trực tiếp, bằng văn bản cho UBND {commune_name}. "
         "Số điện thoại được gỡ khỏi trang web và dữ liệu mở chậm nhất 15 ngày kể từ khi nhận yêu cầu."),
    ):
        paragraph = _paragraph(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        _run(paragraph, title, bold=True)
        _run(paragraph, text)

    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, (label, _) in zip(table.rows[0].cells, COLUMNS, strict=True):
        _cell(cell, label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The header row repeats on every printed page.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for number, member in enumerate(members, start=1):
        cells = table.add_row().cells
        _cell(cells[0], str(number), align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(cells[1], member["full_name"])
        _cell(cells[2], ROLE_VI.get(member["role"], member["role"]))
        table.rows[number].height = Mm(14)  # room for a handwritten number and a signature
    _widths(table, [width for _, width in COLUMNS])

    _paragraph(document, space_after=6)
    _paragraph(document, "NGƯỜI GHI NHẬN SỰ ĐỒNG Ý", bold=True, space_after=2)
    for line in ("Họ tên: ...................................................................................",
                 "Chức vụ, đơn vị: .......................................................................",
                 "Cách ghi nhận:  □ Phiếu giấy có chữ ký     □ Trực tiếp, có người chứng kiến",
                 "Người chứng kiến (nếu có): ..........................................................",
                 "Ngày ghi nhận: ..... /..... /20.....          Ký, ghi rõ họ tên: ...............................",):
        _paragraph(document, line, space_after=2)
    note = _paragraph(document, align=WD_ALIGN_PARAGRAPH.JUSTIFY, italic=True, space_after=0)
    _run(note, "Lưu ý: ", bold=True, italic=True)
    _run(note, f"Phiếu đã ký do UBND {commune_name} lưu giữ (bản giấy hoặc bản quét lưu trong hệ thống không công "
               "khai của xã, của tỉnh); không đăng phiếu hay bản quét lên kho dữ liệu công khai. Dữ liệu chỉ ghi cách "
               "ghi nhận, ngày ghi nhận và người ghi nhận.", italic=True)
    return document


def _site_url(data_dir: Path) -> str:
    """The published address from mkdocs.yml (the same file the site build reads), when there is one."""
    import yaml

    from ..site.build import find_config, read_config

    try:
        config = read_config(find_config(Path(data_dir)))
    except (OSError, ValueError, yaml.YAMLError):
        return ""
    return str(config.get("site_url", "")) if isinstance(config, dict) else ""


def write_consent_form(data_dir: Path, team_id: str, out: Path, today: dt.date) -> tuple[Path, int]:
    """Write the form for a team's current members; returns the path and how many people it lists."""
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise ConsentFormError(f"Tệp ra phải có đuôi .docx: {out}", f"The output must be a .docx file: {out}")
    dataset = load(data_dir)
    team_id = team_id.strip().upper()
    team = dataset.index("teams", "team_id").get(team_id)
    if team is None:
        raise ConsentFormError(f"Không có tổ mã {team_id} trong {data_dir}", f"No team {team_id} in {data_dir}")
    if team["status"] != "active":
        raise ConsentFormError(f"Tổ {team_id} không còn hoạt động", f"Team {team_id} is no longer active")
    units = Units.from_dataset(dataset)
    commune_code = units.current_commune(team)
    if commune_code is None:
        raise ConsentFormError(f"Không xác định được xã/phường hiện nay của tổ {team_id}",
                               f"The 2025 commune of team {team_id} cannot be told")
    commune = units.communes[commune_code]
    province = units.provinces.get(commune["province_code"], {}).get("name", commune["province_code"])
    members = [m.data for m in dataset.rows("members") if m["team_id"] == team_id and _current(m, today)]
    if not members:
        raise ConsentFormError(f"Tổ {team_id} chưa có thành viên hiện tại nào", f"Team {team_id} has no current member")
    members.sort(key=lambda m: (ROLE_ORDER.get(m["role"], 3), m["full_name"]))
    document = build_document(team.data, members, commune["name"], province, _site_url(data_dir))
    out.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(out))
    return out, len(members)
