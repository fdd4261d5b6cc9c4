"""Canonical form: `cnscd fmt --check` fails with a diff, `cnscd fmt` restores, nothing is lost."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from cnscd import fmt

from .conftest import SAMPLE, run_cli
from .datautil import CAO_BANG, read, write

MEMBERS = f"{CAO_BANG}/members.csv"


def test_sample_is_canonical() -> None:
    assert fmt.check(SAMPLE) == []


def test_fmt_restores_order_nfc_phone_and_descriptor(data_copy: Path) -> None:
    original = (data_copy / MEMBERS).read_text(encoding="utf-8")
    rows = read(data_copy, MEMBERS)
    rows.reverse()
    rows[0]["full_name"] = unicodedata.normalize("NFD", rows[0]["full_name"]) + "  "
    consented = next(r for r in rows if r["phone"])
    spaced = f"{consented['phone'][:4]} {consented['phone'][4:7]}.{consented['phone'][7:]}"
    consented["phone"] = spaced
    write(data_copy, MEMBERS, rows)
    (data_copy / "datapackage.yaml").write_text("resources: []\n", encoding="utf-8")

    result = run_cli("fmt", "--check", "--data", str(data_copy))
    assert result.returncode == 1
    assert f"--- a/{MEMBERS}" in result.stdout and "--- a/datapackage.yaml" in result.stdout
    assert f"-{consented['member_id']}" in result.stdout or spaced in result.stdout

    assert run_cli("fmt", "--data", str(data_copy)).returncode == 0
    assert (data_copy / MEMBERS).read_text(encoding="utf-8") == original
    assert fmt.check(data_copy) == []


def test_unknown_columns_and_surplus_cells_are_kept(data_copy: Path) -> None:
    path = data_copy / MEMBERS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] += ",surplus cell"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    fmt.apply(data_copy)
    assert "surplus cell" in path.read_text(encoding="utf-8")


def test_units_regenerate_identically(tmp_path: Path) -> None:
    """data/units/ is exactly what the pinned vietnam-provinces release gives."""
    from cnscd.units import generate

    (tmp_path / "schemas").mkdir()
    for schema in (SAMPLE / "schemas").iterdir():
        (tmp_path / "schemas" / schema.name).write_bytes(schema.read_bytes())
    for path in generate(tmp_path):
        assert path.read_bytes() == (SAMPLE / "units" / path.name).read_bytes(), path.name


def test_sample_regenerates_identically(tmp_path: Path) -> None:
    """`cnscd sample` is deterministic: the committed sample is its output."""
    import shutil

    shutil.copytree(SAMPLE / "schemas", tmp_path / "schemas")
    shutil.copytree(SAMPLE / "units", tmp_path / "units")
    assert run_cli("sample", "--data", str(tmp_path)).returncode == 0
    for path in sorted((SAMPLE / "provinces").rglob("*.csv")):
        rel = path.relative_to(SAMPLE)
        assert (tmp_path / rel).read_bytes() == path.read_bytes(), rel
