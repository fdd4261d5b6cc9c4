"""Validation province by province: exactly the findings of a full run, reusing only what is still right."""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cnscd import checks, locality, package, scopes
from cnscd import validate as validate_module
from cnscd.load import load
from cnscd.model import Finding
from cnscd.validate import LOCAL_RULES, rule_names, validate, validate_dataset

from .conftest import SAMPLE, TODAY
from .datautil import CAO_BANG, append, edit, read, write

HCM = "provinces/79-ho-chi-minh"
PARTS = ["", "04-cao-bang", "19-thai-nguyen", "51-quang-ngai", "75-dong-nai", "79-ho-chi-minh"]


@pytest.fixture(scope="session")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding the sample's results, made once: each test starts from a copy of it."""
    folder = tmp_path_factory.mktemp("warm-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CNSCD_CACHE_DIR", str(folder))
        assert validate(SAMPLE, TODAY) == []
    return folder


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm_cache: Path) -> Path:
    folder = tmp_path / "cache"
    shutil.copytree(warm_cache, folder)
    monkeypatch.setenv("CNSCD_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def evaluated(monkeypatch: pytest.MonkeyPatch, cache: Path) -> list[str]:
    """Names of the parts validated afresh (the sample is small, so they run in this process)."""
    names: list[str] = []
    real = scopes.evaluate
    monkeypatch.setattr(scopes, "evaluate", lambda root, name, *rest: names.append(name) or real(root, name, *rest))
    return names


def _full(root: Path, today: dt.date = TODAY) -> list[Finding]:
    return validate_dataset(load(root), today)


def _delete(root: Path, relpath: str, key: str, value: str) -> None:
    write(root, relpath, [row for row in read(root, relpath) if row[key] != value])


def one_province_changed(root: Path) -> set[str]:
    edit(root, f"{CAO_BANG}/members.csv", "member_id", "M04-000017", phone="0123")
    edit(root, f"{CAO_BANG}/members.csv", "member_id", "M04-000018", position="Trưởng thôn, ĐT 0914.555.666")
    return {"phone-invalid", "contact-in-text"}


def national_table_changed(root: Path) -> set[str]:
    rows = read(root, "policies.csv")
    for row in rows:
        if row["province_code"] == "04" and row["unit_scheme"] == "2025":
            row["min_team_size"] = "7"
    write(root, "policies.csv", rows)
    return {"team-too-small"}


def duplicate_key_across_provinces(root: Path) -> set[str]:
    append(root, f"{HCM}/members.csv", **read(root, f"{CAO_BANG}/members.csv")[5])
    return {"primary-key", "member-duplicate", "wrong-province-folder"}


def foreign_key_to_deleted_team(root: Path) -> set[str]:
    _delete(root, f"{CAO_BANG}/teams.csv", "team_id", "T04-0004")
    return {"foreign-key"}


def row_filed_in_wrong_province(root: Path) -> set[str]:
    source = read(root, f"{CAO_BANG}/members.csv")[5]
    append(root, f"{HCM}/members.csv", **{**source, "member_id": "M79-999999", "person_id": "P79-999999"})
    return {"wrong-province-folder"}


def withdrawal_filed_in_other_province(root: Path) -> set[str]:
    """Alone, Hồ Chí Minh City would not know the person (withdrawal-person-unknown); with Cao Bằng, the number is still there."""
    person = next(row for row in read(root, f"{CAO_BANG}/members.csv") if row["phone"] and not row["left_on"])
    source = read(root, f"{HCM}/withdrawals.csv")[0]
    append(root, f"{HCM}/withdrawals.csv", **{**source, "person_id": person["person_id"], "requested_on": "2026-11-20",
                                               "applied_on": ""})
    return {"withdrawal-pending"}


EDITS: dict[str, tuple[Callable[[Path], set[str]], list[str]]] = {
    # edit → the parts validated afresh (a shared key makes a full run, after the changed part is checked)
    "one province": (one_province_changed, ["04-cao-bang"]),
    "national table": (national_table_changed, PARTS),
    "duplicate key across provinces": (duplicate_key_across_provinces, ["79-ho-chi-minh"]),
    "foreign key to a deleted team": (foreign_key_to_deleted_team, ["04-cao-bang"]),
    "row in the wrong province": (row_filed_in_wrong_province, ["79-ho-chi-minh"]),
    "withdrawal in another province": (withdrawal_filed_in_other_province, ["79-ho-chi-minh"]),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_incremental_equals_a_full_run(kind: str, data_copy: Path, evaluated: list[str]) -> None:
    make, fresh = EDITS[kind]
    assert validate(data_copy, TODAY) == [] and evaluated == []  # the unchanged sample: answered from the cache
    expected_codes = make(data_copy)
    found = validate(data_copy, TODAY)
    assert sorted(evaluated) == sorted(fresh)
    assert found == _full(data_copy)
    assert expected_codes <= {f.code for f in found}


def test_several_edits_in_a_row_stay_equal_to_full_runs(data_copy: Path, evaluated: list[str]) -> None:
    """The cache carries over from one edit to the next; the last answer is checked against a full run."""
    for make, _ in EDITS.values():
        make(data_copy)
        found = validate(data_copy, TODAY)
    assert found == _full(data_copy)


@pytest.mark.parametrize("change", ["date", "code", "national table", "schema mode", "one province"])
def test_the_cache_is_invalidated_by_every_input_that_matters(change: str, data_copy: Path, evaluated: list[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    edit(data_copy, f"{CAO_BANG}/trainings.csv", "training_id", "H04-0001", held_on="2026-12-01")
    assert [f.code for f in validate(data_copy, TODAY)] == ["date-in-future"]
    evaluated.clear()
    assert [f.code for f in validate(data_copy, TODAY)] == ["date-in-future"] and evaluated == []
    today, schema = TODAY, True
    if change == "date":
        today = dt.date(2026, 12, 2)
    elif change == "code":
        monkeypatch.setattr(validate_module, "code_digest", lambda: "another version of the code")
    elif change == "national table":
        edit(data_copy, "indicators.csv", "code", read(data_copy, "indicators.csv")[0]["code"], notes="Ghi chú mới")
    elif change == "schema mode":
        schema = False
    else:
        edit(data_copy, f"{HCM}/members.csv", "member_id", read(data_copy, f"{HCM}/members.csv")[0]["member_id"],
             phone="0123")
    found = validate(data_copy, today, schema=schema)
    # A later day redoes only the part whose answer the day changes: the class is no longer in the future.
    assert sorted(evaluated) == {"one province": ["79-ho-chi-minh"], "date": ["04-cao-bang"]}.get(change, PARTS)
    assert ("date-in-future" in {f.code for f in found}) == (change != "date")


def _days_ahead(root: Path) -> None:
    """Dates just after TODAY that change the answer: a class held on +2, a withdrawal whose deadline is +1
    (the number is still there), and Cao Bằng's policy replaced on +4 by one asking for 50 members a team."""
    edit(root, f"{CAO_BANG}/trainings.csv", "training_id", "H04-0001", held_on=str(TODAY + dt.timedelta(days=2)))
    person = next(row for row in read(root, f"{CAO_BANG}/members.csv") if row["phone"] and not row["left_on"])
    source = read(root, f"{CAO_BANG}/withdrawals.csv")[0]
    append(root, f"{CAO_BANG}/withdrawals.csv", **{**source, "person_id": person["person_id"], "applied_on": "",
                                                    "requested_on": str(TODAY - dt.timedelta(days=14))})
    policies = read(root, "policies.csv")
    old = next(row for row in policies if row["province_code"] == "04" and row["unit_scheme"] == "2025")
    old["valid_to"] = str(TODAY + dt.timedelta(days=3))
    policies.append({**old, "valid_from": str(TODAY + dt.timedelta(days=4)), "valid_to": "", "min_team_size": "50"})
    write(root, "policies.csv", policies)


def test_each_day_gives_a_fresh_runs_answer_and_redoes_only_parts_whose_dates_were_crossed(
        data_copy: Path, evaluated: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _days_ahead(data_copy)
    shared = tmp_path / "shared-cache"
    days = {0: PARTS, 1: ["04-cao-bang"], 2: ["04-cao-bang"], 3: [], 4: ["04-cao-bang"], 5: [], 40: []}
    codes = {}
    for offset, redone in days.items():
        day = TODAY + dt.timedelta(days=offset)
        monkeypatch.setenv("CNSCD_CACHE_DIR", str(tmp_path / f"fresh-{offset}"))
        fresh = validate(data_copy, day)
        monkeypatch.setenv("CNSCD_CACHE_DIR", str(shared))
        evaluated.clear()
        assert validate(data_copy, day) == fresh, offset
        assert sorted(evaluated) == redone, offset
        codes[offset] = {f.code for f in fresh}
    assert "date-in-future" in codes[1] and "date-in-future" not in codes[2]
    assert "withdrawal-pending" in codes[1] and "withdrawal-overdue" in codes[2]
    assert "team-too-small" not in codes[3] and "team-too-small" in codes[4]


def test_a_rule_nobody_has_classified_turns_incremental_validation_off(data_copy: Path, evaluated: list[str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule may join rows across provinces in ways the locality test does not know: then every run is full."""

    def check_communes_without_teams(ctx: checks.Context) -> Iterator[Finding]:
        first = ctx.dataset.rows("communes")[0]
        yield checks.finding(first, None, "commune-without-team", "Xã chưa có tổ", "No team in this commune")

    extended = (*checks.all_checks(), check_communes_without_teams)
    monkeypatch.setattr(checks, "all_checks", lambda: extended)
    monkeypatch.setattr(validate_module, "all_checks", lambda: extended)
    found = validate(data_copy, TODAY)
    assert evaluated == [] and [f.code for f in found] == ["commune-without-team"]


def test_every_rule_of_the_package_is_classified() -> None:
    """Adding a rule means deciding whether it is local (see LOCAL_RULES); this test fails until someone has."""
    assert rule_names() == LOCAL_RULES


def test_groups_follow_the_schemas_and_the_rules() -> None:
    from cnscd.tablecheck import package as _  # noqa: F401  (the same schemas the checks read)

    schemas = {table: package.load_schema(Path("data"), table) for table in package.TABLES}
    found = locality.groups(schemas)
    assert found is not None
    ids = [{entry.id for entry in group.entries} for group in found]
    assert {"teams:team_id:b", "members:team_id:b", "reports:team_id:b", "teams:merged_into:"} in ids
    assert {"villages:village_id:", "teams:village_id:"} in ids
    assert {"members:member_id:"} in ids and {"villages:commune_code:b"} in ids
    assert not any(entry.table == "reports" and len(entry.fields) > 1 for group in found for entry in group.entries)
    driven = next(group for group in found if group.driver is not None)
    assert driven.driver.id == "withdrawals:person_id:b"
    schemas["communes"] = {**schemas["communes"], "foreignKeys": [
        {"fields": ["code"], "reference": {"resource": "villages", "fields": ["commune_code"]}}]}
    assert locality.groups(schemas) is None


def test_conflict_names_the_shared_value_and_ignores_people_nobody_withdrew() -> None:
    found = locality.groups({table: package.load_schema(Path("data"), table) for table in package.TABLES})
    assert found is not None
    cao_bang = {"members:team_id:b": ["T04-0001"], "members:person_id:b": ["P-1"]}
    hcm = {"members:team_id:b": ["T79-0001"], "members:person_id:b": ["P-1"]}
    assert locality.conflict({"04": [cao_bang], "79": [hcm]}, found) is None
    assert locality.conflict({"04": [cao_bang], "79": [hcm, {"withdrawals:person_id:b": ["P-1"]}]}, found)
    clash = locality.conflict({"04": [cao_bang], "79": [{"teams:team_id:b": ["T04-0001"]}]}, found)
    assert clash is not None and "'T04-0001'" in clash


def test_the_code_a_result_depends_on_is_the_code_validation_runs() -> None:
    """Editing the site builder keeps validation results; editing a rule or what it imports does not."""
    names = {path.relative_to(Path(validate_module.__file__).parent).as_posix()
             for path in validate_module._source_closure(validate_module._VALIDATION_MODULES)}
    assert {"checks.py", "consent.py", "contact.py", "phones.py", "text.py", "units.py", "periods.py", "load.py"} <= names
    assert not any(name.startswith(("site/", "intake/", "documents/")) or name in ("cli.py", "bench.py")
                   for name in names)


@pytest.mark.parametrize("threads", [False, True])
def test_parts_checked_in_worker_processes_agree_with_a_full_run(threads: bool, data_copy: Path, cache: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The national package runs its parts in worker processes (forked, or from a server when threads run)."""
    monkeypatch.setattr(scopes, "_MIN_PARALLEL_BYTES", 0)
    one_province_changed(data_copy)
    national_table_changed(data_copy)  # every part is checked again
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    if threads:
        waiting.start()
    try:
        found = validate(data_copy, TODAY)
    finally:
        stop.set()
    assert found == _full(data_copy) and {"team-too-small", "phone-invalid"} <= {f.code for f in found}


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(data_copy: Path, evaluated: list[str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """File digests are remembered by stat (filedigest): the change time still tells a rewritten file apart."""
    import os

    from cnscd import filedigest

    monkeypatch.setattr(filedigest, "_RACY_NS", 0)  # remember even files written just now, as files of long ago
    assert validate(data_copy, TODAY) == []
    path = data_copy / HCM / "members.csv"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    number = read(data_copy, f"{HCM}/members.csv")[0]["phone"]
    assert number and len(number) == 10
    path.write_text(text.replace(number, "0123456789", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    found = validate(data_copy, TODAY)
    assert evaluated == ["79-ho-chi-minh"] and found == _full(data_copy) and found
