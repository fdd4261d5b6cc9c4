"""The only module that talks to GitHub (github3.py): branch, files, pull request, comment, labels.

Every call that fails because of GitHub (unreachable, 5xx, rate limit) raises `GitHubUnavailable`,
which the command reports as retryable (exit 3) with the submission kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import github3
import requests
from github3 import exceptions as gh_errors

from .messages import MARKER

LABEL_NEEDS_REVIEW = "cần-duyệt"
LABEL_INVALID = "cần-sửa"
WRITE_PERMISSIONS = {"admin", "maintain", "write"}


class GitHubUnavailable(Exception):
    """GitHub could not be reached or refused for a while: nothing is lost, run again."""


@dataclass
class Published:
    branch: str
    pull_number: int
    pull_url: str
    created: bool


def _describe(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if response is not None:
        remaining = response.headers.get("X-RateLimit-Remaining")
        if response.status_code in (403, 429) and remaining == "0":
            reset = response.headers.get("X-RateLimit-Reset", "?")
            return f"hết hạn mức gọi API (đặt lại lúc {reset}) / rate limit exceeded (resets at {reset})"
        return f"GitHub trả lời {response.status_code} / GitHub answered {response.status_code}"
    return f"không kết nối được GitHub / GitHub unreachable: {exc}"


class Client:
    def __init__(self, owner_repo: str, token: str | None, api_url: str | None = None):
        owner, _, name = owner_repo.partition("/")
        if not owner or not name:
            raise ValueError(f"OWNER/REPO expected, got {owner_repo!r}")
        self.owner, self.name = owner, name
        self.gh = github3.GitHub(token=token) if token else github3.GitHub()
        if api_url:
            self.gh.session.base_url = api_url.rstrip("/")
        self.gh.session.default_read_timeout = 30
        self._repo = None

    def _call(self, func, *args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (gh_errors.TransportError, gh_errors.ServerError, requests.RequestException) as exc:
            raise GitHubUnavailable(_describe(exc)) from exc
        except gh_errors.GitHubError as exc:
            raise GitHubUnavailable(_describe(exc)) from exc

    @property
    def repo(self):
        if self._repo is None:
            self._repo = self._call(self.gh.repository, self.owner, self.name)
        return self._repo

    def permission(self, login: str) -> str:
        """The login's permission on the repository (admin, maintain, write, triage, read or none)."""
        session = self.gh.session
        url = session.build_url("repos", self.owner, self.name, "collaborators", login, "permission")
        response = self._call(session.get, url)
        if response.status_code == 404:
            return "none"
        if response.status_code >= 400:
            self._call(_raise_for, response)
        return response.json().get("permission", "none")

    def publish(self, issue: int, files: dict[str, str], message: str, title: str, body: str) -> Published:
        """Reset the issue's branch to the default branch, commit the files, open or update its pull request."""
        repo = self.repo
        branch = f"submission/issue-{issue}"
        base = repo.default_branch
        base_sha = self._call(repo.ref, f"heads/{base}").object.sha
        ref = self._call(_find_ref, repo, f"heads/{branch}")
        if ref is None:
            self._call(repo.create_ref, f"refs/heads/{branch}", base_sha)
        else:
            self._call(ref.update, base_sha, force=True)
        for path, text in sorted(files.items()):
            content = text.encode("utf-8")
            current = self._call(_find_contents, repo, path, branch)
            if current is None:
                self._call(repo.create_file, path, message, content, branch=branch)
            else:
                self._call(current.update, message, content, branch=branch)
        head = f"{self.owner}:{branch}"
        existing = next(iter(self._call(lambda: list(repo.pull_requests(state="open", head=head)))), None)
        if existing is not None:
            self._call(existing.update, title=title, body=body)
            return Published(branch, existing.number, existing.html_url, False)
        pull = self._call(repo.create_pull, title, base, branch, body)
        return Published(branch, pull.number, pull.html_url, True)

    def comment(self, issue: int, text: str) -> None:
        """One comment per issue, edited on each run (found by its marker)."""
        found = self._call(self.repo.issue, issue)
        mine = next((c for c in self._call(lambda: list(found.comments())) if MARKER in (c.body or "")), None)
        if mine is None:
            self._call(found.create_comment, text)
        else:
            self._call(mine.edit, text)

    def set_labels(self, issue: int, add: list[str], remove: list[str]) -> None:
        found = self._call(self.repo.issue, issue)
        present = {label.name for label in found.original_labels}
        if add:
            self._call(found.add_labels, *add)
        for name in remove:
            if name in present:
                self._call(found.remove_label, name)


def _raise_for(response) -> None:
    error = gh_errors.error_for(response)
    if error is not None:
        raise error


def _find_ref(repo, name: str):
    try:
        return repo.ref(name)
    except gh_errors.NotFoundError:
        return None


def _find_contents(repo, path: str, branch: str):
    try:
        return repo.file_contents(path, ref=branch)
    except gh_errors.NotFoundError:
        return None
