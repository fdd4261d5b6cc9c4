"""The build's scratch folder, kept between builds (its files are removed, its folders stay), and moving files
between it and the site by renaming them.

A national build's scratch folder holds over 20,000 folders (a page's folder, its documents' folder,
the same again set aside while the engine runs, 10,000 old-commune addresses). Removing a folder
costs about 3 ms on an ext4 disk mounted with `discard` (this project's build machines): a minute
per build, for nothing. Files are cheap to remove, so the folder is emptied of files and reused;
a second build at the same time (the folder is locked) gets a temporary folder as before.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def link(source: str | Path, target: str | Path) -> None:
    """`target` becomes a hard link to `source` (a copy when they are on different disks), replacing what was
    there: the old file is unlinked, never written through (it may itself be a link into a cache)."""
    Path(target).unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copyfile(source, target)


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


def set_aside(docs: Path, docs_source: Path, aside: Path) -> int:
    """Move every generated file that is not a page (downloads, QR codes, documents, shards) out of the
    engine's sight; returns how many. At national scale there are ~40,000 of them: the engine would copy
    each one and the work folder would delete each one, which cost about a minute of a build."""
    hand_written = {os.path.relpath(path, docs_source) for path in docs_source.rglob("*") if path.is_file()}
    return move_tree(str(docs), str(aside), lambda relative: not relative.endswith(".md")
                      and relative not in hand_written)


def put_back(aside: Path, site_dir: Path) -> None:
    """The set-aside files at the same place in the built site (a rename each, no copy)."""
    move_tree(str(aside), str(site_dir), lambda relative: True)


def move_tree(source: str, target: str, wanted: Callable[[str], bool]) -> int:
    """Rename the wanted files of one tree into the same places in another; plain strings and one mkdir
    per folder, since pathlib and repeated mkdir calls cost ~20 s over 40,000 files."""
    moved = 0
    for folder, _subfolders, names in os.walk(source):
        relative_folder = os.path.relpath(folder, source)
        made = False
        for name in names:
            relative = name if relative_folder == "." else os.path.join(relative_folder, name)
            if not wanted(relative):
                continue
            if not made:
                os.makedirs(os.path.join(target, relative_folder), exist_ok=True)
                made = True
            try:
                os.replace(os.path.join(folder, name), os.path.join(target, relative))
            except OSError as exc:  # the scratch folder (in the cache) and the site on different disks: copy
                if exc.errno != errno.EXDEV:
                    raise
                shutil.move(os.path.join(folder, name), os.path.join(target, relative))
            moved += 1
    return moved
