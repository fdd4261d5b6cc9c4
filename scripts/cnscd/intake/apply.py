"""Write a Change into a copy of the package with the canonical writer, validate it with the core's
checks, and only then hand back the files to write: no second validator, nothing half-applied.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import package
from ..load import Dataset, load
from ..model import Finding, Severity
from ..validate import validate, validate_dataset
from ..write import render, write_text_atomic
from .change import Change
from .roster import province_slug


@dataclass
class Outcome:
    change: Change
    findings: list[Finding] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path relative to the repository → new text

    @property
    def valid(self) -> bool:
        return not any(f.severity == Severity.ERROR for f in self.findings)


def _read_rows(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())]


def table_texts(data_dir: Path, dataset: Dataset, change: Change) -> dict[str, str]:
    """New text of every data file the change touches, keyed by path relative to the data folder."""
    texts: dict[str, str] = {}
    province = change.province_code or ""
    slug = province_slug(dataset, province)
    for table, rows in change.rows.items():
        schema = package.load_schema(data_dir, table)
        columns, key = package.field_names(schema), list(schema.get("primaryKey", []))
        by_file: dict[Path, list[dict[str, str]]] = {}
        for row in rows:
            year = row["period"][:4] if table in package.YEARLY_TABLES else None
            by_file.setdefault(package.partition_file(data_dir, table, province, slug, year), []).append(row)
        for path, new_rows in by_file.items():
            merged = {tuple(r.get(k, "") for k in key): r for r in _read_rows(path)}
            for row in new_rows:
                merged[tuple(row.get(k, "") for k in key)] = row
            texts[path.relative_to(data_dir).as_posix()] = render(merged.values(), columns, key)
    return texts


def _relocate(finding: Finding, candidate: Dataset, change: Change) -> Finding | None:
    """A finding on a row the submission wrote, moved to the submission's line and field."""
    table = package.table_of(Path(finding.file))
    schema_key = package.load_schema(candidate.root, table).get("primaryKey", []) if table in package.TABLES else []
    for row in candidate.rows(table):
        if row.file == finding.file and row.line == finding.row:
            origin = change.origins.get((table, tuple(row[k] for k in schema_key)))
            if origin is None:
                return None
            column = f" [{finding.field}]" if finding.field else ""
            return Finding(change.source, origin[0], origin[1], finding.code, finding.message_vi + column,
                           finding.message_en + column, finding.severity)
    return None


def plan(data_dir: Path, dataset: Dataset, change: Change, today: dt.date, prefix: str | None = None) -> Outcome:
    """Validate the package as it would be after the change; the files are returned only when valid.

    File paths are relative to the repository: `prefix` is the data folder's path in it (default: its name).
    """
    outcome = Outcome(change, findings=list(change.findings))
    if change.has_errors or change.empty:
        return outcome
    data_dir = Path(data_dir)
    texts = table_texts(data_dir, dataset, change)
    prefix = prefix if prefix is not None else data_dir.resolve().name
    if texts:
        with tempfile.TemporaryDirectory(prefix="cnscd-intake-") as tmp:
            copy = Path(tmp) / "data"
            shutil.copytree(data_dir, copy)
            created = False
            for relpath, text in texts.items():
                created |= not (copy / relpath).exists()
                write_text_atomic(copy / relpath, text)
            if created:
                texts[package.DESCRIPTOR] = package.descriptor_text(copy)
                write_text_atomic(copy / package.DESCRIPTOR, texts[package.DESCRIPTOR])
            candidate = load(copy)
            found = validate_dataset(candidate, today)
            unplaced = []
            for item in found:
                moved = _relocate(item, candidate, change) if item.file in texts else None
                if moved is not None:
                    outcome.findings.append(moved)
                elif item.severity == Severity.ERROR:
                    unplaced.append(item)
            if unplaced:
                # Errors elsewhere count only if the change caused them (main may carry old ones).
                before = {(f.file, f.code, f.field, f.message_en) for f in validate(data_dir, today)}
                outcome.findings += [f for f in unplaced if (f.file, f.code, f.field, f.message_en) not in before]
    outcome.files = {f"{prefix}/{relpath}" if prefix else relpath: text for relpath, text in texts.items()}
    outcome.files.update(change.files)
    if not outcome.valid:
        outcome.files = {}
    return outcome


def write_files(repo_root: Path, files: dict[str, str]) -> list[Path]:
    written = []
    for relpath, text in files.items():
        if write_text_atomic(Path(repo_root) / relpath, text):
            written.append(Path(relpath))
    return written
