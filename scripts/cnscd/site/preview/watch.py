"""Which files changed: a poll of the size and modification time of every file under data/ and docs/.

Polling, not inotify: it sees an editor's save-by-rename and works on any filesystem, and at national
scale (345 files in data/ and docs/) one scan costs about 1.6 ms of CPU: 0.6 % of a core at four scans a second.
"""

from __future__ import annotations

import os
from pathlib import Path

Snapshot = dict[str, tuple[int, int]]


def _skipped(name: str) -> bool:
    return name.startswith(".") or name.endswith(("~", ".swp", ".tmp"))  # .cache, editors' own files


def _walk(folder: str, found: Snapshot) -> None:
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):  # removed while scanning
        return
    for entry in entries:
        if _skipped(entry.name):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _walk(entry.path, found)
            else:
                stat = entry.stat()
                found[entry.path] = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            continue


def scan(roots: list[Path]) -> Snapshot:
    """Size and modification time of every file under the roots, by path."""
    found: Snapshot = {}
    for root in roots:
        _walk(str(root), found)
    return found


def changes(before: Snapshot, after: Snapshot) -> set[Path]:
    """Files added, removed or changed between two scans."""
    return {Path(path) for path in before.keys() | after.keys() if before.get(path) != after.get(path)}
