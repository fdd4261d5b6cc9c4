"""`cnscd consent-form`: the DOCX a commune prints, read back with python-docx."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.shared import Mm, Pt

from cnscd.contact import find_contacts
from cnscd.load import load
from cnscd.model import ROLE_VI
from cnscd.privacy.consent_form import _current
from tests.conftest import SAMPLE, TODAY, run_cli

TEAM = "T79-0002"


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)


def test_consent_form_lists_every_current_member_and_no_number(tmp_path: Path) -> None:
    out = tmp_path / "phieu.docx"
    result = run_cli("consent-form", "--team", TEAM, "--out", str(out), "--data", str(SAMPLE),
                     "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stdout + result.stderr
    dataset = load(SAMPLE)
    members = [m for m in dataset.rows("members") if m["team_id"] == TEAM and _current(m, TODAY)]
    gone = [m for m in dataset.rows("members") if m["team_id"] == TEAM and not _current(m, TODAY)]
    phones = [m["phone"] for m in dataset.rows("members") if m["team_id"] == TEAM and m["phone"]]
    assert len(members) >= 3 and phones, "the sample team should have members with published phones"
    document = docx.Document(str(out))
    text = all_text(document)

    # headings and the data filled in
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "PHIẾU ĐỒNG Ý CÔNG KHAI SỐ ĐIỆN THOẠI" in text
    assert "Phường Vũng Tàu" in text and "Thành phố Hồ Chí Minh" in text and TEAM in text
    assert "Nghị định số 13/2023/NĐ-CP" in text and "91/2025/QH15" in text
    assert "Gỡ số điện thoại của tôi" in text and "15 ngày" in text
    assert "NGƯỜI GHI NHẬN SỰ ĐỒNG Ý" in text

    # one line per current member, names and roles filled in, the phone and signature cells empty
    table = document.tables[-1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["TT", "Họ tên", "Chức vụ trong Tổ", "Số điện thoại đồng ý công khai",
                      "Đồng ý (ký, ghi rõ họ tên)", "Ngày"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert sorted(r[1] for r in rows) == sorted(m["full_name"] for m in members)
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(members) + 1)]
    assert rows[0][2] == ROLE_VI["leader"]
    assert all(r[3] == r[4] == r[5] == "" for r in rows)
    for member in gone:
        assert member["full_name"] not in {r[1] for r in rows}

    # no phone number anywhere, neither the team's published ones nor any other
    assert find_contacts(text) == []
    for phone in phones:
        assert phone not in text and phone[1:] not in text

    # A4, Decree 30/2020 margins, Times New Roman 13 pt
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    mm = {name: round(getattr(section, name).mm) for name in ("top_margin", "bottom_margin", "left_margin",
                                                               "right_margin")}  # Word stores twips
    assert 20 <= mm["top_margin"] <= 25 and 20 <= mm["bottom_margin"] <= 25
    assert 30 <= mm["left_margin"] <= 35 and 15 <= mm["right_margin"] <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(13)
    sizes = {run.font.size for p in document.paragraphs for run in p.runs}
    assert sizes <= {None}  # every body run inherits the 13 pt of Normal
    heading = [run for cell in document.tables[0].rows[0].cells for p in cell.paragraphs for run in p.runs]
    assert {run.font.size for run in heading} <= {None, Pt(12)}  # Decree 30: 12–13 pt
    # the columns are set in the grid too (LibreOffice prints from it), summing to the width between margins
    grid = [round(column.width.mm) for column in table.columns]
    assert grid[1] > grid[0] and sum(grid) == 165


def test_consent_form_errors_are_located_and_bilingual(tmp_path: Path) -> None:
    unknown = run_cli("consent-form", "--team", "T79-9999", "--out", str(tmp_path / "x.docx"), "--data", str(SAMPLE))
    assert unknown.returncode == 1 and "Không có tổ mã T79-9999" in unknown.stderr and "No team" in unknown.stderr
    dissolved = run_cli("consent-form", "--team", "T79-0001", "--out", str(tmp_path / "x.docx"), "--data", str(SAMPLE))
    assert dissolved.returncode == 1 and "không còn hoạt động" in dissolved.stderr
    wrong = run_cli("consent-form", "--team", TEAM, "--out", str(tmp_path / "x.pdf"), "--data", str(SAMPLE))
    assert wrong.returncode == 1 and ".docx" in wrong.stderr
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "x.pdf").exists()
