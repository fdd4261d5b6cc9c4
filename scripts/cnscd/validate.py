"""Validate the whole package: headers, frictionless (types, constraints), keys, then domain rules."""

from __future__ import annotations

import ast
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import filedigest, locality, package
from .checks import Context, all_checks, run_checks
from .datespan import Span, Today
from .load import Dataset, UnreadableData, load
from .load import schema as load_schema
from .model import Finding, Severity
from .tablecheck import cache_dir, check_cells, check_keys


def check_headers(dataset: Dataset) -> list[Finding]:
    """Every file of a table has the schema's columns in the schema's order.

    Frictionless reads a multipart resource's later headers blindly, so this is checked here.
    """
    found = []
    for table in package.TABLES:
        expected = package.field_names(load_schema(dataset.root, table))
        for relpath, names in dataset.headers.get(table, {}).items():
            if names != expected:
                found.append(Finding(
                    relpath, 1, None, "header-mismatch",
                    f"Tiêu đề cột phải là: {','.join(expected)} (đang là: {','.join(names)})",
                    f"The header must be: {','.join(expected)} (is: {','.join(names)})"))
    return found


def check_frictionless(dataset: Dataset) -> list[Finding]:
    """Types, constraints (frictionless, per file, cached), primary and foreign keys across partitions."""
    return check_cells(dataset) + check_keys(dataset)


# Rules whose finding on a row depends only on that row, rows sharing a key value with it (the joins
# `locality.groups` lists), the national tables and today. A rule not listed here turns incremental
# validation off (every run is then a full run) until someone checks it and adds it.
LOCAL_RULES = frozenset({
    "cnscd.checks.check_text_cells", "cnscd.checks.check_leader_and_deputy", "cnscd.checks.check_team_size",
    "cnscd.checks.check_duplicate_members", "cnscd.checks.check_phones", "cnscd.checks.check_dates",
    "cnscd.checks.check_reports", "cnscd.unitchecks.check_unit_references", "cnscd.unitchecks.check_abolished_units",
    "cnscd.unitchecks.check_village_commune", "cnscd.unitchecks.check_partitions", "cnscd.unitchecks.check_spelling_variants",
    "cnscd.consent.check_consent_evidence", "cnscd.consent.check_withdrawals", "cnscd.contact.check_contact_in_text",
})
_FORMAT = "3"  # bump when what a cached result means changes
NATIONAL = ""  # the scope of the unit and national tables; every other scope is one province's folder


def rule_names() -> set[str]:
    return {f"{check.__module__}.{check.__qualname__}" for check in all_checks()}


# Where validation starts; the modules they import (followed through the source) are the code a result depends on.
_VALIDATION_MODULES = ("validate", "scopes", "locality", "tablecheck", "checks", "unitchecks", "consent", "contact", "load",
                       "package")


def _source_closure(start: tuple[str, ...]) -> list[Path]:
    """This package's modules that the given ones import, directly or not (relative imports, read with `ast`)."""
    here = Path(__file__).parent
    todo, seen, found = list(start), set(), []
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = here / (name.replace(".", "/") + ".py")
        package_parts = name.split(".")[:-1]
        if not path.is_file():
            path = here / name.replace(".", "/") / "__init__.py"
            package_parts = name.split(".")
            if not path.is_file():
                continue  # a function or class imported by name, not a module
        found.append(path)
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package_parts[:len(package_parts) - node.level + 1]
                module = base + (node.module.split(".") if node.module else [])
                todo.append(".".join(module))
                todo += [".".join([*module, alias.name]) for alias in node.names]
    return sorted(found)


@functools.cache
def code_digest() -> str:
    """The validation code as this process found it: a result is reused only by the code that produced it.

    Only the modules validation runs are hashed, so editing a page template or the site builder keeps the cache.
    """
    code = hashlib.sha256()
    here = Path(__file__).parent
    for path in _source_closure(_VALIDATION_MODULES):
        code.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    return code.hexdigest()


