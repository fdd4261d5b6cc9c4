"""Local mode: apply a valid submission on a branch `submission/issue-N` of a real git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .apply import write_files


class GitError(Exception):
    pass


def branch_name(issue: int) -> str:
    return f"submission/issue-{issue}"


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def repo_root(path: Path) -> Path:
    return Path(_git(Path(path), "rev-parse", "--show-toplevel"))


def commit_submission(repo: Path, files: dict[str, str], issue: int, message: str) -> str:
    """Branch from the current branch (re-created when the issue was edited), write, commit, return to
    the base branch; returns the commit sha.

    The working tree must be clean for the files touched, so nobody's unsaved edit is swept into it.
    """
    base = _git(repo, "rev-parse", "--abbrev-ref", "HEAD")
    dirty = _git(repo, "status", "--porcelain", "--", *files)
    if dirty:
        raise GitError(f"tệp đang sửa dở / uncommitted changes: {dirty}")
    branch = branch_name(issue)
    if base == branch:
        raise GitError(f"đang ở nhánh {branch}; hãy chuyển về nhánh chính / switch back to the main branch first")
    _git(repo, "checkout", "-q", "-B", branch, base)
    write_files(repo, files)
    _git(repo, "add", "--", *files)
    identity = []
    if not subprocess.run(["git", "-C", str(repo), "config", "user.email"], capture_output=True).stdout.strip():
        identity = ["-c", "user.name=cnscd intake", "-c", "user.email=intake@cnscd.invalid"]
    _git(repo, *identity, "commit", "-q", "--allow-empty", "-m", message)
    sha = _git(repo, "rev-parse", "HEAD")
    _git(repo, "checkout", "-q", base)
    return sha
