"""The one canonical way to write a table file: schema column order, sorted by key, LF, UTF-8.

Everything that writes data (fmt, units, sample, intake, import) goes through here, so a change
made by a form and the same change made by hand produce the same diff.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from .phones import normalise_phone
from .text import clean


def sort_key(columns: list[str], key: list[str]):
    fields = key or columns

    def _key(row: Mapping[str, str]) -> tuple:
        # Numeric-looking codes and ids sort as text: they are zero-padded and fixed width.
        return tuple(row.get(name, "") for name in fields)

    return _key


def canonical_row(row: Mapping[str, str], columns: list[str]) -> dict[str, str]:
    out = {name: clean(row.get(name, "")) for name in columns}
    extra = {clean(k): clean(v) for k, v in row.items() if k not in out and k is not None}
    out.update(extra)
    phone = out.get("phone")
    if phone and not (phone.isdigit() and phone.startswith("0")):
        out["phone"] = normalise_phone(phone) or phone
    return out


def render(rows: Iterable[Mapping[str, str]], columns: list[str], key: list[str]) -> str:
    """CSV text in canonical form; unknown columns are kept after the schema's, never dropped."""
    prepared = [canonical_row(row, columns) for row in rows]
    extra: list[str] = []
    for row in prepared:
        extra += [name for name in row if name not in columns and name not in extra]
    prepared.sort(key=sort_key(columns, key))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns + extra, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(prepared)
    return buffer.getvalue()


def write_text_atomic(path: Path, text: str) -> bool:
    """Write only when content changes; a crash mid-write never leaves half a file."""
    path = Path(path)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(tmp, path)
    return True
