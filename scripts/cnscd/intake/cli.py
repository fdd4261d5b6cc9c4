"""Verbs `intake`, `import roster` and `codeowners`, registered into the core's `cnscd` command."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from ..load import load
from ..model import Finding

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_RETRY = 0, 1, 2, 3


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ngày phải có dạng YYYY-MM-DD / date must be YYYY-MM-DD: {value}") from exc


def _repo_root(data_dir: Path) -> Path:
    from .local import GitError, repo_root

    try:
        return repo_root(data_dir)
    except GitError:
        return Path(data_dir).resolve().parent


def _keep(args: argparse.Namespace, body: str, findings: list[Finding], reason: str) -> None:
    """Never lose a submission: the raw body (and what went wrong) goes to --keep DIR or stderr."""
    name = f"issue-{args.issue}" if args.issue else Path(args.body_file).stem
    if args.keep:
        folder = Path(args.keep)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.md").write_text(body, encoding="utf-8")
        (folder / f"{name}.json").write_text(json.dumps(
            {"reason": reason, "findings": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8")
        print(f"đã giữ nội dung gửi / submission kept: {folder / name}.md", file=sys.stderr)
    else:
        print(f"--- nội dung gửi được giữ nguyên / raw submission kept ({reason}) ---", file=sys.stderr)
        print(body, file=sys.stderr)
        print("--- hết / end ---", file=sys.stderr)


def cmd_intake(args: argparse.Namespace) -> int:
    from .codeowners import load_maintainers
    from .messages import comment_invalid, comment_valid, commit_message, pull_body, summary_text
    from .run import take

    if (args.local or args.github) and not args.issue:
        print("LỖI/ERROR: --local và --github cần --issue N / --local and --github need --issue N", file=sys.stderr)
        return EXIT_USAGE
    try:
        body = Path(args.body_file).read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as exc:
        print(f"LỖI/ERROR: không đọc được / cannot read {args.body_file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    source = f"issue #{args.issue}" if args.issue else Path(args.body_file).name
    root = _repo_root(args.data)
    taken = take(args.form, body, args.data, load(args.data), args.today, source, root)
    change, outcome = taken.change, taken.outcome
    maintainers, _ = load_maintainers(args.data)
    trusted = bool(args.author) and maintainers.may_change(args.author, change.commune_code, change.province_code)
    sys.stdout.write(summary_text(outcome))
    if args.format == "json":
        json.dump({"valid": outcome.valid, "files": sorted(outcome.files), "trusted": trusted,
                   "findings": [f.as_dict() for f in outcome.findings]}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    if not trusted:
        print("cần người quản lý duyệt / needs a maintainer's review")

    if args.github:
        from .github import LABEL_INVALID, LABEL_NEEDS_REVIEW, WRITE_PERMISSIONS, Client, GitHubUnavailable

        try:
            client = Client(args.github, os.environ.get("GITHUB_TOKEN"), args.api_url or os.environ.get("GITHUB_API_URL"))
            if not outcome.valid:
                client.comment(args.issue, comment_invalid(outcome))
                client.set_labels(args.issue, [LABEL_INVALID], [])
                _keep(args, body, outcome.findings, "invalid")
                return EXIT_INVALID
            if trusted and client.permission(args.author) not in WRITE_PERMISSIONS:
                trusted = False
            message = commit_message(outcome, args.issue)
            published = client.publish(args.issue, outcome.files, message, outcome.change.title or message,
                                       pull_body(outcome, args.issue, not trusted))
            client.comment(args.issue, comment_valid(outcome, published.pull_url, not trusted))
            client.set_labels(args.issue, [] if trusted else [LABEL_NEEDS_REVIEW],
                              [LABEL_INVALID] + ([LABEL_NEEDS_REVIEW] if trusted else []))
            verb = "đã mở / opened" if published.created else "đã cập nhật / updated"
            print(f"{verb} pull request #{published.pull_number}: {published.pull_url}")
            return EXIT_OK
        except (GitHubUnavailable, Exception) as exc:  # anything failing here is ours, never the submitter's
            print(f"LỖI CỦA HỆ THỐNG, HÃY THỬ LẠI / OUR ERROR, RETRY: {type(exc).__name__}: {exc}", file=sys.stderr)
            _keep(args, body, outcome.findings, f"retry: {exc}")
            return EXIT_RETRY

    if not outcome.valid:
        if args.local or args.keep:
            _keep(args, body, outcome.findings, "invalid")
        return EXIT_INVALID
    if args.local:
        from .local import GitError, commit_submission

        try:
            sha = commit_submission(root, outcome.files, args.issue, commit_message(outcome, args.issue))
        except GitError as exc:
            print(f"LỖI/ERROR: {exc}", file=sys.stderr)
            _keep(args, body, outcome.findings, f"git: {exc}")
            return EXIT_USAGE
        print(f"đã ghi vào nhánh / committed on branch submission/issue-{args.issue}: {sha[:12]}")
    return EXIT_OK


def cmd_import_roster(args: argparse.Namespace) -> int:
    from .spreadsheet import import_roster

    return import_roster(args)


def cmd_codeowners(args: argparse.Namespace) -> int:
    from .codeowners import load_maintainers, render_codeowners

    _, problems = load_maintainers(args.data)
    for item in problems:
        print(item.text())
    if problems:
        return EXIT_INVALID
    text = render_codeowners(args.data)
    output = Path(args.output) if args.output else _repo_root(args.data) / ".github" / "CODEOWNERS"
    current = output.read_text(encoding="utf-8") if output.is_file() else ""
    if args.check:
        if current != text:
            print(f"{output} khác với {args.data}/maintainers.yaml; chạy `cnscd codeowners` / "
                  f"{output} differs from maintainers.yaml; run `cnscd codeowners`")
            import difflib

            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), text.splitlines(True),
                                                       "a/CODEOWNERS", "b/CODEOWNERS"))
            return EXIT_INVALID
        return EXIT_OK
    if current != text:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        print(f"đã ghi / wrote: {output}")
    return EXIT_OK


def register(sub, add) -> None:
    p = add("intake", cmd_intake, "Nhận biểu mẫu từ issue / take in an issue form submission")
    p.add_argument("body_file", metavar="BODY_FILE", help="nội dung issue / the issue body (Markdown)")
    p.add_argument("--form", choices=["team", "report", "guide", "withdrawal"], required=True)
    p.add_argument("--issue", type=int, help="số issue / issue number")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--local", action="store_true", help="ghi vào nhánh git / commit on a local branch")
    mode.add_argument("--github", metavar="OWNER/REPO", help="mở pull request / open a pull request")
    p.add_argument("--author", default="", help="tên GitHub người gửi / the submitter's login")
    p.add_argument("--today", type=_date, default=dt.date.today(), help="ngày gửi / submission date")
    p.add_argument("--keep", metavar="DIR", help="giữ nội dung khi lỗi / keep the raw body here on failure")
    p.add_argument("--api-url", help="GitHub API (mặc định $GITHUB_API_URL)")
    p.add_argument("--format", choices=["text", "json"], default="text")

    p = add("import", None, "Nhập bảng tính / import a spreadsheet")
    kinds = p.add_subparsers(dest="what", required=True)
    roster = kinds.add_parser("roster", help="bảng phụ lục danh sách tổ / the official annex roster table")
    roster.set_defaults(func=cmd_import_roster)
    roster.add_argument("file", metavar="FILE", help=".xlsx hoặc .csv")
    roster.add_argument("--commune", required=True, help="mã xã 2025 / 2025 commune code")
    roster.add_argument("--village", default="", help="tên hoặc mã thôn / village name or id (trống: tổ cấp xã)")
    roster.add_argument("--team", default="", help="mã tổ nếu đã có / existing team id")
    roster.add_argument("--today", type=_date, default=dt.date.today(), help="ngày nhập / date of the import")
    roster.add_argument("--consent-recorded-by", default="", help="người ghi nhận sự đồng ý / who recorded consent")
    roster.add_argument("--data", type=Path, default=argparse.SUPPRESS, help="thư mục dữ liệu / data folder")

    p = add("codeowners", cmd_codeowners, "Sinh .github/CODEOWNERS từ data/maintainers.yaml")
    p.add_argument("--check", action="store_true", help="chỉ kiểm tra / only check")
    p.add_argument("--output", help="mặc định .github/CODEOWNERS")

