"""Deliver one journalled submission, idempotently: the branch `submission/web-<receipt>` is its key.

Every step first looks for what an earlier, interrupted attempt may have left (the branch, a file
already written, the pull request), so a crash at any point followed by a retry yields one commit
or one pull request, never two.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .journal import Submission
from .rebase import text_for

LABEL_TRUSTED = "mã-xã-hợp-lệ"  # sent with a valid access code of the commune it concerns


class Retry(Exception):
    """Nothing is lost; try again later (GitHub down, slow or rate-limited; the repository busy)."""


@dataclass
class Delivered:
    state: str  # committed | pull-request
    branch: str
    commit_sha: str = ""
    base_branch: str = ""
    pull_number: int | None = None
    pull_url: str = ""


# ------------------------------------------------------------------ local mode
_IDENTITY = {"GIT_AUTHOR_NAME": "cnscd intake-serve", "GIT_AUTHOR_EMAIL": "intake@cnscd.invalid",
             "GIT_COMMITTER_NAME": "cnscd intake-serve", "GIT_COMMITTER_EMAIL": "intake@cnscd.invalid"}


def _git(repo: Path, *args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, input=stdin,
                          env={**os.environ, **(env or {})})


def _out(repo: Path, *args: str, stdin: str | None = None, env: dict | None = None) -> str:
    result = _git(repo, *args, stdin=stdin, env=env)
    if result.returncode != 0:
        raise Retry(f"git {' '.join(args[:2])}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def deliver_local(repo: Path, item: Submission, data_dir: Path) -> Delivered:
    """Commit the files on a new branch from the current branch without touching the working tree.

    Plumbing (a private index, commit-tree) leaves the checkout and other people's uncommitted edits
    alone; `update-ref` with an empty old value creates the branch atomically and only once.
    """
    ref = f"refs/heads/{item.branch}"
    existing = _git(repo, "rev-parse", "--verify", "--quiet", ref)
    base_branch = _out(repo, "rev-parse", "--abbrev-ref", "HEAD")
    if existing.returncode == 0:
        return Delivered("committed", item.branch, existing.stdout.strip(), item.base_branch or base_branch)
    base = _out(repo, "rev-parse", "HEAD")
    with tempfile.TemporaryDirectory(prefix="cnscd-serve-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        if not _git(repo, "config", "user.email").stdout.strip():
            env.update(_IDENTITY)
        _out(repo, "read-tree", base, env=env)
        for path, accepted in sorted(item.files.items()):
            shown = _git(repo, "show", f"{base}:{path}")
            text = text_for(path, accepted, shown.stdout if shown.returncode == 0 else None, item.upserts, data_dir)
            blob = _out(repo, "hash-object", "-w", "--stdin", "--path", path, stdin=text)
            _out(repo, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        tree = _out(repo, "write-tree", env=env)
        message = f"{item.commit_message.rstrip()}\n\nBiên nhận / receipt: {item.receipt}\n"
        commit = _out(repo, "commit-tree", tree, "-p", base, stdin=message, env=env)
    created = _git(repo, "update-ref", ref, commit, "")
    if created.returncode != 0:  # another attempt won the race: keep its commit, never a second one
        return Delivered("committed", item.branch, _out(repo, "rev-parse", ref), base_branch)
    return Delivered("committed", item.branch, commit, base_branch)


def local_status(repo: Path, item: Submission) -> str:
    """merged once the branch's commit is in the base branch; closed when the branch was deleted unmerged."""
    if not item.commit_sha:
        return item.state
    base = item.base_branch or "HEAD"
    if _git(repo, "merge-base", "--is-ancestor", item.commit_sha, base).returncode == 0:
        return "merged"
    if _git(repo, "rev-parse", "--verify", "--quiet", f"refs/heads/{item.branch}").returncode != 0:
        return "closed"
    return "committed"


# ------------------------------------------------------------------ GitHub mode
class GitHubTarget:
    """Pull requests through intake's GitHub client (the one module that imports github3.py)."""

    def __init__(self, owner_repo: str, token: str | None, api_url: str | None):
        self.owner_repo, self.token, self.api_url = owner_repo, token, api_url

    def client(self):
        from ..intake.github import Client

        return Client(self.owner_repo, self.token, self.api_url)

    def deliver(self, item: Submission, labels: list[str], data_dir: Path) -> Delivered:
        from ..intake.github import GitHubUnavailable, _find_contents, _find_ref

        try:
            return self._deliver(item, labels, data_dir, _find_ref, _find_contents)
        except GitHubUnavailable as exc:
            raise Retry(str(exc)) from exc

    def _deliver(self, item: Submission, labels: list[str], data_dir: Path, find_ref, find_contents) -> Delivered:
        client = self.client()
        repo = client.repo
        head = f"{client.owner}:{item.branch}"
        base = repo.default_branch
        pull = self._find_pull(client, head)
        if pull is None:
            if client._call(find_ref, repo, f"heads/{item.branch}") is None:
                base_sha = client._call(repo.ref, f"heads/{base}").object.sha
                client._call(repo.create_ref, f"refs/heads/{item.branch}", base_sha)
            message = f"{item.commit_message.rstrip()}\n\nBiên nhận / receipt: {item.receipt}\n"
            for path, accepted in sorted(item.files.items()):
                current = client._call(find_contents, repo, path, item.branch)
                present = current.decoded.decode("utf-8") if current is not None else None
                text = text_for(path, accepted, present, item.upserts, data_dir)  # idempotent: upserts by key
                if current is None:
                    client._call(repo.create_file, path, message, text.encode("utf-8"), branch=item.branch)
                elif present != text:
                    client._call(current.update, message, text.encode("utf-8"), branch=item.branch)
            try:
                pull = client._call(repo.create_pull, item.title or item.commit_message.split("\n")[0], base,
                                    item.branch, item.pull_body)
            except Exception:
                pull = self._find_pull(client, head)  # created by an attempt whose answer was lost
                if pull is None:
                    raise
        if labels:
            self._label(client, pull.number, labels)
        return Delivered("pull-request", item.branch, base_branch=base, pull_number=pull.number,
                         pull_url=pull.html_url)

    @staticmethod
    def _find_pull(client, head: str):
        pulls = client._call(lambda: list(client.repo.pull_requests(state="all", head=head)))
        return pulls[0] if pulls else None

    @staticmethod
    def _label(client, number: int, labels: list[str]) -> None:
        # A pull request is an issue: one POST adds labels (existing ones are kept, so a retry is harmless).
        session = client.gh.session
        url = session.build_url("repos", client.owner, client.name, "issues", str(number), "labels")
        response = client._call(session.post, url, json={"labels": labels})
        if response.status_code >= 400:
            from ..intake.github import GitHubUnavailable

            raise GitHubUnavailable(f"GitHub trả lời {response.status_code} / GitHub answered {response.status_code}")

    def status(self, item: Submission) -> str:
        from ..intake.github import GitHubUnavailable

        try:
            client = self.client()
            pull = self._find_pull(client, f"{client.owner}:{item.branch}")
        except GitHubUnavailable:
            return item.state
        if pull is None:
            return item.state
        if getattr(pull, "merged_at", None):
            return "merged"
        return "closed" if pull.state == "closed" else "pull-request"
