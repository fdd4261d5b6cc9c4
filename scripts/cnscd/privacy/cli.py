"""Verbs `erase`, `consent-form` and `withdraw`, registered into the core's `cnscd` command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _fail(vi: str, en: str, code: int) -> int:
    print(f"LỖI: {vi}\nERROR: {en}", file=sys.stderr)
    return code


def cmd_erase(args: argparse.Namespace) -> int:
    from . import erase

    digits = erase.national_digits(args.phone)
    if digits is None:
        return _fail(f"«{args.phone}» không phải số điện thoại Việt Nam", f"«{args.phone}» is not a Vietnamese "
                     "phone number", EXIT_USAGE)
    try:
        repo = erase.repo_root(args.repo)
        erase.check_ready(repo, digits)
        if not args.no_fetch:
            erase.check_pushed(repo)
        before = erase.scan(repo, digits)
        shown = f"0{digits}"
        if not before.hits:
            print(f"Không đối tượng nào trong {repo} chứa số {shown} ({before.objects} đối tượng đã đọc); không cần "
                  f"viết lại. / No object in {repo} holds {shown}; nothing to rewrite.")
            print(erase.OUTSIDE_STEPS_VI.split("\n", 1)[1] + "\n" + erase.OUTSIDE_STEPS_EN.split("\n", 1)[1])
            return EXIT_OK
        kinds = ", ".join(f"{sum(h.kind == k for h in before.hits)} {k}" for k in sorted({h.kind for h in before.hits}))
        print(f"Số {shown} có trong {len(before.hits)} đối tượng ({kinds}) của {repo}. / "
              f"{shown} is in {len(before.hits)} objects ({kinds}).")
        if not args.yes:
            if not sys.stdin.isatty():
                return _fail("Viết lại lịch sử không thể hoàn tác: chạy lại với --yes để xác nhận",
                             "Rewriting history cannot be undone: run again with --yes to confirm", EXIT_USAGE)
            answer = input("Viết lại toàn bộ lịch sử? Gõ «co» để tiếp tục / Rewrite all history? Type «yes»: ")
            if answer.strip().casefold() not in {"co", "có", "yes", "y"}:
                print("Đã huỷ / cancelled")
                return EXIT_USAGE
        erase.rewrite(repo, digits, fetch=not args.no_fetch)
        after = erase.scan(repo, digits)
    except erase.EraseError as exc:
        return _fail(exc.vi, exc.en, exc.exit_code)
    if after.hits:
        listed = ", ".join(f"{h.kind} {h.object_id[:12]}" for h in after.hits[:20])
        return _fail(f"Vẫn còn {len(after.hits)} đối tượng chứa số ({listed}): có thể là tệp nhị phân (xlsx, ảnh, zip), "
                     "tên tệp hay tên/email tác giả, mà git-filter-repo không sửa bằng --replace-text",
                     f"{len(after.hits)} objects still hold the number ({listed}): binary files, file names or author "
                     "identities are not rewritten by --replace-text", EXIT_INVALID)
    print(f"Đã xoá số {shown} khỏi mọi commit; {after.objects} đối tượng đã được kiểm tra lại, không còn đối tượng nào "
          f"chứa số này. / Erased {shown} from every commit; {after.objects} objects re-read, none holds it.\n")
    print(erase.OUTSIDE_STEPS_VI)
    print(erase.OUTSIDE_STEPS_EN)
    return EXIT_OK


def cmd_consent_form(args: argparse.Namespace) -> int:
    from .consent_form import ConsentFormError, write_consent_form

    try:
        path, count = write_consent_form(args.data, args.team, args.out, args.today)
    except ConsentFormError as exc:
        return _fail(exc.vi, exc.en, EXIT_INVALID)
    print(f"Đã ghi phiếu đồng ý ({count} người) vào {path} / wrote the consent form ({count} people) to {path}")
    return EXIT_OK


def cmd_withdraw(args: argparse.Namespace) -> int:
    from .withdraw import withdraw_person

    return withdraw_person(args.data, args.person, args.on or args.today, args.channel, args.today)


def register(sub, add) -> None:
    from ..cli import _date

    p = add("erase", cmd_erase, "Xoá một số điện thoại khỏi toàn bộ lịch sử git / erase a phone number from history")
    p.add_argument("--phone", required=True, help="số cần xoá, cách viết bất kỳ / the number, any spelling")
    p.add_argument("--repo", type=Path, default=Path("."), help="kho git (mặc định thư mục hiện tại) / repository")
    p.add_argument("--yes", action="store_true", help="không hỏi lại / do not ask for confirmation")
    p.add_argument("--no-fetch", action="store_true",
                   help="không lấy mọi tham chiếu từ origin trước khi viết lại / do not fetch all refs from origin first")

    p = add("consent-form", cmd_consent_form, "Phiếu đồng ý công khai số điện thoại của một tổ (DOCX) / consent form")
    p.add_argument("--team", required=True, help="mã tổ / team id, e.g. T79-0002")
    p.add_argument("--out", type=Path, required=True, help="tệp .docx / output .docx")
    p.add_argument("--today", type=_date, default=dt.date.today(), help="ai là thành viên hiện tại vào ngày này")

    p = add("withdraw", cmd_withdraw, "Gỡ số điện thoại của một người (rút lại đồng ý) / apply a withdrawal")
    p.add_argument("--person", required=True, help="mã người / person id, e.g. P79-000012")
    p.add_argument("--on", type=_date, default=None, help="ngày người đó yêu cầu (mặc định hôm nay) / requested on")
    p.add_argument("--channel", default="maintainer",
                   choices=["maintainer", "paper", "in_person", "site_form", "issue_form"],
                   help="yêu cầu gửi qua đâu / how the request came")
    p.add_argument("--today", type=_date, default=dt.date.today(), help="ngày áp dụng / the day it is applied")
