"""Validate the whole package: headers, frictionless (types, constraints), keys, then domain rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path

from . import package
from .checks import Context, run_checks
from .load import Dataset, load
from .model import Finding, Severity
from .tablecheck import cache_dir, check_cells, check_keys


def check_headers(dataset: Dataset) -> list[Finding]:
    """Every file of a table has the schema's columns in the schema's order.

    Frictionless reads a multipart resource's later headers blindly, so this is checked here.
    """
    found = []
    for table in package.TABLES:
        expected = package.field_names(package.load_schema(dataset.root, table))
        for relpath, names in dataset.headers.get(table, {}).items():
            if names != expected:
                found.append(Finding(
                    relpath, 1, None, "header-mismatch",
                    f"Tiêu đề cột phải là: {','.join(expected)} (đang là: {','.join(names)})",
                    f"The header must be: {','.join(expected)} (is: {','.join(names)})"))
    return found


def check_frictionless(dataset: Dataset) -> list[Finding]:
    """Types, constraints (frictionless, per file, cached), primary and foreign keys across partitions."""
    return check_cells(dataset) + check_keys(dataset)


def fingerprint(root: Path, today: dt.date, schema: bool) -> str:
    """Everything a validation result depends on: the package's bytes, the code's, the date, the mode."""
    import frictionless

    digest = hashlib.sha256(f"{today.isoformat()}\0{schema}\0{frictionless.__version__}\0".encode())
    code = Path(__file__).parent
    for folder, pattern in ((code, "**/*.py"), (Path(root), "**/*")):
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _result_file(key: str) -> Path:
    return cache_dir() / "results" / f"{key}.json"


def cached_result(root: Path, today: dt.date, schema: bool = True) -> tuple[str, list[Finding] | None]:
    """The findings of an identical earlier run, if any: unchanged data is not validated twice."""
    key = fingerprint(root, today, schema)
    path = _result_file(key)
    if path.is_file():
        return key, [Finding(**{**item, "severity": Severity(item["severity"])})
                     for item in json.loads(path.read_text(encoding="utf-8"))]
    return key, None


def store_result(key: str, findings: list[Finding]) -> None:
    path = _result_file(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps([f.as_dict() for f in findings], ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def validate(root: Path, today: dt.date | None = None, schema: bool = True) -> list[Finding]:
    """All findings, sorted by file and row; raises UnreadableData when the package cannot be read."""
    today = today or dt.date.today()
    key, findings = cached_result(Path(root), today, schema)
    if findings is None:
        findings = validate_dataset(load(Path(root)), today, schema=schema)
        store_result(key, findings)
    return findings


def validate_dataset(dataset: Dataset, today: dt.date, schema: bool = True, ctx: Context | None = None) -> list[Finding]:
    findings = check_headers(dataset)
    if schema:
        findings += check_frictionless(dataset)
    findings += run_checks(dataset, today, ctx)
    return sorted(set(findings), key=lambda f: (f.file, f.row or 0, f.field or "", f.code))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)
