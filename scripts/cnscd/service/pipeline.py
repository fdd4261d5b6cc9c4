"""Form fields → the issue body GitHub would render → the same parse → rows → checks as `cnscd intake`.

Rendering the body (rather than a second field reader) keeps one path: a submission sent from the
site and the same values sent through the issue form get the same findings, line for line.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..load import Dataset, load
from ..model import Finding, Severity


class UnknownForm(ValueError):
    pass


def known_forms() -> list[str]:
    """Every form intake has both an issue form file and a builder for (new ones appear by themselves)."""
    from ..intake.forms import FORM_FILES
    from ..intake.submission import BUILDERS

    return sorted(set(FORM_FILES) & set(BUILDERS))


def render_body(form, fields: dict[str, object]) -> str:
    """The Markdown body GitHub writes for a submitted issue form with these values."""
    parts = []
    for spec in form.fields:
        value = fields.get(spec.id)
        parts.append(f"### {spec.label}\n")
        if spec.type == "checkboxes":
            if value is True:
                checked = set(spec.options)
            elif isinstance(value, list | tuple):
                checked = {str(v) for v in value}
            elif isinstance(value, str) and value.strip():
                checked = {value.strip()} if value.strip() in spec.options else set(spec.options)
            else:
                checked = set()
            parts.append("\n".join(f"- [{'X' if option in checked else ' '}] {option}" for option in spec.options)
                         + "\n")
            continue
        text = "" if value is None else str(value)
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if spec.type != "textarea":
            text = " ".join(text.split("\n"))
        parts.append((text if text.strip() else "_No response_") + "\n")
    return "\n".join(parts)


@dataclass
class Checked:
    """One submission taken through intake: the outcome plus what the service needs to deliver it."""

    form: str
    body: str
    findings: list[Finding]
    files: dict[str, str] = field(default_factory=dict)
    title: str = ""
    commit_message: str = ""
    pull_body: str = ""
    commune_code: str | None = None
    province_code: str | None = None
    field_lines: dict[str, int] = field(default_factory=dict)  # field id → body line of its first value line
    upserts: dict[str, dict] = field(default_factory=dict)  # path → {table, rows}, see rebase.py

    @property
    def valid(self) -> bool:
        return not any(f.severity == Severity.ERROR for f in self.findings)


def finding_json(item: Finding, field_lines: dict[str, int]) -> dict[str, object]:
    """`line` counts within the field's own value (what a person sees in the textarea); `body_line`
    is the line of the rendered issue body, as `cnscd intake` reports it."""
    line = None
    if item.row is not None and item.field and item.field in field_lines:
        line = item.row - field_lines[item.field] + 1
        line = line if line >= 1 else None
    return {"field": item.field, "line": line, "body_line": item.row, "code": item.code,
            "message_vi": item.message_vi, "message_en": item.message_en, "severity": str(item.severity)}


class Intake:
    """Holds the loaded package between submissions; reloads when a data file changes."""

    def __init__(self, data_dir: Path, repo_root: Path, today: dt.date | None = None):
        self.data_dir = Path(data_dir)
        self.repo_root = Path(repo_root)
        self.fixed_today = today
        self._dataset: Dataset | None = None
        self._stamp: tuple = ()
        # The checks are CPU-bound and read the data folder: one at a time, and never during a pull.
        self.lock = threading.Lock()

    def today(self) -> dt.date:
        return self.fixed_today or dt.date.today()

    def _current_stamp(self) -> tuple:
        return tuple(sorted((str(p), p.stat().st_mtime_ns) for p in self.data_dir.rglob("*") if p.is_file()))

    def dataset(self) -> Dataset:
        stamp = self._current_stamp()
        if self._dataset is None or stamp != self._stamp:
            self._dataset, self._stamp = load(self.data_dir), stamp
        return self._dataset

    def pull(self) -> str:
        """Fast-forward the working folder to its upstream (GitHub mode), so checks see the current data."""
        with self.lock:
            result = subprocess.run(["git", "-C", str(self.repo_root), "pull", "--ff-only", "-q"],
                                    capture_output=True, text=True)
        return "" if result.returncode == 0 else (result.stderr.strip() or result.stdout.strip())

    def check(self, form_name: str, fields: dict[str, object], source: str) -> Checked:
        with self.lock:
            return self._check(form_name, fields, source)

    def _check(self, form_name: str, fields: dict[str, object], source: str) -> Checked:
        from ..intake.forms import forms_dir, load_form
        from ..intake.messages import commit_message
        from ..intake.run import take

        if form_name not in known_forms():
            raise UnknownForm(form_name)
        form = load_form(form_name, forms_dir(self.data_dir))
        body = render_body(form, fields)
        dataset = self.dataset()
        taken = take(form_name, body, self.data_dir, dataset, self.today(), source, self.repo_root)
        parsed, change, outcome = taken.parsed, taken.change, taken.outcome
        prefix = self.data_dir.resolve().relative_to(self.repo_root.resolve()).as_posix()
        known = {spec.id for spec in form.fields}
        # Values the issue form has no field for would otherwise vanish without a word.
        unknown = [Finding(source, None, str(name), "field-unknown",
                           f"Biểu mẫu «{form.name}» không có mục «{name}»; giá trị này không được dùng",
                           f"The «{form.name}» form has no field «{name}»; its value is not used", Severity.WARNING)
                   for name in fields if name not in known]
        checked = Checked(form_name, body, unknown + list(outcome.findings), dict(outcome.files), change.title,
                          commune_code=change.commune_code, province_code=change.province_code,
                          field_lines=dict(parsed.lines))
        if outcome.valid and outcome.files:
            from .rebase import rows_by_file

            checked.upserts = {path: value for path, value in rows_by_file(self.data_dir, prefix, dataset, change).items()
                               if path in checked.files}
            checked.commit_message = commit_message(outcome, None)
            checked.pull_body = _pull_body(outcome)
        elif outcome.valid:
            checked.findings.append(Finding(source, None, None, "submission-empty", "Biểu mẫu không tạo ra thay đổi nào",
                                            "The submission changes nothing"))
        return checked


def _pull_body(outcome) -> str:
    from ..intake.messages import pull_body

    return pull_body(outcome, None, False)
