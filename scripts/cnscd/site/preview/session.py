"""The preview's state between edits: a changed file on disk → the few pages it touches, or findings to show.

One full build at start (`build_site`, its work folder kept). A province's changed CSV is read again into
the loaded package, which is validated by `cnscd validate`'s own run (only the provinces whose files
changed are checked, keys across all of them); the province is derived alone (its partition and the
national tables), and only its commune pages whose facts or figures changed are written again, through
the build's own page writers and MkDocs' own page machinery (engine.py). A changed guide is one page.
Anything else in data/ (units, policies, indicators, schemas) touches every province, and so does a
withdrawal wherever it is filed (it may hide a number in any province): a full rebuild.

Not refreshed until a full build: the national page «Số liệu», the find-your-village index, the theme's
search, documents (decision drafts, reports), previews and pages of communes that lost all their data.
"""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ... import package
from ...checks import Context
from ...consent import COUNTRY_WIDE_TABLES
from ...derive import Tally, derive
from ...figures import compute as compute_figures
from ...load import Dataset, Row, UnreadableData, read_csv
from ...model import Finding, errors
from ...validate import validate, warm_up
from .. import build, dashboards, guides, render
from .engine import LiveEngine

EVERY_PAGE = "*"


@dataclass
class Update:
    """What one batch of edits did: URL paths written again (EVERY_PAGE: all), and the CPU it took."""

    what: str
    paths: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0


