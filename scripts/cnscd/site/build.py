"""`cnscd build`: load → check → derive → render pages into a build folder → run the site engine there.

The engine only ever sees a docs folder and a config file, so MkDocs can be swapped for Zensical
(which reads the same mkdocs.yml) without touching the renderer. Nothing generated lands in docs/.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import html
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from .. import datespan
from ..derive import derive
from ..figures import compute as compute_figures
from ..history.log import read_history
from ..model import Finding, errors
from ..validate import validate
from . import dashboards, downloads, forks, formdata, guides, posters, previews, pwa, render, reuse, shell, sitesize, standalone, workdir
from .communefiles import TEAMS_CSV
from .communefiles import from_config as commune_files
from .pages import (  # noqa: F401 - also used from here by `cnscd serve` and the tests
    ASSETS,
    DAY_MARK,
    FIND_MARKER,
    HOME_MARKER,
    communes_without_data,
    stamp_day,
    write_commune_page,
    write_data_pages,
    write_find_index,
    write_guide,
    write_guides,
    write_home,
    write_province_page,
)
from .reportpass import Loading
from .themeassets import drop_unused

REPO_ROOT = Path(__file__).resolve().parents[3]


class BuildRefused(Exception):
    """The data or the guides have errors: nothing is built, the findings say where."""

    def __init__(self, findings: list[Finding]):
        super().__init__(f"{len(findings)} lỗi / errors")
        self.findings = findings


@dataclass
class BuildReport:
    site_dir: Path
    pages: int = 0
    communes: int = 0
    provinces: int = 0
    redirects: int = 0
    guides: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    spliced: int = 0  # commune pages put into the theme's shell instead of going through the engine
    size: sitesize.SiteSize | None = None  # the built site's bytes and any file over 5 MB
    reuse: str | None = None  # with reuse_output: which groups were linked back and which rendered
    render_workers: int = 1  # processes that rendered province and commune pages
    # What was loaded and computed (ctx, derived, figures, …), kept for `cnscd serve` to update in place.
    state: dict = field(default_factory=dict, repr=False)


# ---------------------------------------------------------------- the engine's config

class _Tagged:
    """A YAML tag we do not interpret (`!!python/name:…`), passed through to the engine unchanged."""

    def __init__(self, tag: str, value: str):
        self.tag, self.value = tag, value


class _Loader(yaml.SafeLoader):
    pass


class _Dumper(yaml.SafeDumper):
    pass


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: _Tagged(
    "tag:yaml.org,2002:python/" + suffix, loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else ""))
_Dumper.add_representer(_Tagged, lambda dumper, data: dumper.represent_scalar(data.tag, data.value))


def read_config(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass that only passes tags through


def prune_nav(nav: list, docs_dir: Path) -> list:
    """Keep nav entries whose page exists (a colleague's page may not be there yet)."""
    kept = []
    for item in nav:
        if isinstance(item, dict):
            (title, target), = item.items()
            if isinstance(target, list):
                inner = prune_nav(target, docs_dir)
                if inner:
                    kept.append({title: inner})
            elif "://" in str(target) or (docs_dir / str(target)).is_file():
                kept.append(item)
        elif isinstance(item, str) and (docs_dir / item).is_file():
            kept.append(item)
    return kept


def engine_config(base: dict, docs_dir: Path, site_dir: Path, config_dir: Path) -> dict:
    config = dict(base)
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    if "nav" in config:
        config["nav"] = prune_nav(config["nav"], docs_dir)
    # Paths in the config (theme.custom_dir, hooks) stay relative to the original file.
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        theme["custom_dir"] = str(config_dir / theme["custom_dir"])
        if not Path(theme["custom_dir"]).is_dir():  # a copied mkdocs.yml: this package's theme overrides
            theme["custom_dir"] = str(resources.files("cnscd.site") / "overrides")
    return config


# Both engines read the same generated config and docs folder; only the command differs.
ENGINES = {
    "mkdocs": [sys.executable, "-m", "mkdocs", "build", "--clean", "--quiet", "-f"],
    "zensical": ["zensical", "build", "--clean", "-f"],
}


def run_engine(config_file: Path, engine: str = "mkdocs") -> None:
    result = subprocess.run([*ENGINES[engine], str(config_file)], capture_output=True, text=True,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        raise RuntimeError(f"{engine} build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")


def run_engine_spliced(config_file: Path, engine: str, docs: Path, site_dir: Path, pages: list[shell.Page],
                       held: Path, base_url: str) -> int:
    """The engine over every page but the commune pages after the first two, which are then put into the
    shell those two give (see shell.py); when the shell does not check out, the engine builds them all.
    Returns how many pages were spliced."""
    pages = [page for page in pages if shell.escape_free(page)]  # the others simply stay with the engine
    if len(pages) < 3:
        run_engine(config_file, engine)
        return 0
    for page in pages[2:]:
        target = held / page.path / "index.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(docs / page.path / "index.md", target)
    run_engine(config_file, engine)
    for page in pages[2:]:
        os.replace(held / page.path / "index.md", docs / page.path / "index.md")
    found = shell.verified_shell(site_dir, pages[0], pages[1])
    if found is None:
        print("Khung trang xã không khớp, dựng mọi trang xã bằng MkDocs / commune shell did not check out: "
              "every commune page goes through the engine", file=sys.stderr)
        run_engine(config_file, engine)
        return 0
    shell.add_to_sitemap(site_dir, base_url, pages[2:])
    return shell.write_pages(site_dir, found, pages[2:])


# ---------------------------------------------------------------- pages

def _copy_assets(target: Path) -> None:
    folder = resources.files("cnscd.site") / "assets"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("site.css", "find.js", "dashboards.css"):
        (target / name).write_text((folder / name).read_text(encoding="utf-8"), encoding="utf-8")


REPOSITORY_PLACEHOLDER = "__CNSCD_REPOSITORY__"
INTAKE_PLACEHOLDER = "__CNSCD_INTAKE_URL__"


def fill_settings(docs: Path, config: dict) -> None:
    """Put the configured repository address into hand-written pages that ask for it (the forms)."""
    repository = str((config.get("extra") or {}).get("repository", "")).rstrip("/")
    if not repository.startswith("https://"):
        raise ValueError("mkdocs.yml: extra.repository phải là địa chỉ https:// / must be an https:// address")
    value = html.escape(repository, quote=True)
    # The intake service the forms send to (empty: the forms open the prefilled GitHub issue instead).
    intake = str((config.get("extra") or {}).get("intake_url") or "").rstrip("/")
    if intake and not intake.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ValueError("mkdocs.yml: extra.intake_url phải là địa chỉ https:// / must be an https:// address")
    for page in docs.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if REPOSITORY_PLACEHOLDER in text or INTAKE_PLACEHOLDER in text:
            text = text.replace(REPOSITORY_PLACEHOLDER, value).replace(INTAKE_PLACEHOLDER, html.escape(intake, quote=True))
            page.write_text(text, encoding="utf-8")


def find_config(data_dir: Path) -> Path:
    """mkdocs.yml beside the data folder, else in the working folder, else in this checkout."""
    for folder in (data_dir.resolve().parent, Path.cwd(), REPO_ROOT):
        if (folder / "mkdocs.yml").is_file():
            return folder / "mkdocs.yml"
    raise FileNotFoundError("mkdocs.yml")


def build_site(data_dir: Path, site_dir: Path, today: dt.date | None = None, base_url: str | None = None,
               config_path: Path | None = None, keep_build_dir: Path | None = None,
               engine: str = "mkdocs", preview_cache: Path | None = None, print_posters: bool = False,
               chromium: str | None = None, reuse_output: bool = False, keep_loaded: bool = False) -> BuildReport:
    """Build the whole site into site_dir; raises BuildRefused when data or guides have errors.

    With `reuse_output` (`cnscd build`), what an earlier build rendered from the same inputs is linked
    back from the cache (reuse.py): only changed provinces are rendered, and nothing is loaded when
    nothing changed. `report.state` (for `cnscd serve`) is filled only when the package was loaded; the report rows
    stay in it only with `keep_loaded` (else they are let go once summed: reportpass.py)."""
    today = today or dt.date.today()
    data_dir, site_dir = Path(data_dir), Path(site_dir).resolve()
    config_path = Path(config_path).resolve() if config_path else find_config(data_dir)
    base = read_config(config_path)
    files, wrong = commune_files(base, config_path.name)  # what each commune page offers beside itself
    if wrong:
        raise BuildRefused(wrong)
    docs_source = config_path.parent / base.get("docs_dir", "docs")
    base_url = (base_url or base.get("site_url") or "/").rstrip("/") + "/"
    poster_pdf = posters.PDF_NAME if print_posters else ""
    report = BuildReport(site_dir)
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds[stage] = round(now - clock, 3)
        clock = now

    bundles = history = None
    if reuse_output:
        bundles, history = reuse.plan(data_dir, today, config_path, docs_source,
                                      f"{base_url}\0{poster_pdf}\0{engine}")
        if bundles.complete():  # nothing changed: validated (from its cache, without loading) and linked back
            problems = errors(validate(data_dir, today))
            guide_list = guides.load_guides(docs_source)
            problems += [finding for guide in guide_list for finding in guide.findings]
            if problems:
                raise BuildRefused(problems)
            lap("check")
            with workdir.scratch(keep_build_dir, _scratch_cache()) as work:
                docs = _fresh_docs(work, docs_source)
                spliced, communes, standalone_key = _restore_all(bundles, docs, report)
                lap("reuse")
                _finish(report, work, docs, docs_source, site_dir, base, base_url, config_path, engine, spliced,
                        lambda staging: _restore_standalone(bundles, standalone_key, staging, report), communes,
                        print_posters, preview_cache, chromium, lap, today)
                report.reuse = bundles.summary(national=True)
            return report

    # Unchanged data (same bytes, code and date as a run before) is not checked again; changed provinces are
    # checked in worker processes while this one loads the package.
    # The day the pages judge what is due and late: watched, so a province's bundle knows the days it holds for.
    loading = Loading(data_dir, datespan.Today(today), keep=keep_loaded)  # report rows summed, let go once loaded
    found = validate(data_dir, today, meanwhile=loading)
    ctx, taken = loading.context(), loading.taken
    problems = errors(found)
    guide_list = guides.load_guides(docs_source)
    problems += [finding for guide in guide_list for finding in guide.findings]
    if problems:
        raise BuildRefused(problems)
    lap("check")
    derived = derive(ctx, taken.sent)
    lap("derive")
    figures = compute_figures(ctx, derived, taken.reports)  # once: dashboards (and documents) read them
    history = history or read_history(data_dir, ctx.units)  # one `git log` for the whole build
    posters.date_communes(history, ctx, taken.newest)  # communes git does not date: by their newest row (poster's date)
    lap("figures")

    with workdir.scratch(keep_build_dir, _scratch_cache()) as work:
        docs = _fresh_docs(work, docs_source)
        fill_settings(docs, base)
        # The find box's index in a process forked now: its entries (~70 MB nationally) never add to this one's peak.
        find_index = forks.start(lambda: write_find_index(docs, derived, ctx.units))
        write_home(docs, derived, len(ctx.units.communes), DAY_MARK)  # the day goes in before the engine
        write_guides(docs, guide_list)
        # Documents of the provinces to render only; the others' are in their reused pages' folders.
        rendering = derived if bundles is None else dataclasses.replace(derived, provinces=[
            province for province in derived.provinces if not bundles.has_province(province.code)])
        from ..documents import site as documents_site  # each commune's decision draft and report, cached
        documents = documents_site.write_commune_documents(ctx, rendering, docs, documents_site.cache_for(data_dir),
                                                           figures=figures, prune=rendering is derived, notes=taken.notes,
                                                           kinds=files)
        report.seconds["documents"] = documents.seconds
        spliced: list[shell.Page] = []
        report.provinces, report.communes, report.render_workers = write_data_pages(
            docs, derived, ctx, base_url, dashboards.Boards(figures, history), poster_pdf, documents.links, spliced,
            bundles, files)
        find_index()
        report.state.update(ctx=ctx, derived=derived, figures=figures, history=history, documents=documents.links,
                            base=base, base_url=base_url, docs_source=docs_source, guides=guide_list,
                            config_path=config_path, poster_pdf=poster_pdf, commune_files=files)
        dashboards.write_national(docs, figures, history.updated)
        dashboards.write_feeds(docs, derived, history, base_url)
        formdata.write_form_data(docs, ctx)
        report.guides = len(guide_list)
        # National list and the package as zips under 5 MB each, listed with their sizes on du-lieu-mo.
        # Dated by the data's last change, not the build's day: the list is reused on every day it holds for.
        national = downloads.write_national(docs / "du-lieu", lambda: downloads.national_rows(derived),
                                            {"updated": history.updated.isoformat()} if history.updated else {})
        packs = downloads.publish_packages(ctx.dataset, docs / "du-lieu", derived,
                                           *((bundles.keys.packages, bundles.store.root / "goi-du-lieu") if bundles else ()))
        downloads.write_listing(docs / "du-lieu-mo.md", derived, national, packs, TEAMS_CSV in files)
        # Link previews are files like the downloads: beside the pages, in the national group.
        standalone.write_previews(docs, derived, ctx.units, preview_cache or previews.default_cache())
        _copy_assets(docs / ASSETS)
        report.pages = sum(1 for _ in docs.rglob("*.md"))
        places = standalone.commune_places(derived, ctx.units)
        standalone_key = bundles.standalone_key(
            [(code, place.path, place.name, place.province) for code, place in places.items()],
            {commune.code for commune in derived.communes()}) if bundles is not None else ""
        communes = [render.commune_path(p, c) for p in derived.provinces for c in p.communes]
        if bundles is not None:
            bundles.save_rendered(docs)
            provinces = [[p.code, render.province_path(p)] for p in derived.provinces]
            # The national pages show every province's figures: they hold on the days all of those do.
            span = functools.reduce(datespan.Span.meet, map(ctx.province_span, ctx.units.provinces),
                                    datespan.span_of(ctx.today))
            bundles.store.save(reuse.NATIONAL, bundles.keys.national, docs, {
                "provinces": provinces, "pages": report.pages, "communes": report.communes, "guides": report.guides,
                "standalone": standalone_key, "span": span.as_json()},
                skip_top=frozenset(path.rstrip("/") for _code, path in provinces))
        lap("render")

        def write_standalone(staging: Path) -> None:
            if bundles is not None and bundles.store.has(reuse.STANDALONE, standalone_key):
                _restore_standalone(bundles, standalone_key, staging, report)  # no commune gained or lost data
                return
            report.communes += standalone.write_communes_without_data(staging, derived, ctx.units, base_url)
            report.redirects = standalone.write_redirects(staging, derived, ctx.units, base_url)
            if bundles is not None:
                bundles.store.save(reuse.STANDALONE, standalone_key, staging,
                                   {"communes": report.communes - len(communes), "redirects": report.redirects})

        _finish(report, work, docs, docs_source, site_dir, base, base_url, config_path, engine, spliced,
                write_standalone, communes, print_posters, preview_cache, chromium, lap, today)
        report.reuse = bundles.summary(national=False) if bundles is not None else None
    return report


def _scratch_cache() -> Path:
    from ..tablecheck import cache_dir

    return cache_dir().parent / "build"


def _fresh_docs(work: Path, docs_source: Path) -> Path:
    """The hand-written docs, in a docs folder with no other file (its empty folders may stay: see workdir.py)."""
    docs = work / "docs"
    workdir.clear_files(docs)
    shutil.copytree(docs_source, docs, dirs_exist_ok=True)
    return docs


def _restore_all(bundles: reuse.Bundles, docs: Path, report: BuildReport) -> tuple[list[shell.Page], list[str], str]:
    """Every group of an unchanged build linked back into the docs folder; the commune pages and paths, and the
    standalone group's key."""
    meta = bundles.store.restore(reuse.NATIONAL, bundles.keys.national, docs)
    spliced: list[shell.Page] = []
    communes: list[str] = []
    for code, _path in meta["provinces"]:
        communes += bundles.restore_province(code, docs, spliced)["communes"]
    report.pages, report.communes, report.guides = meta["pages"], meta["communes"], meta["guides"]
    report.provinces = len(meta["provinces"])
    return spliced, communes, meta["standalone"]


def _restore_standalone(bundles: reuse.Bundles, key: str, staging: Path, report: BuildReport) -> None:
    meta = bundles.store.restore(reuse.STANDALONE, key, staging)
    report.communes += meta["communes"]
    report.redirects = meta["redirects"]


def _finish(report: BuildReport, work: Path, docs: Path, docs_source: Path, site_dir: Path, base: dict,
            base_url: str, config_path: Path, engine: str, spliced: list[shell.Page],
            write_standalone: Callable[[Path], None], communes: list[str], print_posters: bool,
            preview_cache: Path | None, chromium: str | None, lap: Callable[[str], None], today: dt.date) -> None:
    """The engine over the docs folder, then what is written beside its output, posters, and the size."""
    stamp_day(docs, today)  # the home page's day: its bundle holds for many (pages.DAY_MARK)
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.dump(engine_config(base, docs, site_dir, config_path.parent), Dumper=_Dumper,
                                     allow_unicode=True, sort_keys=False), encoding="utf-8")
    aside = work / "static"
    workdir.clear_files(aside)
    workdir.set_aside(docs, docs_source, aside)
    report.spliced = run_engine_spliced(config_file, engine, docs, site_dir, spliced, work / "spliced", base_url)
    workdir.put_back(aside, site_dir)
    drop_unused(site_dir)  # the theme's source maps, other languages' search packs
    pwa.write_pwa(site_dir, base)
    lap("engine")
    staging = work / "standalone"  # written apart, so the reuse cache can keep exactly these files
    workdir.clear_files(staging)
    staging.mkdir(parents=True, exist_ok=True)
    write_standalone(staging)
    workdir.move_tree(str(staging), str(site_dir), lambda relative: True)
    lap("standalone")
    if print_posters:  # one Chromium prints what changed (about 0.2 s CPU a poster); the rest is cached
        report.state["posters"] = posters.print_pdfs(
            site_dir, communes, preview_cache.parent / "posters" if preview_cache else posters.default_cache(),
            base_url, chromium)
        lap("posters")
    report.size = sitesize.measure(site_dir)
