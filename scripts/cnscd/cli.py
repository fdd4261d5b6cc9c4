"""The `cnscd` command: verbs named for what maintainers do."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from . import package
from .load import UnreadableData
from .model import Finding, Severity

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ngày phải có dạng YYYY-MM-DD / date must be YYYY-MM-DD: {value}") from exc


def print_findings(findings: list[Finding], fmt: str, data_dir: Path, out=sys.stdout) -> None:
    if fmt == "json":
        json.dump([f.as_dict() for f in findings], out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    for item in findings:
        if fmt == "github":
            level = "error" if item.severity == Severity.ERROR else "warning"
            path = (data_dir / item.file).as_posix()
            line = f",line={item.row}" if item.row else ""
            message = f"{item.message_vi} — {item.message_en}".replace("%", "%25").replace("\n", "%0A")
            title = f"{item.code}" + (f" ({item.field})" if item.field else "")
            out.write(f"::{level} file={path}{line},title={title}::{message}\n")
        else:
            out.write(item.text() + "\n")
    errors = sum(1 for f in findings if f.severity == Severity.ERROR)
    if fmt == "text":
        warnings = len(findings) - errors
        out.write(f"{errors} lỗi, {warnings} cảnh báo / {errors} errors, {warnings} warnings\n")


def cmd_validate(args: argparse.Namespace) -> int:
    from .validate import has_errors, validate

    findings = validate(args.data, args.today, schema=not args.no_schema)
    print_findings(findings, args.format, args.data)
    return EXIT_INVALID if has_errors(findings) else EXIT_OK


def cmd_fmt(args: argparse.Namespace) -> int:
    from . import fmt

    if args.check:
        diffs = fmt.check(args.data)
        for diff in diffs:
            sys.stdout.write(diff)
        if diffs:
            print(f"{len(diffs)} tệp chưa ở dạng chuẩn; chạy `cnscd fmt` / {len(diffs)} files not canonical; run `cnscd fmt`")
            return EXIT_INVALID
        return EXIT_OK
    for path in fmt.apply(args.data):
        print(f"đã chuẩn hoá / formatted: {path}")
    return EXIT_OK


def cmd_units(args: argparse.Namespace) -> int:
    from .units import generate

    for path in generate(args.data):
        print(f"đã ghi / wrote: {path}")
    return EXIT_OK


def cmd_sample(args: argparse.Namespace) -> int:
    from .sample import write_sample

    dataset = write_sample(args.data, args.today)
    print(f"{len(dataset.rows('teams'))} tổ, {len(dataset.rows('members'))} thành viên / teams, members")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cnscd", description="Tổ Công nghệ số cộng đồng — dữ liệu mở / open data")
    parser.add_argument("--version", action="version", version="cnscd 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--data", type=Path, default=package.DEFAULT_DATA, help="thư mục dữ liệu / data folder")
        p.set_defaults(func=func)
        return p

    p = add("validate", cmd_validate, "Kiểm tra dữ liệu / validate the data package")
    p.add_argument("--format", choices=["text", "json", "github"], default="text")
    p.add_argument("--today", type=_date, default=dt.date.today(), help="YYYY-MM-DD")
    p.add_argument("--no-schema", action="store_true", help="chỉ kiểm tra quy tắc nghiệp vụ / domain rules only")
    p = add("fmt", cmd_fmt, "Đưa tệp về dạng chuẩn / rewrite files in canonical form")
    p.add_argument("--check", action="store_true", help="chỉ kiểm tra, in khác biệt / only check, print the diff")
    add("units", cmd_units, "Sinh danh mục đơn vị hành chính / generate administrative units")
    p = add("sample", cmd_sample, "Sinh dữ liệu mẫu / write the synthetic sample data")
    p.add_argument("--today", type=_date, default=dt.date(2026, 11, 1))
    for extension in _EXTENSIONS:
        extension(sub, add)
    return parser


# Edges (site, submissions, benchmark) register their verbs here so this file stays small.
_EXTENSIONS: list = []


def _load_extensions() -> None:
    import importlib

    for module in ("cnscd.site.cli", "cnscd.intake.cli", "cnscd.privacy.cli", "cnscd.service.cli",
                   "cnscd.documents.cli", "cnscd.history.cli", "cnscd.bench",
                   "cnscd.federate.cli"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue
            raise
        _EXTENSIONS.append(mod.register)


def main(argv: list[str] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code not in (0, None) else EXIT_OK
    try:
        return args.func(args)
    except UnreadableData as exc:
        print(f"LỖI/ERROR: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
