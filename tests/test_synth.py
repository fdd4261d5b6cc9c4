"""`cnscd synth`: deterministic, valid synthetic packages; the sample scale is the bundled sample itself."""

from __future__ import annotations

import hashlib
from pathlib import Path

from cnscd.synth import synthesize
from cnscd.validate import has_errors, validate

from .conftest import SAMPLE, run_cli


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*.csv"))}


def test_sample_scale_is_the_bundled_sample(tmp_path: Path) -> None:
    result = run_cli("synth", "--scale", "sample", "--out", str(tmp_path / "out"), check=True)
    assert "out" in result.stdout
    assert _digest(tmp_path / "out") == _digest(SAMPLE)


def test_national_scale_is_deterministic_valid_and_seeded(tmp_path: Path) -> None:
    # Every province, one commune each and two villages: the national shape at test size.
    small = {"villages_per_commune": 2, "communes": 1, "report_months": 2}
    first = synthesize("national", tmp_path / "a", SAMPLE, **small)
    again = synthesize("national", tmp_path / "b", SAMPLE, **small)
    other = synthesize("national", tmp_path / "c", SAMPLE, seed=7, **small)
    assert _digest(first) == _digest(again)
    assert _digest(first) != _digest(other)
    assert len(list((first / "provinces").iterdir())) == 34
    assert not has_errors(validate(first))


def test_refuses_a_folder_that_has_data(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    result = run_cli("synth", "--scale", "sample", "--out", str(tmp_path))
    assert result.returncode == 2 and "not empty" in result.stdout
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "x"
