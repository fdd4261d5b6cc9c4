"""`cnscd history`: the roster changes the site shows, read from git, for one commune or province."""

from __future__ import annotations

import argparse
import json
import sys


def cmd_history(args: argparse.Namespace) -> int:
    from ..cli import EXIT_OK, EXIT_USAGE
    from ..load import load
    from ..units import Units
    from .log import read_history

    units = Units.from_dataset(load(args.data))
    history = read_history(args.data, units)
    if history.updated is None:
        print("Không có lịch sử git của dữ liệu / no git history for the data (not a git checkout?)", file=sys.stderr)
        return EXIT_USAGE
    changes = sorted(history.changes, key=lambda c: (c.on, c.committed))
    if args.commune:
        changes = [c for c in changes if c.commune_code == args.commune]
    if args.province:
        changes = [c for c in changes if c.province_code == args.province]
    if args.since:
        changes = [c for c in changes if c.committed >= args.since]
    if args.format == "json":
        json.dump([{"on": c.on.isoformat(), "committed": c.committed.isoformat(), "commit": c.commit, "kind": c.kind,
                    "province": c.province_code, "commune": c.commune_code, "team_id": c.team_id,
                    "text_vi": c.text_vi()} for c in changes], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    for change in changes:
        print(f"{change.on.strftime('%d/%m/%Y')}  {change.commune_code or '-':5}  {change.text_vi()}  "
              f"[{change.kind}, {change.commit[:8]}]")
    print(f"{len(changes)} thay đổi; dữ liệu cập nhật lần cuối {history.updated.strftime('%d/%m/%Y')} / "
          f"{len(changes)} changes; data last updated {history.updated.isoformat()}")
    return EXIT_OK


def register(sub, add) -> None:
    from ..cli import _date

    p = add("history", cmd_history, "Thay đổi danh sách tổ theo lịch sử git / roster changes from git history")
    p.add_argument("--commune", help="mã xã (từ 2025) / 2025 commune code")
    p.add_argument("--province", help="mã tỉnh / province code")
    p.add_argument("--since", type=_date, help="ghi nhận từ ngày / committed on or after YYYY-MM-DD")
    p.add_argument("--format", choices=["text", "json"], default="text")
