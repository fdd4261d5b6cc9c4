"""Verbs `intake-serve`, `intake-queue` and `access-code`, registered into the core's `cnscd` command."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .journal import DEFAULT_JOURNAL, Journal

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _repo_root(start: Path) -> Path | None:
    result = subprocess.run(["git", "-C", str(start), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def _journal(args: argparse.Namespace) -> Journal:
    if args.journal:
        return Journal(Path(args.journal))
    root = _repo_root(Path.cwd()) or Path.cwd()
    path = root / DEFAULT_JOURNAL
    path.parent.mkdir(parents=True, exist_ok=True)
    ignore = path.parent / ".gitignore"
    if not ignore.exists():  # the journal holds personal data: it never goes into the repository
        ignore.write_text("*\n", encoding="utf-8")
    return Journal(path)


def _site_url(root: Path) -> str:
    """mkdocs.yml's site_url (read as text: the file carries MkDocs-only YAML tags)."""
    import re

    config = root / "mkdocs.yml"
    if not config.is_file():
        return ""
    match = re.search(r"^site_url:\s*['\"]?([^'\"\s]+)", config.read_text(encoding="utf-8"), re.MULTILINE)
    return match.group(1) if match else ""


def _origin(url: str) -> list[str]:
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") and parts.netloc else []


def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from .app import Service, create_app
    from .deliver import GitHubTarget
    from .limits import Limits
    from .pipeline import Intake
    from .worker import Backoff, Worker

    data_dir = Path(args.data).resolve()
    root = _repo_root(data_dir)
    if root is None:
        if args.local:
            print(f"LỖI/ERROR: {data_dir} không nằm trong kho git / is not inside a git repository", file=sys.stderr)
            return EXIT_USAGE
        root = data_dir.parent
    github = None
    if args.github:
        token = os.environ.get("CNSCD_GITHUB_TOKEN")
        if not token:
            print("LỖI/ERROR: thiếu biến môi trường CNSCD_GITHUB_TOKEN / CNSCD_GITHUB_TOKEN is not set", file=sys.stderr)
            return EXIT_USAGE
        github = GitHubTarget(args.github, token, os.environ.get("GITHUB_API_URL"))
    site_url = _site_url(root)
    origins = args.allow_origin or _origin(site_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    journal = _journal(args)
    limits = Limits(body_bytes=args.max_body, review_per_hour=args.review_per_hour,
                    wrong_codes_per_hour=args.wrong_codes_per_hour)
    intake = Intake(data_dir, root, args.today)
    worker = Worker(journal, root, data_dir, github, Backoff(args.retry_base, args.retry_cap), args.refresh_seconds,
                    sync=intake.pull, sync_every=args.pull_every if github else 0)
    service = Service(intake, journal, worker, origins, limits, site_url if _origin(site_url) else "")
    mode = f"GitHub {args.github}" if github else f"git {root}"
    print(f"Dịch vụ nhận biểu mẫu / intake service: http://{args.host}:{args.port} → {mode}; "
          f"nhật ký / journal {journal.path}; nguồn được phép / allowed origins: {', '.join(origins) or '-'}",
          flush=True)
    uvicorn.run(create_app(service), host=args.host, port=args.port, log_level="info",
                proxy_headers=bool(args.forwarded_allow_ips), forwarded_allow_ips=args.forwarded_allow_ips or None,
                server_header=False)
    return EXIT_OK


def _when(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp)) if timestamp else "-"


def cmd_queue(args: argparse.Namespace) -> int:
    journal = _journal(args)
    if args.action == "list":
        items = journal.list(args.state)
        for item in items:
            where = item.pull_url or (item.branch if item.state != "queued" else f"lần thử / attempts {item.attempts}")
            print(f"{item.receipt}  {item.state:<12} {item.form:<10} {item.commune_code or '-':<6} "
                  f"{'tin cậy/trusted' if item.trusted else 'cần duyệt/review'}  {_when(item.created_at)}  {where}")
        print(f"{len(items)} biểu mẫu / submissions")
        return EXIT_OK
    if args.action == "purge":
        count = journal.purge(args.days)
        print(f"đã xoá nội dung của {count} biểu mẫu đã xử lý / forgot the content of {count} settled submissions")
        return EXIT_OK
    if args.action == "retry":
        count = journal.retry_now(args.receipt)
        print(f"{count} biểu mẫu sẽ được gửi lại ngay / submissions due now (the running service picks them up)")
        return EXIT_OK if count or not args.receipt else EXIT_INVALID
    if not args.receipt:
        print("LỖI/ERROR: cần RECEIPT / RECEIPT is required", file=sys.stderr)
        return EXIT_USAGE
    if args.action == "reject":
        if not args.reason:
            print("LỖI/ERROR: cần --reason / --reason is required", file=sys.stderr)
            return EXIT_USAGE
        if journal.reject(args.receipt, args.reason):
            print(f"đã từ chối / rejected: {args.receipt}")
            return EXIT_OK
        print(f"không có biểu mẫu đang chờ / no queued submission: {args.receipt}", file=sys.stderr)
        return EXIT_INVALID
    item = journal.get(args.receipt)
    if item is None:
        print(f"không có biên nhận / no receipt {args.receipt}", file=sys.stderr)
        return EXIT_INVALID
    shown = {"receipt": item.receipt, "state": item.state, "form": item.form, "commune_code": item.commune_code,
             "trusted": item.trusted, "attempts": item.attempts, "next_attempt_at": _when(item.next_attempt_at),
             "last_error": item.last_error, "branch": item.branch, "commit": item.commit_sha,
             "pull_request": item.pull_url, "created_at": _when(item.created_at), "files": sorted(item.files),
             "findings": item.findings}
    print(json.dumps(shown, ensure_ascii=False, indent=1))
    return EXIT_OK


