"""The commune chair's decision establishing (or re-confirming) its teams, with the roster annex.

Follows the template the guidance letters circulate (seeds/000_403e97a00b2aaa22.txt), brought up to
the 2025 two-tier government: legal bases name the 2025 Law on Organisation of Local Government and
the generic national bases; anything the data does not know (numbers of provincial plans, who
proposed) stays «…» for the commune to fill in by hand. Only a draft: the chair signs the paper.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx.document import Document as DocumentType

from ..model import Level
from . import docx_style as style
from .roster import OFFICIAL_HEADERS, CommuneRoster, RosterTeam, roster_rows

# Bump when the wording or layout changes: the site's cache regenerates every draft.
TEMPLATE_VERSION = "decision-5"
ANNEX_WIDTHS_MM = (10, 40, 38, 30, 25, 22)  # sums to the 165 mm text width
PH = style.PLACEHOLDER


def number_text(number: str | None) -> str:
    """«Số: 72/QĐ-UBND»; a bare «72» gets the usual suffix; without a number, dots to fill in."""
    if not number:
        return f"Số: {PH}/QĐ-UBND"
    return f"Số: {number}" if "/" in number else f"Số: {number}/QĐ-UBND"


def team_label(team: RosterTeam, roster: CommuneRoster) -> str:
    """«Tổ công nghệ số cộng đồng Thôn Tây» / «… xã Bình Sơn» (the commune's own team); a team set up under an
    old commune, or whose village is unknown, keeps its recorded name."""
    if team.village_name:
        return f"Tổ công nghệ số cộng đồng {team.village_name}"
    if team.level == Level.COMMUNE and not team.legacy:
        return f"Tổ công nghệ số cộng đồng {roster.in_text}"
    return team.name


def _heading(document: DocumentType, roster: CommuneRoster, number: str | None, day: dt.date | None) -> None:
    style.layout_table(
        document,
        [(f"ỦY BAN NHÂN DÂN\n{roster.name.upper()}", True, False), ("———", False, False),
         (number_text(number), False, False)],
        [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False), ("Độc lập - Tự do - Hạnh phúc", True, False),
         ("———————————", False, False), (style.date_line(roster.place, day), False, True)],
        (62, 103))


def legal_bases(roster: CommuneRoster) -> list[str]:
    province = roster.province_in_text
    return [
        "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
        "Căn cứ Chỉ thị số 02/CT-TTg ngày 26 tháng 4 năm 2022 của Thủ tướng Chính phủ về phát triển Chính phủ "
        "điện tử hướng tới Chính phủ số, thúc đẩy chuyển đổi số quốc gia;",
        f"Căn cứ Kế hoạch số {PH}/KH-UBND ngày {PH} của Ủy ban nhân dân {province} về việc triển khai "
        "Tổ công nghệ số cộng đồng;",
        f"Theo đề nghị của {PH}.",
    ]


def _articles(document: DocumentType, roster: CommuneRoster) -> None:
    verb = "Kiện toàn" if roster.reconfirms else "Thành lập"
    villages = roster.village_teams
    commune_teams = [t for t in roster.teams if t not in villages]
    parts = []
    if commune_teams:
        parts.append(f"{len(commune_teams)} Tổ công nghệ số cộng đồng cấp {roster.division}")
    if villages:
        names = ", ".join(team.village_name or team.name for team in villages)
        parts.append(f"{len(villages)} Tổ công nghệ số cộng đồng ở thôn, tổ dân phố ({names})")
    listing = " và ".join(parts) if parts else f"{PH} Tổ công nghệ số cộng đồng"
    style.runs(document, [("Điều 1. ", True), (
        f"{verb} {listing} hỗ trợ người dân tham gia chuyển đổi số trên địa bàn {roster.in_text} (sau đây gọi tắt "
        "là Tổ công nghệ số cộng đồng), gồm các ông (bà) có tên trong danh sách kèm theo Quyết định này.", False)])
    style.runs(document, [("Điều 2. Chức năng, nhiệm vụ của Tổ công nghệ số cộng đồng", True)])
    for text in (
        f"1. Giúp Ủy ban nhân dân {roster.in_text} thông tin, tuyên truyền chủ trương, chính sách của Đảng, pháp luật "
        "của Nhà nước về chuyển đổi số đến Nhân dân; trực tiếp hỗ trợ, hướng dẫn người dân sử dụng dịch vụ công trực "
        "tuyến, định danh điện tử, thanh toán không dùng tiền mặt, thương mại điện tử và các nền tảng số; tham gia "
        "xây dựng chính quyền số, phát triển kinh tế số, xã hội số.",
        f"2. Thực hiện các nhiệm vụ theo hướng dẫn của Sở Khoa học và Công nghệ {roster.province_in_text} và các "
        f"nhiệm vụ khác do Ủy ban nhân dân {roster.in_text} giao.",
        f"3. Thường xuyên đánh giá kết quả thực hiện và báo cáo định kỳ về Ủy ban nhân dân {roster.in_text} để tổng "
        "hợp, báo cáo cấp trên.",
    ):
        style.para(document, text, indent=True)
    style.runs(document, [("Điều 3. Tổ chức và hoạt động của Tổ công nghệ số cộng đồng", True)])
    for text in (
        "1. Tổ trưởng Tổ công nghệ số cộng đồng điều hành toàn diện hoạt động của Tổ trên địa bàn được giao.",
        "2. Tổ phó giúp Tổ trưởng trực tiếp chỉ đạo các hoạt động của Tổ; giải quyết các công việc thường xuyên "
        "của Tổ.",
        "3. Các thành viên Tổ công nghệ số cộng đồng làm việc theo chế độ kiêm nhiệm, thực hiện nhiệm vụ theo phân "
        "công của Tổ trưởng.",
        f"4. Công chức chuyên môn của Ủy ban nhân dân {roster.in_text} phụ trách chuyển đổi số chịu trách nhiệm "
        "hướng dẫn, phối hợp, hỗ trợ các Tổ công nghệ số cộng đồng.",
    ):
        style.para(document, text, indent=True)
    style.runs(document, [("Điều 4. ", True), (
        f"Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {roster.in_text}, Trưởng phòng Văn hóa - Xã hội "
        f"{roster.in_text}, các Tổ công nghệ số cộng đồng và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi "
        "hành Quyết định này.", False)])
    style.para(document, "Quyết định này có hiệu lực kể từ ngày ký./.", indent=True)


def _signature(document: DocumentType, roster: CommuneRoster) -> None:
    recipients = "\n".join([
        "- Như Điều 4;",
        f"- UBND {roster.province_in_text} (để b/c);",
        "- Sở Khoa học và Công nghệ;",
        f"- Chủ tịch, các PCT UBND {roster.division};",
        f"- Trang thông tin điện tử {roster.division};",
        "- Lưu: VT.",
    ])
    table = style.layout_table(document, [("Nơi nhận:", True, True), (recipients, False, False)],
                               [("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", True, False), ("\n\n\n\n" + PH, False, False)],
                               (80, 85))
    # Recipients are left-aligned in 12 pt (Decree 30, Appendix I); the font stays Times New Roman.
    for paragraph in table.rows[0].cells[0].paragraphs:
        paragraph.alignment = style.LEFT
        for run in paragraph.runs:
            run.font.size = style.Pt(12) if not run.bold else style.SIZE


def _annex(document: DocumentType, roster: CommuneRoster, number: str | None, day: dt.date | None) -> None:
    style.page_break(document)
    ref = number_text(number).removeprefix("Số: ")
    style.para(document, "DANH SÁCH\nTỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG " + roster.name.upper(), bold=True, align=style.CENTER,
               after=0)
    style.para(document, f"(Kèm theo Quyết định số {ref} {style.short_date(day)}\n"
               f"của Ủy ban nhân dân {roster.in_text})", italic=True, align=style.CENTER)
    for index, team in enumerate(roster.teams, start=1):
        style.para(document, f"{index}. {team_label(team, roster)} ({len(team.members)} thành viên)", bold=True,
                   align=style.LEFT, after=3)
        rows = roster_rows(team) or [("", "", "", "", "", PH)]
        style.grid_table(document, OFFICIAL_HEADERS, rows, ANNEX_WIDTHS_MM, centred=(0, 4))
        style.para(document, "", after=6)


def build_decision(roster: CommuneRoster, number: str | None = None, day: dt.date | None = None) -> DocumentType:
    """The whole draft decision: heading, title, legal bases, Articles 1–4, signature, roster annex."""
    document = style.new_document()
    _heading(document, roster, number, day)
    style.para(document, "", after=0)
    style.para(document, "QUYẾT ĐỊNH", bold=True, align=style.CENTER, after=0)
    verb = "kiện toàn" if roster.reconfirms else "thành lập"
    style.para(document, f"Về việc {verb} Tổ công nghệ số cộng đồng hỗ trợ người dân tham gia\nchuyển đổi số "
               f"trên địa bàn {roster.in_text}", bold=True, align=style.CENTER, after=0)
    style.para(document, "———", align=style.CENTER)
    style.para(document, f"ỦY BAN NHÂN DÂN {roster.name.upper()}", bold=True, align=style.CENTER)
    for text in legal_bases(roster):
        style.para(document, text, italic=True, indent=True)
    style.para(document, "QUYẾT ĐỊNH:", bold=True, align=style.CENTER)
    _articles(document, roster)
    _signature(document, roster)
    _annex(document, roster, number, day)
    return document


def write_decision(roster: CommuneRoster, out: Path, number: str | None = None, day: dt.date | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    style.save(build_decision(roster, number, day), out)
    return out
