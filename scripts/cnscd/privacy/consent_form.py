"""The consent form a commune prints for a team, gets signed, and keeps on paper (DOCX, python-docx).

Names come from the data; phone cells stay empty on purpose: each person writes the number they agree
to publish, in their own hand, so the form never carries a number nobody agreed to. Layout follows the
administrative document rules of Decree 30/2020/NĐ-CP (A4, Times New Roman 13 pt, its margins).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx.shared import Pt

from ..documents import docx_style as style
from ..load import load, parse_date
from ..model import ROLE_VI, Role
from ..units import Units

# Page, margins (Decree 30/2020, annex I), Times New Roman 13 pt and the table helpers: documents.docx_style.
COLUMNS = [("TT", 10), ("Họ tên", 40), ("Chức vụ trong Tổ", 25), ("Số điện thoại đồng ý công khai", 35),
           ("Đồng ý (ký, ghi rõ họ tên)", 37), ("Ngày", 18)]  # mm; 165 mm between the margins
HEADING_SIZE = Pt(12)  # Decree 30/2020: national heading and issuer in 12–13 pt; 12 keeps each on one line
ROW_HEIGHT_MM = 14  # room for a handwritten number and a signature
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


def _heading(document, commune_name: str, team_name: str) -> None:
    """The two-column head of a Vietnamese administrative document: issuer left, national motto right."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    style.set_widths(table, [68, 97])
    left, right = table.rows[0].cells
    style.cell_text(left, f"UBND {commune_name.upper()}", align=style.CENTER, size=HEADING_SIZE)
    style.para(left, team_name.upper(), bold=True, align=style.CENTER, size=HEADING_SIZE)
    style.cell_text(right, HEADINGS[0], bold=True, align=style.CENTER, size=HEADING_SIZE)
    style.para(right, HEADINGS[1], bold=True, underline=True, align=style.CENTER)


def build_document(team: dict[str, str], members: list[dict[str, str]], commune_name: str, province_name: str,
                   site_url: str = ""):
    """The Document for one team; `members` are the current members, already in print order."""
    document = style.new_document()
    _heading(document, commune_name, team["name"])
    style.para(document, f"{commune_name}, ngày ..... tháng ..... năm 20.....", align=style.RIGHT, italic=True,
               after=12)
    style.para(document, HEADINGS[2], align=style.CENTER, bold=True, after=0)
    style.para(document, f"của thành viên {team['name']}", align=style.CENTER, bold=True, after=12)

    style.runs(document, [("Tổ: ", True), (f"{team['name']} (mã tổ {team['team_id']}); ", False),
                          ("xã/phường: ", True), (f"{commune_name}; ", False),
                          ("tỉnh/thành phố: ", True), (f"{province_name}.", False)],
               indent=False, align=style.LEFT, after=4)
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
        style.runs(document, [(title, True), (text, False)], indent=False, after=4)

    # One line per member; the phone, signature and date cells stay empty for the person's own hand.
    rows = [(str(number), member["full_name"], ROLE_VI.get(member["role"], member["role"]), "", "", "")
            for number, member in enumerate(members, start=1)]
    table = style.grid_table(document, [label for label, _ in COLUMNS], rows, [width for _, width in COLUMNS],
                             row_height_mm=ROW_HEIGHT_MM)
    style.set_widths(table, [width for _, width in COLUMNS])

    style.para(document, after=6)
    style.para(document, "NGƯỜI GHI NHẬN SỰ ĐỒNG Ý", bold=True, align=style.LEFT, after=2)
    for line in ("Họ tên: ...................................................................................",
                 "Chức vụ, đơn vị: .......................................................................",
                 "Cách ghi nhận:  □ Phiếu giấy có chữ ký     □ Trực tiếp, có người chứng kiến",
                 "Người chứng kiến (nếu có): ..........................................................",
                 "Ngày ghi nhận: ..... /..... /20.....          Ký, ghi rõ họ tên: ...............................",):
        style.para(document, line, align=style.LEFT, after=2)
    style.runs(document, [("Lưu ý: ", True), (
        f"Phiếu đã ký do UBND {commune_name} lưu giữ (bản giấy hoặc bản quét lưu trong hệ thống không công khai của "
        "xã, của tỉnh); không đăng phiếu hay bản quét lên kho dữ liệu công khai. Dữ liệu chỉ ghi cách ghi nhận, ngày "
        "ghi nhận và người ghi nhận.", False)], indent=False, italic=True, after=0)
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
    style.save(document, out)
    return out, len(members)
