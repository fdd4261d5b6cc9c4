"""`cnscd bench`: time each stage on synthetic nationwide data and print the figures.

Speed is measured here, never asserted in tests: the numbers go into issue notes and README.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import package


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


@dataclass
class Run:
    """One measured command: wall time, the peak resident memory of it and its children, and success."""

    seconds: float
    peak_mb: float  # MiB (ru_maxrss is in KiB); the JSON keeps the name peak_mb
    ok: bool
    tail: str


# A small process starts the measured command: a child forked from a big parent inherits its
# resident pages, so wait4 in the bench itself would report the bench's memory, not the command's.
_WAIT = ("import json, os, subprocess, sys; p = subprocess.Popen(sys.argv[2:]); _, s, u = os.wait4(p.pid, 0); "
         "open(sys.argv[1], 'w').write(json.dumps([os.waitstatus_to_exitcode(s), u.ru_maxrss]))")


def measure(command: list[str], cwd: Path | None = None, cache: Path | None = None,
            env: dict[str, str] | None = None) -> Run:
    """Run a command; its peak memory (children included) comes from wait4 in a small starter process."""
    with tempfile.TemporaryDirectory() as folder, open(Path(folder) / "output", "w+b") as output:
        result = Path(folder) / "result.json"
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", _WAIT, str(result), *command], cwd=cwd, stdout=output,
                       stderr=subprocess.STDOUT, check=False,
                       env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **({"CNSCD_CACHE_DIR": str(cache)} if cache else {}),
                            **(env or {})})
        seconds = time.perf_counter() - start
        code, peak_kb = json.loads(result.read_text()) if result.is_file() else (-1, 0)
        output.seek(0)
        tail = output.read().decode("utf-8", "replace")[-2000:]
    return Run(seconds, peak_kb / 1024, code == 0, tail)


def site_size(folder: Path) -> tuple[float, float, str]:
    """Total MB, the largest file in MB and its path: what static hosting and a phone would see."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    if not files:
        return 0.0, 0.0, ""
    largest = max(files, key=lambda p: p.stat().st_size)
    return (sum(p.stat().st_size for p in files) / 1e6, largest.stat().st_size / 1e6,
            largest.relative_to(folder).as_posix())


