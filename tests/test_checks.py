"""Every domain rule, one broken copy of the sample each, asserting exactly what a user sees."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from cnscd.model import Severity
from cnscd.validate import validate

from .conftest import TODAY
from .datautil import CAO_BANG, append, copy_row, edit, read, row_number

MEMBERS = f"{CAO_BANG}/members.csv"
TEAMS = f"{CAO_BANG}/teams.csv"
VILLAGES = f"{CAO_BANG}/villages.csv"
REPORTS_2026 = f"{CAO_BANG}/reports-2026.csv"
REPORTS_2025 = f"{CAO_BANG}/reports-2025.csv"
TRAININGS = f"{CAO_BANG}/trainings.csv"
TEAM = "T04-0004"  # an active 2025 village team of Phường Thục Phán with six members
Expected = tuple[str, int, str | None, str, str]


def _name(root: Path, member_id: str) -> str:
    return next(r["full_name"] for r in read(root, MEMBERS) if r["member_id"] == member_id)


def team_row(root: Path, team_id: str = TEAM) -> int:
    return row_number(root, TEAMS, "team_id", team_id)


def case_no_leader(root: Path) -> list[Expected]:
    edit(root, MEMBERS, "member_id", "M04-000017", role="member")
    return [(TEAMS, team_row(root), None, "leader-count", "Tổ T04-0004 phải có đúng 1 Tổ trưởng (đang có 0)")]


def case_two_leaders(root: Path) -> list[Expected]:
    edit(root, MEMBERS, "member_id", "M04-000019", role="leader")
    return [(TEAMS, team_row(root), None, "leader-count", "Tổ T04-0004 phải có đúng 1 Tổ trưởng (đang có 2)")]


def case_leader_left(root: Path) -> list[Expected]:
    # A leader who has left no longer counts.
    edit(root, MEMBERS, "member_id", "M04-000017", left_on="2026-10-01")
    return [(TEAMS, team_row(root), None, "leader-count", "Tổ T04-0004 phải có đúng 1 Tổ trưởng (đang có 0)")]


def case_no_deputy(root: Path) -> list[Expected]:
    edit(root, MEMBERS, "member_id", "M04-000018", role="member")
    return [(TEAMS, team_row(root), None, "deputy-missing", "Tổ T04-0004 phải có ít nhất 1 Tổ phó")]


def case_too_small(root: Path) -> list[Expected]:
    for member_id in ("M04-000019", "M04-000020", "M04-000021", "M04-000022"):
        edit(root, MEMBERS, "member_id", member_id, left_on="2026-01-01")
    return [(TEAMS, team_row(root), None, "team-too-small",
             "Tổ T04-0004 có 2 thành viên, tỉnh quy định tối thiểu 3 "
             "(Dữ liệu mẫu: giữ quy định 2022 của thành phố Cao Bằng)")]


def case_member_twice(root: Path) -> list[Expected]:
    row = copy_row(root, MEMBERS, "member_id", "M04-000019", member_id="M04-999999")
    return [(MEMBERS, row, "person_id", "member-duplicate",
             f"{_name(root, 'M04-000019')} đã có trong tổ T04-0004 (dòng 20)")]


def case_phone_without_consent(root: Path) -> list[Expected]:
    row = edit(root, MEMBERS, "member_id", "M04-000019", phone="0900123456")
    return [(MEMBERS, row, "phone", "phone-without-consent",
             "Chỉ ghi số điện thoại khi người đó đã đồng ý công khai (phone_consent=true)")]


def case_consent_without_date(root: Path) -> list[Expected]:
    row = edit(root, MEMBERS, "member_id", "M04-000019", phone="0900123456", phone_consent="true",
               phone_consent_method="paper_form", phone_consent_recorded_by="Công chức Văn hóa - Xã hội xã")
    return [(MEMBERS, row, "phone_consent_on", "consent-date-missing",
             "Thiếu ngày người đó đồng ý công khai số điện thoại")]


def case_phone_invalid(root: Path) -> list[Expected]:
    row = edit(root, MEMBERS, "member_id", "M04-000017", phone="0123")
    return [(MEMBERS, row, "phone", "phone-invalid", "Số điện thoại không hợp lệ: 0123")]


def case_not_nfc(root: Path) -> list[Expected]:
    row = edit(root, MEMBERS, "member_id", "M04-000019", position=unicodedata.normalize("NFD", "Giáo viên Tin học"))
    return [(MEMBERS, row, "position", "text-not-nfc",
             "Chữ chưa ở dạng Unicode dựng sẵn (NFC); chạy `cnscd fmt` để sửa")]


def case_control_character(root: Path) -> list[Expected]:
    row = edit(root, MEMBERS, "member_id", "M04-000019", notes="gọi sau 17h\u202e")
    return [(MEMBERS, row, "notes", "text-control", "Có ký tự điều khiển ẩn")]


def case_html(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", TEAM, notes="<script>alert(1)</script>")
    return [(TEAMS, row, "notes", "text-html", "Không được chứa mã HTML")]


def case_formula(root: Path) -> list[Expected]:
    row = edit(root, MEMBERS, "member_id", "M04-000019", notes='=HYPERLINK("http://x","y")')
    return [(MEMBERS, row, "notes", "text-formula", "Ô không được bắt đầu bằng = + - @ (công thức bảng tính)")]


def case_future_date(root: Path) -> list[Expected]:
    row = edit(root, TRAININGS, "training_id", "H04-0001", held_on="2027-01-05")
    return [(TRAININGS, row, "held_on", "date-in-future", "Ngày 2027-01-05 nằm trong tương lai (hôm nay 2026-11-22)")]


def case_left_before_joined(root: Path) -> list[Expected]:
    row = edit(root, MEMBERS, "member_id", "M04-000019", left_on="2025-01-01")
    return [(MEMBERS, row, "left_on", "end-before-start", "left_on (2025-01-01) trước joined_on (2025-08-29)")]


def case_report_inactive(root: Path) -> list[Expected]:
    row = append(root, REPORTS_2025, team_id=TEAM, period="2025-03", indicator_code="dvc_dossiers", value="4",
                 submitted_on="2025-03-20")
    return [(REPORTS_2025, row, "period", "report-team-inactive", "Tổ T04-0004 không hoạt động trong kỳ 2025-03")]


def case_report_negative(root: Path) -> list[Expected]:
    first = read(root, REPORTS_2026)[0]
    row = edit(root, REPORTS_2026, "team_id", first["team_id"], value="-3")
    return [(REPORTS_2026, row, "value", "report-negative", "Kết quả không được âm: -3")]


def case_unknown_unit(root: Path) -> list[Expected]:
    row = edit(root, TRAININGS, "training_id", "H04-0001", commune_code="99999")
    return [(TRAININGS, row, "commune_code", "unit-unknown",
             "Không có đơn vị mã 99999 trong danh mục từ 1/7/2025 (hệ mã 2025)")]


def case_scheme_matters(root: Path) -> list[Expected]:
    # 01267 (Phường Sông Hiến) exists only in the pre-2025 list, 03980 only in the 2025 list.
    decisions = f"{CAO_BANG}/decisions.csv"
    row = edit(root, decisions, "decision_id", "D04-0002", unit_code="01267")
    other = edit(root, decisions, "decision_id", "D04-0003", unit_code="03980")
    return [(decisions, row, "unit_code", "unit-unknown",
             "Không có đơn vị mã 01267 trong danh mục từ 1/7/2025 (hệ mã 2025)"),
            (decisions, other, "unit_code", "unit-unknown",
             "Không có đơn vị mã 03980 trong danh mục trước 1/7/2025 (hệ mã pre2025)")]


def case_district_still_active(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", "T04-0001", status="active", ended_on="")
    return [
        (TEAMS, row, None, "deputy-missing", "Tổ T04-0001 phải có ít nhất 1 Tổ phó"),
        (TEAMS, row, None, "leader-count", "Tổ T04-0001 phải có đúng 1 Tổ trưởng (đang có 0)"),
        (TEAMS, row, "status", "abolished-unit-unmapped",
         "Cấp huyện đã bỏ từ 1/7/2025: tổ cấp huyện phải ghi đã giải thể hoặc đã sáp nhập"),
    ]


def case_district_in_2025_scheme(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", "T04-0001", unit_scheme="2025")
    return [(TEAMS, row, "level", "district-after-2025",
             "Từ 1/7/2025 không còn cấp huyện; tổ cấp huyện phải dùng hệ mã pre2025")]


def case_mapping_ambiguous(root: Path) -> list[Expected]:
    # Old commune 01615 was split between 01636 and 01648.
    row = edit(root, TEAMS, "team_id", "T04-0003", commune_code="01615", current_commune_code="")
    return [
        (TEAMS, row, "current_commune_code", "mapping-ambiguous",
         "Xã cũ 01615 được chia vào nhiều xã mới (01636, 01648); ghi current_commune_code"),
        (TEAMS, row, "village_id", "village-wrong-commune",
         "Thôn Tổ dân phố 1 (V01273-001) không thuộc xã 01615 của tổ"),
    ]


def case_mapping_mismatch(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", "T04-0003", current_commune_code="01279")
    return [(TEAMS, row, "current_commune_code", "mapping-mismatch",
             "Xã cũ 01267 không được chuyển vào xã 01279 (mà vào: 01273)")]


def case_ended_without_date(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", "T04-0001", ended_on="")
    return [(TEAMS, row, "ended_on", "ended-date-missing", "Tổ đã giải thể/sáp nhập phải có ngày kết thúc")]


def case_merged_without_target(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", "T04-0009", merged_into="")
    return [(TEAMS, row, "merged_into", "merged-target-missing", "Tổ đã sáp nhập phải ghi tổ tiếp nhận (merged_into)")]


def case_active_with_end(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", TEAM, ended_on="2026-10-31")
    return [(TEAMS, row, "ended_on", "active-with-end-date", "Tổ đang hoạt động không được có ngày kết thúc")]


def case_village_other_commune(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", TEAM, village_id="V01279-001")
    return [(TEAMS, row, "village_id", "village-wrong-commune",
             "Thôn Tổ dân phố 1 (V01279-001) không thuộc xã 01273 của tổ")]


def case_village_missing(root: Path) -> list[Expected]:
    row = edit(root, TEAMS, "team_id", TEAM, village_id="")
    return [(TEAMS, row, "village_id", "village-missing", "Tổ cấp thôn phải ghi mã thôn/tổ dân phố")]


def case_wrong_folder(root: Path) -> list[Expected]:
    target = "provinces/19-thai-nguyen/villages.csv"
    row = append(root, target, village_id="V01273-900", commune_code="01273", kind="to_dan_pho", name="Tổ dân phố 90")
    return [(target, row, "commune_code", "wrong-province-folder",
             "Dòng này thuộc tỉnh mã 04, không thuộc thư mục 19")]


def case_html_in_unit_name(root: Path) -> list[Expected]:
    # Unit names become page titles, which the theme prints unescaped: they are checked like any text.
    row = edit(root, "units/communes.csv", "code", "01273", name="Phường <script>x</script>")
    return [("units/communes.csv", row, "name", "text-html", "Không được chứa mã HTML")]


CASES: dict[str, Callable[[Path], list[Expected]]] = {
    name.removeprefix("case_"): func for name, func in globals().items() if name.startswith("case_")
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_domain_rule(name: str, data_copy: Path) -> None:
    expected = CASES[name](data_copy)
    found = validate(data_copy, TODAY, schema=False)
    errors = {(f.file, f.row, f.field, f.code, f.message_vi) for f in found if f.severity == Severity.ERROR}
    assert errors == set(expected)
    # English is always there too.
    assert all(f.message_en for f in found)


def test_spelling_variant_is_a_warning(data_copy: Path) -> None:
    append(data_copy, VILLAGES, village_id="V01273-901", commune_code="01273", kind="thon", name="Thôn Hoà An")
    row = append(data_copy, VILLAGES, village_id="V01273-902", commune_code="01273", kind="thon", name="Thôn Hòa An")
    found = validate(data_copy, TODAY, schema=False)
    assert [(f.file, f.row, f.code, f.severity) for f in found] == [
        (VILLAGES, row, "spelling-variant", Severity.WARNING)]
    assert "Hoà An" in found[0].message_vi and "Hòa An" in found[0].message_vi


def test_same_name_other_person_is_a_warning(data_copy: Path) -> None:
    row = copy_row(data_copy, MEMBERS, "member_id", "M04-000019", member_id="M04-999998", person_id="P04-999998")
    found = validate(data_copy, TODAY, schema=False)
    assert [(f.file, f.row, f.code, f.severity) for f in found] == [
        (MEMBERS, row, "member-same-name", Severity.WARNING)]


def test_whitespace_is_a_warning_that_fmt_fixes(data_copy: Path) -> None:
    row = edit(data_copy, MEMBERS, "member_id", "M04-000019", position="  Sinh viên ")
    found = validate(data_copy, TODAY, schema=False)
    assert [(f.row, f.field, f.code, f.severity) for f in found] == [(row, "position", "text-whitespace",
                                                                      Severity.WARNING)]


def test_spaced_phone_is_a_warning_that_fmt_fixes(data_copy: Path) -> None:
    row = edit(data_copy, MEMBERS, "member_id", "M04-000017", phone="0900 000.007")
    found = validate(data_copy, TODAY, schema=False)
    assert [(f.row, f.field, f.code, f.severity, f.message_vi) for f in found] == [
        (row, "phone", "phone-format", Severity.WARNING, "Số điện thoại nên ghi liền dạng 0900000007; chạy `cnscd fmt` để sửa")]
