"""Fixtures for the intake service: a temporary git repository of the data and services started on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.service.harness import Service, make_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def serve(repo: Path, tmp_path: Path):
    """serve(*extra_args, env=...) starts `cnscd intake-serve` on this repository; all are stopped at the end."""
    started: list[Service] = []

    def start(*extra: str, env: dict | None = None, journal: Path | None = None) -> Service:
        service = Service(repo, journal or tmp_path / "journal.sqlite3", *extra, env=env).start()
        started.append(service)
        return service

    yield start
    for service in started:
        service.stop()
