"""How big the built site is, and which files are too big to open on a phone or to host.

Static hosting caps a whole site (GitHub Pages: 1 GB) and a phone on a data plan should never be handed one
file over 5 MB; `cnscd build` reports both after every build, the benchmark and the tests call the same function.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Finding, Severity

FILE_LIMIT = 5_000_000  # bytes: the largest file a citizen may be handed
SITE_LIMIT = 300_000_000  # bytes: issue 10's target (GitHub Pages refuses 1 GB)


@dataclass
class SiteSize:
    """Apparent sizes (what hosting counts), in bytes; `over` lists (path, bytes) above the file limit, largest first."""

    total: int = 0
    files: int = 0
    largest: tuple[str, int] = ("", 0)
    over: list[tuple[str, int]] = field(default_factory=list)
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)  # suffix → (files, bytes)


def measure(site_dir: Path, file_limit: int = FILE_LIMIT) -> SiteSize:
    """Walk the site once (os.scandir: a national site has about 50,000 files)."""
    size = SiteSize()
    kinds: dict[str, list[int]] = {}
    root = os.fspath(site_dir).rstrip("/") + "/"
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    continue
                nbytes = entry.stat(follow_symlinks=False).st_size
                relpath = entry.path[len(root):]  # strings: pathlib cost a second a build over the sample's 17,000 files
                size.total += nbytes
                size.files += 1
                kind = kinds.setdefault(os.path.splitext(entry.name)[1] or entry.name, [0, 0])
                kind[0] += 1
                kind[1] += nbytes
                if nbytes > size.largest[1]:
                    size.largest = (relpath, nbytes)
                if nbytes > file_limit:
                    size.over.append((relpath, nbytes))
    size.over.sort(key=lambda item: (-item[1], item[0]))
    size.by_kind = {kind: (count, nbytes) for kind, (count, nbytes) in sorted(kinds.items(), key=lambda i: -i[1][1])}
    return size


def _mb(nbytes: int) -> str:
    return f"{nbytes / 1e6:.1f}".replace(".", ",")


def findings(size: SiteSize, site_limit: int = SITE_LIMIT, file_limit: int = FILE_LIMIT) -> list[Finding]:
    """A warning per file over the limit, and one when the whole site is over its budget."""
    found = [Finding(path, None, None, "site-file-too-large",
                     f"Tệp {_mb(nbytes)} MB, quá {file_limit / 1e6:.0f} MB: người dùng điện thoại khó tải; hãy nén hoặc chia nhỏ.",
                     f"File is {nbytes / 1e6:.1f} MB, over {file_limit / 1e6:.0f} MB: compress or split it.",
                     Severity.WARNING) for path, nbytes in size.over]
    if size.total > site_limit:
        found.append(Finding(".", None, None, "site-too-large",
                             f"Trang web {_mb(size.total)} MB, quá {site_limit / 1e6:.0f} MB.",
                             f"The site is {size.total / 1e6:.0f} MB, over {site_limit / 1e6:.0f} MB.", Severity.WARNING))
    return found


def summary(size: SiteSize) -> str:
    """One line for the build's output."""
    return (f"{size.total / 1e6:.1f} MB, {size.files} tệp / files; lớn nhất / largest {size.largest[1] / 1e6:.2f} MB "
            f"({size.largest[0]}); {len(size.over)} tệp quá / files over {FILE_LIMIT / 1e6:.0f} MB")
