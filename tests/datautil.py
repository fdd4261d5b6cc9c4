"""Small helpers to break a copy of the sample package in exactly one place."""

from __future__ import annotations

import csv
from pathlib import Path

CAO_BANG = "provinces/04-cao-bang"


def read(root: Path, relpath: str) -> list[dict[str, str]]:
    with open(root / relpath, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write(root: Path, relpath: str, rows: list[dict[str, str]]) -> None:
    with open(root / relpath, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def edit(root: Path, relpath: str, key: str, match: str, **changes: str) -> int:
    """Change the row whose `key` column equals `value`; returns its row number (header = 1)."""
    rows = read(root, relpath)
    for index, row in enumerate(rows):
        if row[key] == match:
            row.update(changes)
            write(root, relpath, rows)
            return index + 2
    raise KeyError(f"{relpath}: no row with {key}={match}")


def append(root: Path, relpath: str, **values: str) -> int:
    rows = read(root, relpath)
    rows.append({name: values.get(name, "") for name in rows[0]})
    write(root, relpath, rows)
    return len(rows) + 1


def copy_row(root: Path, relpath: str, key: str, value: str, **changes: str) -> int:
    """Append a copy of an existing row with some columns changed; returns the new row number."""
    rows = read(root, relpath)
    source = next(row for row in rows if row[key] == value)
    rows.append({**source, **changes})
    write(root, relpath, rows)
    return len(rows) + 1


def row_number(root: Path, relpath: str, key: str, value: str) -> int:
    for index, row in enumerate(read(root, relpath)):
        if row[key] == value:
            return index + 2
    raise KeyError(value)
