"""The intake service as its operators run it: `cnscd intake-serve` in a subprocess on 127.0.0.1, a real
temporary git repository of the data, real HTTP, and the GitHub stand-in for --github mode."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, SAMPLE, TODAY
from tests.intake.fake_github import State

TODAY_TEXT = TODAY.isoformat()
ORIGIN = "https://example.github.io"  # the origin of mkdocs.yml's site_url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def make_repo(target: Path) -> Path:
    """A git repository holding the data package, the issue forms and mkdocs.yml, one commit on main."""
    target.mkdir(parents=True)
    shutil.copytree(SAMPLE, target / "data")
    shutil.copytree(ROOT / ".github" / "ISSUE_TEMPLATE", target / ".github" / "ISSUE_TEMPLATE")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "-q", "-m", "data")
    return target


def git_state(repo: Path) -> tuple[str, str, str]:
    """Every ref, the checked-out branch and the working tree's status: what a write would change."""
    return (git(repo, "for-each-ref", "--format=%(refname) %(objectname)"), git(repo, "rev-parse", "--abbrev-ref", "HEAD"),
            git(repo, "status", "--porcelain", "--untracked-files=all"))


def active_teams(limit: int = 2) -> list[dict[str, str]]:
    """Active teams of 2025 communes, each from a different commune, read from the sample."""
    found, communes = [], set()
    for path in sorted((SAMPLE / "provinces").glob("*/teams.csv")):
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["status"] == "active" and row["unit_scheme"] == "2025" and row["commune_code"] \
                        and row["level"] == "commune" and row["commune_code"] not in communes:
                    found.append(row)
                    communes.add(row["commune_code"])
                    if len(found) == limit:
                        return found
    return found


def indicator_codes() -> list[str]:
    with open(SAMPLE / "indicators.csv", encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def report_fields(team_id: str, period: str = "2026-10", **values: str) -> dict[str, str]:
    codes = indicator_codes()
    fields = {"team_id": team_id, "period": period, codes[0]: "12", codes[1]: "1.250"}
    fields.update(values)
    return fields


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self):
        return json.loads(self.text)


def request(url: str, method: str = "GET", payload: object = None, headers: dict | None = None,
            raw: bytes | None = None) -> Reply:
    data = raw if raw is not None else (json.dumps(payload).encode() if payload is not None else None)
    sent = {"Content-Type": "application/json", **(headers or {})} if data is not None else dict(headers or {})
    req = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(req, timeout=120) as response:  # 127.0.0.1 only
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()},
                         response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode("utf-8"))


def run_cnscd(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cnscd", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONUTF8": "1"})


def eventually(predicate, timeout: float = 90, step: float = 0.1) -> bool:
    """Poll until the predicate holds or the (generous, bounded) deadline passes; the machine may be busy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


class Service:
    """`cnscd intake-serve` in a subprocess; `kill()` is SIGKILL, as a crash."""

    def __init__(self, repo: Path, journal: Path, *extra: str, env: dict | None = None):
        self.repo, self.journal, self.extra, self.env = repo, journal, extra, env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = journal.with_suffix(f".{self.port}.log")
        self.process: subprocess.Popen | None = None

    def start(self) -> Service:
        mode = () if any(a.startswith("--github") for a in self.extra) else ("--local",)
        args = [sys.executable, "-m", "cnscd", "intake-serve", *mode, "--data", str(self.repo / "data"),
                "--host", "127.0.0.1", "--port", str(self.port), "--journal", str(self.journal),
                "--today", TODAY_TEXT, "--retry-base", "0.2", "--retry-cap", "1", *self.extra]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(args, cwd=self.repo, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, "PYTHONUTF8": "1", **self.env})
        deadline = time.monotonic() + 120  # bounded, generous: two cores shared with other test runs
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"service exited {self.process.returncode}:\n{self.log.read_text()}")
            try:
                if request(f"{self.url}/api/health").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"service did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def submit(self, form: str, fields: dict, access_code: str | None = None, headers: dict | None = None) -> Reply:
        payload = {"form": form, "fields": fields}
        if access_code is not None:
            payload["access_code"] = access_code
        return request(f"{self.url}/api/submissions", "POST", payload, headers)

    def check(self, form: str, fields: dict) -> Reply:
        return request(f"{self.url}/api/check", "POST", {"form": form, "fields": fields})

    def status(self, receipt: str) -> dict:
        return request(f"{self.url}/api/submissions/{receipt}").json

    def wait_for(self, receipt: str, *states: str, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            current = self.status(receipt)
            if current["state"] in states:
                return current
            time.sleep(0.1)
        raise AssertionError(f"{receipt} never reached {states}: {current}\n{self.log.read_text()}")


class PullIssues(dict):
    """On GitHub every pull request is also an issue (labels go through the issues API)."""

    def __init__(self, state: State):
        super().__init__()
        self.state = state

    def __missing__(self, number: int) -> dict:
        if any(p["number"] == number for p in self.state.pulls):
            self[number] = {"labels": [], "comments": [], "author": "intake-bot"}
            return self[number]
        raise KeyError(number)


def github_state(repo: Path) -> State:
    """The stand-in repository holds the same files as the local checkout's main branch."""
    state = State()
    state.issues = PullIssues(state)
    files = {}
    for path in git(repo, "ls-files").splitlines():
        files[path] = (repo / path).read_text(encoding="utf-8")
    state.branches["main"] = state.sha()
    state.files["main"] = files
    return state