@dataclass
class Plan:
    """What a validation depends on, hashed once: every file's bytes, the code and the mode.

    The date is not in the keys: each result carries the days it holds for (`datespan`), so unchanged data
    is not validated again the next morning unless a date in it was crossed. A file whose `stat` is unchanged
    since an earlier run is not read again (`filedigest`).
    """

    root: Path
    today: dt.date
    schema: bool
    digests: dict[str, str]
    scopes: dict[str, list[str]]
    common: str
    whole: str

    @classmethod
    def of(cls, root: Path, today: dt.date, schema: bool) -> Plan:
        root = Path(root)
        digests = filedigest.digests(root, [path.relative_to(root).as_posix()
                                            for path in sorted(root.glob("**/*")) if path.is_file()])
        head = (f"{_FORMAT}\0{schema}\0{importlib.metadata.version('frictionless')}\0"
                f"{code_digest()}\0{','.join(sorted(rule_names()))}\0")
        scopes: dict[str, list[str]] = {NATIONAL: []}
        for table in package.TABLES:
            for relpath in package.table_files(root, table):
                name = relpath.split("/")[1] if package.partition_of(relpath) else NATIONAL
                scopes.setdefault(name, []).append(relpath)
        national = [relpath for relpath in digests if not relpath.startswith("provinces/")]
        common = hashlib.sha256((head + "".join(f"{r}\0{digests[r]}\0" for r in national)).encode()).hexdigest()
        whole = hashlib.sha256((head + "".join(f"{r}\0{d}\0" for r, d in digests.items())).encode()).hexdigest()
        return cls(root, today, schema, digests, scopes, common, whole)

    def scope_key(self, name: str) -> str:
        files = "".join(f"{relpath}\0{self.digests[relpath]}\0" for relpath in self.scopes[name])
        return hashlib.sha256(f"{self.common}\0{name}\0{files}".encode()).hexdigest()

    def national_digest(self) -> str:
        """The national tables' bytes alone: a worker reads them again only when this changes."""
        files = "".join(f"{relpath}\0{self.digests[relpath]}\0" for relpath in self.scopes[NATIONAL])
        return hashlib.sha256(files.encode()).hexdigest()

    def size(self, name: str) -> int:
        return sum((self.root / relpath).stat().st_size for relpath in self.scopes[name])


def _result_file(key: str, kind: str = "results") -> Path:
    return cache_dir() / kind / f"{key}.json"


def _findings(items: list[dict]) -> list[Finding]:
    return [Finding(**{**item, "severity": Severity(item["severity"])}) for item in items]


def _stored(path: Path, today: dt.date) -> dict | None:
    """A stored result (`findings`, `span`, …) if there is one and it holds on `today`."""
    if not path.is_file():
        return None
    result = json.loads(path.read_text(encoding="utf-8"))
    return result if Span.from_json(result["span"]).holds(today) else None


