"""The `cnscd build` verb, registered by the core CLI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_build(args: argparse.Namespace) -> int:
    from ..cli import EXIT_INVALID, EXIT_OK, EXIT_USAGE, print_findings
    from . import posters
    from .build import BuildRefused, build_site

    try:
        if args.posters:  # before the build, not after minutes of it
            posters.check_chromium(posters.chromium_path(args.chromium))
        report = build_site(args.data, args.site_dir, today=args.today, base_url=args.base_url, config_path=args.config,
                            engine=args.engine, print_posters=args.posters, chromium=args.chromium,
                            reuse_output=not args.no_reuse)
    except posters.ChromiumMissing as missing:
        print(missing, file=sys.stderr)
        return EXIT_USAGE
    except posters.PosterFailed as failed:
        print(failed, file=sys.stderr)
        return EXIT_INVALID
    except BuildRefused as refused:
        print("Không dựng trang vì dữ liệu có lỗi / not building: the data has errors", file=sys.stderr)
        print_findings(refused.findings, "text", args.data)
        return EXIT_INVALID
    print(f"Đã dựng {report.pages} trang ({report.provinces} tỉnh, {report.communes} xã, {report.redirects} địa chỉ xã cũ, "
          f"{report.guides} hướng dẫn) vào {report.site_dir} / built {report.pages} pages; "
          + ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in report.seconds.items()))
    if report.reuse is not None:
        print(f"Lấy lại / reused: {report.reuse}")
    if report.render_workers > 1:
        print(f"Vẽ trang trên {report.render_workers} tiến trình / pages rendered in {report.render_workers} processes")
    if "posters" in report.state:
        run = report.state["posters"]
        print(f"Áp phích / posters: in mới {run.printed} ({run.cpu_seconds:.1f} s CPU), lấy lại {run.reused} / "
              f"printed {run.printed}, cached {run.reused}; "
              f"{sum(run.pdf_bytes) // max(1, len(run.pdf_bytes)) // 1024} KB mỗi tệp PDF / KB per PDF")
    if report.size is not None:  # what static hosting counts; a file over 5 MB is a warning, not a failure
        from .sitesize import findings, summary
        print(f"Dung lượng / size: {summary(report.size)}")
        for finding in findings(report.size):
            print(finding.text())
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from ..cli import EXIT_INVALID, print_findings
    from .build import BuildRefused
    from .preview import serve

    try:
        return serve(args.data, host=args.host, port=args.port, today=args.today, config_path=args.config,
                     site_dir=args.site_dir)
    except BuildRefused as refused:
        print("Không xem trước được vì dữ liệu có lỗi / cannot preview: the data has errors", file=sys.stderr)
        print_findings(refused.findings, "text", args.data)
        return EXIT_INVALID


def register(sub, add) -> None:
    from ..cli import _date

    p = add("build", cmd_build, "Dựng trang web công khai / build the transparency site")
    p.add_argument("--site-dir", type=Path, default=Path("site"), help="thư mục đầu ra / output folder")
    p.add_argument("--today", type=_date, default=None, help="YYYY-MM-DD (mặc định hôm nay / default today)")
    p.add_argument("--base-url", default=None, help="địa chỉ gốc của trang cho mã QR / site address for QR codes")
    p.add_argument("--config", type=Path, default=None, help="mkdocs.yml")
    p.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs",
                   help="trình dựng trang / static-site engine (Zensical reads the same mkdocs.yml)")
    p.add_argument("--no-reuse", action="store_true",
                   help="dựng lại mọi trang, không lấy lại trang tỉnh không đổi từ bộ nhớ đệm / render every page again")
    p.add_argument("--posters", action="store_true",
                   help="in sẵn áp phích PDF cho các xã có dữ liệu (Chromium, có bộ nhớ đệm) / print poster PDFs")
    p.add_argument("--chromium", default=None, metavar="PATH",
                   help="Chromium hoặc Chrome để in áp phích (mặc định $CNSCD_CHROMIUM, rồi /usr/bin/chromium) / "
                        "browser that prints the posters")
    p = add("serve", cmd_serve, "Xem trước trang, tự cập nhật khi sửa data/ hoặc docs/ / live preview that follows edits")
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ nghe / address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="cổng / port (0: một cổng trống / any free port)")
    p.add_argument("--today", type=_date, default=None, help="YYYY-MM-DD (mặc định hôm nay / default today)")
    p.add_argument("--config", type=Path, default=None, help="mkdocs.yml")
    p.add_argument("--site-dir", type=Path, default=None,
                   help="thư mục trang xem trước (mặc định: thư mục tạm) / preview output folder (default: a temporary one)")
