"""The ready poster PDFs (`cnscd build --posters`) printed by one headless Debian Chromium: printed once,
printed again only when what reaches paper changes, readable from two metres, both QR codes decoding, the
date of the data on it, and links that lead to the site (never to a file on the build machine)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cnscd.checks import Context
from cnscd.history.log import read_history
from cnscd.load import load
from cnscd.site import posters
from tests.browser.test_citizen import _decode_qr, _pdf_words, shots  # noqa: F401 - shots is a fixture
from tests.browser.test_site import COMMUNE, pdf_pages
from tests.conftest import SAMPLE, TODAY

pytestmark = pytest.mark.browser

BASE = "https://example.github.io/to-cong-nghe-so/"  # mkdocs.yml's site_url
OTHER = "04-cao-bang/01273-phuong-thuc-phan/"
THIRD = "51-quang-ngai/21040-xa-binh-son/"


@pytest.fixture(scope="module")
def font_dir(tmp_path_factory) -> Path:
    """The poster fonts are made once for these tests (fontTools takes seconds)."""
    return tmp_path_factory.mktemp("poster-fonts")


def _copy(built_site: Path, target: Path, *pages: str) -> Path:
    """A small site: the stylesheets and a few commune folders of the session's built sample."""
    shutil.copytree(built_site / "assets" / "stylesheets", target / "assets" / "stylesheets")
    shutil.copytree(built_site / "assets" / "cnscd", target / "assets" / "cnscd", ignore=shutil.ignore_patterns("tim-kiem"))
    for page in pages:
        shutil.copytree(built_site / page, target / page, ignore=shutil.ignore_patterns("*.pdf", "van-ban"))
    return target


def _data_date(code: str) -> str:
    """The date of the commune's data as the build dates it: git's last change, else its newest row."""
    ctx = Context(load(SAMPLE), TODAY)
    history = read_history(SAMPLE, ctx.units)
    posters.date_communes(history, ctx)
    return history.commune_updated[code].strftime("%d/%m/%Y")


def test_posters_are_printed_once_and_a_changed_commune_alone_again(built_site, tmp_path, monkeypatch, font_dir):
    site = _copy(built_site, tmp_path / "site", COMMUNE, OTHER, THIRD)
    cache = tmp_path / "cache"
    monkeypatch.setattr(posters, "PAGE_RECYCLE", 1)  # two pages at once, each opened again after every poster
    first = posters.print_pdfs(site, [COMMUNE, OTHER, THIRD], cache, BASE, workers=2, font_dir=font_dir)
    assert (first.printed, first.reused) == (3, 0) and first.cpu_seconds > 0
    assert len(list(cache.glob("*.pdf"))) == 3
    for page in (COMMUNE, OTHER, THIRD):  # each PDF is its own commune's
        name = (site / page / "index.html").read_text(encoding="utf-8").split("<title>", 1)[1].split(",", 1)[0]
        text = subprocess.run(["pdftotext", str(site / page / posters.PDF_NAME), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert name.removeprefix("Tổ CNSCĐ ") in " ".join(text.split()), page
    monkeypatch.setattr(posters, "PAGE_RECYCLE", 200)
    again = posters.print_pdfs(site, [COMMUNE, OTHER, THIRD], cache, BASE, font_dir=font_dir)
    assert (again.printed, again.reused) == (0, 3)
    other_pdf = (site / OTHER / posters.PDF_NAME).read_bytes()
    # A phone changes in one commune; the other's page changes only where paper does not show it.
    page = site / COMMUNE / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("0900 000 166", "0900 000 199"), encoding="utf-8")
    hidden = site / OTHER / "index.html"
    text = hidden.read_text(encoding="utf-8")
    assert '<div class="cnscd-more">' in text
    hidden.write_text(text.replace('<div class="cnscd-more">', '<div class="cnscd-more"><p>Báo cáo tháng mới</p>'),
                      encoding="utf-8")
    third = posters.print_pdfs(site, [COMMUNE, OTHER, THIRD], cache, BASE, font_dir=font_dir)
    assert (third.printed, third.reused) == (1, 2)
    printed = subprocess.run(["pdftotext", str(site / COMMUNE / posters.PDF_NAME), "-"], capture_output=True,
                             text=True, check=True).stdout
    assert "0900 000 199" in printed and "0900 000 166" not in printed
    assert (site / OTHER / posters.PDF_NAME).read_bytes() == other_pdf


def test_ready_poster_reads_from_two_metres_with_the_data_date_and_both_codes(built_site, tmp_path, shots,  # noqa: F811
                                                                              font_dir):
    site = _copy(built_site, tmp_path / "site", COMMUNE)
    run = posters.print_pdfs(site, [COMMUNE], tmp_path / "cache", BASE, workers=1, font_dir=font_dir)
    pdf = site / COMMUNE / posters.PDF_NAME
    data = pdf.read_bytes()
    assert run.printed == 1 and run.pdf_bytes == [len(data)]
    assert pdf_pages(data) == 1
    assert len(data) < 32 * 1024  # unhinted Noto Sans Regular and Bold, no structure tree (it was 48 KB)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert len(fonts) == 2 and all(line.split()[1:3] == ["CID", "TrueType"] for line in fonts)  # no Type 3 drawings
    assert {line.split()[0].split("+")[1] for line in fonts} <= {"NotoSans-Regular", "NotoSans-Bold"}
    words = _pdf_words(pdf)
    text = "".join(word for _page, word, _h, _b in words)
    dated = "Sốliệungày" + _data_date("26506")
    assert dated in text and "Thànhphố" + "HồChíMinh" in text
    # Names and phones at 14 pt or more (a glyph box of 14 pt text is taller than 14 pt).
    names = [h for _p, word, h, _b in words if word in ("Dương", "Kim", "Bình", "Lý", "Văn", "Hạnh")]
    phones = [h for _p, word, h, _b in words if re.fullmatch(r"0900|000|1\d\d", word)]
    assert len(names) >= 6 and min(names) >= 14
    assert len(phones) >= 6 and min(phones) >= 14
    assert _decode_qr(pdf, tmp_path) == {BASE + COMMUNE, "https://zalo.me/g/cnscd26506"}
    # Links lead to phones, the Zalo group and the site: never to the machine that printed it.
    uris = set(re.findall(rb"/URI \(([^)]*)\)", data))
    assert b"tel:+84900000166" in uris and b"tel:+84900000167" in uris  # a tap on the PDF calls the leader
    assert all(uri.startswith((b"tel:", b"https://zalo.me/", BASE.encode())) for uri in uris), uris
    assert b"file:" not in data and b"127.0.0.1" not in data
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-singlefile", str(pdf), str(shots / "ready-poster")], check=True)
