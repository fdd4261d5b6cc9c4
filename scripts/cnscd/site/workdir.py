"""The build's scratch folder, kept between builds: its files are removed, its folders stay.

A national build's scratch folder holds over 20,000 folders (a page's folder, its documents' folder,
the same again set aside while the engine runs, 10,000 old-commune addresses). Removing a folder
costs about 3 ms on an ext4 disk mounted with `discard` (this project's build machines): a minute
per build, for nothing. Files are cheap to remove, so the folder is emptied of files and reused;
a second build at the same time (the folder is locked) gets a temporary folder as before.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def clear_files(root: Path) -> int:
    """Remove every file (and link) under root, keep its folders; returns how many went."""
    removed = 0
    for folder, _subfolders, names in os.walk(root):
        for name in names:
            os.unlink(os.path.join(folder, name))
            removed += 1
    return removed


@contextmanager
def scratch(keep: Path | None, cache: Path) -> Iterator[Path]:
    """`keep` as it is (a caller's own folder), else `cache/work` emptied of files, else a temporary folder."""
    if keep is not None:
        yield Path(keep)
        return
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another build is using it
            temporary = Path(tempfile.mkdtemp(prefix="cnscd-build-"))
            try:
                yield temporary
            finally:
                shutil.rmtree(temporary, ignore_errors=True)
            return
        work = cache / "work"
        clear_files(work)
        work.mkdir(exist_ok=True)
        try:
            yield work
        finally:
            clear_files(work)  # the links into the reuse cache and the copies go; the folders stay for next time
            fcntl.flock(lock, fcntl.LOCK_UN)
