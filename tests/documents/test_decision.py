"""The decision draft read back: heading, articles, the annex roster, Decree 30 layout, consent."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from cnscd.checks import Context
from cnscd.documents.decision import decision_bytes, write_decision
from cnscd.documents.roster import OFFICIAL_HEADERS, commune_roster
from cnscd.load import load
from cnscd.phones import display_phone
from tests.conftest import SAMPLE, TODAY, run_cli
from tests.datautil import edit, read, write
from tests.documents.helpers import all_text, expected_roster

COMMUNE = "21040"  # Xã Bình Sơn: a commune-level team, six village teams, one pre-2025 team
QUANG_NGAI = "provinces/51-quang-ngai"


@pytest.fixture(scope="module")
def decision_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("decision") / "quyet-dinh.docx"
    run_cli("decision", "--commune", COMMUNE, "--today", TODAY.isoformat(), "--out", str(out), check=True)
    return out


def test_heading_title_and_articles_in_order(decision_file: Path) -> None:
    text = all_text(decision_file)
    for line in ("ỦY BAN NHÂN DÂN\nXÃ BÌNH SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Số: …/QĐ-UBND", "Bình Sơn, ngày … tháng … năm …", "QUYẾT ĐỊNH",
                 "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;", "QUYẾT ĐỊNH:",
                 "Quyết định này có hiệu lực kể từ ngày ký./.", "Nơi nhận:", "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"):
        assert line in text, line
    # A pre-2025 team serves the commune: the decision re-confirms (kiện toàn) rather than creates.
    assert "Về việc kiện toàn Tổ công nghệ số cộng đồng" in text
    positions = [text.index(f"Điều {number}.") for number in range(1, 5)]
    assert positions == sorted(positions)
    assert text.index("Căn cứ") < positions[0] < text.index("Nơi nhận:") < text.index("DANH SÁCH")
    article_1 = text[positions[0]:positions[1]]
    for village in ("Thôn Phước Hải", "Thôn Tây", "Thôn Đông", "Thôn Nam", "Thôn Tân Lập", "Thôn Đồng Tâm"):
        assert village in article_1
    assert "danh sách kèm theo" in article_1


def test_annex_has_one_table_per_team_with_every_current_member(decision_file: Path) -> None:
    expected = expected_roster(SAMPLE, TODAY, COMMUNE)
    document = Document(str(decision_file))
    tables = [table for table in document.tables
              if tuple(cell.text for cell in table.rows[0].cells) == OFFICIAL_HEADERS]
    assert len(tables) == len(expected) == 7
    found = sorted(sorted((row.cells[1].text, row.cells[4].text.replace(" ", "")) for row in table.rows[1:])
                   for table in tables)
    assert found == sorted(sorted(members) for members in expected.values())
    for table in tables:
        numbers = [row.cells[0].text for row in table.rows[1:]]
        assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
        roles = [row.cells[3].text for row in table.rows[1:]]
        assert roles[0] == "Tổ trưởng" and set(roles) <= {"Tổ trưởng", "Tổ phó", "Tổ viên"}
        # Borders on every edge, and the header row repeats on each page.
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.get(qn("w:val")) for b in borders} == {"single"}
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_a_member_who_left_is_not_listed(data_copy: Path, tmp_path: Path) -> None:
    roster = expected_roster(data_copy, TODAY, COMMUNE)
    member = next(m for m in read(data_copy, f"{QUANG_NGAI}/members.csv")
                  if m["team_id"] in roster and m["role"] == "member" and not m["left_on"])
    edit(data_copy, f"{QUANG_NGAI}/members.csv", "member_id", member["member_id"],
         left_on=(TODAY - dt.timedelta(days=1)).isoformat())
    out = tmp_path / "qd.docx"
    result = run_cli("decision", "--commune", COMMUNE, "--today", TODAY.isoformat(), "--data", str(data_copy),
                     "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    assert member["full_name"] not in all_text(out)
    assert member["full_name"] in all_text(write_decision(commune_roster(Context(load(SAMPLE), TODAY), COMMUNE),
                                                          tmp_path / "before.docx"))


def test_page_layout_and_fonts_follow_decree_30(decision_file: Path) -> None:
    document = Document(str(decision_file))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(13)
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {fonts.get(qn(a)) for a in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")} == {"Times New Roman"}
    # No run overrides the face, and every size is 13 pt but the recipients' 12 pt (Decree 30, Appendix I).
    sizes = set()
    for run in document.element.body.iter(qn("w:r")):
        assert run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") is None
        size = run.find(f"{qn('w:rPr')}/{qn('w:sz')}")
        sizes.add(int(size.get(qn("w:val"))) / 2 if size is not None else 13)
    assert sizes == {12, 13}
    heading = next(p for p in document.tables[0].rows[0].cells[1].paragraphs if "CỘNG HÒA" in p.text)
    assert heading.runs[0].bold and heading.alignment == 1  # centred
    for title in ("QUYẾT ĐỊNH", "QUYẾT ĐỊNH:", "DANH SÁCH"):
        paragraph = next(p for p in document.paragraphs if p.text.split("\n")[0] == title)
        assert paragraph.alignment == 1 and all(run.bold for run in paragraph.runs if run.text)
    # Table properties in the schema's order: Word calls a file with a misplaced child corrupt.
    order = ["tblStyle", "tblW", "jc", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook"]
    for table in document.tables:
        children = [child.tag.split("}")[1] for child in table._tbl.tblPr]
        assert children == sorted(children, key=order.index)
    # Page numbers at the top, from the second page on (Decree 30).
    assert section.different_first_page_header_footer
    assert "PAGE" in "".join(t.text for t in section.header._element.iter(qn("w:instrText")))


def test_number_and_date_fill_the_blanks(tmp_path: Path) -> None:
    out = tmp_path / "qd.docx"
    result = run_cli("decision", "--commune", COMMUNE, "--number", "72", "--date", "2026-02-05",
                     "--today", TODAY.isoformat(), "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = all_text(out)
    assert "Số: 72/QĐ-UBND" in text
    assert "Bình Sơn, ngày 05 tháng 02 năm 2026" in text  # leading zeros for day < 10 and month < 3
    assert "(Kèm theo Quyết định số 72/QĐ-UBND ngày 05 tháng 02 năm 2026" in text
    assert "…/QĐ-UBND" not in text


def test_new_teams_are_established_not_reconfirmed() -> None:
    roster = commune_roster(Context(load(SAMPLE), TODAY), COMMUNE)
    for team in roster.teams:
        team.legacy = False
    document = Document(io.BytesIO(decision_bytes(roster)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Về việc thành lập Tổ công nghệ số cộng đồng" in text
    assert "Điều 1. Thành lập 1 Tổ công nghệ số cộng đồng cấp xã và 6 Tổ công nghệ số cộng đồng" in text


def _consented_member(data: Path) -> dict[str, str]:
    roster = expected_roster(data, TODAY, COMMUNE)
    published = {name for members in roster.values() for name, phone in members if phone}
    return next(m for m in read(data, f"{QUANG_NGAI}/members.csv")
                if m["full_name"] in published and m["phone"] and not m["left_on"])


def test_no_phone_without_consent(data_copy: Path, tmp_path: Path) -> None:
    member = _consented_member(data_copy)
    edit(data_copy, f"{QUANG_NGAI}/members.csv", "member_id", member["member_id"], phone_consent="false")
    # The checks refuse a phone stored without consent: the CLI writes nothing.
    out = tmp_path / "qd.docx"
    result = run_cli("decision", "--commune", COMMUNE, "--today", TODAY.isoformat(), "--data", str(data_copy),
                     "--out", str(out))
    assert result.returncode == 1 and "phone-without-consent" in result.stdout and not out.exists()
    # Even built directly from such data, the number never reaches the document.
    path = write_decision(commune_roster(Context(load(data_copy), TODAY), COMMUNE), tmp_path / "direct.docx")
    text = all_text(path)
    assert member["full_name"] in text
    assert member["phone"] not in text.replace(" ", "") and display_phone(member["phone"]) not in text
    others = [phone for members in expected_roster(data_copy, TODAY, COMMUNE).values() for _, phone in members if phone]
    assert others and all(display_phone(phone) in text for phone in others)


def test_withdrawn_phone_is_left_out(data_copy: Path, tmp_path: Path) -> None:
    member = _consented_member(data_copy)
    rows = read(data_copy, f"{QUANG_NGAI}/withdrawals.csv")
    rows.append({"person_id": member["person_id"], "requested_on": (TODAY - dt.timedelta(days=2)).isoformat(),
                 "channel": "site_form", "applied_on": "", "notes": ""})
    write(data_copy, f"{QUANG_NGAI}/withdrawals.csv", sorted(rows, key=lambda r: (r["person_id"], r["requested_on"])))
    out = tmp_path / "qd.docx"
    result = run_cli("decision", "--commune", COMMUNE, "--today", TODAY.isoformat(), "--data", str(data_copy),
                     "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr  # pending withdrawal: a warning only
    text = all_text(out)
    assert member["full_name"] in text and member["phone"] not in text.replace(" ", "")


@pytest.mark.parametrize(("args", "field", "code"), [
    (["--commune", "99999"], "--commune", "commune-unknown"),
    (["--commune", "26740x"], "--commune", "commune-unknown"),
])
def test_unknown_commune_is_a_located_usage_error(tmp_path: Path, args: list[str], field: str, code: str) -> None:
    out = tmp_path / "qd.docx"
    result = run_cli("decision", *args, "--today", TODAY.isoformat(), "--out", str(out))
    assert result.returncode == 2 and not out.exists()
    assert f"[{field}]" in result.stderr and code in result.stderr
    assert "Không có xã, phường mã" in result.stderr and "No 2025 commune" in result.stderr


def test_missing_required_argument_is_usage(tmp_path: Path) -> None:
    assert run_cli("decision", "--out", str(tmp_path / "x.docx")).returncode == 2
    assert run_cli("decision", "--commune", COMMUNE, "--date", "5/2/2026", "--out", str(tmp_path / "x.docx")).returncode == 2



def test_the_file_carries_only_what_a_reader_needs(decision_file: Path) -> None:
    """3,321 communes × 2 documents are on the site: no Word 2010 style copy, thumbnail or unused styles."""
    import zipfile

    names = zipfile.ZipFile(decision_file).namelist()
    assert not [n for n in names if "stylesWithEffects" in n or "thumbnail" in n or n.startswith("customXml/")]
    document = Document(str(decision_file))
    styles = {style.style_id for style in document.styles}
    used = {node.get(qn("w:val")) for tag in ("w:pStyle", "w:tblStyle") for node in document.element.iter(qn(tag))}
    assert used <= styles and "TableGrid" in styles and len(styles) < 12
    assert document.styles.element.find(qn("w:latentStyles")) is None
