"""Frictionless cell checks over each column's distinct values: a value repeated on 50,000 rows is checked once.

A type or constraint error of a cell depends only on the field (type, format, constraints, missing values)
and the cell's text, never on the other cells of its row or on the row's position. So frictionless checks
each column's distinct values (several columns side by side in a small table it is given in memory) and
every error found for a value is reported on every row holding it, with frictionless's own code and note.
A string field with no format and no constraint but `required` can only fail on a blank cell: frictionless
sees its blank values and one text standing for all the others (should it object to that text, the file is
checked as it is).
A file that does not have the plain shape this needs (header not exactly the schema's fields, a row of the
wrong length or blank, a field that must be unique, text that is not UTF-8) is checked by frictionless as
it is, row by row, so the findings are always the same as those of a plain run.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
from collections.abc import Iterable
from typing import Any

LIMIT_ERRORS = 100000  # per file, as in a plain run
_FILLER = "_cnscd_filler"  # a column that is never blank, so no packed row is ever taken for a blank row
_CELL_ERRORS = frozenset({"type-error", "constraint-error"})
_COLUMN_COST_CELLS = 400  # frictionless spends on a packed column about what it spends on 400 cells
_TABLE_COST_CELLS = 3000  # and on a packed table about what it spends on 3,000 cells
_MAX_BANDS = 3
_MIN_HEIGHT = 64
_SAMPLE_LINES = 100  # what frictionless guesses a CSV dialect from
_SMALL_BYTES = 64 << 10  # smaller files are checked as they are: packing them costs more than it saves
FRICTIONLESS_VI = {
    "type-error": "Giá trị không đúng kiểu dữ liệu",
    "constraint-error": "Giá trị vi phạm ràng buộc của cột",
    "missing-cell": "Thiếu ô so với tiêu đề",
    "extra-cell": "Thừa ô so với tiêu đề",
    "blank-row": "Dòng trống",
    "missing-label": "Thiếu cột",
    "extra-label": "Thừa cột",
    "incorrect-label": "Sai tên cột",
    "duplicate-label": "Tên cột bị lặp",
    "blank-label": "Tên cột trống",
}


def finding(relpath: str, error: Any, row: int | None, field: str | None) -> dict:
    """A frictionless error as a Finding's fields (Vietnamese first; frictionless's own note kept)."""
    note = getattr(error, "note", "") or ""
    vi = FRICTIONLESS_VI.get(error.type, "Lỗi cấu trúc bảng")
    return {"file": relpath, "row": row, "field": field, "code": error.type,
            "message_vi": f"{vi}: {note}" if note else vi,
            "message_en": f"{error.title}: {note}" if note else error.message}


def check_whole(path: str, relpath: str, schema: dict) -> list[dict]:
    """The file as it is, row by row: what a plain frictionless run reports."""
    from frictionless import Resource, Schema, system

    with system.use_context(trusted=True):
        resource = Resource(path=path, schema=Schema.from_descriptor(schema), format="csv", encoding="utf-8")
        report = resource.validate(limit_errors=LIMIT_ERRORS)
    return [finding(relpath, error, getattr(error, "row_number", None), getattr(error, "field_name", None))
            for task in report.tasks for error in task.errors]


def check_file(path: str, relpath: str, schema: dict) -> list[dict]:
    """Findings of frictionless on one file (no keys in `schema`), from its distinct values when the file allows."""
    from frictionless import Resource, Schema, system

    if os.path.getsize(path) < _SMALL_BYTES:
        return check_whole(path, relpath, schema)
    with system.use_context(trusted=True):
        frictionless_schema = Schema.from_descriptor(schema)
        rows = _plain_rows(Resource(path=path, schema=frictionless_schema, format="csv", encoding="utf-8"), path)
        if rows is None:
            return check_whole(path, relpath, schema)
        found = _check_columns(rows, relpath, schema, frictionless_schema)
    return check_whole(path, relpath, schema) if found is None else found


def _missing_values(frictionless_schema: Any) -> list[set[str]]:
    return [set(field.missing_values if field.has_defined("missing_values") else frictionless_schema.missing_values)
            for field in frictionless_schema.fields]


def sniff(sample: list[str]) -> csv.Dialect:
    """The CSV dialect frictionless reads a file with, guessed from its first lines as its CSV parser does
    (frictionless/formats/csv/parser.py; tests compare the two)."""
    try:
        guessed: Any = csv.Sniffer().sniff("".join(sample), ",\t;|")
    except csv.Error:
        guessed = csv.excel()
    dialect = csv.excel()
    dialect.delimiter = guessed.delimiter
    dialect.escapechar = guessed.escapechar
    dialect.doublequote = True  # frictionless's own default wins over the guess, unless an escape char is defined
    dialect.lineterminator = guessed.lineterminator
    dialect.quotechar = '"' if guessed.quotechar == "'" else guessed.quotechar
    dialect.quoting = csv.QUOTE_NONE if dialect.quotechar == "" else csv.QUOTE_MINIMAL
    dialect.skipinitialspace = guessed.skipinitialspace
    return dialect


def _plain_rows(resource: Any, path: str) -> list[list[str]] | None:
    """The data rows as frictionless's CSV dialect reads them, or None when the file is not plain enough."""
    dialect = resource.dialect
    names = resource.schema.field_names
    if (resource.format != "csv" or not dialect.header or dialect.header_rows != [1] or dialect.comment_char
            or dialect.comment_rows or dialect.skip_blank_rows or _FILLER in names
            or any(field.constraints.get("unique") for field in resource.schema.fields)):
        return None
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            sample = list(itertools.islice(handle, _SAMPLE_LINES))
            rows = list(csv.reader(itertools.chain(sample, handle), dialect=sniff(sample)))
    except Exception:  # any trouble reading it (bytes, quoting) is reported by the plain run
        return None
    if not rows or rows[0] != names:
        return None
    data = rows[1:]
    if set(map(len, data)) - {len(names)}:
        return None  # missing or extra cells: frictionless reports those by row
    missing = _missing_values(resource.schema)
    if all(blank == {""} for blank in missing):
        plain = all(map(any, data))  # a row is blank when no cell has text
    else:
        plain = not any(all(cell in blank for cell, blank in zip(row, missing, strict=True)) for row in data)
    return data if plain else None  # blank rows too


