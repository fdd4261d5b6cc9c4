"""Erase a phone number from every commit of a repository, with git-filter-repo doing the rewriting.

History rewriting is delicate; a well-kept tool does it (`git-filter-repo`, pinned in requirements.txt).
This module only decides *what* to replace (every common spelling of one number), refuses unsafe
starts, cleans up what the rewrite leaves behind (reflogs, unreachable objects) and then checks its own
work by reading every object in the repository.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..phones import normalise_phone

REPLACEMENT = "[số đã xoá]"
# A separator people put between digit groups: space, dot, dash, slash, tab or a no-break space (UTF-8).
_SEP = r"(?:[ .\-/\t]|\xc2\xa0)?"
_PREFIX = r"(?:(?:\+84|\(\+84\)|0084|84)" + _SEP + r"(?:\(0\)" + _SEP + r")?|0" + _SEP + r")?"


class EraseError(Exception):
    """A refusal or failure with a message for the maintainer (Vietnamese, then English)."""

    def __init__(self, vi: str, en: str, exit_code: int = 1) -> None:
        super().__init__(f"{vi} / {en}")
        self.vi, self.en, self.exit_code = vi, en, exit_code


def national_digits(raw: str) -> str | None:
    """The number's digits after the trunk 0 (912345678), whatever spelling it was given in.

    A number that is not valid today (a typo that was committed anyway) is still accepted when it
    has the length of a Vietnamese number, because it may be in history all the same.
    """
    normal = normalise_phone(raw)
    if normal:
        return normal[1:]
    digits = re.sub(r"\D", "", raw or "")
    if digits.startswith("0084"):
        digits = digits[4:]
    elif digits.startswith("84") and len(digits) >= 11:
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    return digits if 8 <= len(digits) <= 10 else None


def spelling_pattern(digits: str) -> str:
    """A regular expression (ASCII, usable on bytes) for every common spelling of the number.

    0912345678, 0912 345 678, 0912.345.678, 0912-345-678, +84912345678, +84 912 345 678,
    84912345678, 0084…, (+84) 912…, +84 (0) 912…, and 912345678 (a spreadsheet that dropped the 0);
    never a part of a longer digit run.
    """
    return r"(?<![0-9])" + _PREFIX + _SEP.join(digits) + r"(?![0-9])"


def expressions_text(digits: str) -> str:
    """The `--replace-text` / `--replace-message` file for git-filter-repo."""
    return f"regex:{spelling_pattern(digits)}==>{REPLACEMENT}\n"


@dataclass
class Hit:
    object_id: str
    kind: str


@dataclass
class ScanResult:
    hits: list[Hit] = field(default_factory=list)
    objects: int = 0


def _git(repo: Path, *args: str, check: bool = True) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise EraseError(f"lệnh git thất bại: git {' '.join(args)}: {result.stderr.strip()}",
                         f"git failed: git {' '.join(args)}: {result.stderr.strip()}", 2)
    return result.stdout


def iter_objects(repo: Path) -> Iterator[tuple[str, str, bytes]]:
    """Every object in the repository's object store (reachable or not): id, type, content."""
    process = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch"],
                               stdout=subprocess.PIPE)
    assert process.stdout is not None
    stream = process.stdout
    try:
        while True:
            header = stream.readline()
            if not header:
                break
            object_id, kind, size = header.split()
            content = stream.read(int(size))
            stream.read(1)  # the newline after each object
            yield object_id.decode(), kind.decode(), content
    finally:
        stream.close()
        process.wait()


def scan(repo: Path, digits: str) -> ScanResult:
    pattern = re.compile(spelling_pattern(digits).encode("ascii"))
    result = ScanResult()
    for object_id, kind, content in iter_objects(repo):
        result.objects += 1
        if pattern.search(content):
            result.hits.append(Hit(object_id, kind))
    return result


