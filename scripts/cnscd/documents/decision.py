"""The commune chair's decision establishing (or re-confirming) its teams, with the roster annex.

Follows the template the guidance letters circulate (seeds/000_403e97a00b2aaa22.txt), brought up to
the 2025 two-tier government: legal bases name the 2025 Law on Organisation of Local Government and
the generic national bases; anything the data does not know (numbers of provincial plans, who
proposed) stays «…» for the commune to fill in by hand. Only a draft: the chair signs the paper.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..model import Level
from . import docx_style as style
from . import wordml as ml
from .roster import OFFICIAL_HEADERS, CommuneRoster, RosterTeam, roster_rows
from .wordml import Block

# Bump when the wording or layout changes: the site's cache regenerates every draft.
TEMPLATE_VERSION = "decision-8"
ANNEX_WIDTHS_MM = (10, 38, 36, 29, 32, 20)  # sums to the 165 mm text width; a phone fits on one line
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


def _heading(roster: CommuneRoster, number: str | None, day: dt.date | None) -> str:
    return ml.layout_table(
        [Block(f"ỦY BAN NHÂN DÂN\n{roster.name.upper()}", bold=True), Block("———"), Block(number_text(number))],
        [Block("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True), Block("Độc lập - Tự do - Hạnh phúc", bold=True),
         Block("———————————"), Block(style.date_line(roster.place, day), italic=True)],
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


def _articles(roster: CommuneRoster) -> list[str]:
    verb = "Kiện toàn" if roster.reconfirms else "Thành lập"
    villages = roster.village_teams
    commune_teams = [t for t in roster.teams if t.level != Level.VILLAGE]
    parts = []
    if commune_teams:
        parts.append(f"{len(commune_teams)} Tổ công nghệ số cộng đồng cấp {roster.division}")
    if villages:
        names = ", ".join(team.village_name or team.name for team in villages)
        parts.append(f"{len(villages)} Tổ công nghệ số cộng đồng ở thôn, tổ dân phố ({names})")
    listing = " và ".join(parts) if parts else f"{PH} Tổ công nghệ số cộng đồng"
    body = [ml.runs([("Điều 1. ", True), (
        f"{verb} {listing} hỗ trợ người dân tham gia chuyển đổi số trên địa bàn {roster.in_text} (sau đây gọi tắt "
        "là Tổ công nghệ số cộng đồng), gồm các ông (bà) có tên trong danh sách kèm theo Quyết định này.", False)])]
    body.append(ml.runs([("Điều 2. Chức năng, nhiệm vụ của Tổ công nghệ số cộng đồng", True)]))
    body += [ml.para(text, indent=True) for text in (
        f"1. Giúp Ủy ban nhân dân {roster.in_text} thông tin, tuyên truyền chủ trương, chính sách của Đảng, pháp luật "
        "của Nhà nước về chuyển đổi số đến Nhân dân; trực tiếp hỗ trợ, hướng dẫn người dân sử dụng dịch vụ công trực "
        "tuyến, định danh điện tử, thanh toán không dùng tiền mặt, thương mại điện tử và các nền tảng số; tham gia "
        "xây dựng chính quyền số, phát triển kinh tế số, xã hội số.",
        f"2. Thực hiện các nhiệm vụ theo hướng dẫn của Sở Khoa học và Công nghệ {roster.province_in_text} và các "
        f"nhiệm vụ khác do Ủy ban nhân dân {roster.in_text} giao.",
        f"3. Thường xuyên đánh giá kết quả thực hiện và báo cáo định kỳ về Ủy ban nhân dân {roster.in_text} để tổng "
        "hợp, báo cáo cấp trên.",
    )]
    body.append(ml.runs([("Điều 3. Tổ chức và hoạt động của Tổ công nghệ số cộng đồng", True)]))
    body += [ml.para(text, indent=True) for text in (
        "1. Tổ trưởng Tổ công nghệ số cộng đồng điều hành toàn diện hoạt động của Tổ trên địa bàn được giao.",
        "2. Tổ phó giúp Tổ trưởng trực tiếp chỉ đạo các hoạt động của Tổ; giải quyết các công việc thường xuyên "
        "của Tổ.",
        "3. Các thành viên Tổ công nghệ số cộng đồng làm việc theo chế độ kiêm nhiệm, thực hiện nhiệm vụ theo phân "
        "công của Tổ trưởng.",
        f"4. Công chức chuyên môn của Ủy ban nhân dân {roster.in_text} phụ trách chuyển đổi số chịu trách nhiệm "
        "hướng dẫn, phối hợp, hỗ trợ các Tổ công nghệ số cộng đồng.",
    )]
    body.append(ml.runs([("Điều 4. ", True), (
        f"Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {roster.in_text}, Trưởng phòng Văn hóa - Xã hội "
        f"{roster.in_text}, các Tổ công nghệ số cộng đồng và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi "
        "hành Quyết định này.", False)]))
    body.append(ml.para("Quyết định này có hiệu lực kể từ ngày ký./.", indent=True))
    return body


def _signature(roster: CommuneRoster) -> str:
    recipients = "\n".join([
        "- Như Điều 4;",
        f"- UBND {roster.province_in_text} (để b/c);",
        "- Sở Khoa học và Công nghệ;",
        f"- Chủ tịch, các PCT UBND {roster.division};",
        f"- Trang thông tin điện tử {roster.division};",
        "- Lưu: VT.",
    ])
    # Recipients are left-aligned in 12 pt (Decree 30, Appendix I); the font stays Times New Roman.
    return ml.layout_table([Block("Nơi nhận:", bold=True, italic=True), Block(recipients, size=24)],
                           [Block("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", bold=True), Block("\n\n\n\n" + PH)],
                           (80, 85), left_align=ml.LEFT)


def _annex(roster: CommuneRoster, number: str | None, day: dt.date | None) -> list[str]:
    ref = number_text(number).removeprefix("Số: ")
    body = [ml.page_break(),
            ml.para("DANH SÁCH\nTỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG " + roster.name.upper(), bold=True, align=ml.CENTER,
                    after=0),
            ml.para(f"(Kèm theo Quyết định số {ref} {style.short_date(day)}\n"
                    f"của Ủy ban nhân dân {roster.in_text})", italic=True, align=ml.CENTER)]
    for index, team in enumerate(roster.teams, start=1):
        body.append(ml.para(f"{index}. {team_label(team, roster)} ({len(team.members)} thành viên)", bold=True,
                            align=ml.LEFT, after=3))
        rows = roster_rows(team) or [("", "", "", "", "", PH)]
        body.append(ml.grid_table(OFFICIAL_HEADERS, rows, ANNEX_WIDTHS_MM, centred=(0, 4)))
        body.append(ml.para("", after=6))
    return body


def decision_bytes(roster: CommuneRoster, number: str | None = None, day: dt.date | None = None) -> bytes:
    """The whole draft as a DOCX: heading, title, legal bases, Articles 1–4, signature, roster annex."""
    verb = "kiện toàn" if roster.reconfirms else "thành lập"
    body = [_heading(roster, number, day),
            ml.para("", after=0),
            ml.para("QUYẾT ĐỊNH", bold=True, align=ml.CENTER, after=0),
            ml.para(f"Về việc {verb} Tổ công nghệ số cộng đồng hỗ trợ người dân tham gia\nchuyển đổi số "
                    f"trên địa bàn {roster.in_text}", bold=True, align=ml.CENTER, after=0),
            ml.para("———", align=ml.CENTER),
            ml.para(f"ỦY BAN NHÂN DÂN {roster.name.upper()}", bold=True, align=ml.CENTER)]
    body += [ml.para(text, italic=True, indent=True) for text in legal_bases(roster)]
    body.append(ml.para("QUYẾT ĐỊNH:", bold=True, align=ml.CENTER))
    body += _articles(roster)
    body.append(_signature(roster))
    body += _annex(roster, number, day)
    return ml.docx(body, f"Dự thảo quyết định {verb} Tổ công nghệ số cộng đồng {roster.name}")


def write_decision(roster: CommuneRoster, out: Path, number: str | None = None, day: dt.date | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(decision_bytes(roster, number, day))
    return out
