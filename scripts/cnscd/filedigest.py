"""Files' SHA-256 digests, remembered by what `stat` says of them: an unchanged file is not read again.

A digest is reused only while the file's size, modification and change times (nanoseconds) and inode are
those it was read with. A file written in the last seconds before it was read is not remembered (its time
could be shared with a later write, as git's "racily clean" entries), so the next run reads it again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

_FORMAT = "1"
_RACY_NS = 3_000_000_000  # files changed less than this before being read are read again next time


def _stamp(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]


def _store_path(root: Path) -> Path:
    from .tablecheck import cache_dir

    name = hashlib.sha256(f"{_FORMAT}\0{root.resolve()}".encode()).hexdigest()
    return cache_dir() / "digests" / f"{name}.json"


def read_digest(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def digests(root: Path, relpaths: Iterable[str]) -> dict[str, str]:
    """`relpath → sha256` of the given files under `root`, reading only those whose stat changed."""
    root = Path(root)
    store = _store_path(root)
    try:
        known: dict[str, list] = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    found: dict[str, str] = {}
    remembered: dict[str, list] = {}
    changed = False
    for relpath in relpaths:
        path = root / relpath
        stamp = _stamp(path.stat())
        entry = known.get(relpath)
        if entry is not None and entry[:4] == stamp:
            found[relpath] = entry[4]
            remembered[relpath] = entry
            continue
        found[relpath] = read_digest(path)
        changed = True
        if time.time_ns() - max(stamp[1], stamp[2]) > _RACY_NS:
            remembered[relpath] = [*stamp, found[relpath]]
    if changed or remembered.keys() != known.keys():
        try:
            store.parent.mkdir(parents=True, exist_ok=True)
            temporary = store.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(remembered), encoding="utf-8")
            os.replace(temporary, store)
        except OSError:
            pass  # a read-only cache only costs reading the files again
    return found
