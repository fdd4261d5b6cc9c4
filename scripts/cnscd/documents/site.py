"""Site downloads: each commune's decision draft (DOCX) and latest report (DOCX, XLSX).

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
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import Context
from ..derive import Derived
from ..figures import Figures, compute
from ..site.render import commune_path
from . import decision, report, report_files
from .roster import all_rosters

FOLDER = "van-ban"  # beside the commune page: links are relative to it
CACHE_ENV = "CNSCD_DOCUMENT_CACHE"


def cache_for(data_dir: Path) -> Path:
    """`$CNSCD_DOCUMENT_CACHE`, else `.cache/cnscd/documents/` beside the data folder (never inside the site)."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path(data_dir).resolve().parent / ".cache" / "cnscd" / "documents"


@dataclass
class DocumentStats:
    communes: int = 0
    written: int = 0  # documents rendered in this build
    reused: int = 0  # copied from the cache unchanged
    seconds: float = 0.0
    links: dict[str, dict[str, str]] = field(default_factory=dict)


def names(code: str, period: str | None) -> dict[str, str]:
    """File names of a commune's documents; the report names its period."""
    found = {"decision": f"du-thao-quyet-dinh-{code}.docx"}
    if period:
        found["report_docx"] = f"bao-cao-{code}-{period}.docx"
        found["report_xlsx"] = f"bao-cao-{code}-{period}.xlsx"
    return found


def digest(content: object, version: str) -> str:
    """Hash of what a document shows (a dataclass) and of its template version."""
    data = dataclasses.asdict(content)
    data.pop("today", None)
    payload = json.dumps(data, default=str, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{version}\n{payload}".encode()).hexdigest()[:20]


def _cached(folder: Path, kind: str, key: str, suffixes: tuple[str, ...],
            render: Callable[[dict[str, Path]], None], stats: DocumentStats) -> dict[str, Path]:
    """Paths of the cached files for this key, rendered first when missing; stale versions removed."""
    paths = {suffix: folder / f"{kind}-{key}{suffix}" for suffix in suffixes}
    if all(path.is_file() for path in paths.values()):
        stats.reused += len(paths)
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    # Written under a name of this process, then renamed: two builds sharing a cache never see half a file.
    partial = {suffix: path.with_name(f"{path.name}.{os.getpid()}.part") for suffix, path in paths.items()}
    render(partial)
    for suffix, path in paths.items():
        os.replace(partial[suffix], path)
    for suffix in suffixes:
        for stale in folder.glob(f"{kind}-*{suffix}"):
            if stale != paths[suffix]:
                stale.unlink(missing_ok=True)
    stats.written += len(paths)
    return paths


def write_commune_documents(ctx: Context, derived: Derived, docs_dir: Path, cache_dir: Path,
                            figures: Figures | None = None) -> DocumentStats:
    """Put every commune's documents in `<commune page>/van-ban/`; `stats.links` maps a commune code to the
    URLs relative to its page: `decision`, and when the province has a period due `report_docx`,
    `report_xlsx` and `period_label`."""
    started = time.perf_counter()
    figures = compute(ctx, derived) if figures is None else figures
    rosters = all_rosters(ctx)
    notes = report.notes_index(ctx)
    stats = DocumentStats()
    for province in derived.provinces:
        period = figures.provinces[province.code].due_period if province.code in figures.provinces else None
        for commune in province.communes:
            stats.communes += 1
            folder = docs_dir / commune_path(province, commune) / FOLDER
            folder.mkdir(parents=True, exist_ok=True)
            cache = cache_dir / commune.code
            files = names(commune.code, period)
            links: dict[str, str] = {}
            roster = rosters.get(commune.code)
            if roster is not None:
                made = _cached(cache, "decision", digest(roster, decision.TEMPLATE_VERSION), (".docx",),
                               lambda paths, roster=roster: decision.write_decision(roster, paths[".docx"]), stats)
                shutil.copyfile(made[".docx"], folder / files["decision"])
                links["decision"] = f"{FOLDER}/{files['decision']}"
            if period:
                content = report.build_report(ctx, figures, period, commune=commune.code, notes=notes)
                made = _cached(cache, "report", digest(content, report.TEMPLATE_VERSION), (".docx", ".xlsx"),
                               lambda paths, content=content: _write_report(content, paths), stats)
                for kind, suffix in (("report_docx", ".docx"), ("report_xlsx", ".xlsx")):
                    shutil.copyfile(made[suffix], folder / files[kind])
                    links[kind] = f"{FOLDER}/{files[kind]}"
                links["period_label"] = content.period_text
            stats.links[commune.code] = links
    stats.seconds = round(time.perf_counter() - started, 3)
    return stats


def _write_report(content: report.Report, paths: dict[str, Path]) -> None:
    report_files.build_docx(content).save(str(paths[".docx"]))
    report_files.build_xlsx(content).save(str(paths[".xlsx"]))
