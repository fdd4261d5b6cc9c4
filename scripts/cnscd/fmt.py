"""Canonical form of the data files: what `cnscd fmt` restores and CI checks (`--check`)."""

from __future__ import annotations

import csv
import difflib
from pathlib import Path

from . import package
from .write import render, write_text_atomic


def canonical_texts(root: Path) -> dict[Path, tuple[str, str]]:
    """Every data file with (current text, canonical text)."""
    result: dict[Path, tuple[str, str]] = {}
    for table in package.TABLES:
        schema = package.load_schema(root, table)
        columns, key = package.field_names(schema), schema.get("primaryKey", [])
        for relpath in package.table_files(root, table):
            path = root / relpath
            current = path.read_text(encoding="utf-8-sig")
            with open(path, encoding="utf-8-sig", newline="") as handle:
                rows = [row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())]
            # DictReader files surplus cells under None; keep them visible rather than drop them.
            for row in rows:
                if None in row:
                    row["_extra"] = " ".join(row.pop(None) or [])  # type: ignore[call-overload]
            result[path] = (path.read_text(encoding="utf-8") if current else current, render(rows, columns, key))
    descriptor = root / package.DESCRIPTOR
    current = descriptor.read_text(encoding="utf-8") if descriptor.exists() else ""
    result[descriptor] = (current, package.descriptor_text(root))
    return result


def check(root: Path) -> list[str]:
    """Unified diffs of files not in canonical form (empty when all are)."""
    diffs = []
    for path, (current, canonical) in canonical_texts(root).items():
        if current != canonical:
            rel = path.relative_to(root).as_posix()
            diffs.append("".join(difflib.unified_diff(current.splitlines(True), canonical.splitlines(True),
                                                      f"a/{rel}", f"b/{rel}", n=1)))
    return diffs


def apply(root: Path) -> list[Path]:
    return [path for path, (_, canonical) in canonical_texts(root).items() if write_text_atomic(path, canonical)]
