"""`cnscd intake` as a commune officer uses it: no contact stored in text, consent per person, Vietnamese dates.

Each refusal is checked the way a person meets it: exit 1, nothing committed, and the answer names the line,
the person and the field, and says how to give a number with consent.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cnscd.intake.forms import load_form
from tests.conftest import SAMPLE, git, run_cli

TEAM = load_form("team")
REPORT = load_form("report")
MEMBERS = "data/provinces/79-ho-chi-minh/members.csv"
RECORDER = "Công chức Văn hóa - Xã hội phường"


def body(form, **values: str) -> str:
    """The issue body GitHub writes for these field values (labels from the committed form)."""
    parts = []
    for spec in form.fields:
        if spec.id in values:
            parts.append(f"### {spec.label}\n\n{values[spec.id] or '_No response_'}\n")
    return "\n".join(parts)


def team_body(members: list[str], **values: str) -> str:
    return body(TEAM, **{"commune_code": "26506", "village": "Tổ dân phố 9", "members": "\n".join(members),
                         **values})


ROSTER = ["Nguyễn Văn A; Tổ trưởng; Trưởng tổ dân phố; 0900 000 901; Phiếu giấy",
          "Nguyễn Văn B; Tổ phó; Bí thư Chi đoàn; 0900 000 902; Trực tiếp",
          "Trần Thị C; Tổ viên; Chi hội Phụ nữ; 0900 000 903",
          "Lê Văn D; Tổ viên; Công an viên; ; ; Giáo viên"]


def intake(repo: Path, tmp_path: Path, text: str, form: str = "team", issue: str = "21"):
    path = tmp_path / "body.md"
    path.write_text(text, encoding="utf-8")
    return run_cli("intake", str(path), "--form", form, "--issue", issue, "--local", "--data", str(repo / "data"),
                   "--today", "2026-11-22")


def branch_members(repo: Path, issue: str = "21") -> dict[str, dict[str, str]]:
    text = git(repo, "show", f"submission/issue-{issue}:{MEMBERS}")
    return {r["full_name"]: r for r in csv.DictReader(text.splitlines()) if r["team_id"] == "T79-0026"}


def assert_nothing_committed(repo: Path, result, issue: str = "21") -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"submission/issue-{issue}" not in git(repo, "branch", "--list")
    assert git(repo, "status", "--porcelain") == ""


# ---------------------------------------------------------------- contacts in text

@pytest.mark.parametrize(("line", "who", "column"), [
    ("Nguyễn Văn A; Tổ trưởng; Trưởng thôn, ĐT 0914.555.666; ; ", "Nguyễn Văn A", "Chức vụ ở thôn/đơn vị"),
    ("Nguyễn Văn A 0914555666; Tổ trưởng; Trưởng thôn", "Dòng này", "Họ tên"),
    ("Nguyễn Văn A; Tổ trưởng; Trưởng thôn; ; ; Zalo 0914 555 666", "Nguyễn Văn A", "Ghi chú"),
    ("Nguyễn Văn A; Tổ trưởng; Trưởng thôn; ; Không; ghi chú; thư a@example.com", "Nguyễn Văn A", "Ghi chú"),
])
def test_a_contact_in_a_roster_line_is_refused_per_person(repo, tmp_path, line, who, column) -> None:
    result = intake(repo, tmp_path, team_body([line, *ROSTER[1:]], consent_recorded_by=RECORDER))
    assert_nothing_committed(repo, result)
    expected = (f"issue #21:11 [members]: LỖI/ERROR contact-in-text: {who}: Không ghi số điện thoại hay e-mail vào "
                f"cột «{column}»")
    assert expected in result.stdout, result.stdout
    assert "ghi số ở cột SĐT và ghi cách người đó đồng ý (Phiếu giấy, Trực tiếp hoặc Tự xác nhận)" in result.stdout


@pytest.mark.parametrize(("field", "value"), [
    ("notes", "Liên hệ tổ trưởng 0914.555.666"), ("team_name", "Tổ CNSCĐ 0914555666"),
    ("consent_recorded_by", "Chị Lan 0914555666"),
])
def test_a_contact_in_a_team_field_is_refused_naming_the_field(repo, tmp_path, field, value) -> None:
    result = intake(repo, tmp_path, team_body(ROSTER, **{"consent_recorded_by": RECORDER, field: value}))
    assert_nothing_committed(repo, result)
    assert f"[{field}]: LỖI/ERROR contact-in-text" in result.stdout, result.stdout


def test_a_contact_in_report_notes_is_refused(repo, tmp_path) -> None:
    text = body(REPORT, team_id="T79-0002", period="tháng 10/2026", dvc_dossiers="12",
                difficulties="Cần hỗ trợ, gọi chị Lan 0914 555 666")
    result = intake(repo, tmp_path, text, "report")
    assert_nothing_committed(repo, result)
    assert "[difficulties]: LỖI/ERROR contact-in-text" in result.stdout


def test_decision_numbers_and_dates_in_notes_pass(repo, tmp_path) -> None:
    notes = "Quyết định 1234/QĐ-UBND ngày 19/07/2025; nhóm Zalo https://zalo.me/g/abc; 1.250 hồ sơ"
    result = intake(repo, tmp_path, team_body(ROSTER, consent_recorded_by=RECORDER, notes=notes))
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- consent per person

def test_consent_is_recorded_per_person(repo, tmp_path) -> None:
    result = intake(repo, tmp_path, team_body(ROSTER, consent_recorded_by=RECORDER, established_on="01/11/2026"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("issue #21:17 [members]: CẢNH BÁO/WARNING phone-not-stored: Trần Thị C: chưa ghi cách người này đồng ý"
            in result.stdout)
    rows = branch_members(repo)
    a, b, c, d = (rows[n] for n in ("Nguyễn Văn A", "Nguyễn Văn B", "Trần Thị C", "Lê Văn D"))
    assert (a["phone"], a["phone_consent"], a["phone_consent_method"], a["phone_consent_recorded_by"],
            a["phone_consent_on"]) == ("0900000901", "true", "paper_form", RECORDER, "2026-11-22")
    assert b["phone_consent_method"] == "in_person_witnessed"
    assert (c["phone"], c["phone_consent"], c["phone_consent_method"]) == ("", "false", "")
    assert d["notes"] == "Giáo viên" and a["joined_on"] == "2026-11-01"
    git(repo, "checkout", "-q", "submission/issue-21")
    assert run_cli("validate", "--data", str(repo / "data"), "--today", "2026-11-22").returncode == 0


def test_consent_without_who_recorded_it_is_refused(repo, tmp_path) -> None:
    result = intake(repo, tmp_path, team_body(ROSTER))
    assert_nothing_committed(repo, result)
    assert "[consent_recorded_by]: LỖI/ERROR consent-recorder-missing" in result.stdout


def test_a_consent_cell_that_is_not_a_method_is_refused(repo, tmp_path) -> None:
    lines = ["Nguyễn Văn A; Tổ trưởng; Trưởng thôn; 0900 000 901; Có", *ROSTER[1:]]
    result = intake(repo, tmp_path, team_body(lines, consent_recorded_by=RECORDER))
    assert_nothing_committed(repo, result)
    assert ("issue #21:11 [members]: LỖI/ERROR consent-unclear: Nguyễn Văn A: cột «Đồng ý công khai SĐT» ghi «Có»; "
            "ghi một trong: Phiếu giấy (có chữ ký), Trực tiếp (có người chứng kiến), Tự xác nhận") in result.stdout


# ---------------------------------------------------------------- dates, periods, the annex table

def test_an_impossible_date_is_a_located_error(repo, tmp_path) -> None:
    result = intake(repo, tmp_path, team_body(ROSTER, consent_recorded_by=RECORDER, established_on="31/02/2026"))
    assert_nothing_committed(repo, result)
    assert "[established_on]: LỖI/ERROR date-invalid: «Ngày thành lập»: «31/02/2026»: không có ngày này" in result.stdout


def test_a_report_for_a_vietnamese_quarter(repo, tmp_path) -> None:
    text = body(REPORT, team_id="T79-0002", period="quý 3/2026", dvc_dossiers="1.250")
    result = intake(repo, tmp_path, text, "report")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "+T79-0002,2026-Q3,dvc_dossiers,1250,2026-11-22," in git(repo, "diff", "main", "submission/issue-21")


def test_a_future_period_is_refused(repo, tmp_path) -> None:
    result = intake(repo, tmp_path, body(REPORT, team_id="T79-0002", period="tháng 12/2026", dvc_dossiers="3"),
                    "report")
    assert_nothing_committed(repo, result)
    assert "[period]: LỖI/ERROR period-in-future: Kỳ Tháng 12/2026 chưa bắt đầu" in result.stdout


def test_the_pasted_annex_table_is_read_in_its_official_order(repo, tmp_path) -> None:
    annex = ["1\tNguyễn Văn A\tTrưởng tổ dân phố\tTổ trưởng\t0900 000 901\t\tPhiếu giấy",
             "2\tNguyễn Văn B\tBí thư Chi đoàn\tTổ phó thường trực\t0900 000 902\tGiáo viên\tTrực tiếp",
             "3\tTrần Thị C\tChi hội Phụ nữ\tTổ viên\t\t\t",
             "4\tLê Văn D\tCông an viên\tTổ viên"]
    result = intake(repo, tmp_path, team_body(annex, consent_recorded_by=RECORDER))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = branch_members(repo)
    assert (rows["Nguyễn Văn A"]["position"], rows["Nguyễn Văn A"]["role"]) == ("Trưởng tổ dân phố", "leader")
    assert rows["Nguyễn Văn B"]["notes"] == "Giáo viên" and rows["Nguyễn Văn B"]["phone"] == "0900000902"
    assert rows["Nguyễn Văn B"]["phone_consent_method"] == "in_person_witnessed"


def test_a_pasted_table_with_family_and_given_name_columns(repo, tmp_path) -> None:
    table = ["| TT | Họ và tên đệm | Tên | Chức vụ Tổ công nghệ số cộng đồng | SĐT | Đồng ý công khai SĐT | Năm sinh |",
             "|---|---|---|---|---|---|---|",
             "| 1 | Nguyễn Văn | An | Tổ trưởng | 0900 000 901 | Tự xác nhận | 1980 |",
             "| 2 | Trần Thị | Bình | Tổ phó | | | |",
             "| 3 | Lê | Cường | Tổ viên | | | |",
             "| 4 | Phạm Minh | Đức | Tổ viên | | | |"]
    result = intake(repo, tmp_path, team_body(table, consent_recorded_by=RECORDER))
    assert result.returncode == 0, result.stdout + result.stderr
    rows = branch_members(repo)
    assert set(rows) == {"Nguyễn Văn An", "Trần Thị Bình", "Lê Cường", "Phạm Minh Đức"}
    assert rows["Nguyễn Văn An"]["phone_consent_method"] == "online_self"
    assert rows["Nguyễn Văn An"]["notes"] == "Năm sinh: 1980"  # an unknown column is kept, never dropped


def test_a_guide_with_a_contact_in_its_front_matter_is_refused() -> None:
    import datetime as dt

    from cnscd.intake.body import parse_body
    from cnscd.intake.submission import BUILDERS
    from cnscd.load import load
    from cnscd.units import Units

    guide = load_form("guide")
    values = {"title": "Cài VNeID", "platform": "VNeID", "pillar": "Chính quyền số", "audience": "Người dân",
              "author": "Anh Tú 0914 555 666", "body": "1. Mở ứng dụng.\n2. Gọi tổng đài 1900 0368 khi cần."}
    parsed = parse_body(body(guide, **values), guide, "issue #3")
    dataset = load(SAMPLE)
    change = BUILDERS["guide"](parsed, guide, dataset, Units.from_dataset(dataset), dt.date(2026, 11, 22), "issue #3")
    assert [(f.field, f.code) for f in change.findings] == [("author", "contact-in-text")] and not change.files
    values["author"] = "Anh Tú"
    values["body"] += "\n3. Hỏi Bộ phận một cửa 0206 3852 123."
    parsed = parse_body(body(guide, **values), guide, "issue #3")
    change = BUILDERS["guide"](parsed, guide, dataset, Units.from_dataset(dataset), dt.date(2026, 11, 22), "issue #3")
    assert [(f.field, f.code, f.severity) for f in change.findings] == [("body", "contact-in-guide-body", "warning")]
    assert change.files  # an office's landline goes to the reviewer, flagged
    values["body"] += "\n4. Hỏi anh Tú 0914 555 666."
    parsed = parse_body(body(guide, **values), guide, "issue #3")
    change = BUILDERS["guide"](parsed, guide, dataset, Units.from_dataset(dataset), dt.date(2026, 11, 22), "issue #3")
    assert ("body", "contact-in-text") in [(f.field, f.code) for f in change.findings] and not change.files


def test_a_number_on_record_is_kept_when_relisted_and_taken_back_with_khong() -> None:
    import datetime as dt

    from cnscd.intake.body import parse_body
    from cnscd.intake.submission import BUILDERS
    from cnscd.load import load
    from cnscd.units import Units

    dataset = load(SAMPLE)
    team = "T79-0003"
    current = [m for m in dataset.rows("members") if m["team_id"] == team and not m["left_on"]]
    consented = next(m for m in current if m["phone_consent"] == "true")

    def roster(consent_cell: str) -> dict[str, str]:
        lines = []
        for m in current:
            role = {"leader": "Tổ trưởng", "deputy": "Tổ phó", "member": "Tổ viên"}[m["role"]]
            cell = consent_cell if m is consented else ""
            lines.append(f"{m['full_name']}; {role}; {m['position']}; {m['phone']}; {cell}")
        text = body(TEAM, commune_code="26506", village=dataset.index("teams", "team_id")[team]["village_id"],
                    team_id=team, members="\n".join(lines))
        parsed = parse_body(text, TEAM, "issue #9")
        change = BUILDERS["team"](parsed, TEAM, dataset, Units.from_dataset(dataset), dt.date(2026, 11, 22), "issue #9")
        assert not change.has_errors, change.findings
        return next(r for r in change.rows["members"] if r["member_id"] == consented["member_id"])

    kept = roster("")
    assert (kept["phone"], kept["phone_consent_on"], kept["phone_consent_method"]) == (
        consented["phone"], consented["phone_consent_on"], consented["phone_consent_method"])
    taken_back = roster("Không")
    assert (taken_back["phone"], taken_back["phone_consent"], taken_back["phone_consent_method"]) == ("", "false", "")


@pytest.mark.parametrize(("line", "expected"), [
    ("Nguyễn Văn A; Tổ trưởng; Trưởng thôn; 0912 345 678; Phiếu giấy; đảng viên",
     ("Nguyễn Văn A", "Tổ trưởng", "Trưởng thôn", "0912 345 678", "Phiếu giấy", "đảng viên")),
    ("Nguyễn Văn A; Tổ trưởng; 0912 345 678; Phiếu giấy; đảng viên",  # the position left out
     ("Nguyễn Văn A", "Tổ trưởng", "", "0912 345 678", "Phiếu giấy", "đảng viên")),
    ("Nguyễn Văn A; Tổ trưởng; 0912 345 678", ("Nguyễn Văn A", "Tổ trưởng", "", "0912 345 678", "", "")),
    ("Nguyễn Văn A; Trưởng thôn; Tổ trưởng; 0912 345 678", ("Nguyễn Văn A", "Tổ trưởng", "Trưởng thôn", "0912 345 678", "", "")),
    ("1\tNguyễn Văn A\tTrưởng thôn\tTổ trưởng\t0912 345 678\tđảng viên\tTrực tiếp",  # the annex, TT first
     ("Nguyễn Văn A", "Tổ trưởng", "Trưởng thôn", "0912 345 678", "Trực tiếp", "đảng viên")),
    ("2. Nguyễn Văn A; Tổ trưởng; Trưởng thôn; 0912 345 678; Tự xác nhận",  # TT then the form's order
     ("Nguyễn Văn A", "Tổ trưởng", "Trưởng thôn", "0912 345 678", "Tự xác nhận", "")),
])
def test_roster_line_shapes(line, expected) -> None:
    from cnscd.intake.submission import parse_members

    (member,) = parse_members(line, 1)
    assert (member.full_name, member.role_text, member.position, member.phone_text, member.consent_text,
            member.notes) == expected
