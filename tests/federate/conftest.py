"""Fixtures for federation: the sample split into province packages, and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cnscd import package
from cnscd.federate.layout import DESCRIPTOR_JSON, province_descriptor
from cnscd.federate.split import split
from tests.conftest import SAMPLE


@pytest.fixture
def provinces(tmp_path: Path) -> Path:
    """The sample's five provinces, one package each, in a folder a test may break."""
    out = tmp_path / "provinces"
    split(SAMPLE, out)
    return out


def reseal(folder: Path) -> None:
    """Rewrite a province package's datapackage.json after a test changed its files (sizes, hashes)."""
    partition, = package.partitions(folder)
    (folder / DESCRIPTOR_JSON).write_text(json.dumps(province_descriptor(folder, partition), ensure_ascii=False),
                                          encoding="utf-8")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator:
    """serve(folder) → base URL of a real HTTP server for that folder (stopped after the test)."""
    servers = []

    def start(folder: Path, handler: type = _Quiet) -> str:
        if issubclass(handler, http.server.SimpleHTTPRequestHandler):
            handler = functools.partial(handler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def package_files(root: Path) -> dict[str, bytes]:
    """Every file of a data package by relative path (maintainers.yaml is repository metadata, not package)."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and path.name != "maintainers.yaml"}