def _store(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def _store_whole(key: str, findings: list[Finding], span: Span) -> None:
    _store(_result_file(key), {"findings": [f.as_dict() for f in findings], "span": span.as_json()})


class _Explain:
    """`CNSCD_EXPLAIN=1`: say on stderr which path a validation took and what each stage cost."""

    def __init__(self) -> None:
        self.on = bool(os.environ.get("CNSCD_EXPLAIN"))
        self.clock = time.perf_counter(), time.process_time()

    def __call__(self, message: str) -> None:
        if self.on:
            wall, cpu = time.perf_counter() - self.clock[0], time.process_time() - self.clock[1]
            print(f"[validate {wall:7.2f} s wall, {cpu:6.2f} s cpu] {message}", file=sys.stderr, flush=True)


def validate(root: Path, today: dt.date | None = None, schema: bool = True, dataset: Dataset | None = None,
             ctx: Context | None = None, meanwhile: Callable[[], Dataset] | None = None) -> list[Finding]:
    """All findings, sorted by file and row; raises UnreadableData when the package cannot be read.

    An unchanged package is answered from the cache, on any day its result holds for. Otherwise each
    province whose files (or the national tables or the code) changed, or whose result does not hold today,
    is validated on its own, on every core, and the
    others are taken from the cache; when a key value is shared between provinces, the whole package
    is validated at once, so the answer is always that of a full run. `dataset` (already loaded, as
    in the build) is used for that full run instead of loading again. `meanwhile` runs in this process while
    the workers check (the build loads the package then); the dataset it returns serves a full run too.
    """
    today = today or dt.date.today()
    explain = _Explain()
    plan = Plan.of(Path(root), today, schema)
    path = _result_file(plan.whole)
    loaded: list[Dataset] = [] if dataset is None else [dataset]

    def then() -> None:
        if meanwhile is not None:
            loaded.insert(0, meanwhile())

    stored = _stored(path, today)
    if stored is not None:
        explain("unchanged: answered from the cache")
        then()
        return _findings(stored["findings"])
    if not (plan.root / package.DESCRIPTOR).is_file():
        raise UnreadableData(f"{plan.root / package.DESCRIPTOR}: không tìm thấy / not found")
    found = _by_province(plan, explain, then) if rule_names() <= LOCAL_RULES else None
    if found is None:
        if meanwhile is not None and not loaded:
            then()
        whole = loaded[0] if loaded else None
        if whole is None or whole.released:  # a build lets its report rows go once summed: read them again
            whole, ctx = load(plan.root), None
        watched = Today(today)
        findings = validate_dataset(whole, watched, schema, ctx)
        # A context made before (the build's) holds a plain date: its result is kept for today only.
        found = findings, (watched.span if ctx is None else Span.only(today))
        explain("full run done")
    _store_whole(plan.whole, *found)
    return found[0]


def _by_province(plan: Plan, explain: _Explain, then: Callable[[], None]) -> tuple[list[Finding], Span] | None:
    """Findings put together province by province, and the days they hold for; None when a full run is needed."""
    from . import scopes

    schemas = {table: load_schema(plan.root, table) for table in package.TABLES}
    found_groups = locality.groups(schemas)
    if found_groups is None:
        explain("a national table refers to province rows: full run")
        then()
        return None
    results: dict[str, dict] = {}
    missing = []
    for name in plan.scopes:
        stored = _stored(_result_file(plan.scope_key(name), "scopes"), plan.today)
        if stored is not None:
            results[name] = stored
        else:
            missing.append(name)
    explain(f"{len(plan.scopes) - len(missing)} of {len(plan.scopes)} parts cached; checking {len(missing)}: "
            + ", ".join(name or "national tables" for name in missing[:5]) + (" …" if len(missing) > 5 else ""))
    worker_cpu = 0.0
    for name, result in scopes.evaluate_all(plan, missing, found_groups, then):
        _store(_result_file(plan.scope_key(name), "scopes"), result)
        results[name] = result
        worker_cpu += result["cpu_seconds"]
    explain(f"parts checked ({worker_cpu:.2f} s cpu in them)")
    clash = locality.conflict({name: result["summaries"].values() for name, result in results.items() if name},
                              found_groups)
    if clash:
        explain(f"provinces share a key ({clash}): full run")
        return None
    found = {finding for result in results.values() for finding in _findings(result["findings"])}
    span = Span()
    for result in results.values():
        span = span.meet(Span.from_json(result["span"]))
    return sorted(found, key=order), span


def order(finding: Finding) -> tuple:
    """By file and row; ties broken by the whole finding, so two runs (or a run in parts) list them alike."""
    return (finding.file, finding.row or 0, finding.field or "", finding.code, finding.message_vi, finding.message_en,
            str(finding.severity))


def validate_dataset(dataset: Dataset, today: dt.date, schema: bool = True, ctx: Context | None = None) -> list[Finding]:
    findings = check_headers(dataset)
    if schema:
        findings += check_frictionless(dataset)
    findings += run_checks(dataset, today, ctx)
    return sorted(set(findings), key=order)


def warm_up() -> None:
    """Import what checking a changed province needs, so a process that stays up (the preview) pays for it at start,
    not at its first edit (frictionless takes 0.3 s to import, seconds in a process holding the whole country)."""
    import frictionless  # noqa: F401


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)
