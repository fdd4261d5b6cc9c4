"""Link previews: the 1200×630 PNG that Zalo and Facebook show when someone pastes a commune's address.

Drawn with Pillow in the Noto Sans font that the pinned `fontpkg-noto-sans` package ships (full
Vietnamese coverage, no system font needed). A picture depends only on its texts, so it is cached by a
hash of them outside the site folder and redrawn only when they change.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from . import forks

SIZE = (1200, 630)
# Drawing and layout version: bump it when the picture changes, so cached files are redrawn.
LAYOUT = "3"
# zlib level of the PNGs. Measured on a commune card (6.5 ms to draw): level 9 (what `optimize` gives) 11.7 ms and
# 4,293 bytes, level 8 4.4 ms and 4,432 bytes, level 6 1.6 ms and 4,922 bytes. At 8 a national cold build draws its
# 3,356 cards in about 25 s less CPU for 0.5 MB more site.
PNG_LEVEL = 8
MARGIN = 60
# White, the site's indigo, near-black text, a light indigo band: four colours (2 bits a pixel) keep a PNG near 5 KB.
PALETTE = [255, 255, 255, 40, 53, 147, 26, 26, 26, 232, 234, 246]
WHITE, INDIGO, INK, PALE = range(4)


class FontMissing(RuntimeError):
    """The bundled font package is not installed: `make site` installs it from requirements.txt."""


def font_file() -> Path:
    try:
        import fontpkg_noto_sans
    except ImportError as error:  # pragma: no cover - requirements.txt pins the package
        raise FontMissing("Thiếu phông chữ Noto Sans: cài gói fontpkg-noto-sans (make site) / "
                          "Noto Sans font missing: install fontpkg-noto-sans (make site)") from error
    path = Path(fontpkg_noto_sans.ROOT) / "files" / "NotoSans[wdth,wght].ttf"
    if not path.is_file():  # pragma: no cover
        raise FontMissing(f"Không thấy tệp phông chữ / font file not found: {path}")
    return path


@functools.cache
def _font(size: int, weight: str) -> ImageFont.FreeTypeFont:
    font = ImageFont.truetype(str(font_file()), size)
    font.set_variation_by_name(weight)
    return font


@dataclass(frozen=True)
class Preview:
    """The texts on one picture: a title, the place it belongs to, and one line of figures."""

    title: str
    place: str
    figures: str
    kicker: str = "Tổ Công nghệ số cộng đồng"

    def key(self) -> str:
        text = "\x1f".join((LAYOUT, f"png{PNG_LEVEL}", font_file().name, self.kicker, self.title, self.place, self.figures))
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def _fit(draw: ImageDraw.ImageDraw, text: str, weight: str, sizes: tuple[int, ...], width: int) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest size at which text fits in two lines of width (a long ward name wraps, never overflows)."""
    for size in sizes:
        font = _font(size, weight)
        lines: list[str] = []
        for word in text.split():
            trial = f"{lines[-1]} {word}" if lines else word
            if lines and draw.textlength(trial, font=font) <= width:
                lines[-1] = trial
            else:
                lines.append(word)
        if len(lines) <= 2 and all(draw.textlength(line, font=font) <= width for line in lines):
            return font, lines
    return font, lines[:2]


def draw(preview: Preview) -> Image.Image:
    image = Image.new("P", SIZE, WHITE)
    image.putpalette(PALETTE)
    pen = ImageDraw.Draw(image)
    width = SIZE[0] - 2 * MARGIN
    pen.rectangle((0, 0, SIZE[0], 96), fill=INDIGO)
    pen.text((MARGIN, 48), preview.kicker, font=_font(36, "SemiBold"), fill=WHITE, anchor="lm")
    font, lines = _fit(pen, preview.title, "Bold", (80, 72, 64, 56, 48), width)
    top = 170
    for line in lines:
        pen.text((MARGIN, top), line, font=font, fill=INK)
        top += int(font.size * 1.3)
    place_font, place_lines = _fit(pen, preview.place, "Regular", (44, 38, 32), width)
    pen.text((MARGIN, top + 10), place_lines[0], font=place_font, fill=INK)
    pen.rectangle((0, 500, SIZE[0], SIZE[1]), fill=PALE)
    pen.text((MARGIN, 565), preview.figures, font=_font(44, "SemiBold"), fill=INDIGO, anchor="lm")
    return image


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cnscd" / "previews"


def _draw_into(preview: Preview, cached: Path) -> None:
    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    draw(preview).save(partial, "PNG", compress_level=PNG_LEVEL)
    partial.replace(cached)  # atomic: two builds at once never see half a file


PARALLEL_FROM = 100  # pictures to draw below which starting processes costs more than it saves (~20 ms each)


def write_all(pictures: list[tuple[Path, Preview]], cache: Path, workers: int) -> int:
    """Every (target, picture), those missing from the cache drawn across `workers` forked processes first
    (a national cold build draws 3,400: over a minute on one core). Returns how many were drawn."""
    placed = [(target, preview, cache / f"{preview.key()}.png") for target, preview in pictures]
    todo = list({cached: preview for _, preview, cached in placed if not cached.is_file()}.items())
    step = max(1, len(todo) // (workers * 4))

    def draw_slice(start: int) -> None:
        for cached, preview in todo[start:start + step]:
            _draw_into(preview, cached)

    forks.fork_map(draw_slice, range(0, len(todo), step), workers if len(todo) >= PARALLEL_FROM else 1)
    for target, _, cached in placed:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, target)
    return len(todo)
