"""QR codes from a cache: a commune page's address and a team's Zalo link rarely change, and drawing
6,642 codes (segno tries eight masks for each) cost about half a minute of every national build.

The drawing itself stays in posters.write_qr; the cache key holds that function's source and segno's
version, so a change to how codes are drawn draws them all again.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import shutil
from pathlib import Path

import segno

from . import posters, previews


@functools.cache
def _drawing() -> bytes:
    return (inspect.getsource(posters.write_qr) + "\0" + segno.__version__).encode()


def default_cache() -> Path:
    return previews.default_cache().parent / "qr"


def write(url: str, path: Path, cache: Path | None = None) -> bool:
    """The QR code of url as SVG at path; True when it had to be drawn (not in the cache)."""
    cache = cache or default_cache()
    key = hashlib.sha256(_drawing() + b"\0" + url.encode()).hexdigest()[:32]
    cached = cache / key[:2] / f"{key}.svg"
    drawn = not cached.is_file()
    if drawn:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.tmp")
        posters.write_qr(url, partial)
        os.replace(partial, cached)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, path)
    return drawn
