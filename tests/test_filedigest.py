"""File digests remembered by stat: unchanged files are not read again, changed ones always are."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cnscd import filedigest


@pytest.fixture
def reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("CNSCD_CACHE_DIR", str(tmp_path / "cache"))
    names: list[str] = []
    real = filedigest.read_digest
    monkeypatch.setattr(filedigest, "read_digest", lambda path: names.append(path.name) or real(path))
    return names


def test_a_file_is_read_again_only_when_its_stat_changes(tmp_path: Path, reads: list[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filedigest, "_RACY_NS", 0)  # files written just now are remembered too, for this test
    root = tmp_path / "data"
    root.mkdir()
    for name in ("a.csv", "b.csv"):
        (root / name).write_text(f"{name}\n", encoding="utf-8")
    first = filedigest.digests(root, ["a.csv", "b.csv"])
    assert first["a.csv"] == hashlib.sha256(b"a.csv\n").hexdigest() and sorted(reads) == ["a.csv", "b.csv"]
    reads.clear()
    assert filedigest.digests(root, ["a.csv", "b.csv"]) == first and reads == []
    (root / "a.csv").write_text("A.csv\n", encoding="utf-8")  # same size, new bytes
    second = filedigest.digests(root, ["a.csv", "b.csv"])
    assert reads == ["a.csv"] and second["a.csv"] == hashlib.sha256(b"A.csv\n").hexdigest()


def test_a_file_written_just_now_is_not_remembered(tmp_path: Path, reads: list[str]) -> None:
    root = tmp_path / "data"
    root.mkdir()
    (root / "fresh.csv").write_text("x\n", encoding="utf-8")
    filedigest.digests(root, ["fresh.csv"])
    filedigest.digests(root, ["fresh.csv"])
    assert reads == ["fresh.csv", "fresh.csv"]
