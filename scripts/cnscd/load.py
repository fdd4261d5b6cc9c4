"""Read the data package into memory, normalising every cell on the way in (NFC, trimmed).

The raw cell is kept only where normalising changed it, so checks can report text that is not in
canonical form without holding the whole country twice.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from . import package
from .text import clean

csv.field_size_limit(1 << 20)


class UnreadableData(Exception):
    """The package cannot be read at all (missing descriptor, not UTF-8, no header): exit code 2."""


class Row(dict):
    """One record: its cells (a dict, "" for a missing column) plus where it came from."""

    __slots__ = ("file", "line", "raw")

    def __init__(self, file: str, line: int, data: dict[str, str], raw: dict[str, str] | None = None) -> None:
        super().__init__(data)
        self.file = file
        self.line = line
        self.raw = raw

    def __missing__(self, key: str) -> str:
        return ""

    @property
    def data(self) -> dict[str, str]:
        return self

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__


@dataclass
class Dataset:
    root: Path
    tables: dict[str, list[Row]] = field(default_factory=dict)
    headers: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    record_counts: dict[str, int] = field(default_factory=dict)

    def rows(self, table: str) -> list[Row]:
        return self.tables.get(table, [])

    def index(self, table: str, key: str) -> dict[str, Row]:
        """First row per key value; duplicates are the primary-key check's business."""
        found: dict[str, Row] = {}
        for row in self.rows(table):
            found.setdefault(row[key], row)
        return found


def read_csv(path: Path, relpath: str) -> tuple[list[str], list[Row], int]:
    """Header, non-blank rows and the number of data records (blank ones included)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise UnreadableData(f"{relpath}: tệp rỗng, thiếu dòng tiêu đề / empty file, no header row")
            names = [clean(name) for name in header]
            rows = []
            records = 0
            # Rows are numbered by record, header = 1, as frictionless numbers them.
            for records, values in enumerate(reader, start=1):
                if not any(v.strip() for v in values):
                    continue
                raw = dict(zip(names, values, strict=False))  # short rows: frictionless reports them
                data = {name: clean(value) for name, value in raw.items()}
                rows.append(Row(relpath, records + 1, data, raw if raw != data else None))
            return names, rows, records
    except UnicodeDecodeError as exc:
        raise UnreadableData(f"{relpath}: không phải UTF-8 / not UTF-8 ({exc.reason})") from exc
    except csv.Error as exc:
        raise UnreadableData(f"{relpath}: CSV hỏng / malformed CSV: {exc}") from exc


def load(root: Path) -> Dataset:
    root = Path(root)
    if not (root / package.DESCRIPTOR).is_file():
        raise UnreadableData(f"{root / package.DESCRIPTOR}: không tìm thấy / not found")
    dataset = Dataset(root)
    for table in package.TABLES:
        dataset.tables[table] = []
        dataset.headers[table] = {}
        for relpath in package.table_files(root, table):
            names, rows, records = read_csv(root / relpath, relpath)
            dataset.headers[table][relpath] = names
            dataset.record_counts[relpath] = records
            dataset.tables[table].extend(rows)
    return dataset


def parse_date(value: str) -> dt.date | None:
    """ISO date or None; a malformed date is the schema check's to report."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
