"""Site downloads: each commune's decision draft (DOCX) and latest report (DOCX, XLSX), those the site offers.

Rendering thousands of documents on every build is too slow at national scale, so each document is
keyed by a hash of what it shows (the commune's roster or report figures) and its template version,
kept in a cache folder outside the site, and rendered again only when that hash changes. The hash
leaves out the build date: a reused report keeps the date it was made, when its figures were the same.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import Context
from ..derive import Derived
from ..figures import Figures, compute
from ..site import communefiles, forks
from ..site.render import commune_path
from ..site.workdir import link  # a hard link, a copy across disks
from . import decision, report, report_files
from .roster import Rosters

FOLDER = "van-ban"  # beside the commune page: links are relative to it
CACHE_ENV = "CNSCD_DOCUMENT_CACHE"
PARALLEL_FROM = 300  # below this many documents, starting workers costs more than it saves
BATCH = 3000  # documents planned, rendered and placed together, whole provinces at a time
REPORT_FORMATS = ((communefiles.REPORT_DOCX, ".docx"), (communefiles.REPORT_XLSX, ".xlsx"))


def cache_for(data_dir: Path) -> Path:
    """`$CNSCD_DOCUMENT_CACHE`, else `.cache/cnscd/documents/` beside the data folder (never inside the site)."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(data_dir).resolve().parent / ".cache" / "cnscd" / "documents"


@dataclass
class DocumentStats:
    communes: int = 0
    written: int = 0  # documents rendered in this build
    reused: int = 0  # copied from the cache unchanged
    workers: int = 1  # processes that rendered them
    seconds: float = 0.0
    links: dict[str, dict[str, str]] = field(default_factory=dict)


def names(code: str, period: str | None) -> dict[str, str]:
    """File names of a commune's documents; the report names its period."""
    found = {"decision": f"du-thao-quyet-dinh-{code}.docx"}
    if period:
        found["report_docx"] = f"bao-cao-{code}-{period}.docx"
        found["report_xlsx"] = f"bao-cao-{code}-{period}.xlsx"
    return found


def _fields(value: object) -> object:
    """A nested dataclass's fields for json (dataclasses.asdict deep-copies everything: 3× slower here)."""
    return vars(value) if dataclasses.is_dataclass(value) else str(value)


