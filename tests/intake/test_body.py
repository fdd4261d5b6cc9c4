"""The issue body parser: GitHub's rendering details, limits, duplicate sections, and fuzzing (never a crash)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cnscd.intake import body as body_module
from cnscd.intake.body import parse_body
from cnscd.intake.forms import load_form, parse_form
from cnscd.intake.submission import BUILDERS
from cnscd.load import load
from cnscd.model import Finding
from cnscd.units import Units
from tests.conftest import SAMPLE, TODAY

TEAM = load_form("team")
DATASET = load(SAMPLE)
UNITS = Units.from_dataset(DATASET)
CHECKBOX_FORM = parse_form("test", """
body:
  - {type: input, id: code, attributes: {label: Mã}, validations: {required: true}}
  - {type: checkboxes, id: agree, attributes: {label: Đồng ý, options: [{label: Tôi đồng ý}]}}
""")


def test_crlf_no_response_and_checkboxes() -> None:
    body = "### Mã\r\n\r\n26506\r\n\r\n### Đồng ý\r\n\r\n- [ ] Tôi đồng ý\r\n"
    parsed = parse_body(body, CHECKBOX_FORM)
    assert parsed.values["code"] == "26506" and parsed.checked("agree") == []
    ticked = parse_body("### Mã\n\n_No response_\n\n### Đồng ý\n\n- [X] Tôi đồng ý\n", CHECKBOX_FORM)
    assert ticked.checked("agree") == ["Tôi đồng ý"]
    assert [(f.code, f.field) for f in ticked.findings] == [("field-required", "code")]


def test_labels_match_whatever_the_case_and_spacing() -> None:
    parsed = parse_body("###   mã xã/phường (5 chữ số)  \n\n 26506 \n", TEAM)
    assert parsed.values["commune_code"] == "26506" and parsed.lines["commune_code"] == 3


def test_a_section_given_twice_is_refused_not_guessed() -> None:
    body = ("### Mã xã/phường (5 chữ số)\n\n26506\n\n### Danh sách thành viên\n\nNguyễn Văn A; Tổ trưởng\n\n"
            "### Mã xã/phường (5 chữ số)\n\n26734\n")
    parsed = parse_body(body, TEAM, "issue #5")
    (finding,) = [f for f in parsed.findings if f.code == "field-duplicate"]
    assert (finding.file, finding.row, finding.field, finding.severity) == ("issue #5", 9, "commune_code", "error")
    assert finding.message_vi == ("Mục «Mã xã/phường (5 chữ số)» xuất hiện hai lần (dòng 1 và dòng 9); "
                                  "xóa một mục rồi gửi lại")
    change = BUILDERS["team"](parsed, TEAM, DATASET, UNITS, TODAY, "issue #5")
    assert change.has_errors and not change.rows


def test_oversized_body_is_refused_before_any_parsing(monkeypatch) -> None:
    monkeypatch.setattr(body_module, "MAX_BODY_CHARS", 1000)
    calls = []
    monkeypatch.setattr(body_module, "label_key", lambda label: calls.append(label) or label)
    parsed = parse_body("### Mã xã/phường (5 chữ số)\n\n" + "x" * 1001, TEAM)
    assert [f.code for f in parsed.findings] == ["body-too-large"] and not parsed.values
    assert "quá giới hạn 1,000" in parsed.findings[0].message_vi
    assert calls == []  # not even the form's labels were read


def test_one_overlong_line_is_refused_with_its_line_number() -> None:
    body = "### Mã xã/phường (5 chữ số)\n\n26506\n\n### Ghi chú\n\n" + "a" * (body_module.MAX_LINE_CHARS + 1) + "\n"
    parsed = parse_body(body, TEAM)
    assert [(f.code, f.row, f.field) for f in parsed.findings] == [("line-too-long", 7, "notes")]


lines = st.one_of(st.text(max_size=40), st.sampled_from([
    "### Mã xã/phường (5 chữ số)", "### Danh sách thành viên", "### Thôn/tổ dân phố", "_No response_", "None",
    "```text", "```", "- [X] Có", "- [ ] Không", "### Người ghi nhận sự đồng ý", "26506", "### Ngày thành lập (tổ mới)",
    "Nguyễn Văn A; Tổ trưởng; x; 0900 000 101; Phiếu giấy", "| 1 | Họ tên | Tổ phó |", "|---|---|", "T79-0003", "",
    "| TT | Họ | Tên | Chức vụ Tổ công nghệ số cộng đồng | SĐT |", "31/02/2026", "Trưởng thôn, ĐT 0914.555.666",
]))


@settings(max_examples=200, deadline=None)
@given(st.lists(lines, max_size=25))
def test_parser_and_submission_never_crash(body_lines: list[str]) -> None:
    body = "\n".join(body_lines)
    parsed = parse_body(body, TEAM, "fuzz")
    change = BUILDERS["team"](parsed, TEAM, DATASET, UNITS, TODAY, "fuzz")
    assert change.findings or change.rows  # always a located error or a result
    for finding in change.findings:
        assert isinstance(finding, Finding) and finding.file == "fuzz"
        assert finding.row is None or 1 <= finding.row <= len(body.replace("\r", "\n").split("\n"))
