"""Read the data package into memory, normalising every cell on the way in (NFC, trimmed).

The raw cell is kept only where normalising changed it, so checks can report text that is not in
canonical form without holding the whole country twice.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import yaml

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


class Released(RuntimeError):
    """A table's rows were asked for after the build let them go: a bug in the order of the build's steps."""

    def __init__(self, table: str) -> None:
        super().__init__(f"the rows of {table} were released after use; read its files again instead")


@dataclass
class Dataset:
    root: Path
    tables: dict[str, list[Row]] = field(default_factory=dict)
    headers: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    record_counts: dict[str, int] = field(default_factory=dict)
    # Tables present only to be looked up (the national tables beside one province): rules that check rows one
    # by one skip them, as their findings would belong to another part of the run.
    lookup_only: frozenset[str] = frozenset()
    # Tables whose rows a build let go once it had taken what it needs from them (see `release`).
    released: set[str] = field(default_factory=set)

    def rows(self, table: str) -> list[Row]:
        if table in self.released:
            raise Released(table)
        return self.tables.get(table, [])

    def checked_rows(self, table: str) -> list[Row]:
        """The rows a row-by-row rule checks: all of them, unless the table is here only to be looked up."""
        return [] if table in self.lookup_only else self.rows(table)

    def release(self, table: str) -> None:
        """Let a table's rows go (the build's 1.1 million report rows, 360 MB nationally, once checked and summed).
        Asking for them afterwards is an error, never an empty table; its files are still on disk to read again."""
        self.tables[table] = []
        self.released.add(table)

    def index(self, table: str, key: str) -> dict[str, Row]:
        """First row per key value; duplicates are the primary-key check's business."""
        found: dict[str, Row] = {}
        for row in self.rows(table):
            found.setdefault(row[key], row)
        return found


# Whitespace `clean` would trim or fold, other than the plain spaces and line feeds every file has.
_ODD_SPACE = re.compile(r"[^\S \n]")
_EDGE_PAIRS = (", ", " ,", '" ', ' "', "\n ", " \n")


def _already_clean(text: str) -> bool:
    """True when `clean` cannot change any cell of this CSV text (a few scans in C instead of a call per cell).

    Cells are cut at ASCII delimiters, which never compose with a neighbour, so an NFC file has NFC cells;
    a space at a cell's edge sits next to a delimiter, a quote or a line break. Cells spanning lines are
    caught after parsing (they may end in a line break that `clean` would trim).
    """
    if "  " in text or "\u00a0" in text or text[:1] == " " or text[-1:] == " ":
        return False
    if any(pair in text for pair in _EDGE_PAIRS) or _ODD_SPACE.search(text) is not None:
        return False
    return text.isascii() or unicodedata.is_normalized("NFC", text)


def read_csv(path: Path, relpath: str) -> tuple[list[str], list[Row], int]:
    """Header, non-blank rows and the number of data records (blank ones included)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableData(f"{relpath}: không phải UTF-8 / not UTF-8 ({exc.reason})") from exc
    if _already_clean(text):
        parsed = _read_rows(text, relpath, fast=True)
        if parsed is not None:
            return parsed
    return _read_rows(text, relpath, fast=False)  # type: ignore[return-value]


def _read_rows(text: str, relpath: str, fast: bool) -> tuple[list[str], list[Row], int] | None:
    """Parse; with `fast`, cells are taken as they are, or None when a record spans lines after all."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            raise UnreadableData(f"{relpath}: tệp rỗng, thiếu dòng tiêu đề / empty file, no header row")
        names = [clean(name) for name in header]
        # Rows are numbered by record, header = 1, as frictionless numbers them.
        if fast and '"' not in text and "\x00" not in text:
            # No quotes: a record is a line and a cell what lies between commas, as the CSV reader would cut them.
            lines = text.split("\n")
            if lines[-1] == "":
                lines.pop()
            names = lines[0].split(",")
            del lines[0]
            numbers = _line_numbers(len(lines) + 2)[2:len(lines) + 2]
            records = len(lines)
            if "\n\n" in text or "\n," in text:  # perhaps a blank record (no cell filled in): skipped
                kept = [(line, number) for line, number in zip(lines, numbers, strict=True) if line.strip(",")]
                lines, numbers = [line for line, _ in kept], [number for _, number in kept]
            return names, _rows(relpath, names, map(str.split, lines, repeat(",")), numbers), records
        if fast:
            cells, numbers, records = [], [], 0
            for records, values in enumerate(reader, start=1):
                if any(values):
                    cells.append(values)
                    numbers.append(records + 1)
            return (names, _rows(relpath, names, cells, numbers), records) if reader.line_num == records + 1 else None
        rows = []
        records = 0
        first: dict[str, str] = {}
        share = first.setdefault  # equal cells held once, as in `_rows`
        for records, values in enumerate(reader, start=1):
            if not any(v.strip() for v in values):
                continue
            raw = dict(zip(names, values, strict=False))  # short rows: frictionless reports them
            data = {name: share(cell, cell) for name, cell in zip(raw, map(clean, raw.values()), strict=True)}
            rows.append(Row(relpath, records + 1, data, raw if raw != data else None))
        return names, rows, records
    except csv.Error as exc:
        raise UnreadableData(f"{relpath}: CSV hỏng / malformed CSV: {exc}") from exc


