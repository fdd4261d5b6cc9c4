"""Table checks at national scale: frictionless per file, cached and spread over processes; keys in memory.

Frictionless still checks every cell against the Table Schemas (types, enums, patterns, required).
It does so per file, over each column's distinct values (cellcheck.py), so a file whose bytes, schema
and frictionless version are unchanged is never checked twice (the result is kept under its content
hash), and the files that changed are checked on every core. Primary and foreign keys span partitions,
so they are checked once over the whole package from the rows already in memory, from the same schema
declarations frictionless would read.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from operator import itemgetter
from pathlib import Path

from . import cellcheck, filedigest, package
from .cellcheck import FRICTIONLESS_VI  # noqa: F401  (where the messages were)
from .load import Dataset, Row
from .load import schema as load_schema
from .model import Finding

# Bump when what a cached result means changes.
_CACHE_FORMAT = "2"
_MIN_PARALLEL_BYTES = 4 << 20  # below this, starting processes costs more than it saves


def cache_dir() -> Path:
    """`$CNSCD_CACHE_DIR/validate`, else the user's cache folder: results are keyed by content, never stale."""
    base = os.environ.get("CNSCD_CACHE_DIR") or os.path.join(os.environ.get("XDG_CACHE_HOME") or
                                                              os.path.expanduser("~/.cache"), "cnscd")
    return Path(base) / "validate"


def _cell_schema(schema: dict) -> dict:
    """The schema without keys: what one file can be checked against on its own."""
    return {k: v for k, v in schema.items() if k not in ("primaryKey", "foreignKeys")}


def _check_file(path: str, relpath: str, schema: dict) -> list[dict]:
    return cellcheck.check_file(path, relpath, schema)


def check_cells(dataset: Dataset, workers: int | None = None, files: list[str] | None = None,
                digests: Mapping[str, str] | None = None) -> list[Finding]:
    """Every file (or the given ones) against its table's schema (no keys): cached by content hash, misses in parallel.

    `digests` (relpath → sha256 of the bytes, as `validate.Plan` has them) saves reading the files to hash them.
    """
    version = importlib.metadata.version("frictionless")  # importing frictionless costs more than a cached answer
    folder = cache_dir()
    todo, found = [], []
    schemas = {}
    listing: dict[str, list[str]] = {table: [] for table in package.TABLES}
    for relpath in files or []:
        listing.get(package.table_of(Path(relpath)), []).append(relpath)
    for table in package.TABLES:
        if files is not None and not listing[table]:
            continue
        schema = _cell_schema(load_schema(dataset.root, table))
        schemas[table] = schema
        schema_text = json.dumps(schema, sort_keys=True, ensure_ascii=False)
        for relpath in package.table_files(dataset.root, table) if files is None else listing[table]:
            path = dataset.root / relpath
            content = (digests or {}).get(relpath) or filedigest.read_digest(path)
            key = hashlib.sha256(f"{_CACHE_FORMAT}\0{version}\0{relpath}\0{schema_text}\0{content}".encode()).hexdigest()
            cached = folder / key[:2] / f"{key}.json"
            if cached.is_file():
                found += [Finding(**item) for item in json.loads(cached.read_text(encoding="utf-8"))]
            else:
                todo.append((str(path), relpath, table, cached, path.stat().st_size))
    big = sum(size for *_, size in todo) >= _MIN_PARALLEL_BYTES
    count = workers or os.cpu_count() or 1
    if big and count > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=count) as pool:
            futures = [pool.submit(_check_file, path, relpath, schemas[table])
                       for path, relpath, table, _, _ in sorted(todo, key=lambda t: -t[4])]
            results = [future.result() for future in futures]
        ordered = sorted(todo, key=lambda t: -t[4])
    else:
        ordered = todo
        results = [_check_file(path, relpath, schemas[table]) for path, relpath, table, _, _ in todo]
    for (_, _, _, cached, _), items in zip(ordered, results, strict=True):
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, cached)
        found += [Finding(**item) for item in items]
    return found


def _getter(fields: list[str]) -> Callable[[Row], tuple[str, ...] | str]:
    """A single-field key is the cell itself, a longer one a tuple; itemgetter keeps millions of rows cheap."""
    return itemgetter(*fields)


def _where(first: Row, row: Row) -> tuple[str, str]:
    if first.file == row.file:
        return f"dòng {first.line}", f"row {first.line}"
    return f"{first.file} dòng {first.line}", f"{first.file} row {first.line}"


def _all_distinct(values: Iterable, count: int) -> bool:
    return len(set(values)) == count


def _present(value: str | tuple[str, ...]) -> bool:
    return bool(value) and (type(value) is not tuple or any(value))


def check_keys(dataset: Dataset) -> list[Finding]:
    """Primary and foreign keys across all partitions, as the schemas declare them."""
    found: list[Finding] = []
    schemas = {table: load_schema(dataset.root, table) for table in package.TABLES}
    indexes: dict[tuple[str, tuple[str, ...]], set] = {}

    def index(table: str, fields: list[str]) -> set:
        if (table, tuple(fields)) not in indexes:
            indexes[table, tuple(fields)] = set(map(_getter(fields), dataset.rows(table)))
        return indexes[table, tuple(fields)]

    for table, schema in schemas.items():
        if table in dataset.lookup_only:
            continue  # its keys are checked in the part of the run it belongs to
        key = schema.get("primaryKey") or []
        key = [key] if isinstance(key, str) else key
        rows = dataset.rows(table)
        if key and not _all_distinct(map(_getter(key), rows), len(rows)):
            seen: dict = {}
            label = ", ".join(key)
            get = _getter(key)
            for row in rows:
                value = get(row)
                if not value or (type(value) is tuple and not any(value)):
                    continue
                first = seen.setdefault(value, row)
                if first is not row:
                    vi, en = _where(first, row)
                    found.append(Finding(row.file, row.line, label, "primary-key",
                                         f"Trùng khóa chính ({label}) với {vi}",
                                         f"Duplicate primary key ({label}): the same as {en}"))
        for foreign in schema.get("foreignKeys") or []:
            fields = foreign["fields"] if isinstance(foreign["fields"], list) else [foreign["fields"]]
            reference = foreign["reference"]
            target = reference.get("resource") or table
            target_fields = reference["fields"] if isinstance(reference["fields"], list) else [reference["fields"]]
            known = index(target, target_fields)
            label = ", ".join(fields)
            get = _getter(fields)
            if not any(_present(value) for value in set(map(get, rows)) - known):
                continue  # every value is known or blank (sets in C first: millions of rows)
            for row in rows:
                value = get(row)
                if value in known or not value or (type(value) is tuple and not any(value)):
                    continue
                shown = value if isinstance(value, str) else ", ".join(value)
                found.append(Finding(row.file, row.line, label, "foreign-key",
                                     f"Tham chiếu tới mã không tồn tại: {shown} không có trong {target}.{', '.join(target_fields)}",
                                     f"Reference to a missing key: {shown} is not in {target}.{', '.join(target_fields)}"))
    return found


_SAFE = re.compile(r"^[0-9a-f]{64}$")


def clear_cache() -> int:
    """Remove cached results (tests and `cnscd bench` measure cold runs this way); returns files removed."""
    removed = 0
    folder = cache_dir()
    if folder.is_dir():
        for path in folder.glob("*/*.json"):
            if _SAFE.match(path.stem):
                path.unlink()
                removed += 1
    return removed
