"""Reading CSV: the fast path (files already clean) gives exactly the rows the cell-by-cell path gives."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from cnscd import load as load_module
from cnscd.load import read_csv

HEADER = "team_id,full_name,position,notes\n"
CASES = {
    "clean": "T1,Nguyễn Văn A,Trưởng thôn,\nT2,Lê Thị B,,ghi chú\n",
    "trailing space": "T1,Nguyễn Văn A ,Trưởng thôn,\n",
    "leading space": "T1, Nguyễn Văn A,Trưởng thôn,\n",
    "space at line end": "T1,Nguyễn Văn A,Trưởng thôn,x \n",
    "double space": "T1,Nguyễn  Văn A,,\n",
    "no-break space": "T1,Nguyễn\u00a0Văn A,,\n",
    "tab inside": "T1,Nguyễn\tVăn A,,\n",
    "ideographic space at an edge": "T1,\u3000Nguyễn Văn A,,\n",
    "decomposed text": "T1," + unicodedata.normalize("NFD", "Nguyễn Văn A") + ",,\n",
    "CRLF rows": "T1,Nguyễn Văn A,,\r\nT2,Lê Thị B,,\r\n",
    "quoted comma": 'T1,"Nguyễn Văn A, con","Trưởng thôn, Bí thư",\n',
    "quoted space at an edge": 'T1,"Nguyễn Văn A ",,\n',
    "line break inside a cell": 'T1,Nguyễn Văn A,"dòng 1\ndòng 2",\nT2,Lê Thị B,,\n',
    "line break at a cell's end": 'T1,Nguyễn Văn A,"dòng 1\n",\n',
    "blank lines and bare commas": "T1,Nguyễn Văn A,,\n\n,,,\nT2,Lê Thị B,,\n",
    "short and long rows": "T1,Nguyễn Văn A\nT2,Lê Thị B,,,thừa\n",
    "no final line break": "T1,Nguyễn Văn A,,",
    "byte order mark": "\ufeff" + "T1,Nguyễn Văn A,,\n",
}


def _rows(path: Path) -> tuple[list[str], list[tuple[str, int, dict, dict | None]], int]:
    names, rows, records = read_csv(path, "x.csv")
    return names, [(row.file, row.line, dict(row), row.raw) for row in rows], records


@pytest.mark.parametrize("case", list(CASES))
def test_fast_and_careful_reads_agree(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = CASES[case]
    path = tmp_path / "x.csv"
    body = text.removeprefix("\ufeff")
    path.write_text(("\ufeff" if text.startswith("\ufeff") else "") + HEADER + body, encoding="utf-8", newline="")
    fast = _rows(path)
    monkeypatch.setattr(load_module, "_already_clean", lambda text: False)
    careful = _rows(path)
    assert fast == careful
    if case == "clean":
        assert fast[1][1] == ("x.csv", 3, {"team_id": "T2", "full_name": "Lê Thị B", "position": "", "notes": "ghi chú"},
                              None)
    if case == "trailing space":
        assert fast[1][0][2]["full_name"] == "Nguyễn Văn A" and fast[1][0][3]["full_name"] == "Nguyễn Văn A "


def test_the_fast_path_is_taken_only_for_clean_text() -> None:
    assert load_module._already_clean(HEADER + CASES["clean"])
    for case in ("trailing space", "leading space", "double space", "no-break space", "tab inside",
                 "decomposed text", "CRLF rows", "quoted space at an edge", "ideographic space at an edge"):
        assert not load_module._already_clean(HEADER + CASES[case]), case


@pytest.mark.parametrize("notes", ["", '"a,b"', " a"], ids=["plain", "quoted", "not clean"])
def test_equal_cells_of_a_file_are_one_string(notes: str, tmp_path: Path) -> None:
    """Repeated values (team ids, periods, dates) are held once: the national reports would need 600 MB more."""
    path = tmp_path / "reports.csv"
    path.write_text("team_id,period,value,submitted_on,notes\n"
                    + "".join(f"T1,2026-{month:02d},{'12' * 3},2026-11-0{month % 2 + 1},{notes}\n" for month in range(1, 10)),
                    encoding="utf-8")
    names, rows, records = read_csv(path, "reports.csv")
    assert (names, records, [row.line for row in rows]) == (
        ["team_id", "period", "value", "submitted_on", "notes"], 9, list(range(2, 11)))
    assert rows[0]["team_id"] == "T1" and rows[0]["period"] == "2026-01" and rows[0]["value"] == "121212"
    for name in ("team_id", "value", "submitted_on", "notes"):
        assert len({id(row[name]) for row in rows}) == len({row[name] for row in rows}), name
    assert load_module.parse_date(rows[0]["submitted_on"]) is load_module.parse_date(rows[2]["submitted_on"])