def repo_root(path: Path) -> Path:
    result = subprocess.run(["git", "-C", str(path), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    if result.returncode != 0:
        raise EraseError(f"{path} không phải kho git có thư mục làm việc", f"{path} is not a git working tree", 2)
    return Path(result.stdout.strip())


def current_tree_hits(repo: Path, digits: str) -> list[str]:
    """Tracked files of the working tree (clean, so equal to HEAD) that still hold the number: path:line."""
    pattern = re.compile(spelling_pattern(digits).encode("ascii"))
    found = []
    for name in _git(repo, "ls-files", "-z").split("\0"):
        path = repo / name
        if not name or not path.is_file():
            continue
        data = path.read_bytes()
        for number, line in enumerate(data.split(b"\n"), start=1):
            if pattern.search(line):
                found.append(f"{name}:{number}")
    return found


def filter_repo_command() -> list[str]:
    """The pinned git-filter-repo installed beside this Python (the venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "git-filter-repo"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("git-filter-repo")
    if found:
        return [found]
    raise EraseError("chưa cài git-filter-repo (xem requirements.txt)", "git-filter-repo is not installed "
                     "(see requirements.txt)", 2)


def check_ready(repo: Path, digits: str) -> None:
    """Refuse to rewrite a tree with uncommitted edits, or one whose current files still hold the number."""
    dirty = _git(repo, "status", "--porcelain", "--untracked-files=no").strip()
    if dirty:
        raise EraseError("Thư mục làm việc có thay đổi chưa commit; hãy commit hoặc bỏ chúng trước:\n" + dirty,
                         "The working tree has uncommitted changes; commit or discard them first.")
    still = current_tree_hits(repo, digits)
    if still:
        raise EraseError(
            "Số này vẫn còn trong các tệp hiện tại: " + ", ".join(still[:20]) + ". Hãy gỡ trước (cnscd withdraw "
            "--person ID), commit, rồi chạy lại.",
            "The number is still in the current files (listed above). Remove it first (cnscd withdraw "
            "--person ID), commit, then run again.")


def check_pushed(repo: Path) -> None:
    """Before git-filter-repo fetches every ref from origin (`+refs/*:refs/*` with --prune, which discards
    local work), every local branch and tag must be on origin as it is here: a maintainer pushes the removal
    commit first. Compared with origin itself (ls-remote), not the remote-tracking refs, which may be stale.
    """
    if "origin" not in _git(repo, "remote", check=False).split():
        return
    listed = subprocess.run(["git", "-C", str(repo), "ls-remote", "origin"], capture_output=True, text=True)
    if listed.returncode != 0:
        raise EraseError(f"Không đọc được origin ({listed.stderr.strip()}); chạy lại khi có mạng, hoặc với --no-fetch",
                         f"Cannot read origin ({listed.stderr.strip()}); retry online, or run with --no-fetch")
    remote = {name: sha for sha, name in (line.split("\t", 1) for line in listed.stdout.splitlines())}
    local = _git(repo, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags").splitlines()
    differ = [name for sha, name in (line.split(" ", 1) for line in local) if remote.get(name) != sha]
    if differ:
        raise EraseError(
            f"Các nhánh, thẻ chưa có trên origin hoặc khác origin: {', '.join(differ)}. Hãy đẩy (push) commit gỡ số lên "
            "trước, hoặc chạy với --no-fetch (khi đó các tham chiếu chỉ có trên origin, như refs/pull/*, không được "
            "viết lại ở đây)",
            f"Branches or tags missing from origin or different there: {', '.join(differ)}. Push the removal commit "
            "first, or run with --no-fetch (refs only on origin, such as refs/pull/*, are then not rewritten here)")


def rewrite(repo: Path, digits: str, fetch: bool = True) -> None:
    """git-filter-repo over blobs and commit/tag messages, then drop every trace the rewrite left."""
    with tempfile.TemporaryDirectory(prefix="cnscd-erase-") as tmp:
        expressions = Path(tmp) / "expressions.txt"
        expressions.write_text(expressions_text(digits), encoding="utf-8")
        command = [*filter_repo_command(), "--sensitive-data-removal", "--force", "--replace-text", str(expressions),
                   "--replace-message", str(expressions)]
        if not fetch:
            command.append("--no-fetch")
        result = subprocess.run(command, cwd=repo, stdin=subprocess.DEVNULL)  # it must never wait for an answer
        if result.returncode != 0:
            raise EraseError(f"git-filter-repo thất bại (mã {result.returncode})",
                             f"git-filter-repo failed (exit {result.returncode})", 2)
    git_dir = Path(_git(repo, "rev-parse", "--absolute-git-dir").strip())
    for leftover in ("ORIG_HEAD", "FETCH_HEAD"):
        (git_dir / leftover).unlink(missing_ok=True)
    _git(repo, "reflog", "expire", "--expire=now", "--expire-unreachable=now", "--all")
    _git(repo, "gc", "--prune=now", "--quiet")


OUTSIDE_STEPS_VI = """\
Lịch sử trong máy này đã sạch. Người quản lý còn phải tự làm những việc sau, ngoài kho này:
 1. Đẩy đè mọi nhánh và thẻ lên GitHub: git push --force --mirror origin (hoặc git push --force --all origin
    rồi git push --force --tags origin).
 2. Liên hệ GitHub Support (biểu mẫu «Remove sensitive data»): đề nghị xoá các bản xem đã lưu đệm, các commit
    cũ còn mở được bằng mã hash, và các tham chiếu yêu cầu thay đổi (refs/pull/*), vì những thứ này
    không thể đẩy đè.
 3. Báo cho người có bản fork hoặc bản sao (clone) của kho: họ phải xoá bản cũ và sao lại; số vẫn còn trong
    các bản đó cho tới khi họ làm.
 4. Chạy lại việc dựng và đăng trang (workflow deploy) để GitHub Pages và các tệp tải về không còn phục vụ số này.
 5. Xoá artifact và cache của GitHub Actions có thể chứa số (ví dụ artifact «intake-issue-N» giữ nội dung
    biểu mẫu), và sửa hoặc xoá issue, bình luận nào còn ghi số đó.
"""

OUTSIDE_STEPS_EN = """\
History on this machine is clean. The maintainer must still, outside this repository:
 1. Force-push every branch and tag (git push --force --mirror origin, or --force --all then --force --tags).
 2. Ask GitHub Support ("Remove sensitive data") to purge cached views, old commits still reachable by hash
    and pull-request refs (refs/pull/*), which cannot be force-pushed.
 3. Tell everyone with a fork or clone to delete it and clone again: the number stays in their copies until then.
 4. Re-run the site deployment so GitHub Pages and the downloads no longer serve the number.
 5. Delete GitHub Actions artifacts and caches that may hold it (e.g. the "intake-issue-N" artifacts that keep
    submissions), and edit or delete issues and comments that still show it.
"""