class Session:
    """A built site kept up to date with edits to data/ and docs/ for as long as the preview runs."""

    def __init__(self, data_dir: Path, site_dir: Path, work_dir: Path, today: dt.date | None = None,
                 config_path: Path | None = None) -> None:
        self.data_dir, self.site_dir, self.work_dir = Path(data_dir).resolve(), Path(site_dir), Path(work_dir)
        self.today, self.config_path = today, config_path
        self.findings: dict[str, list[Finding]] = {}  # by source: "data", "docs/huong-dan/x.md", "preview"
        self.pending: set[str] = set()  # provinces edited since their pages were last written (data had errors)
        self._full_build()

    # ------------------------------------------------------------ start and full rebuild

    def _full_build(self) -> None:
        """Raises build.BuildRefused when the data or the guides have errors."""
        gc.unfreeze()  # what the last build left may be garbage now
        report = build.build_site(self.data_dir, self.site_dir, today=self.today, config_path=self.config_path,
                                  keep_build_dir=self.work_dir, keep_loaded=True)  # edits derive a province again
        state = report.state
        self.report, self.ctx, self.derived = report, state["ctx"], state["derived"]
        self.figures, self.history, self.documents = state["figures"], state["history"], state["documents"]
        self.base, self.base_url, self.poster_pdf = state["base"], state["base_url"], state["poster_pdf"]
        self.commune_files = state["commune_files"]
        self.docs_source = Path(state["docs_source"]).resolve()
        self.guides = {guide.source: guide for guide in state["guides"]}
        self.boards = dashboards.Boards(self.figures, self.history)
        self.dataset: Dataset = self.ctx.dataset
        self.rows_by_file: dict[str, list[Row]] = {}
        for rows in self.dataset.tables.values():
            for row in rows:
                self.rows_by_file.setdefault(row.file, []).append(row)
        self.engine = LiveEngine(self.work_dir / "mkdocs.yml")
        # Kept until the next full build: the collector need not walk these millions of objects during every
        # edit. And what the first edit's validation needs is imported now, not then.
        gc.collect()
        gc.freeze()
        warm_up()

    @property
    def docs(self) -> Path:
        return self.work_dir / "docs"

    def banner_findings(self) -> list[Finding]:
        return [finding for found in self.findings.values() for finding in found]

    # ------------------------------------------------------------ one batch of changed files

    def apply(self, changed: set[Path]) -> Update:
        """Bring the preview up to date with these changed (or removed) files; never raises on bad input."""
        clock = time.process_time()
        try:
            update = self._apply(changed)
        except build.BuildRefused as refused:  # a full rebuild refused: the last good site stays
            self.findings["data"] = refused.findings
            update = Update("dữ liệu có lỗi / data has errors", [EVERY_PAGE])
        except Exception as exc:  # a preview shows what went wrong instead of stopping
            self.findings["preview"] = [Finding(", ".join(sorted(p.name for p in changed)), None, None, "preview-failed",
                                                f"Không cập nhật được bản xem trước: {exc}",
                                                f"The preview could not be updated: {exc}")]
            update = Update(f"lỗi / failed: {exc}", [EVERY_PAGE])
        else:
            if self.findings.pop("preview", None):
                update.paths.append(EVERY_PAGE)
        update.cpu_seconds = round(time.process_time() - clock, 3)
        return update

    def _apply(self, changed: set[Path]) -> Update:
        provinces: dict[str, set[str]] = {}
        pages: list[Path] = []
        for path in sorted(changed):
            if path.is_relative_to(self.data_dir):
                relpath = path.relative_to(self.data_dir).as_posix()
                parts = relpath.split("/")
                if len(parts) == 3 and parts[0] == "provinces" and Path(parts[2]).stem in COUNTRY_WIDE_TABLES:
                    return self._rebuild()  # a withdrawal may hide a number in any province
                if len(parts) == 3 and parts[0] == "provinces" and package.PARTITION_DIR.match(parts[1]):
                    provinces.setdefault(parts[1], set()).add(relpath)
                elif path.suffix in (".csv", ".yaml", ".yml", ".json"):  # units, policies, schemas: everything
                    return self._rebuild()
            elif path.is_relative_to(self.docs_source):
                pages.append(path)
        update = self._data(provinces) if provinces else Update("", [])
        for path in pages:
            self._merge(update, self._doc(path))
        return update

    @staticmethod
    def _merge(total: Update, part: Update) -> None:
        total.what = f"{total.what}; {part.what}" if total.what else part.what
        total.paths += [path for path in part.paths if path not in total.paths]

    def _rebuild(self) -> Update:
        self._full_build()
        self.pending.clear()
        cleared = [key for key in self.findings if key != "preview" and not key.startswith("docs/")]
        for key in cleared:
            self.findings.pop(key)
        return Update("dựng lại toàn bộ / full rebuild", [EVERY_PAGE])

    def _set_findings(self, key: str, found: list[Finding]) -> bool:
        """Record a source's findings; True when the banner changes (every open page reloads to show it)."""
        before = self.findings.get(key)
        if found:
            self.findings[key] = found
        else:
            self.findings.pop(key, None)
        return before != (found or None)

    # ------------------------------------------------------------ a province's partition

    def _reread(self, relpaths: set[str]) -> list[Finding]:
        """Read the changed files of a partition again into the loaded dataset (the rest stays in memory)."""
        problems, tables = [], set()
        for relpath in sorted(relpaths):
            table = package.table_of(Path(relpath))
            if table not in package.PARTITIONED_TABLES:
                continue
            path = self.data_dir / relpath
            if path.is_file():
                try:
                    names, rows, records = read_csv(path, relpath)
                except UnreadableData as exc:
                    problems.append(Finding(relpath, None, None, "unreadable", str(exc), str(exc)))
                    continue
                self.rows_by_file[relpath] = rows
                self.dataset.headers[table][relpath] = names
                self.dataset.record_counts[relpath] = records
            else:
                self.rows_by_file.pop(relpath, None)
                self.dataset.headers[table].pop(relpath, None)
            tables.add(table)
        for table in tables:
            files = package.table_files(self.data_dir, table)
            self.dataset.headers[table] = {f: self.dataset.headers[table][f] for f in files if f in self.dataset.headers[table]}
            self.dataset.tables[table] = [row for f in files for row in self.rows_by_file.get(f, [])]
        return problems

    def _sub_dataset(self, dirname: str) -> Dataset:
        """Unit and national tables plus one province's partition: all that its checks and facts need."""
        prefix = f"provinces/{dirname}/"
        sub = Dataset(self.dataset.root)
        for table in package.TABLES:
            partitioned = table in package.PARTITIONED_TABLES
            files = [f for f in self.dataset.headers.get(table, {}) if not partitioned or f.startswith(prefix)]
            sub.headers[table] = {f: self.dataset.headers[table][f] for f in files}
            sub.tables[table] = ([row for f in files for row in self.rows_by_file.get(f, [])] if partitioned
                                 else self.dataset.tables[table])
            sub.record_counts.update({f: self.dataset.record_counts.get(f, 0) for f in files})
        return sub

    def _data(self, provinces: dict[str, set[str]]) -> Update:
        """Edited partitions: read again, the package validated (`cnscd validate`'s own run, which checks only the
        provinces whose files changed and keys across all of them), then each edited province's pages written."""
        what = "; ".join(f"{dirname}: " + ", ".join(sorted(Path(r).name for r in relpaths))
                         for dirname, relpaths in sorted(provinces.items()))
        problems = [problem for relpaths in provinces.values() for problem in self._reread(relpaths)]
        self.pending.update(provinces)
        if not problems:
            problems = errors(validate(self.data_dir, self.ctx.today))
        if problems:  # the last good pages stay; the edited provinces are written once the data is valid again
            return Update(what + " — có lỗi / has errors", [EVERY_PAGE] if self._set_findings("data", problems) else [])
        update = Update(what, [EVERY_PAGE] if self._set_findings("data", []) else [])
        for dirname in sorted(self.pending):
            self._merge(update, self._province(dirname))
        self.pending.clear()
        return update

    def _province(self, dirname: str) -> Update:
        code = dirname[:2]
        ctx = Context(self._sub_dataset(dirname), self.ctx.today, self.ctx.units)
        derived = derive(ctx)
        figures = compute_figures(ctx, derived)
        new = next(p for p in derived.provinces if p.code == code)
        index = next(i for i, p in enumerate(self.derived.provinces) if p.code == code)
        old, old_figures = self.derived.provinces[index], self.figures.provinces.get(code)
        new_figures = figures.provinces.get(code)
        before = {c.code: c for c in old.communes}

        def figures_of(board, commune_code: str):
            return board.communes.get(commune_code) if board is not None else None

        changed = [c for c in new.communes if before.get(c.code) != c
                   or figures_of(old_figures, c.code) != figures_of(new_figures, c.code)]
        self.derived.provinces[index] = new
        self.derived.tally = Tally()
        for province in self.derived.provinces:
            self.derived.tally.add(province.tally)
        if new_figures is not None:
            self.figures.provinces[code] = new_figures
        others = build.communes_without_data(self.derived, self.ctx.units)
        build.write_province_page(self.docs, self.derived, new, others.get(code, []), self.boards)
        written = [render.province_path(new) + "index.md"]
        for commune in changed:
            written += build.write_commune_page(self.docs, self.derived, new, commune, self.base_url, self.boards,
                                                self.poster_pdf, self.documents, files=self.commune_files)
        paths = [self.engine.render(page) for page in written]
        for page in written:  # the downloads and QR codes beside each page
            folder = self.docs / page.rsplit("/", 1)[0]
            for item in folder.iterdir():
                if item.is_file() and item.suffix != ".md":
                    self.engine.copy(item.relative_to(self.docs).as_posix())
        paths.append(self._home())
        return Update(f"{len(changed)} xã / communes", paths)

    def _home(self) -> str:
        """The home page's national figures follow the provinces."""
        source = self.docs_source / "index.md"
        if source.is_file():
            shutil.copyfile(source, self.docs / "index.md")
        else:
            (self.docs / "index.md").unlink(missing_ok=True)
        build.write_home(self.docs, self.derived, len(self.ctx.units.communes))
        return self.engine.render("index.md")

    # ------------------------------------------------------------ guides and hand-written pages

    def _doc(self, path: Path) -> Update:
        relpath = path.relative_to(self.docs_source).as_posix()
        key = f"{self.docs_source.name}/{relpath}"
        if relpath.startswith("huong-dan/") and relpath.endswith(".md") and relpath != "huong-dan/index.md":
            return self._guide(path, relpath, key)
        if not path.is_file():
            return Update(f"{relpath}: đã xoá / removed (còn đến lần dựng sau / kept until the next build)")
        target = self.docs / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix != ".md":
            shutil.copyfile(path, target)
            return Update(relpath, [self.engine.copy(relpath)])
        with tempfile.TemporaryDirectory() as folder:  # the build's own placeholder filling, on this page alone
            alone = Path(folder) / relpath
            alone.parent.mkdir(parents=True)
            shutil.copyfile(path, alone)
            build.fill_settings(Path(folder), self.base)
            shutil.copyfile(alone, target)
        if relpath == "index.md":
            return Update(relpath, [self._home()])
        return Update(relpath, [self.engine.render(relpath)])

    def _guide(self, path: Path, relpath: str, key: str) -> Update:
        if path.is_file():
            guide = guides.load_guide(self.docs_source, path)
            problems = errors(guide.findings)
            if problems:
                return Update(f"{relpath} — có lỗi / has errors", [EVERY_PAGE] if self._set_findings(key, problems) else [])
            self.guides[relpath] = guide
        else:
            self.guides.pop(relpath, None)
        banner_cleared = self._set_findings(key, [])
        items = [self.guides[source] for source in sorted(self.guides)]
        if not (self.docs_source / "huong-dan" / "index.md").exists():  # the generated list of guides
            (self.docs / "huong-dan" / "index.md").unlink(missing_ok=True)
        build.write_guides(self.docs, items)
        paths = [self.engine.render("huong-dan/index.md")]
        if relpath in self.guides:
            paths.append(self.engine.render(relpath))
        return Update(relpath, paths + ([EVERY_PAGE] if banner_cleared else []))