def digest(content: object, version: str) -> str:
    """Hash of what a document shows (a dataclass) and of its template version."""
    data = {name: value for name, value in vars(content).items() if name != "today"}
    payload = json.dumps(data, default=_fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{version}\n{payload}".encode()).hexdigest()[:20]


@dataclass
class _Job:
    """One document (or the DOCX+XLSX pair of a report) to render into the cache."""

    kind: str  # decision | report
    content: object  # a CommuneRoster or a report.Report
    paths: dict[str, Path]  # suffix → final cache path (a report: the formats the site offers)


def _render(job: _Job) -> None:
    """Render one job. Written under a name of this process, then renamed: builds sharing a cache never
    see half a file; older versions of the same document are removed afterwards."""
    partial = {suffix: path.with_name(f"{path.name}.{os.getpid()}.part") for suffix, path in job.paths.items()}
    if job.kind == "decision":
        partial[".docx"].write_bytes(decision.decision_bytes(job.content))
    else:
        for suffix, write in ((".docx", report_files.docx_bytes), (".xlsx", report_files.xlsx_bytes)):
            if suffix in partial:
                partial[suffix].write_bytes(write(job.content))
    for suffix, path in job.paths.items():
        os.replace(partial[suffix], path)
        for stale in path.parent.glob(f"{job.kind}-*{suffix}"):
            if stale != path:
                stale.unlink(missing_ok=True)


def _render_all(jobs: list[_Job], workers: int) -> int:
    """Render in this process, or, for a national cold build, across forked workers in slices."""
    if len(jobs) < PARALLEL_FROM:
        workers = 1
    step = max(1, len(jobs) // (workers * 8))

    def render_slice(start: int) -> None:
        for job in jobs[start:start + step]:
            _render(job)

    return forks.fork_map(render_slice, range(0, len(jobs), step), workers)[1] if jobs else 1


def _prune(cache_dir: Path, used: set[Path]) -> None:
    """Drop cached documents this build no longer offers: a roster the data gave up (a withdrawn phone,
    a dissolved team) does not linger on the build machine either."""
    for pattern in ("*/decision-*.docx", "*/report-*.docx", "*/report-*.xlsx"):
        for path in cache_dir.glob(pattern):
            if path not in used:
                path.unlink(missing_ok=True)


def write_commune_documents(ctx: Context, derived: Derived, docs_dir: Path, cache_dir: Path,
                            figures: Figures | None = None, workers: int | None = None,
                            prune: bool = True, notes: report.Notes | None = None,
                            kinds: frozenset[str] = communefiles.ALL) -> DocumentStats:
    """Put every commune's documents of `kinds` (site/communefiles.py) in `<commune page>/van-ban/`; `stats.links`
    maps a commune code to the URLs relative to its page: `decision`, and when the province has a period due
    `report_docx`, `report_xlsx` and `period_label`. `workers` defaults to `forks.default_workers()`. `prune=False` when `derived`
    holds only some provinces (the others' pages are reused): their cached documents stay. `notes`: the reports'
    notes (`report.notes_index`), when the build took them before letting the report rows go."""
    started = time.perf_counter()
    figures = compute(ctx, derived) if figures is None else figures
    rosters = Rosters(ctx)  # each made when its commune's turn comes
    notes = report.notes_index(ctx) if notes is None else notes
    stats = DocumentStats()
    misses: list[_Job] = []
    placements: list[tuple[_Job, str, Path]] = []  # (job, suffix, target in the docs folder), of one batch
    used: set[Path] = set()

    def plan(kind: str, content: object, version: str, cache: Path, suffixes: tuple[str, ...]) -> _Job:
        key = digest(content, version)
        job = _Job(kind, content, {suffix: cache / f"{kind}-{key}{suffix}" for suffix in suffixes})
        if all(path.is_file() for path in job.paths.values()):
            stats.reused += len(job.paths)
        else:
            cache.mkdir(parents=True, exist_ok=True)
            misses.append(job)
            stats.written += len(job.paths)
        return job

    def place() -> None:
        """Render the batch's missing documents and link the batch into the site; its contents are then let go
        (a national cold build held 10,000 documents' contents at once: about 180 MB)."""
        stats.workers = max(stats.workers, _render_all(misses, forks.default_workers() if workers is None else workers))
        for job, suffix, target in placements:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                link(job.paths[suffix], target)
            except FileNotFoundError:  # another build sharing the cache replaced it meanwhile: render it again
                _render(job)
                link(job.paths[suffix], target)
            used.add(job.paths[suffix])
        misses.clear()
        placements.clear()

    for province in derived.provinces:
        period = figures.provinces[province.code].due_period if province.code in figures.provinces else None
        for commune in province.communes:
            stats.communes += 1
            folder = docs_dir / commune_path(province, commune) / FOLDER
            cache = cache_dir / commune.code
            files = names(commune.code, period)
            links: dict[str, str] = {}
            roster = rosters.get(commune.code)  # let go with its batch
            if roster is not None and communefiles.DECISION_DOCX in kinds:
                job = plan("decision", roster, decision.TEMPLATE_VERSION, cache, (".docx",))
                placements.append((job, ".docx", folder / files["decision"]))
                links["decision"] = f"{FOLDER}/{files['decision']}"
            offered = [(kind, suffix) for kind, suffix in REPORT_FORMATS if kind in kinds]
            if period and offered:
                content = report.build_report(ctx, figures, period, commune=commune.code, notes=notes)
                job = plan("report", content, report.TEMPLATE_VERSION, cache, tuple(suffix for _kind, suffix in offered))
                for kind, suffix in offered:
                    placements.append((job, suffix, folder / files[kind]))
                    links[kind] = f"{FOLDER}/{files[kind]}"
                links["period_label"] = content.period_text
            stats.links[commune.code] = links
        if len(placements) >= BATCH:
            place()
    place()
    if prune:
        _prune(cache_dir, used)
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats
