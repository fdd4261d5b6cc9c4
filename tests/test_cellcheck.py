"""Cell checks over distinct values: exactly what frictionless reports on the file as it is, row by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnscd import cellcheck
from cnscd.load import schema as load_schema
from cnscd.tablecheck import _cell_schema

from .datautil import CAO_BANG, read, write

MEMBERS = f"{CAO_BANG}/members.csv"


@pytest.fixture
def plain_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Files checked row by row (the fallback); the sample's files are small, so packing is forced on."""
    monkeypatch.setattr(cellcheck, "_SMALL_BYTES", 0)
    monkeypatch.setattr(cellcheck, "_MIN_HEIGHT", 4)
    monkeypatch.setattr(cellcheck, "_COLUMN_COST_CELLS", 1)  # several packed columns and tables even on a few rows
    monkeypatch.setattr(cellcheck, "_TABLE_COST_CELLS", 1)
    names: list[str] = []
    real = cellcheck.check_whole
    monkeypatch.setattr(cellcheck, "check_whole", lambda path, relpath, schema: names.append(relpath) or
                        real(path, relpath, schema))
    return names


def _both(root: Path, relpath: str) -> tuple[list[str], list[str]]:
    schema = _cell_schema(load_schema(root, "members"))
    packed = cellcheck.check_file(str(root / relpath), relpath, schema)
    plain = cellcheck.check_whole(str(root / relpath), relpath, schema)
    return sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in packed), \
        sorted(json.dumps(f, ensure_ascii=False, sort_keys=True) for f in plain)


def _break_cells(root: Path) -> None:
    rows = read(root, MEMBERS)
    for number, row in enumerate(rows):
        if number % 3 == 0:
            row["role"] = "boss"                   # enum, on many rows
        if number % 5 == 1:
            row["joined_on"] = "29/08/2025"        # type
        if number % 7 == 2:
            row["full_name"] = ""                  # required free text: blank
        if number % 4 == 3:
            row["member_id"] = "X" + row["member_id"]  # pattern
        if number % 6 == 4:
            row["phone_consent"] = "yes"           # boolean type
        if number == 8:
            row["phone_consent_method"], row["person_id"] = "fax", ""  # enum; required and pattern on one row
    write(root, MEMBERS, rows)


def test_packed_values_give_frictionless_findings_on_every_row(data_copy: Path, plain_runs: list[str]) -> None:
    _break_cells(data_copy)
    packed, plain = _both(data_copy, MEMBERS)
    assert plain_runs == [MEMBERS]  # only the comparison run; the packed check did not fall back
    assert packed == plain
    codes = {json.loads(item)["code"] for item in packed}
    assert codes == {"type-error", "constraint-error"} and len(packed) > 100


def test_the_error_limit_cuts_at_the_same_place(data_copy: Path, plain_runs: list[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cellcheck, "LIMIT_ERRORS", 17)
    _break_cells(data_copy)
    packed, plain = _both(data_copy, MEMBERS)
    assert len(packed) == 17 and packed == plain


@pytest.mark.parametrize("shape", ["extra cell", "missing cell", "blank row", "columns swapped", "not utf-8"])
def test_files_of_another_shape_are_checked_as_they_are(shape: str, data_copy: Path, plain_runs: list[str]) -> None:
    _break_cells(data_copy)
    path = data_copy / MEMBERS
    lines = path.read_bytes().split(b"\n")
    if shape == "extra cell":
        lines[3] += b",extra"
    elif shape == "missing cell":
        lines[3] = lines[3].rsplit(b",", 1)[0]
    elif shape == "blank row":
        lines[3] = b"," * lines[0].count(b",")
    elif shape == "columns swapped":
        lines = [b",".join([line.split(b",")[1], line.split(b",")[0], *line.split(b",")[2:]]) for line in lines if line]
    else:
        lines[3] = lines[3].replace(b",", b",\xff", 1)
    path.write_bytes(b"\n".join(lines))
    packed, plain = _both(data_copy, MEMBERS)
    assert plain_runs == [MEMBERS, MEMBERS] and packed == plain


def test_a_dialect_frictionless_sniffs_is_read_the_same(data_copy: Path, plain_runs: list[str]) -> None:
    _break_cells(data_copy)
    path = data_copy / MEMBERS
    path.write_text(path.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    packed, plain = _both(data_copy, MEMBERS)
    assert plain_runs == [MEMBERS] and packed == plain and len(packed) > 100


def test_values_go_in_few_short_columns_and_few_fields_in_a_shorter_table() -> None:
    (height, slots), (shorter, rest) = cellcheck._bands([30000, 30000, 12, 0, 300, 1])
    assert height == 4911 and slots == [(0, 7), (1, 7)]
    assert shorter == 300 and rest == [(4, 1), (2, 1), (5, 1)]
    assert cellcheck._bands([40, 3]) == [(40, [(0, 1), (1, 1)])]  # a second table would cost more than padding


@pytest.mark.parametrize("text", [
    "a,b,c\n1,2,3\n", "a;b;c\n1;2;3\n", "a\tb\tc\n1\t2\t3\n", "a|b|c\n1|2|3\n", "a,b\n'x, y',2\n'z',3\n",
    'a,b\n"x, ""y""",2\n', "a, b, c\n1, 2, 3\n", "only\n", "a;b,c\n1;2,3\n4;5,6\n", "",
])
def test_the_dialect_is_guessed_as_frictionless_guesses_it(text: str, tmp_path: Path) -> None:
    from frictionless import Resource, system

    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with system.use_context(trusted=True), Resource(path=str(path), format="csv", encoding="utf-8") as resource:
        theirs = resource.dialect.get_control("csv").to_python()
    with open(path, encoding="utf-8", newline="") as handle:
        ours = cellcheck.sniff(handle.readlines())
    attributes = ("delimiter", "doublequote", "escapechar", "lineterminator", "quotechar", "quoting", "skipinitialspace")
    assert [getattr(ours, name) for name in attributes] == [getattr(theirs, name) for name in attributes]