# Line numbers above 256 are int objects of their own: one shared list of them spares 1.8 million (50 MB) nationally.
_LINE_NUMBERS: list[int] = []


def _line_numbers(count: int) -> list[int]:
    """A list whose item i is i, the same int objects for every file, at least `count` long."""
    if len(_LINE_NUMBERS) < count:
        _LINE_NUMBERS.extend(range(len(_LINE_NUMBERS), count))
    return _LINE_NUMBERS


def _rows(relpath: str, names: list[str], cells: Iterable[list[str]], numbers: Iterable[int]) -> list[Row]:
    """Rows of the given cells, equal cells of a file made one string object: national reports hold 1.1 million
    rows but a few thousand distinct values a column (team ids, periods, codes, dates, small numbers), and sharing
    them saves about 600 MB. It costs one dictionary look-up a cell, and saves as much in allocations."""
    rows: list[Row] = []
    first: dict[str, str] = {}  # a value → its first object in this file
    share = first.setdefault
    new, fill, append = Row.__new__, dict.update, rows.append
    for values, number in zip(cells, numbers, strict=True):
        row = new(Row)  # filled in place: Row(...) would build the dict twice, a second a row
        fill(row, zip(names, map(share, values, values), strict=False))  # short rows: frictionless reports them
        row.file, row.line, row.raw = relpath, number, None
        append(row)
    return rows


def load(root: Path, files: Iterable[str] | None = None, skip: Iterable[str] = ()) -> Dataset:
    """The package, or only the given files (relative paths) when validating one province at a time. Tables in
    `skip` are not read: released at once, for a reader that goes through their files itself (the build's reports)."""
    root = Path(root)
    if not (root / package.DESCRIPTOR).is_file():
        raise UnreadableData(f"{root / package.DESCRIPTOR}: không tìm thấy / not found")
    if files is None:
        listing = {table: package.table_files(root, table) for table in package.TABLES}
    else:  # given in canonical order (as table_files lists them); no folder is listed again
        listing = {table: [] for table in package.TABLES}
        for relpath in files:
            listing.get(package.table_of(Path(relpath)), []).append(relpath)
    dataset = Dataset(root)
    with _collection_paused():
        for table in package.TABLES:
            if table in skip:
                dataset.release(table)
                continue
            dataset.tables[table] = []
            dataset.headers[table] = {}
            for relpath in listing[table]:
                names, rows, records = read_csv(root / relpath, relpath)
                dataset.headers[table][relpath] = names
                dataset.record_counts[relpath] = records
                dataset.tables[table].extend(rows)
    return dataset


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """No cyclic garbage collection while reading: rows form no cycles, and collections triggered by two million new
    rows scanned the growing dataset again and again (3 of 8 s CPU of a national load)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@functools.lru_cache(maxsize=64)
def _parse_schema(text: str) -> dict:
    return yaml.safe_load(text)


def schema(root: Path, table: str) -> dict:
    """`package.load_schema`, parsed once per process for the same text (a run asks for each schema many times,
    once per province and rule, and pure-Python YAML costs tens of milliseconds a file). Read it, never change it."""
    return _parse_schema((Path(root) / package.schema_path(table)).read_text(encoding="utf-8"))


# Dates seen, each parsed once: a national build asks for a few thousand distinct dates over two million times, and
# sharing one object per date spares ~35 MB of figures. Bounded, as a long-running service reads arbitrary text.
_DATES: dict[str, dt.date] = {}
_DATES_KEPT = 50_000


def parse_date(value: str) -> dt.date | None:
    """ISO date or None; a malformed date is the schema check's to report."""
    if not value:
        return None
    day = _DATES.get(value)
    if day is not None:
        return day
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    if len(_DATES) < _DATES_KEPT:
        _DATES[value] = day
    return day
