"""Cached and incremental validation: the same findings as a fresh run, and no work repeated on unchanged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from cnscd import load as load_module
from cnscd import tablecheck
from cnscd.validate import validate

from .conftest import TODAY
from .datautil import CAO_BANG, append, edit, read

MEMBERS = f"{CAO_BANG}/members.csv"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CNSCD_CACHE_DIR", str(folder))
    return folder


def _broken(root: Path) -> None:
    edit(root, MEMBERS, "member_id", "M04-000019", role="boss")            # constraint (frictionless)
    edit(root, MEMBERS, "member_id", "M04-000020", joined_on="29/08/2025")  # type (frictionless)
    edit(root, MEMBERS, "member_id", "M04-000021", team_id="T04-9999")      # foreign key (in memory)
    append(root, f"{CAO_BANG}/reports-2026.csv", **read(root, f"{CAO_BANG}/reports-2026.csv")[0])  # primary key


def test_unchanged_package_is_answered_from_the_cache_without_reading_rows(data_copy: Path, cache: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(data_copy)
    first = validate(data_copy, TODAY)
    assert {"constraint-error", "type-error", "foreign-key", "primary-key"} <= {f.code for f in first}
    reads: list[str] = []
    real_read = load_module.read_csv
    monkeypatch.setattr(load_module, "read_csv", lambda path, relpath: reads.append(relpath) or real_read(path, relpath))
    assert validate(data_copy, TODAY) == first and reads == []
    # The next day crosses no date in the data here, so every part's answer still holds (datespan): no row is
    # read; days that do cross one are tested in test_incremental…
    assert validate(data_copy, TODAY.replace(day=23)) == first and reads == []
    # …and one changed byte is a new question for its own province only.
    reads.clear()
    edit(data_copy, MEMBERS, "member_id", "M04-000022", position="Giáo viên Toán")
    assert validate(data_copy, TODAY) == first
    assert {relpath.split("/")[1] for relpath in reads} == {"04-cao-bang"}, reads


def test_cell_checks_run_only_for_changed_files_and_agree_with_a_cold_run(data_copy: Path, cache: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    validate(data_copy, TODAY)
    checked = []
    real = tablecheck._check_file
    monkeypatch.setattr(tablecheck, "_check_file", lambda path, relpath, schema: checked.append(relpath) or
                        real(path, relpath, schema))
    _broken(data_copy)
    warm = validate(data_copy, TODAY)
    assert sorted(checked) == sorted({MEMBERS, f"{CAO_BANG}/reports-2026.csv"})
    tablecheck.clear_cache()
    for result in (cache / "validate" / "results").glob("*.json"):
        result.unlink()
    checked.clear()
    cold = validate(data_copy, TODAY)
    assert len(checked) > 20 and cold == warm


def test_keys_across_partitions_match_what_frictionless_finds(data_copy: Path, cache: Path) -> None:
    """The in-memory key check answers like frictionless's own multipart check would."""
    from frictionless import Package, system

    from cnscd import package

    _broken(data_copy)
    target = "provinces/79-ho-chi-minh/members.csv"
    append(data_copy, target, **read(data_copy, MEMBERS)[5])  # the same member_id in another partition
    ours = {(f.code, f.file) for f in validate(data_copy, TODAY) if f.code in ("primary-key", "foreign-key")}
    with system.use_context(trusted=True):
        report = Package(package.build_descriptor(data_copy, inline_schemas=True), basepath=str(data_copy)).validate()
    theirs = {(e.type, t.name) for t in report.tasks for e in t.errors if e.type in ("primary-key", "foreign-key")}
    assert {(code, {"provinces/04-cao-bang/reports-2026.csv": "reports"}.get(file, file.split("/")[-1][:-4]))
            for code, file in ours} == theirs
