"""The issue body parser: GitHub's rendering details, and fuzzing (never a crash)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cnscd.intake.body import parse_body
from cnscd.intake.forms import load_form
from cnscd.intake.submission import BUILDERS
from cnscd.load import load
from cnscd.model import Finding
from cnscd.units import Units
from tests.conftest import SAMPLE, TODAY

TEAM = load_form("team")
DATASET = load(SAMPLE)
UNITS = Units.from_dataset(DATASET)


def test_crlf_no_response_and_checkboxes() -> None:
    body = ("### Mã xã/phường (5 chữ số)\r\n\r\n26506\r\n\r\n### Thôn/tổ dân phố\r\n\r\n_No response_\r\n\r\n"
            "### Đồng ý công khai số điện thoại\r\n\r\n- [ ] Những người có ghi số điện thoại ở trên đã đồng ý\r\n")
    parsed = parse_body(body, TEAM)
    assert parsed.values["commune_code"] == "26506" and parsed.values["village"] == ""
    assert parsed.checked("phone_consent") == []
    assert [f.code for f in parsed.findings] == ["field-required"] and parsed.findings[0].field == "members"


def test_labels_match_whatever_the_case_and_spacing() -> None:
    parsed = parse_body("###   mã xã/phường (5 chữ số)  \n\n 26506 \n", TEAM)
    assert parsed.values["commune_code"] == "26506" and parsed.lines["commune_code"] == 3


lines = st.one_of(st.text(max_size=40), st.sampled_from([
    "### Mã xã/phường (5 chữ số)", "### Danh sách thành viên", "### Thôn/tổ dân phố", "_No response_", "None",
    "```text", "```", "- [X] Có", "- [ ] Không", "### Đồng ý công khai số điện thoại", "26506",
    "Nguyễn Văn A; Tổ trưởng; x; 0900 000 101", "| 1 | Họ tên | Tổ phó |", "|---|---|", "T79-0003", "",
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