def compare(data_dir: Path, workdir: Path, today: dt.date) -> dict[str, Any]:
    """Baseline and cnscd on the same data in one run: figures and ratios, for a table and for JSON."""
    from .baseline import write_project

    python, cnscd = sys.executable, [sys.executable, "-m", "cnscd"]
    figures: dict[str, Any] = {"data": str(data_dir)}
    pages = write_project(data_dir, workdir / "baseline")
    figures["baseline_pages"] = pages
    runs = {
        "baseline_build": measure([python, "-m", "mkdocs", "build", "--quiet", "-f", str(workdir / "baseline" / "mkdocs.yml"),
                                   "-d", str(workdir / "baseline-site")]),
        "frictionless_validate": measure([str(Path(python).parent / "frictionless"), "validate", "--trusted",
                                          "--limit-errors", "1000", str(data_dir / package.DESCRIPTOR)]),
    }
    # Each cnscd figure has its own cache folder: "cold" is empty, "unchanged" is the same folder again.
    validate = [*cnscd, "validate", "--data", str(data_dir), "--today", today.isoformat(), "--format", "json"]
    runs["cnscd_validate"] = measure(validate, cache=workdir / "cache-validate")
    runs["cnscd_validate_unchanged"] = measure(validate, cache=workdir / "cache-validate")
    site = workdir / "cnscd-site"
    build = [*cnscd, "build", "--data", str(data_dir), "--site-dir", str(site), "--today", today.isoformat()]
    # Cold means every cache empty: validation, documents, preview pictures, QR codes and posters.
    caches = {"XDG_CACHE_HOME": str(workdir / "cache-build" / "user"),
              "CNSCD_DOCUMENT_CACHE": str(workdir / "cache-build" / "documents")}
    runs["cnscd_build_cold"] = measure(build, cache=workdir / "cache-build", env=caches)
    # Each build writes into a folder that does not exist yet, as the baseline does and as CI's fresh checkout
    # does: emptying the previous site is not the build's work (folders cost ~3 ms each to remove here).
    shutil.rmtree(site, ignore_errors=True)
    runs["cnscd_build_unchanged"] = measure(build, cache=workdir / "cache-build", env=caches)
    # The next morning, nothing changed overnight: validation and each province's pages hold across the days on
    # which their comparisons with the build's day keep their answers (datespan); the national pages print the day.
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    def next_day(command: list[str]) -> list[str]:
        return [tomorrow if part == today.isoformat() else part for part in command]

    runs["cnscd_validate_next_day"] = measure(next_day(validate), cache=workdir / "cache-validate")
    shutil.rmtree(site, ignore_errors=True)
    runs["cnscd_build_next_day"] = measure(next_day(build), cache=workdir / "cache-build", env=caches)
    # A pull request that changes one province: a copy of the data with one cell edited, same caches.
    edited = workdir / "data-one-province"
    shutil.copytree(data_dir, edited)
    figures["edited_file"] = edit_one_province(edited)
    edited_site = workdir / "cnscd-site-one-province"  # the sizes below are the unedited data's site
    def on_edited(command: list[str]) -> list[str]:
        return [{str(data_dir): str(edited), str(site): str(edited_site)}.get(part, part) for part in command]

    runs["cnscd_validate_one_province"] = measure(on_edited(validate), cache=workdir / "cache-validate")
    runs["cnscd_build_one_province"] = measure(on_edited(build), cache=workdir / "cache-build", env=caches)
    for name, run in runs.items():
        figures[name] = {"seconds": round(run.seconds, 2), "peak_mb": round(run.peak_mb, 1), "ok": run.ok}
        if not run.ok and name != "frictionless_validate":
            figures[name]["output"] = run.tail
    for name, folder in (("baseline_site", workdir / "baseline-site"), ("cnscd_site", site)):
        total, largest, path = site_size(folder)
        figures[name] = {"mb": round(total, 1), "largest_file_mb": round(largest, 2), "largest_file": path}
    figures.update(search_figures(site, workdir / "baseline-site"))
    base = runs["baseline_build"].seconds or 1e-9
    figures["ratios"] = {
        "build_unchanged_vs_baseline": round(runs["cnscd_build_unchanged"].seconds / base, 2),
        "build_cold_vs_baseline": round(runs["cnscd_build_cold"].seconds / base, 2),
        "build_one_province_vs_baseline": round(runs["cnscd_build_one_province"].seconds / base, 2),
        "build_next_day_vs_baseline": round(runs["cnscd_build_next_day"].seconds / base, 2),
        "validate_vs_frictionless": round(runs["cnscd_validate"].seconds / (runs["frictionless_validate"].seconds or 1e-9), 2),
        "validate_unchanged_vs_frictionless": round(
            runs["cnscd_validate_unchanged"].seconds / (runs["frictionless_validate"].seconds or 1e-9), 2),
        "site_size_vs_baseline": round(figures["cnscd_site"]["mb"] / (figures["baseline_site"]["mb"] or 1e-9), 2),
    }
    if "search_bytes_per_query" in figures:
        figures["ratios"]["search_bytes_median_vs_baseline"] = round(
            figures["search_bytes_per_query"]["median"] / (figures["baseline_search_bytes_per_query"] or 1e-9), 3)
    return figures


def edit_one_province(data_dir: Path) -> str:
    """Change one team's note in the first province folder, as a small pull request would; returns the file."""
    teams = sorted((data_dir / "provinces").glob("*/teams.csv"))[0]
    lines = teams.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    cells = next(csv.reader([lines[1]]))
    cells[header.index("notes")] = "Ghi chú sửa thử cho bản đo"
    line = io.StringIO()
    csv.writer(line, lineterminator="").writerow(cells)
    lines[1] = line.getvalue()
    teams.write_text("\n".join(lines), encoding="utf-8")
    return teams.relative_to(data_dir).as_posix()


def search_figures(site: Path, baseline_site: Path | None = None, measured: dict[str, Any] | None = None) -> dict[str, Any]:
    """Bytes a phone downloads per find-box query (gzip), typed in Chromium; the baseline's whole index.

    The baseline's MkDocs search downloads its whole search_index.json at the first query. `measured`:
    figures searchbench.measure already made for this site.
    """
    import gzip

    from .site import searchbench

    found: dict[str, Any] = {}
    if baseline_site is not None and (baseline_site / "search" / "search_index.json").is_file():
        raw = (baseline_site / "search" / "search_index.json").read_bytes()
        found["baseline_search_bytes_per_query"] = len(gzip.compress(raw, searchbench.GZIP_LEVEL, mtime=0))
    try:
        measured = measured or searchbench.measure(site)
    except Exception as exc:  # no Playwright or no Chromium: say so, keep the other figures
        found["cnscd_search"] = {"error": f"{type(exc).__name__}: {exc}"}
        return found
    found["search_bytes_per_query"] = measured["search_bytes_per_query"]
    found["cnscd_search"] = {key: measured[key] for key in ("found", "queries", "gzip_level", "index")}
    return found


