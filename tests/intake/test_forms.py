"""The issue forms, the workflow and CODEOWNERS stay consistent with the data and with each other."""

from __future__ import annotations

import csv
import os
import subprocess

from cnscd.intake.forms import FORM_FILES, FORM_LABELS, load_form, report_form_text
from tests.conftest import ROOT, SAMPLE, run_cli

FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
BIN = ROOT / ".venv" / "bin"


def test_report_form_is_generated_from_the_indicator_catalogue() -> None:
    with open(SAMPLE / "indicators.csv", encoding="utf-8") as handle:
        indicators = list(csv.DictReader(handle))
    expected = report_form_text(indicators)
    if os.environ.get("UPDATE_GOLDEN"):
        (FORMS / "bao-cao.yml").write_text(expected, encoding="utf-8")
    assert (FORMS / "bao-cao.yml").read_text(encoding="utf-8") == expected
    assert {f.id for f in load_form("report").fields} >= {row["code"] for row in indicators}


def test_forms_are_valid_issue_forms_with_their_label() -> None:
    paths = [str(FORMS / name) for name in FORM_FILES.values()]
    result = subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-issue-forms", *paths],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    for name, filename in FORM_FILES.items():
        assert f'labels: ["{FORM_LABELS[name]}"]' in (FORMS / filename).read_text(encoding="utf-8")
        assert FORM_LABELS[name] in (ROOT / ".github" / "workflows" / "intake.yml").read_text(encoding="utf-8")


def test_codeowners_matches_maintainers() -> None:
    result = run_cli("codeowners", "--check")
    assert result.returncode == 0, result.stdout


def test_codeowners_check_fails_when_they_differ(tmp_path) -> None:
    stale = tmp_path / "CODEOWNERS"
    stale.write_text("* @someone-else\n", encoding="utf-8")
    result = run_cli("codeowners", "--check", "--output", str(stale))
    assert result.returncode == 1 and "+/data/provinces/79-ho-chi-minh/" in result.stdout
