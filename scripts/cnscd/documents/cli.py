"""The `cnscd decision` and `cnscd report` verbs: a commune's paperwork from the data.

Exit codes as everywhere: 0 written, 1 the data has errors (nothing written, findings printed),
2 usage: an unknown commune or province, a period the figures do not judge, an unreadable package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Finding, errors

if TYPE_CHECKING:  # every `cnscd` run loads this module: heavy imports wait until a verb runs
    from ..checks import Context


def _checked_context(data: Path, today: dt.date) -> tuple[Context | None, list[Finding]]:
    """Load and run the headers and domain checks (not frictionless: a draft must be quick)."""
    from ..checks import Context
    from ..load import load
    from ..validate import validate_dataset

    dataset = load(data)
    ctx = Context(dataset, today)
    problems = errors(validate_dataset(dataset, today, schema=False, ctx=ctx))
    return (None if problems else ctx), problems


def _refused(findings: list[Finding], data: Path) -> int:
    from ..cli import EXIT_INVALID, print_findings

    print("Không lập văn bản vì dữ liệu có lỗi / not writing: the data has errors", file=sys.stderr)
    print_findings(findings, "text", data)
    return EXIT_INVALID


def _usage(findings: list[Finding]) -> int:
    from ..cli import EXIT_USAGE

    for item in findings:
        print(item.text(), file=sys.stderr)
    return EXIT_USAGE


def cmd_decision(args: argparse.Namespace) -> int:
    from .decision import write_decision
    from .report import ARGUMENT_FILE
    from .roster import UnknownUnit, commune_roster

    ctx, problems = _checked_context(args.data, args.today or dt.date.today())
    if ctx is None:
        return _refused(problems, args.data)
    try:
        roster = commune_roster(ctx, args.commune)
    except UnknownUnit:
        return _usage([Finding(ARGUMENT_FILE, None, "--commune", "commune-unknown",
                               f"Không có xã, phường mã {args.commune} (danh mục 2025)",
                               f"No 2025 commune with code {args.commune}")])
    path = write_decision(roster, args.out, args.number, args.date)
    members = sum(len(team.members) for team in roster.teams)
    print(f"Đã ghi {path}: {len(roster.teams)} tổ, {members} thành viên / wrote {path}: {len(roster.teams)} teams, "
          f"{members} members")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..checks import Context
    from ..derive import derive
    from ..figures import compute
    from .report import ReportRefused, build_report, figures_day
    from .report_files import write_report

    today = args.today or dt.date.today()
    ctx, problems = _checked_context(args.data, today)
    if ctx is None:
        return _refused(problems, args.data)
    day = figures_day(args.period, today)
    if day != today:  # a past year's report: its year to date, its members and deadlines as of 31 December
        ctx = Context(ctx.dataset, day)
    figures = compute(ctx, derive(ctx))
    try:
        report = build_report(ctx, figures, args.period, commune=args.commune, province=args.province,
                              written_on=today)
    except ReportRefused as refused:
        return _usage(refused.findings)
    docx_path, xlsx_path = write_report(report, args.out)
    print(f"Đã ghi / wrote {docx_path} và / and {xlsx_path}")
    return 0


def register(sub, add) -> None:
    from ..cli import _date

    p = add("decision", cmd_decision,
            "Dự thảo quyết định thành lập/kiện toàn Tổ CNSCĐ của xã, kèm danh sách / a commune's draft decision (DOCX)")
    p.add_argument("--commune", required=True, help="mã xã, phường (2025) / 2025 commune code")
    p.add_argument("--number", default=None, help="số quyết định, ví dụ 72 hoặc 72/QĐ-UBND / decision number")
    p.add_argument("--date", type=_date, default=None, help="ngày ký YYYY-MM-DD / date signed")
    p.add_argument("--today", type=_date, default=None, help="thành viên tại ngày này / members on this day")
    p.add_argument("--out", type=Path, required=True, help="FILE.docx")
    p = add("report", cmd_report,
            "Báo cáo định kỳ của xã hoặc tỉnh (DOCX và XLSX) / periodic report of a commune or province")
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--commune", help="mã xã, phường (2025) / 2025 commune code")
    scope.add_argument("--province", help="mã tỉnh, thành phố (2025) / 2025 province code")
    p.add_argument("--period", required=True, help="kỳ báo cáo, ví dụ 2026-10 hoặc 2026-Q3 / period")
    p.add_argument("--today", type=_date, default=None, help="ngày lập báo cáo YYYY-MM-DD / as-of date")
    p.add_argument("--out", type=Path, required=True, help="FILE.docx (FILE.xlsx is written beside it)")
