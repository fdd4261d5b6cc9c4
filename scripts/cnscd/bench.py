"""`cnscd bench`: time each stage on synthetic nationwide data and print the figures.

Speed is measured here, never asserted in tests: the numbers go into issue notes and README.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _timed(label: str, func: Callable[[], Any], figures: list[tuple[str, float, str]], note: str = "") -> Any:
    start = time.perf_counter()
    result = func()
    figures.append((label, time.perf_counter() - start, note))
    print(f"  {label:<42} {figures[-1][1]:8.2f} s  {note}", flush=True)
    return result


def make_nationwide(target: Path, source: Path, villages_per_commune: int, communes: int, report_months: int,
                    indicators: int, today: dt.date) -> None:
    """A synthetic country: every 2025 province, `communes` communes each (0 = all), real unit tables."""
    from .synth import synthesize

    synthesize("national", target, source, today=today, villages_per_commune=villages_per_commune,
               communes=communes, report_months=report_months, indicators=indicators)


def cmd_synth(args: argparse.Namespace) -> int:
    from .synth import synthesize

    try:
        out = synthesize(args.scale, args.out, args.data, seed=args.seed)
    except FileExistsError as exc:
        print(f"LỖI/ERROR: {exc}")
        return 2
    print(f"đã ghi / wrote {out}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .checks import run_checks
    from .fmt import check as fmt_check
    from .load import load
    from .validate import check_frictionless, check_headers

    today = dt.date(2026, 11, 1)
    figures: list[tuple[str, float, str]] = []
    workdir = Path(tempfile.mkdtemp(prefix="cnscd-bench-"))
    try:
        target = workdir / "data"
        print(f"Dữ liệu thử tải / synthetic data in {target}")
        _timed("generate", lambda: make_nationwide(target, args.data, args.villages_per_commune, args.communes,
                                                   args.report_months, args.indicators, today), figures)
        dataset = _timed("load (read + NFC normalise)", lambda: load(target), figures)
        counts = {t: len(dataset.rows(t)) for t in ("villages", "teams", "members", "reports")}
        print("  rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
        found = _timed("domain checks", lambda: run_checks(dataset, today), figures)
        _timed("header checks", lambda: check_headers(dataset), figures)
        codes = Counter(f.code for f in found)
        print(f"  domain findings: {len(found)} {dict(codes)}")
        if not args.skip_frictionless:
            rows = sum(len(v) for v in dataset.tables.values())
            result = _timed("frictionless (types, keys, foreign keys)", lambda: check_frictionless(dataset), figures,
                            f"{rows:,} rows")
            print(f"  frictionless findings: {len(result)}")
        _timed("fmt --check", lambda: fmt_check(target), figures)
        if args.site:
            from .site.build import build_site  # type: ignore[import-not-found]

            report = _timed("site build (check + render + engine)",
                            lambda: build_site(target, workdir / "site", today=today), figures)
            print("  site stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
                  + f"; {report.pages:,} pages")
            pages = sorted((workdir / "site").rglob("index.html"), key=lambda p: p.stat().st_size)
            print(f"  largest page: {pages[-1].stat().st_size / 1024:.1f} KB ({pages[-1].relative_to(workdir / 'site')})")
        total = sum(seconds for _, seconds, _ in figures[1:])
        print(f"  {'total (without generate)':<42} {total:8.2f} s")
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def register(sub: Any, add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("synth", cmd_synth, "Sinh gói dữ liệu giả lập / write a synthetic data package")
    p.add_argument("--scale", choices=["sample", "province", "national"], required=True)
    p.add_argument("--out", type=Path, required=True, help="thư mục trống / an empty folder")
    p.add_argument("--seed", type=int, default=2025)
    p = add("bench", cmd_bench, "Đo thời gian trên dữ liệu toàn quốc giả lập / benchmark on synthetic nationwide data")
    p.add_argument("--villages-per-commune", type=int, default=30, help="default 30 (≈100,000 village teams)")
    p.add_argument("--communes", type=int, default=0, help="communes per province, 0 = all 3,321")
    p.add_argument("--report-months", type=int, default=12)
    p.add_argument("--indicators", type=int, default=1, help="indicators per report (1 → ≈1.2M rows/year)")
    p.add_argument("--skip-frictionless", action="store_true")
    p.add_argument("--site", action="store_true", help="also time the site build")
    p.add_argument("--keep", action="store_true", help="keep the generated data")
