"""Validate the package one part at a time: the national tables, then each province with them.

A part is checked by the same code as the whole package (headers, frictionless, keys, domain rules),
over the national tables plus that province's files, keeping the findings located in its own files.
Parts run on every core; each worker reads the national tables once. Memory stays that of one
province per worker, not of the country.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from . import locality, package
from .load import Dataset, Row, load
from .units import Units

if TYPE_CHECKING:
    from .validate import Plan

_MIN_PARALLEL_BYTES = 4 << 20  # below this, starting processes costs more than it saves
_national_cache: dict[tuple[str, str], tuple[Dataset, Units]] = {}


def _national(root: str, files: tuple[str, ...], digest: str) -> tuple[Dataset, Units]:
    """The unit and national tables and their lookups, made once per process for the same bytes (`digest`)."""
    key = (root, digest)
    if key not in _national_cache:
        _national_cache.clear()
        dataset = load(Path(root), files)
        _national_cache[key] = dataset, Units.from_dataset(dataset)
    return _national_cache[key]


def evaluate(root: str, name: str, files: list[str], national_files: tuple[str, ...], national_digest: str,
             today_iso: str, schema: bool, found_groups: list[locality.Group], digests: dict[str, str] | None = None) -> dict:
    """Findings located in this part's files, its files' key summaries and the days they hold for (JSON-ready)."""
    import datetime as dt
    import time

    started = time.process_time()
    from .checks import Context, run_checks
    from .datespan import Today
    from .tablecheck import check_cells, check_keys
    from .validate import check_headers

    base, units = _national(root, national_files, national_digest)
    if name:
        part = load(Path(root), files)
        # The national tables are there to be looked up; their own rows are checked in the national part.
        dataset = Dataset(base.root, lookup_only=frozenset(package.UNIT_TABLES + package.NATIONAL_TABLES))
        for table in package.TABLES:
            source = part if table in package.PARTITIONED_TABLES else base
            dataset.tables[table] = source.tables.get(table, [])
            dataset.headers[table] = source.headers.get(table, {}) if source is part else {}
        dataset.record_counts = dict(part.record_counts)
    else:
        dataset = base
    today = Today(dt.date.fromisoformat(today_iso))
    mine = set(files)
    findings = check_headers(dataset)
    if schema:
        findings += check_cells(dataset, files=files, workers=1, digests=digests) + check_keys(dataset)
    findings += run_checks(dataset, today, Context(dataset, today, units))
    summaries = {}
    if name:
        rows_by_file: dict[str, list[Row]] = {relpath: [] for relpath in files}
        table_of: dict[str, str] = {}
        for table in package.PARTITIONED_TABLES:
            for relpath in dataset.headers.get(table, {}):
                table_of[relpath] = table
            for row in dataset.rows(table):
                rows_by_file[row.file].append(row)
        summaries = locality.summarise(rows_by_file, table_of, found_groups)
    return {"findings": [f.as_dict() for f in set(findings) if f.file in mine], "summaries": summaries,
            "span": today.span.as_json(), "cpu_seconds": round(time.process_time() - started, 3)}


def _pool(workers: int) -> ProcessPoolExecutor:
    """Forked workers that never touch what the parent holds (the build loads the country meanwhile): freezing the
    inherited objects keeps the collector from writing to, and so copying, their pages. A process with threads
    (the intake service) must not fork; its workers come from a fresh server process instead."""
    if threading.active_count() > 1:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["cnscd.scopes"])
        return ProcessPoolExecutor(max_workers=workers, mp_context=context)
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=gc.freeze)


def evaluate_all(plan: Plan, names: list[str], found_groups: list[locality.Group],
                 meanwhile: Callable[[], None]) -> Iterator[tuple[str, dict]]:
    """Each named part's result, biggest parts first, on every core when there is enough to do; `meanwhile` runs
    here once the workers have started (the build loads the package then), or first when there are none."""
    national = tuple(plan.scopes[""])
    sizes = {name: plan.size(name) for name in names}
    order = sorted(names, key=lambda name: -sizes[name])
    args = (str(plan.root),)
    tail = (national, plan.national_digest(), plan.today.isoformat(), plan.schema, found_groups)
    workers = min(os.cpu_count() or 1, len(order))

    def digests(name: str) -> dict[str, str]:
        return {relpath: plan.digests[relpath] for relpath in plan.scopes[name]}

    if workers > 1 and sum(sizes.values()) >= _MIN_PARALLEL_BYTES:
        with _pool(workers) as pool:
            futures = [(name, pool.submit(evaluate, *args, name, plan.scopes[name], *tail, digests(name)))
                       for name in order]
            meanwhile()
            for name, future in futures:
                yield name, future.result()
    else:
        meanwhile()
        for name in order:
            yield name, evaluate(*args, name, plan.scopes[name], *tail, digests(name))
