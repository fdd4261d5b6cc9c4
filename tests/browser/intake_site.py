"""A site pointed at a running intake service, both on 127.0.0.1, over a temporary git repository.

The repository holds a copy of this checkout's data, issue forms, docs and mkdocs.yml (with
`extra.intake_url` set to the service), so the service commits submissions to real branches there and the
tests read them back with git. Used by test_forms.py and test_offline.py.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import ROOT, TODAY, run_cli

PHONE = {"width": 360, "height": 640}
SHOTS = Path(tempfile.gettempdir()) / "cnscd-form-shots"  # looked at by people, not committed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


@dataclass
class IntakeSite:
    repo: Path
    site: str  # the site's base URL
    service: str  # the intake service's base URL
    process: subprocess.Popen
    log: Path

    def branches(self) -> list[str]:
        return [b.strip() for b in git(self.repo, "branch", "--format=%(refname:short)").splitlines()
                if b.startswith("submission/")]

    def wait_branches(self, count: int, timeout: float = 30) -> list[str]:
        """The worker commits after the 202; wait (bounded) for it, never on a wall-clock assertion."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.branches()
            if len(found) >= count:
                return found
            time.sleep(.3)
        raise AssertionError(f"{count} branch(es) expected, found {self.branches()}\n{self.log.read_text()[-3000:]}")

    def changed(self, branch: str) -> dict[str, str]:
        """Files changed on a submission branch against main → their new text."""
        names = git(self.repo, "diff", "--name-only", f"main...{branch}").split()
        return {name: git(self.repo, "show", f"{branch}:{name}") for name in names}

    def post(self, path: str, body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(self.service + path, data=json.dumps(body).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())


def _serve(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def start(tmp: Path):
    """Build the site into tmp/site and start both servers; a generator (fixture body): yields IntakeSite."""
    repo = tmp / "repo"
    repo.mkdir()
    for name in ("data", "docs", ".github"):
        shutil.copytree(ROOT / name, repo / name)
    site_port, service_port = free_port(), free_port()
    site, service = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{service_port}"
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^site_url:.*$", f"site_url: {site}/", config, flags=re.MULTILINE)
    config = re.sub(r"^(\s+)intake_url:.*$", rf"\1intake_url: {service}", config, flags=re.MULTILINE)
    assert f"intake_url: {service}" in config
    (repo / "mkdocs.yml").write_text(config, encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "data")
    built = tmp / "site"
    run_cli("build", "--data", str(repo / "data"), "--site-dir", str(built), "--today", TODAY.isoformat(),
            "--config", str(repo / "mkdocs.yml"), check=True)
    server = _serve(built, site_port)
    log = tmp / "service.log"
    log_file = open(log, "w")  # noqa: SIM115 - the service writes to it until the fixture ends
    process = subprocess.Popen(
        [sys.executable, "-m", "cnscd", "intake-serve", "--local", "--host", "127.0.0.1", "--port",
         str(service_port), "--journal", str(tmp / "journal.sqlite"), "--allow-origin", site,
         "--today", TODAY.isoformat(), "--retry-base", "1"],
        cwd=repo, stdout=log_file, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUTF8": "1"})
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(service + "/api/health", timeout=2)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"intake-serve did not start:\n{log.read_text()}") from None
            time.sleep(.3)
    try:
        yield IntakeSite(repo, site, service, process, log)
    finally:
        process.terminate()
        process.wait(10)
        log_file.close()
        server.shutdown()


def shot(page, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
