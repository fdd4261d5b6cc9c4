"""Validate the whole package: headers, frictionless (types, constraints, keys), then domain rules."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from . import package
from .checks import Context, run_checks
from .load import Dataset, load
from .model import Finding, Severity

_FRICTIONLESS_VI = {
    "type-error": "Giá trị không đúng kiểu dữ liệu",
    "constraint-error": "Giá trị vi phạm ràng buộc của cột",
    "primary-key": "Trùng khóa chính (dòng bị lặp)",
    "foreign-key": "Tham chiếu tới mã không tồn tại",
    "missing-cell": "Thiếu ô so với tiêu đề",
    "extra-cell": "Thừa ô so với tiêu đề",
    "blank-row": "Dòng trống",
    "missing-label": "Thiếu cột",
    "extra-label": "Thừa cột",
    "incorrect-label": "Sai tên cột",
    "duplicate-label": "Tên cột bị lặp",
    "blank-label": "Tên cột trống",
}


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


def _locate(dataset: Dataset, table: str, position: int | None) -> tuple[str, int | None]:
    """Map a frictionless row position in a multipart resource back to a file and row."""
    files = package.table_files(dataset.root, table)
    if position is None or len(files) <= 1:
        return (files[0] if files else table), position
    remaining = position - 1
    for relpath in files:
        count = dataset.record_counts.get(relpath, 0)
        if remaining <= count:
            return relpath, remaining + 1
        remaining -= count
    return files[-1], position


def check_frictionless(dataset: Dataset) -> list[Finding]:
    """Types, constraints, primary and foreign keys as the Table Schemas declare them."""
    from frictionless import Package, system

    descriptor = package.build_descriptor(dataset.root, inline_schemas=True)
    with system.use_context(trusted=True):
        pkg = Package(descriptor, basepath=str(dataset.root))
        report = pkg.validate(limit_errors=100000)
    found = []
    for task in report.tasks:
        for error in task.errors:
            position = getattr(error, "row_number", None)
            relpath, row = _locate(dataset, task.name, position)
            kind = error.type
            if kind == "primary-key":
                found.append(_primary_key_finding(dataset, task.name, relpath, row, getattr(error, "note", "") or ""))
                continue
            vi = _FRICTIONLESS_VI.get(kind, "Lỗi cấu trúc bảng")
            note = getattr(error, "note", "") or ""
            found.append(Finding(relpath, row, getattr(error, "field_name", None), kind,
                                 f"{vi}: {note}" if note else vi,
                                 f"{error.title}: {note}" if note else error.message))
    return found


_POSITION = re.compile(r"position (\d+)")


def _primary_key_finding(dataset: Dataset, table: str, relpath: str, row: int | None, note: str) -> Finding:
    """Name both places of a duplicate key: across partitions, frictionless only gives a package-wide position."""
    key = package.load_schema(dataset.root, table).get("primaryKey", [])
    fields = ", ".join(key) if isinstance(key, list) else str(key)
    match = _POSITION.search(note)
    if match is None:
        return Finding(relpath, row, fields, "primary-key", f"Trùng khóa chính ({fields})",
                       f"Duplicate primary key ({fields})")
    first_file, first_row = _locate(dataset, table, int(match.group(1)))
    where = f"{first_file} dòng {first_row}" if first_file != relpath else f"dòng {first_row}"
    where_en = f"{first_file} row {first_row}" if first_file != relpath else f"row {first_row}"
    return Finding(relpath, row, fields, "primary-key", f"Trùng khóa chính ({fields}) với {where}",
                   f"Duplicate primary key ({fields}): the same as {where_en}")


def validate(root: Path, today: dt.date | None = None, schema: bool = True) -> list[Finding]:
    """All findings, sorted by file and row; raises UnreadableData when the package cannot be read."""
    today = today or dt.date.today()
    dataset = load(Path(root))
    return validate_dataset(dataset, today, schema=schema)


def validate_dataset(dataset: Dataset, today: dt.date, schema: bool = True, ctx: Context | None = None) -> list[Finding]:
    findings = check_headers(dataset)
    if schema:
        findings += check_frictionless(dataset)
    findings += run_checks(dataset, today, ctx)
    return sorted(set(findings), key=lambda f: (f.file, f.row or 0, f.field or "", f.code))


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)
