"""The benchmark's parts: the plain-MkDocs baseline it compares against, and how it measures a command."""

from __future__ import annotations

import sys
from pathlib import Path

from cnscd.baseline import write_project
from cnscd.bench import measure, site_size

from .conftest import SAMPLE
from .datautil import read


def test_baseline_is_one_page_per_commune_with_teams_and_only_consented_phones(tmp_path: Path) -> None:
    pages = write_project(SAMPLE, tmp_path / "project")
    commune_pages = sorted((tmp_path / "project" / "docs" / "xa").glob("*.md"))
    assert pages == len(commune_pages) == 15  # the sample's fifteen communes
    text = "".join(p.read_text(encoding="utf-8") for p in commune_pages)
    members = [row for folder in (SAMPLE / "provinces").iterdir() for row in read(SAMPLE, f"provinces/{folder.name}/members.csv")]
    leaders = [m for m in members if m["role"] == "leader" and not m["left_on"]]
    assert any(m["phone"] and m["phone"] in text for m in leaders)
    assert not any(m["phone"] and m["phone_consent"] != "true" and m["phone"] in text for m in members)
    run = measure([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(tmp_path / "project" / "mkdocs.yml"),
                   "-d", str(tmp_path / "site")])
    assert run.ok, run.tail
    total, largest, path = site_size(tmp_path / "site")
    assert (tmp_path / "site" / "xa" / commune_pages[0].stem / "index.html").is_file()
    assert total > largest > 0 and path


def test_measure_reads_the_childs_own_peak_memory(tmp_path: Path) -> None:
    # The bench itself may be big (it is, in a full test run): that must not count as the command's memory.
    ballast = bytearray(400 * 1024 * 1024)
    ballast[::4096] = b"1" * len(ballast[::4096])
    small = measure([sys.executable, "-c", "pass"])
    big = measure([sys.executable, "-c", "x = bytearray(300 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"])
    assert small.ok and big.ok
    assert big.peak_mb >= 300 > small.peak_mb
    failed = measure([sys.executable, "-c", "raise SystemExit(3)"])
    assert not failed.ok
    del ballast
