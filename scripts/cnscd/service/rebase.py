"""Rows onto the base a submission is delivered to, not the checkout it was checked against.

A submission may wait in the queue (GitHub down) while the main branch moves on; writing the whole file
as computed at acceptance would silently undo rows merged meanwhile. So the journal keeps the rows the
change upserts per file, and delivery upserts them, by primary key, into the file as it is on the branch —
the same merge and canonical writer as intake's `table_texts`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .. import package
from ..write import render


def rows_by_file(data_dir: Path, prefix: str, dataset, change) -> dict[str, dict]:
    """{repository path: {"table": name, "rows": [row, …]}} for the CSV files the change writes."""
    from ..intake.roster import province_slug

    slug = province_slug(dataset, change.province_code or "")
    found: dict[str, dict] = {}
    for table, rows in change.rows.items():
        for row in rows:
            year = row["period"][:4] if table in package.YEARLY_TABLES else None
            path = package.partition_file(Path(data_dir), table, change.province_code or "", slug, year)
            relpath = path.relative_to(data_dir).as_posix()
            key = f"{prefix}/{relpath}" if prefix else relpath
            found.setdefault(key, {"table": table, "rows": []})["rows"].append(row)
    return found


def merge_text(base_text: str, table: str, rows: list[dict[str, str]], data_dir: Path) -> str:
    schema = package.load_schema(Path(data_dir), table)
    columns, key = package.field_names(schema), list(schema.get("primaryKey", []))
    existing = [r for r in csv.DictReader(io.StringIO(base_text.lstrip("\ufeff")))
                if any((v or "").strip() for v in r.values() if isinstance(v, str))]
    merged = {tuple(r.get(k, "") for k in key): r for r in existing}
    for row in rows:
        merged[tuple(row.get(k, "") for k in key)] = row
    return render(merged.values(), columns, key)


def text_for(path: str, accepted: str, base_text: str | None, upserts: dict[str, dict], data_dir: Path) -> str:
    """What to write at `path`: the rows upserted into the base's file; the accepted text for other files
    and for files the base does not have yet."""
    change = upserts.get(path)
    if change is None or base_text is None:
        return accepted
    return merge_text(base_text, change["table"], change["rows"], data_dir)