def print_comparison(figures: dict[str, Any]) -> None:
    print(f"  {'':<24} {'time s':>8} {'peak MiB':>9}")
    for name in ("baseline_build", "cnscd_build_cold", "cnscd_build_unchanged", "cnscd_build_one_province",
                 "cnscd_build_next_day", "frictionless_validate", "cnscd_validate", "cnscd_validate_unchanged",
                 "cnscd_validate_one_province", "cnscd_validate_next_day"):
        run = figures[name]
        print(f"  {name:<24} {run['seconds']:8.2f} {run['peak_mb']:9.1f}{'' if run['ok'] else '  (failed)'}")
    for name in ("baseline_site", "cnscd_site"):
        site = figures[name]
        print(f"  {name:<24} {site['mb']:8.1f} MB, largest {site['largest_file_mb']:.2f} MB ({site['largest_file']})")
    if "search_bytes_per_query" in figures:
        d = figures["search_bytes_per_query"]
        print(f"  {'search_bytes_per_query':<24} gzip KB: min {d['min'] / 1000:.1f}, median {d['median'] / 1000:.1f}, "
              f"p90 {d['p90'] / 1000:.1f}, max {d['max'] / 1000:.1f} "
              f"(found {figures['cnscd_search']['found']}/{figures['cnscd_search']['queries']}); "
              f"baseline {figures.get('baseline_search_bytes_per_query', 0) / 1000:.1f} KB")
    elif "cnscd_search" in figures:
        print(f"  search_bytes_per_query   not measured: {figures['cnscd_search']['error']}")
    for name, ratio in figures["ratios"].items():
        print(f"  ratio {name:<36} {ratio:6.3g}×")
    print(json.dumps(figures, ensure_ascii=False))


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
        if args.use_data:
            target = args.use_data
        else:
            _timed("generate", lambda: make_nationwide(target, args.data, args.villages_per_commune, args.communes,
                                                       args.report_months, args.indicators, today), figures)
        if args.baseline:
            print_comparison(compare(target, workdir, today))
            return 0
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
            print("  search (find box typed letter by letter in Chromium, gzip):")
            _print_search(workdir / "site")
        total = sum(seconds for label, seconds, _ in figures if label != "generate")
        print(f"  {'total (without generate)':<42} {total:8.2f} s")
    finally:
        if args.keep:
            print(f"kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _print_search(site: Path, json_out: Path | None = None) -> int:
    from .site import searchbench

    try:
        figures = searchbench.measure(site)
    except Exception as exc:  # no Playwright or no Chromium: a clear line, not a traceback
        print(f"  LỖI/ERROR: không đo được tìm kiếm / search not measured: {type(exc).__name__}: {exc}")
        return 2
    searchbench.print_figures(figures)
    print(json.dumps({key: figures[key] for key in ("search_bytes_per_query", "found", "queries", "index")}))
    if json_out:
        json_out.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if figures["found"] == figures["queries"] else 1


def cmd_bench_search(args: argparse.Namespace) -> int:
    if not (args.site / "assets" / "cnscd" / "tim-kiem" / "index.json").is_file():
        print(f"LỖI/ERROR: {args.site} không phải trang đã dựng (thiếu assets/cnscd/tim-kiem/index.json) / "
              "not a built site (no find index)")
        return 2
    return _print_search(args.site, args.json)


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
    p.add_argument("--baseline", action="store_true",
                   help="build plain MkDocs from the same data and print times, peak memory, sizes and ratios (table + JSON)")
    p.add_argument("--use-data", type=Path, help="measure this package instead of generating one (e.g. from cnscd synth)")
    p = add("bench-search", cmd_bench_search,
            "Đo số byte tải về mỗi lần tìm thôn, xã (gõ từng chữ trong Chromium) / bytes per find-box query")
    p.add_argument("--site", type=Path, required=True, help="a built site (cnscd build --site-dir)")
    p.add_argument("--json", type=Path, help="also write every query's figures to this file")
