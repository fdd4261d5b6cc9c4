"""Notice-board posters: the QR code of a commune page's address (the print layout is in assets/site.css)."""

from __future__ import annotations

from pathlib import Path

import segno


def write_qr(url: str, path: Path) -> None:
    """An SVG QR code; error correction M survives a poster that is a little creased or faded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    segno.make(url, error="m", micro=False).save(str(path), kind="svg", scale=4, border=2,
                                                  title="Mã QR", svgclass="cnscd-qr", lineclass=None)
