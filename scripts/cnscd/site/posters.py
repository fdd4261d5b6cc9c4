"""Notice-board posters: the QR codes on a commune page (the print layout is in assets/site.css), and a
ready A4 PDF per commune for phones that cannot print.

PDFs come from Debian's Chromium printing the built page itself (`--print-to-pdf`), about 2 s a page, so
they are made only when asked (`cnscd build --posters`), only for communes with data, and cached by a
hash of the page and everything it prints with: an unchanged commune is never printed twice.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import segno

PDF_NAME = "ap-phich.pdf"
CHROMIUM = "/usr/bin/chromium"


def write_qr(url: str, path: Path) -> None:
    """An SVG QR code; error correction M survives a poster that is a little creased or faded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    segno.make(url, error="m", micro=False).save(str(path), kind="svg", scale=4, border=2,
                                                  title="Mã QR", svgclass="cnscd-qr", lineclass=None)


class ChromiumMissing(RuntimeError):
    """Printing posters needs Debian's chromium package (make system-deps)."""


def _key(folder: Path, site_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in (folder / "index.html", folder / "qr.svg", folder / "zalo.svg", site_dir / "assets" / "cnscd" / "site.css"):
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"") + b"\0")
    return digest.hexdigest()[:24]


def print_pdfs(site_dir: Path, paths: list[str], cache: Path, chromium: str = CHROMIUM) -> int:
    """<path>/ap-phich.pdf for each commune page; returns how many were printed (the rest came from cache)."""
    if not Path(chromium).exists() and not shutil.which(chromium):
        raise ChromiumMissing(f"Không thấy Chromium để in áp phích (make system-deps) / Chromium not found: {chromium}")
    cache.mkdir(parents=True, exist_ok=True)
    printed = 0
    with tempfile.TemporaryDirectory(prefix="cnscd-chromium-") as profile:
        for path in paths:
            folder = site_dir / path
            cached = cache / f"{_key(folder, site_dir)}.pdf"
            if not cached.is_file():
                partial = cached.with_suffix(f".{os.getpid()}.tmp")
                subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                                "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
                                f"--print-to-pdf={partial}", (folder / "index.html").as_uri()],
                               check=True, capture_output=True, timeout=120)
                partial.replace(cached)
                printed += 1
            shutil.copyfile(cached, folder / PDF_NAME)
    return printed
