"""Golden cases: tests/intake/fixtures/<form>-<case>/body.md → expected.json (UPDATE_GOLDEN=1 rewrites)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cnscd.intake.body import parse_body
from cnscd.intake.forms import load_form
from cnscd.intake.submission import BUILDERS
from cnscd.load import load
from cnscd.units import Units
from tests.conftest import SAMPLE, TODAY

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "body.md").is_file())


@pytest.fixture(scope="module")
def sample():
    dataset = load(SAMPLE)
    return dataset, Units.from_dataset(dataset)


def run_case(case: str, sample) -> dict:
    form_name = case.split("-")[0]  # a case folder is named <form>-<case>, e.g. team-new, withdrawal-ok
    form = load_form(form_name)
    body = (FIXTURES / case / "body.md").read_text(encoding="utf-8")
    parsed = parse_body(body, form, "body.md")
    change = BUILDERS[form_name](parsed, form, *sample, TODAY, "body.md")
    return {
        "values": parsed.values,
        "lines": parsed.lines,
        "findings": [f.as_dict() for f in change.findings],
        "rows": change.rows,
        "files": change.files,
        "summary": change.summary_vi,
    }


def test_every_form_has_golden_cases() -> None:
    assert {case.split("-")[0] for case in CASES} >= {"team", "report", "guide"}


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, sample) -> None:
    result = json.loads(json.dumps(run_case(case, sample), ensure_ascii=False))
    expected_path = FIXTURES / case / "expected.json"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert result == json.loads(expected_path.read_text(encoding="utf-8"))
