"""Notice-board posters: the QR codes on a commune page (the print layout is in assets/site.css), and a
ready A4 PDF per commune for phones that cannot print.

The PDFs are the built pages themselves printed by one headless Chromium (Playwright, two pages at once),
served from the site folder under the site's own address, so links in the PDF lead to the real site and
nothing leaves the machine. A PDF is cached by what the poster shows on paper (its printed part of the
page, the QR codes and the stylesheets), never by the whole page, whose navigation and dashboards change
with every build; and the poster's date is the date of the commune's data, so an unchanged commune is
never printed twice.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import hashlib
import os
import re
import resource
import shutil
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import segno
from lxml import html as lxml_html

from .. import datespan
from ..checks import Context
from ..history.log import History
from ..load import Row, parse_date

PDF_NAME = "ap-phich.pdf"
CHROMIUM = "/usr/bin/chromium"
# Bump when the way posters are printed changes (page options, Chromium flags, fonts): every cached PDF is redone.
POSTER_VERSION = "5"
PAGE_RECYCLE = 200  # a page is closed and opened again after this many posters: Chromium's memory stays flat
KEEP_DAYS = 30  # cached PDFs no build used for this long are removed (the deploy cache stays bounded)
# No request may leave the machine: every address is answered from the site folder or refused, and
# the resolver knows no host, in case Chromium itself tries (prefetch, safe browsing).
CHROMIUM_ARGS = ["--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND"]


def write_qr(url: str, path: Path) -> None:
    """An SVG QR code; error correction M survives a poster that is a little creased or faded."""
    path.parent.mkdir(parents=True, exist_ok=True)
    segno.make(url, error="m", micro=False).save(str(path), kind="svg", scale=4, border=2,
                                                  title="Mã QR", svgclass="cnscd-qr", lineclass=None)


class ChromiumMissing(RuntimeError):
    """Printing posters needs Chromium (Debian's chromium package, or Google Chrome) and Playwright."""


class PosterFailed(RuntimeError):
    """Chromium could not print some posters: the build stops rather than link to a missing PDF."""


# The PDF's letters: static, unhinted Noto Sans Regular and Bold made once from the variable font that the
# pinned fontpkg-noto-sans ships (as the preview pictures use). Subsets of them are 22 % smaller in a PDF
# than those of Debian's hinted files, and the printing machine needs no font package. Chromium embeds a
# variable font as Type 3 glyph drawings (4 times larger), hence the instances.
FONT_PATH = "__cnscd-poster-fonts__/"  # answered by the printing browser's router, never part of the site
FONT_WEIGHTS = {"Regular": 400, "Bold": 700}
# Latin with Vietnamese letters and marks, punctuation, ₫, arrows; anything else falls back to system Noto Sans.
FONT_RANGES = [(0x20, 0x24F), (0x300, 0x36F), (0x1E00, 0x1EFF), (0x2000, 0x206F), (0x20AB, 0x20AB), (0x2190, 0x21FF),
               (0x2212, 0x2212)]


def poster_fonts(folder: Path) -> dict[str, Path]:
    """The two static fonts, made with fontTools the first time (about 10 s CPU) and kept in folder."""
    import fontTools

    from .previews import font_file

    source = font_file()
    stamp = hashlib.sha256(source.read_bytes() + repr(FONT_RANGES).encode()).hexdigest()[:12] + "-" + fontTools.version
    found = {}
    for name, weight in FONT_WEIGHTS.items():
        target = folder / f"NotoSans-{name}-{stamp}.ttf"
        if not target.is_file():
            from fontTools.subset import Options, Subsetter
            from fontTools.ttLib import TTFont
            from fontTools.varLib import instancer

            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(f"{target.stem}.{os.getpid()}.tmp")
            font = instancer.instantiateVariableFont(TTFont(source), {"wght": weight, "wdth": 100})
            # Vietnamese and Latin only: every page load reads the font again (routing turns the cache off).
            subsetter = Subsetter(Options(notdef_outline=True, name_IDs=["*"]))
            subsetter.populate(unicodes=[code for first, last in FONT_RANGES for code in range(first, last + 1)])
            subsetter.subset(font)
            font.save(partial)
            partial.replace(target)
        found[name] = target
    return found


def font_css(base_url: str) -> bytes:
    """Added to site.css as the printing browser reads it: the poster in the static fonts."""
    faces = "".join(f'@font-face{{font-family:"CNSCD Poster";font-weight:{weight};'
                    f'src:url("{base_url}{FONT_PATH}{name}.ttf") format("truetype")}}'
                    for name, weight in FONT_WEIGHTS.items())
    return ("\n" + faces + '.md-typeset .cnscd-commune{font-family:"CNSCD Poster","Noto Sans",sans-serif!important}\n').encode()


def chromium_path(explicit: str | None = None) -> str:
    """--chromium, else $CNSCD_CHROMIUM (deploy points it at Google Chrome), else Debian's chromium."""
    return explicit or os.environ.get("CNSCD_CHROMIUM") or CHROMIUM


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cnscd" / "posters"


# ---------------------------------------------------------------- the poster's date

def add_newest(newest: dict[str, str], rows: Iterable[Row], today: dt.date) -> None:
    """Team → the newest day (ISO) one of its reports was submitted, up to today; rows may come file by file."""
    day, kept, later = datespan.unwatched(today).isoformat(), "", _LAST
    for row in rows:
        team_id, value = row.get("team_id", ""), row.get("submitted_on", "")
        if value > day:
            later = min(later, value)
        elif value > newest.get(team_id, ""):
            newest[team_id] = value
            kept = max(kept, value)
    _holds_between(today, kept, later)


_LAST = "9999-12-31"  # no date in the data after today: the answer holds from now on


def _holds_between(today: dt.date, kept: str, later: str) -> None:
    """What was kept as «up to today» stays so from the newest date kept until the first date after today that
    was left out (ISO dates; "" when none was kept): a watched day's span narrows to those days."""
    datespan.within(today, dt.date.fromisoformat(kept) if kept else dt.date.min,
                    dt.date.max if later == _LAST else dt.date.fromisoformat(later))


def date_communes(history: History, ctx: Context, newest: dict[str, str] | None = None) -> None:
    """Date each commune that git does not (no checkout, a shallow clone) by the newest date in its rows.

    The poster prints «Số liệu ngày …» from history.commune_updated: the day the commune's data last
    changed, never the build day, so the poster (and its cached PDF) stays the same until the data does.
    Dates after today (planned trainings) are not the data's date.
    """
    found: dict[str, str] = {}
    today = datespan.unwatched(ctx.today).isoformat()
    later: dict[str, str] = {}  # commune → its first date after today: until then, its date stays

    # Checked data holds ISO dates, which order as text: 1.1 million report rows are compared, not parsed.
    def note(code: str | None, *values: str) -> None:
        for value in values:
            if code and len(value) == 10:
                if value > today:
                    later[code] = min(later.get(code, _LAST), value)
                elif value > found.get(code, ""):
                    found[code] = value

    decisions = ctx.dataset.index("decisions", "decision_id")
    team_commune = {team_id: ctx.current_commune(team) for team_id, team in ctx.teams.items()}
    for team_id, team in ctx.teams.items():
        note(team_commune[team_id], team.get("established_on", ""), team.get("ended_on", ""),
             decisions.get(team.get("decision_id", ""), {}).get("signed_on", ""))
    # Communes of the people who withdrew consent only: a set for each of 478,000 people was 120 MB nationally.
    person_communes: dict[str, set[str]] = {row.get("person_id", ""): set() for row in ctx.dataset.rows("withdrawals")}
    for member in ctx.dataset.rows("members"):
        code = team_commune.get(member.get("team_id", ""))
        note(code, member.get("joined_on", ""), member.get("left_on", ""), member.get("phone_consent_on", ""))
        if code and (communes := person_communes.get(member.get("person_id", ""))) is not None:
            communes.add(code)
    if newest is None:  # else taken by the build before the rows went
        newest = {}
        add_newest(newest, ctx.dataset.rows("reports"), ctx.today)
    for team_id, value in newest.items():
        note(team_commune.get(team_id), value)
    for row in ctx.dataset.rows("trainings"):
        note(row.get("commune_code", ""), row.get("held_on", ""))
    for row in ctx.dataset.rows("withdrawals"):
        for code in person_communes.get(row.get("person_id", ""), ()):
            note(code, row.get("requested_on", ""), row.get("applied_on", ""))
    # Each province's pages hold as long as its communes' dates do (their poster's «Số liệu ngày»).
    by_province: dict[str, tuple[str, str]] = {}
    for code in found.keys() | later.keys():
        province = ctx.units.communes.get(code, {}).get("province_code", "")
        kept, first_later = by_province.get(province, ("", _LAST))
        by_province[province] = (max(kept, found.get(code, "")), min(first_later, later.get(code, _LAST)))
    for province, (kept, first_later) in by_province.items():
        _holds_between(ctx.day_in(province) if province else ctx.today, kept, first_later)
    for code, value in found.items():
        day = parse_date(value)
        if day is not None:
            history.commune_updated.setdefault(code, day)


# ---------------------------------------------------------------- what a poster shows

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CLASS_ONLY = re.compile(r"\s*\.([\w-]+)\s*")


def paper_hidden_classes(css: str) -> set[str]:
    """Classes the stylesheet hides on paper (`@media print { .x, .y { display: none } }`).

    Read from the stylesheet itself, so the cache key never disagrees with what is printed.
    """
    css = _COMMENT.sub("", css)
    hidden: set[str] = set()
    for match in re.finditer(r"@media\s+print\s*\{", css):
        depth, start = 1, match.end()
        end = start
        while depth and end < len(css):
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        for selectors, declarations in _RULE.findall(css[start:end - 1]):
            if re.search(r"display\s*:\s*none", declarations):
                hidden.update(m.group(1) for s in selectors.split(",") if (m := _CLASS_ONLY.fullmatch(s)))
    return hidden


@functools.lru_cache(maxsize=64)
def _file_bytes(path: Path, _stamp: tuple[int, int]) -> bytes:
    return path.read_bytes()


def _read(path: Path) -> bytes:
    """Stylesheets are shared by every page: read once per build (keyed by size and time)."""
    if not path.is_file():
        return b""
    stat = path.stat()
    return _file_bytes(path, (stat.st_size, stat.st_mtime_ns))


def _local(site_dir: Path, folder: Path, href: str) -> Path | None:
    """The file a relative address in a page names, if it is inside the site."""
    if not href or "://" in href or href.startswith(("data:", "//", "/")):
        return None
    target = (folder / urllib.parse.unquote(href.split("#", 1)[0].split("?", 1)[0])).resolve()
    return target if target.is_relative_to(site_dir) else None


def poster_key(site_dir: Path, path: str) -> str:
    """A hash of everything that reaches paper: the poster's printed part of the page (what the print
    stylesheet hides left out), its pictures (QR codes), the stylesheets and POSTER_VERSION."""
    site_dir = site_dir.resolve()
    folder = site_dir / path
    page = lxml_html.fromstring((folder / "index.html").read_bytes())
    digest = hashlib.sha256(f"poster {POSTER_VERSION}\0".encode())
    sheets = [_read(target) for link in page.iter("link") if "stylesheet" in (link.get("rel") or "")
              if (target := _local(site_dir, folder, link.get("href", ""))) is not None]
    styles = [(style.text or "").encode() for style in page.iter("style")]
    hidden: set[str] = set()
    for css in [*sheets, *styles]:
        hidden |= paper_hidden_classes(css.decode("utf-8", "replace"))
    for part in [*sheets, *styles, (page.findtext(".//title") or "").encode()]:
        digest.update(len(part).to_bytes(8, "big") + part)
    posters = page.find_class("cnscd-poster")
    if not posters:
        raise PosterFailed(f"{path}: trang không có áp phích / the page has no poster (table.cnscd-poster)")
    poster = posters[0]
    for element in list(poster.iter()):
        if element is not poster and hidden & set((element.get("class") or "").split()) and element.getparent() is not None:
            element.drop_tree()  # keeps the text after it
    printed = lxml_html.tostring(poster, encoding="utf-8")
    digest.update(len(printed).to_bytes(8, "big") + printed)
    for image in poster.iter("img"):
        target = _local(site_dir, folder, image.get("src", ""))
        picture = target.read_bytes() if target is not None and target.is_file() else b""
        digest.update(len(picture).to_bytes(8, "big") + picture)
    return digest.hexdigest()[:32]


# ---------------------------------------------------------------- printing

@dataclass
class PosterRun:
    """What a run did: posters printed, taken from the cache, and what printing cost."""

    printed: int = 0
    reused: int = 0
    cpu_seconds: float = 0.0  # this process and Chromium together, for the printed ones
    pdf_bytes: list[int] = field(default_factory=list)  # size of every poster in the site


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _mime(path: Path) -> str:
    return {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
            ".png": "image/png", ".woff2": "font/woff2", ".js": "text/javascript"}.get(path.suffix, "application/octet-stream")


async def _print_all(jobs: list[tuple[str, Path]], site_dir: Path, base_url: str, chromium: str, workers: int,
                     fonts: dict[str, Path]) -> list[str]:
    """Print each (path, target) page to its target PDF; returns the paths that failed, with why."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    async def serve(route) -> None:
        url = route.request.url
        if not url.startswith(base_url):
            await route.abort("blockedbyclient")
            return
        relative = urllib.parse.unquote(url[len(base_url):].split("#", 1)[0].split("?", 1)[0])
        if relative.startswith(FONT_PATH) and relative[len(FONT_PATH):].removesuffix(".ttf") in fonts:
            await route.fulfill(status=200, path=fonts[relative[len(FONT_PATH):].removesuffix(".ttf")],
                                content_type="font/ttf")
            return
        target = (site_dir / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if not target.is_relative_to(site_dir) or not target.is_file():
            await route.fulfill(status=404, body="")
            return
        body = target.read_bytes() + (extra_css if relative == "assets/cnscd/site.css" else b"")
        await route.fulfill(status=200, body=body, content_type=_mime(target))

    extra_css = font_css(base_url)
    failed: list[str] = []
    queue = list(reversed(jobs))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
        # Printing needs no script: the poster is the page and its print stylesheet.
        context = await browser.new_context(java_script_enabled=False, service_workers="block")
        await context.route("**/*", serve)

        async def worker() -> None:
            page, used = None, 0
            while queue:
                path, target = queue.pop()
                if page is None or used >= PAGE_RECYCLE:
                    if page is not None:
                        await page.close()
                    page, used = await context.new_page(), 0
                    await page.emulate_media(media="print")
                used += 1
                try:
                    response = await page.goto(base_url + path, wait_until="load", timeout=60_000)
                    if response is None or not response.ok:
                        raise PosterFailed(f"HTTP {response.status if response else '—'}")
                    pdf = await page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
                except (PlaywrightError, PosterFailed) as error:
                    failed.append(f"{path}: {str(error).splitlines()[0]}")
                    continue
                partial = target.with_name(f"{target.stem}.{os.getpid()}.tmp")
                partial.write_bytes(pdf)
                partial.replace(target)
            if page is not None:
                await page.close()

        try:
            await asyncio.gather(*(worker() for _ in range(workers)))
        finally:
            await context.close()
            await browser.close()
    return failed


def check_chromium(chromium: str) -> str:
    """The browser's path; raises ChromiumMissing (before any work is done) when it or Playwright is missing."""
    found = chromium if Path(chromium).is_file() else shutil.which(chromium)
    if not found:
        raise ChromiumMissing(f"Không thấy Chromium để in áp phích (make system-deps, hoặc --chromium / CNSCD_CHROMIUM) / "
                              f"Chromium not found: {chromium}")
    try:
        import playwright  # noqa: F401
    except ImportError as error:
        raise ChromiumMissing("Thiếu gói playwright để in áp phích (make site) / Playwright missing") from error
    return found


def print_pdfs(site_dir: Path, paths: list[str], cache: Path, base_url: str, chromium: str | None = None,
               workers: int | None = None, font_dir: Path | None = None) -> PosterRun:
    """<path>/ap-phich.pdf for each commune page; only posters not in the cache are printed.

    base_url: the site's address; pages are served under it from site_dir, so the PDF's links are the
    site's. Two pages print at once when there are several posters and two cores (Chromium does the work).
    """
    site_dir = Path(site_dir).resolve()
    run = PosterRun()
    if not paths:
        return run
    if not base_url.startswith(("https://", "http://")):
        raise PosterFailed(f"Cần địa chỉ của trang (site_url trong mkdocs.yml hoặc --base-url) để in áp phích / "
                           f"posters need the site's address (site_url or --base-url), not {base_url!r}")
    chromium = check_chromium(chromium_path(chromium))
    cache.mkdir(parents=True, exist_ok=True)
    keyed = [(path, cache / f"{poster_key(site_dir, path)}.pdf") for path in paths]
    todo: dict[Path, str] = {}
    for path, cached in keyed:
        if not cached.is_file():
            todo.setdefault(cached, path)  # two identical posters (never in practice) print once
    if todo:
        workers = workers or (min(2, os.cpu_count() or 1) if len(todo) >= 4 else 1)
        fonts = poster_fonts(font_dir or cache / "fonts")  # made once, not counted per poster
        before = _cpu()
        jobs = [(path, cached) for cached, path in todo.items()]
        # In a thread of its own: the caller may already run an event loop (the preview server, Playwright's sync API).
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            failed = thread.submit(asyncio.run, _print_all(jobs, site_dir, base_url, chromium, workers, fonts)).result()
        run.cpu_seconds = round(_cpu() - before, 3)
        if failed:
            raise PosterFailed("Không in được áp phích / posters not printed:\n" + "\n".join(failed))
        run.printed = len(todo)
    now = time.time()
    for path, cached in keyed:
        os.utime(cached, (now, now))  # used by this build: kept by prune()
        shutil.copyfile(cached, site_dir / path / PDF_NAME)
        run.pdf_bytes.append(cached.stat().st_size)
    run.reused = len(keyed) - run.printed
    prune(cache, now - KEEP_DAYS * 86400)
    return run


def prune(cache: Path, before: float) -> int:
    """Remove cached PDFs no build has used since `before` (a commune's old posters); returns how many."""
    removed = 0
    for path in cache.glob("*.pdf"):
        if path.stat().st_mtime < before:
            path.unlink(missing_ok=True)
            removed += 1
    for path in cache.glob("*.tmp"):  # a print interrupted long ago
        if path.stat().st_mtime < before:
            path.unlink(missing_ok=True)
    return removed