def _bands(counts: list[int]) -> list[tuple[int, list[tuple[int, int]]]]:
    """Packed tables: each a height and, for each field in it, how many columns side by side its values take.

    Frictionless spends on each column (~0.5 ms) far more than on a row (~3 µs) or a cell (~1 µs), so the
    values go in a few short columns; a field with far fewer values than the height goes in a shorter table
    rather than being padded, when that saves more cells than a table costs.
    """
    fields = sorted((index for index, count in enumerate(counts) if count), key=lambda index: -counts[index])
    bands: list[tuple[int, list[tuple[int, int]]]] = []
    while fields:
        height = min(counts[fields[0]], max(_MIN_HEIGHT, math.isqrt(_COLUMN_COST_CELLS * sum(counts[i] for i in fields))))
        shorter = [index for index in fields if counts[index] * 2 < height]
        if len(bands) + 1 == _MAX_BANDS or sum(height - counts[index] for index in shorter) < _TABLE_COST_CELLS:
            shorter = []
        bands.append((height, [(index, -(-counts[index] // height)) for index in fields if index not in shorter]))
        fields = shorter
    return bands


def _free_text(field: dict) -> bool:
    """A string with no format and no constraint but `required`: frictionless can only object to a blank cell."""
    return (field.get("type") == "string" and field.get("format", "default") == "default"
            and set(field.get("constraints") or {}) <= {"required"})


def _check_columns(rows: list[list[str]], relpath: str, schema: dict, frictionless_schema: Any) -> list[dict] | None:
    """Errors of each column's distinct values, put back on every row holding them; None if frictionless says more."""

    fields = schema["fields"]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in fields]
    missing = _missing_values(frictionless_schema)
    distinct: list[list[str]] = []
    stand_ins: dict[int, str] = {}  # free text: one value stands for every value that is not blank
    for index, column in enumerate(columns):
        values = dict.fromkeys(column)
        if _free_text(fields[index]):
            blank = [value for value in values if value in missing[index]] if len(values) <= len(missing[index]) \
                else [value for value in missing[index] if value in values]
            text = next((value for value in values if value not in missing[index]), None)
            if text is not None:
                stand_ins[index] = text
            distinct.append(blank if text is None else [*blank, text])
        else:
            distinct.append(list(values))
    bad: dict[tuple[int, str], list[Any]] = {}
    for height, slots in _bands([len(values) for values in distinct]):
        found = _check_band(height, slots, distinct, fields, missing, schema)
        if found is None:
            return None
        for (index, value), errors in found.items():
            if stand_ins.get(index) == value:
                return None  # frictionless objected to text itself: only a plain run can say where
            bad[index, value] = errors
    return _spread(bad, columns, relpath, fields)


def _check_band(height: int, slots: list[tuple[int, int]], distinct: list[list[str]], fields: list[dict],
                missing: list[set[str]], schema: dict) -> dict[tuple[int, str], list[Any]] | None:
    """Frictionless's errors for each (field, value) of one packed table; None if it reports anything else."""
    from frictionless import Resource, Schema

    packed_columns: list[list[str]] = [["x"] * height]
    packed_fields: list[dict] = [{"name": _FILLER, "type": "string"}]
    origin: dict[str, int] = {}  # packed column name → the file's column
    for index, count in slots:
        values = distinct[index]
        # The last slot is filled with a value that is certainly fine (blank when that may be), else the first.
        pad = "" if "" in missing[index] and not fields[index].get("constraints", {}).get("required") else values[0]
        for slot in range(count):
            name = f"c{index}_{slot}"
            chunk = values[slot * height:(slot + 1) * height]
            packed_columns.append(chunk + [pad] * (height - len(chunk)))
            packed_fields.append({**fields[index], "name": name})
            origin[name] = index
    packed = [[field["name"] for field in packed_fields], *map(list, zip(*packed_columns, strict=True))]
    part = {**{key: value for key, value in schema.items() if key != "fields"}, "fields": packed_fields}
    # Given as a function, not a list: frictionless copies a list of rows into its report.
    report = Resource(data=lambda: iter(packed), format="inline",
                      schema=Schema.from_descriptor(part)).validate(limit_errors=None)
    position = {field["name"]: number for number, field in enumerate(packed_fields)}
    bad: dict[tuple[int, str], list[Any]] = {}
    for task in report.tasks:
        for error in task.errors:
            name = getattr(error, "field_name", None)
            if error.type not in _CELL_ERRORS or name not in origin:
                return None
            errors = bad.setdefault((origin[name], packed[error.row_number - 1][position[name]]), [])
            if not any(seen.type == error.type and seen.note == error.note for seen in errors):
                errors.append(error)
    if not report.valid and not any(task.errors for task in report.tasks):
        return None
    return bad


def _spread(bad: dict[tuple[int, str], list[Any]], columns: list[tuple[str, ...]], relpath: str,
            fields: list[dict]) -> list[dict]:
    """Each value's errors on every row holding it, in a plain run's order (row, then field), up to its limit."""
    located: list[tuple[int, int, int, dict]] = []
    by_column: dict[int, dict[str, list[Any]]] = {}
    for (index, value), errors in bad.items():
        by_column.setdefault(index, {})[value] = errors
    for index, errors_by_value in by_column.items():
        name = fields[index]["name"]
        for line, value in _rows_holding(columns[index], errors_by_value):
            for order, error in enumerate(errors_by_value[value]):
                located.append((line, index, order, finding(relpath, error, line, name)))
    located.sort(key=lambda item: item[:3])
    return [item[3] for item in located[:LIMIT_ERRORS]]


def _rows_holding(column: Iterable[str], values: dict[str, Any]) -> Iterable[tuple[int, str]]:
    """Row numbers as frictionless counts them (the header is row 1) of the cells holding one of `values`."""
    for line, cell in enumerate(column, start=2):
        if cell in values:
            yield line, cell
