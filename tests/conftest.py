"""Shared fixtures: the bundled sample, a fixed today, a built site and real headless Chromium."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data"
TODAY = dt.date(2026, 11, 22)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory):
    """Validation results are cached by content; the suite keeps its own cache (subprocesses inherit it)."""
    previous = os.environ.get("CNSCD_CACHE_DIR")
    os.environ["CNSCD_CACHE_DIR"] = str(tmp_path_factory.mktemp("cnscd-cache"))
    yield
    if previous is None:
        os.environ.pop("CNSCD_CACHE_DIR", None)
    else:
        os.environ["CNSCD_CACHE_DIR"] = previous


@pytest.fixture
def today() -> dt.date:
    return TODAY


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A real git repository holding a copy of the sample data and the issue forms, one commit on main."""
    root = tmp_path / "repo"
    shutil.copytree(SAMPLE, root / "data")
    shutil.copytree(ROOT / ".github" / "ISSUE_TEMPLATE", root / ".github" / "ISSUE_TEMPLATE")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "sample")
    return root


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the sample package that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(SAMPLE, target)
    return target


def run_cli(*args: str, cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real `cnscd` command in a subprocess, as a maintainer or CI would."""
    result = subprocess.run([sys.executable, "-m", "cnscd", *args], cwd=cwd or ROOT, capture_output=True,
                            text=True, env={**os.environ, "PYTHONUTF8": "1"})
    if check and result.returncode != 0:
        raise AssertionError(f"cnscd {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def run_python(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Python code in a fresh process with the project on its path: no thread of the test session (servers) is
    there, so code that forks only from a single-threaded process does fork."""
    return subprocess.run([sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": f"{ROOT}/scripts:{ROOT}", **(env or {})})


def ensure_chromium() -> str:
    """Debian's chromium package; installed when missing (never a downloaded browser build)."""
    if not Path(CHROMIUM).exists():
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-core"], check=True,
                       env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
    return CHROMIUM


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once per test session from the bundled sample data."""
    site_dir = tmp_path_factory.mktemp("site")
    run_cli("build", "--data", str(SAMPLE), "--site-dir", str(site_dir), "--today", TODAY.isoformat(), check=True)
    return site_dir


@pytest.fixture(scope="session")
def site_server(built_site: Path):
    """Serve the built site on 127.0.0.1 (an ephemeral port) for browser tests; yields the base URL."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(built_site))

    class Quiet(handler.func):  # type: ignore[name-defined,misc]
        def log_message(self, *args) -> None:
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:
            import sys

            if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that stops reading is normal
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
