"""The `cnscd split` and `cnscd federate` verbs, registered by the core CLI."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

_SHOWN = 20  # findings printed per province; --report keeps them all


def cmd_split(args: argparse.Namespace) -> int:
    from ..cli import EXIT_OK, EXIT_USAGE
    from .split import SplitRefused, split

    try:
        folders = split(args.data, args.out, args.province)
    except SplitRefused as exc:
        print(f"LỖI/ERROR: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for folder in folders:
        print(f"đã ghi gói tỉnh / wrote province package: {folder}")
    return EXIT_OK


def _province_names(out: Path) -> dict[str, str]:
    import csv

    path = out / "units" / "provinces.csv"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def print_summary(federation, out=sys.stdout) -> None:
    """One line per source, then each left-out province's findings (file, row, field), Vietnamese first."""
    from .run import LEFT_OUT, STATUS_VI

    names = _province_names(federation.out)
    rows = [("Tỉnh / Province", "Kết quả / Result", "Tệp / Files", "Dòng / Lines", "Lỗi / Errors", "Nguồn / Source")]
    for p in federation.provinces:
        label = f"{p.code} {names.get(p.code, '')}".strip() if p.code else "?"
        rows.append((label, f"{STATUS_VI[p.status]} / {p.status}", str(p.files), f"{p.lines:,}",
                     str(len(p.errors)), p.source))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1] + "\n")
    for p in federation.provinces:
        if p.status == LEFT_OUT or p.errors:
            shown = p.errors or p.findings
            out.write(f"\nTỉnh {p.code or '?'} ({p.source}): {len(shown)} lỗi / errors\n")
            for item in shown[:_SHOWN]:
                out.write(f"  {item.text()}\n")
            if len(shown) > _SHOWN:
                out.write(f"  … và {len(shown) - _SHOWN} lỗi nữa (xem --report) / and {len(shown) - _SHOWN} more (see --report)\n")
    for item in federation.findings if not federation.built else []:
        out.write(f"  {item.text()}\n")


def cmd_federate(args: argparse.Namespace) -> int:
    from ..site.build import BuildRefused, build_site
    from .run import Limits, federate

    limits = Limits(file_bytes=int(args.max_file_mb * (1 << 20)), total_bytes=int(args.max_total_mb * (1 << 20)),
                    timeout=args.timeout)
    try:
        federation = federate(args.sources, args.out, args.today or dt.date.today(), limits, keep_last_good=args.keep_last_good)
    except FileExistsError as exc:
        print(f"LỖI/ERROR: {exc}", file=sys.stderr)
        return 2
    print_summary(federation)
    site_error = None
    if federation.built and args.site_dir:
        try:
            # A province whose package did not change since the last federated build is linked back, not rendered.
            report = build_site(federation.out, args.site_dir, today=args.today, base_url=args.base_url,
                                config_path=args.config, reuse_output=True)
            print(f"\nĐã dựng trang quốc gia: {report.provinces} tỉnh, {report.communes} xã vào {report.site_dir} / "
                  f"built the national site")
        except (BuildRefused, RuntimeError, ValueError, FileNotFoundError) as exc:
            site_error = str(exc)
            for item in getattr(exc, "findings", [])[:_SHOWN]:
                print(f"  {item.text()}")
            print(f"LỖI/ERROR: không dựng được trang / the site could not be built: {site_error[:500]}", file=sys.stderr)
    code = 2 if site_error else federation.exit_code
    if args.report:
        args.report.write_text(json.dumps({**federation.as_dict(), "exit_code": code, "site_error": site_error},
                                          ensure_ascii=False, indent=1), encoding="utf-8")
    if not federation.built:
        print("\nKhông gộp được tỉnh nào thành gói quốc gia hợp lệ; gói cũ (nếu có) giữ nguyên / "
              "nothing could be merged into a valid national package; the previous one (if any) is unchanged",
              file=sys.stderr)
    return code


def register(sub, add) -> None:
    from ..cli import _date

    p = add("split", cmd_split, "Tách gói quốc gia thành gói từng tỉnh / write one package per province")
    p.add_argument("--out", type=Path, required=True, help="thư mục ghi các gói tỉnh / folder for province packages")
    p.add_argument("--province", action="append", help="chỉ tỉnh này (mã 2 số, lặp lại được) / only this province")

    help_text = "Dựng gói và trang quốc gia từ gói các tỉnh / national package and site from province packages"
    p = sub.add_parser("federate", help=help_text, description=help_text)
    p.set_defaults(func=cmd_federate)
    p.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="datapackage.json của một tỉnh: đường dẫn hoặc địa chỉ http(s) / a province's datapackage.json")
    p.add_argument("--out", type=Path, required=True, help="thư mục gói quốc gia / national package folder")
    p.add_argument("--site-dir", type=Path, default=None, help="dựng trang quốc gia vào đây / build the site here")
    p.add_argument("--config", type=Path, default=None, help="mkdocs.yml")
    p.add_argument("--base-url", default=None, help="địa chỉ gốc của trang / site address")
    p.add_argument("--today", type=_date, default=None, help="YYYY-MM-DD (mặc định hôm nay / default today)")
    p.add_argument("--keep-last-good", action="store_true",
                   help="giữ thư mục tỉnh của lần gộp trước khi tỉnh đó lỗi / keep a failing province's previous folder")
    p.add_argument("--max-file-mb", type=float, default=64, help="giới hạn mỗi tệp, MB / per-file cap")
    p.add_argument("--max-total-mb", type=float, default=1024, help="giới hạn mỗi tỉnh, MB / per-province cap")
    p.add_argument("--timeout", type=float, default=30, help="giây chờ mỗi yêu cầu / seconds per request")
    p.add_argument("--report", type=Path, default=None, help="ghi kết quả dạng JSON / write the outcome as JSON")