def cmd_access_code(args: argparse.Namespace) -> int:
    from . import access

    journal = _journal(args)
    if args.action == "issue":
        if not (args.commune and args.commune.isdigit() and len(args.commune) == 5):
            print("LỖI/ERROR: --commune cần mã xã 5 chữ số / a 5-digit commune code", file=sys.stderr)
            return EXIT_USAGE
        code_id, code = access.issue(journal, args.commune, args.days)
        print(f"Mã truy cập của xã {args.commune} (chỉ in một lần, hãy trao tận tay) / access code, shown once:")
        print(code)
        print(f"số hiệu / id: {code_id}; hết hạn sau {args.days} ngày / expires in {args.days} days")
        return EXIT_OK
    if args.action == "revoke":
        if not args.id:
            print("LỖI/ERROR: cần số hiệu mã / the code's id is required", file=sys.stderr)
            return EXIT_USAGE
        if access.revoke(journal, args.id):
            print(f"đã thu hồi / revoked: {args.id}")
            return EXIT_OK
        print(f"không có mã đang dùng / no active code: {args.id}", file=sys.stderr)
        return EXIT_INVALID
    for info in access.listing(journal, args.commune):
        status = "thu hồi/revoked" if info.revoked_at else ("đang dùng/active" if info.active else "hết hạn/expired")
        print(f"{info.id}  {info.commune_code}  {status:<16} tạo/created {_when(info.created_at)}  "
              f"hết hạn/expires {_when(info.expires_at)}")
    return EXIT_OK


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"ngày phải có dạng YYYY-MM-DD / date must be YYYY-MM-DD: {value}") from exc


def register(sub, add) -> None:
    journal_help = f"tệp nhật ký SQLite / the journal (mặc định / default <repo>/{DEFAULT_JOURNAL})"
    p = add("intake-serve", cmd_serve, "Chạy dịch vụ nhận biểu mẫu / run the intake service")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--local", action="store_true", help="ghi vào nhánh của kho git này / commit to local branches")
    mode.add_argument("--github", metavar="OWNER/REPO", help="mở pull request (token: $CNSCD_GITHUB_TOKEN)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8787)
    p.add_argument("--journal", help=journal_help)
    p.add_argument("--allow-origin", action="append", help="nguồn CORS được phép (mặc định từ site_url của mkdocs.yml)")
    p.add_argument("--today", type=_date, default=None, help="ngày cố định cho kiểm thử / a fixed date for tests")
    p.add_argument("--retry-base", type=float, default=30.0, help="giây chờ lần thử lại đầu / first retry delay (s)")
    p.add_argument("--retry-cap", type=float, default=3600.0, help="giây chờ tối đa / longest retry delay (s)")
    p.add_argument("--refresh-seconds", type=float, default=300.0,
                   help="hỏi lại trạng thái pull request sau / re-ask a pull request's state after (s)")
    p.add_argument("--pull-every", type=float, default=300.0,
                   help="--github: git pull --ff-only thư mục làm việc mỗi N giây / keep the checkout current (0: never)")
    p.add_argument("--max-body", type=int, default=256 * 1024, help="byte tối đa mỗi yêu cầu / body bytes")
    p.add_argument("--review-per-hour", type=int, default=20, help="biểu mẫu không mã mỗi giờ mỗi máy")
    p.add_argument("--wrong-codes-per-hour", type=int, default=5, help="mã sai mỗi giờ mỗi máy")
    p.add_argument("--forwarded-allow-ips", default="",
                   help="IP của proxy tin cậy để đọc X-Forwarded-For / trusted proxy addresses")

    p = add("intake-queue", cmd_queue, "Xem và gửi lại hàng đợi / the intake service's queue")
    p.add_argument("action", choices=["list", "retry", "show", "reject", "purge"])
    p.add_argument("receipt", nargs="?", metavar="RECEIPT")
    p.add_argument("--journal", help=journal_help)
    p.add_argument("--state", help="chỉ trạng thái này / only this state (list)")
    p.add_argument("--days", type=float, default=90,
                   help="purge: quên nội dung biểu mẫu đã xử lý quá N ngày / forget settled submissions' content after N days")
    p.add_argument("--reason", help="lý do từ chối (reject), người gửi sẽ đọc / why (the submitter reads it)")

    p = add("access-code", cmd_access_code, "Mã truy cập của xã / commune access codes")
    p.add_argument("action", choices=["issue", "revoke", "list"])
    p.add_argument("id", nargs="?", help="số hiệu mã (revoke) / the code's id")
    p.add_argument("--commune", help="mã xã 5 chữ số / 5-digit commune code")
    p.add_argument("--days", type=int, default=180, help="số ngày hiệu lực / days valid")
    p.add_argument("--journal", help=journal_help)
