""".github/ is code too: workflows and issue forms are checked offline against their schemas and by zizmor."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
FORMS = sorted(p for p in (ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml") if p.name != "config.yml")
ISSUE_CONFIG = ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml"


def _run(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=ROOT)


def test_the_expected_workflows_exist() -> None:
    assert {"validate.yml", "deploy.yml"} <= {p.name for p in WORKFLOWS}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_schema(path: Path) -> None:
    result = _run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-workflows", path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_issue_form_schema(path: Path) -> None:
    result = _run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-issue-forms", path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_issue_config_schema() -> None:
    if not ISSUE_CONFIG.exists():
        pytest.fail("config.yml for issue forms is missing")
    result = _run(BIN / "check-jsonschema", "--builtin-schema", "vendor.github-issue-config", ISSUE_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing() -> None:
    result = _run(BIN / "zizmor", "--offline", "--no-progress", *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_catches_template_injection(tmp_path: Path) -> None:
    """The audit is real: a `${{ }}` in `run:` is flagged."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "name: bad\non: issues\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-24.04\n    steps:\n"
        "      - run: echo \"${{ github.event.issue.title }}\"\n", encoding="utf-8")
    result = _run(BIN / "zizmor", "--offline", "--no-progress", bad)
    assert result.returncode != 0 and "template-injection" in result.stdout + result.stderr
