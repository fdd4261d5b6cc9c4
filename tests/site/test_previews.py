"""Link-preview pictures: 1200×630 PNGs with Vietnamese text in the bundled font, cached by their texts."""

from __future__ import annotations

import re

from PIL import Image, ImageChops, ImageDraw, ImageFont

from cnscd.site import previews
from tests.conftest import run_python

VUNG_TAU = previews.Preview("Phường Vũng Tàu", "Thành phố Hồ Chí Minh", "7 tổ · 35 thành viên")


def _ink(image: Image.Image, box: tuple[int, int, int, int]) -> int:
    """How many pixels of box are not the background (white)."""
    return sum(image.convert("L").crop(box).histogram()[:128])


def test_a_preview_is_1200_by_630_png_and_not_blank(tmp_path):
    target = tmp_path / "p.png"
    assert previews.write_all([(target, VUNG_TAU)], tmp_path / "cache", 1) == 1
    with Image.open(target) as image:
        assert image.format == "PNG" and image.size == (1200, 630)
        assert _ink(image, (60, 150, 1140, 300)) > 3_000  # the commune's name is drawn in large letters
    assert target.stat().st_size < 30_000


def test_every_vietnamese_letter_has_a_glyph_in_the_bundled_font():
    """No tofu: each letter of a Vietnamese name is drawn differently from a character the font lacks."""
    font = ImageFont.truetype(str(previews.font_file()), 48)

    def glyph(text: str) -> bytes:
        image = Image.new("L", (90, 90))
        ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
        return image.tobytes()

    missing = glyph("\U0001f600")  # an emoji: Noto Sans has none, so this is its .notdef box
    assert glyph("A") != missing
    letters = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐƯƠ")
    assert [c for c in sorted(letters) if glyph(c) == missing] == []


def test_diacritics_are_drawn():
    """«Vũng Tàu» and «Vung Tau» differ where the marks are: the marks are drawn, not dropped."""
    marked = previews.draw(VUNG_TAU)
    plain = previews.draw(previews.Preview("Phuong Vung Tau", "Thanh pho Ho Chi Minh", "7 to · 35 thanh vien"))
    assert ImageChops.difference(marked.convert("L"), plain.convert("L")).getbbox() is not None
    assert _ink(marked, (60, 150, 1140, 300)) > _ink(plain, (60, 150, 1140, 300))


def test_each_commune_gets_its_own_picture():
    other = previews.draw(previews.Preview("Xã Phong Quang", "Tỉnh Thái Nguyên", "Chưa có danh sách tổ"))
    assert ImageChops.difference(previews.draw(VUNG_TAU).convert("L"), other.convert("L")).getbbox() is not None


def test_a_long_name_wraps_inside_the_picture():
    long = previews.draw(previews.Preview("Phường Văn Miếu - Quốc Tử Giám Nguyễn Thị Minh Khai", "Thành phố Hà Nội", "—"))
    assert _ink(long, (1145, 100, 1200, 500)) == 0  # nothing past the right margin


def test_drawn_once_then_taken_from_the_cache(tmp_path):
    cache = tmp_path / "cache"
    assert previews.write_all([(tmp_path / "a.png", VUNG_TAU)], cache, 1) == 1
    assert previews.write_all([(tmp_path / "b.png", VUNG_TAU)], cache, 1) == 0
    assert (tmp_path / "a.png").read_bytes() == (tmp_path / "b.png").read_bytes()
    changed = previews.Preview(VUNG_TAU.title, VUNG_TAU.place, "8 tổ · 40 thành viên")
    assert previews.write_all([(tmp_path / "c.png", changed)], cache, 1) == 1
    assert len(list(cache.glob("*.png"))) == 2


def test_the_built_site_has_a_picture_per_commune(built_site):
    pictures = {p.stem for p in (built_site / "xem-truoc").glob("*.png")}
    assert {"26506", "26740", "trang-chu", "tinh-79"} <= pictures
    communes = {m.group(1) for m in (re.match(r"(\d{5})-", p.name) for p in built_site.glob("[0-9][0-9]-*/*")) if m}
    assert len(communes) == 3321 and communes <= pictures
    with Image.open(built_site / "xem-truoc" / "26506.png") as one, Image.open(built_site / "xem-truoc" / "26740.png") as two:
        assert one.size == two.size == (1200, 630)
        assert ImageChops.difference(one.convert("L"), two.convert("L")).getbbox() is not None


def test_pictures_missing_from_the_cache_are_drawn_by_two_processes_as_by_one(tmp_path):
    """A national cold build draws its 3,400 pictures on every core; each must be the one drawn alone. Run in a
    fresh process: the test session may hold threads (servers), and then no fork is attempted."""
    script = ("import os, sys\n"
              "from pathlib import Path\n"
              "from cnscd.site import forks, previews\n"
              "previews.PARALLEL_FROM = 0\n"
              "out = Path(sys.argv[1])\n"
              "names = ['Xã A', 'Xã B', 'Xã C', 'Xã A']\n"
              "pictures = [(out / f'{i}.png', previews.Preview(n, 'Tỉnh D', '1 tổ')) for i, n in enumerate(names)]\n"
              "real = previews._draw_into\n"
              "previews._draw_into = lambda p, c: (real(p, c), c.with_suffix('.pid').write_text(str(os.getpid())))\n"
              "print(previews.write_all(pictures, out / 'cache', 2), os.getpid())\n")
    result = run_python(script, str(tmp_path))
    assert result.returncode == 0, result.stderr
    drawn, parent = result.stdout.split()
    assert drawn == "3"  # the same picture twice is drawn once
    pids = {p.read_text() for p in (tmp_path / "cache").glob("*.pid")}
    assert pids and parent not in pids  # forked workers drew them, not this process
    for i, name in enumerate(["Xã A", "Xã B", "Xã C", "Xã A"]):
        alone = tmp_path / f"alone-{i}.png"
        previews.write_all([(alone, previews.Preview(name, "Tỉnh D", "1 tổ"))], tmp_path / "alone", 1)
        assert (tmp_path / f"{i}.png").read_bytes() == alone.read_bytes()
