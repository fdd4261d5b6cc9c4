"""Reading generated documents back, and the expected roster computed from the core (not from documents)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from cnscd.checks import Context
from cnscd.consent import public_phone, withdrawals_by_person
from cnscd.load import load


def all_text(path: Path) -> str:
    """Every piece of text in the body, tables included, in order."""
    document = Document(str(path))
    return "\n".join("".join(node.text or "" if node.tag == qn("w:t") else "\n"
                             for node in paragraph.iter(qn("w:t"), qn("w:br")))
                     for paragraph in document.element.body.iter(qn("w:p")))


def expected_roster(data: Path, today: dt.date, commune: str) -> dict[str, list[tuple[str, str]]]:
    """team_id → [(full name, published phone)] of today's members, from the core's own rules."""
    ctx = Context(load(data), today)
    withdrawals = withdrawals_by_person(ctx.dataset)
    found = {}
    for team in ctx.dataset.rows("teams"):
        if team["status"] == "active" and ctx.current_commune(team) == commune:
            found[team["team_id"]] = [(m["full_name"], public_phone(m, withdrawals))
                                      for m in ctx.active_members(team["team_id"])]
    return found


def tables_text(path: Path) -> list[list[list[str]]]:
    """Every table of a DOCX as rows of cell texts."""
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(str(path)).tables]


def workbook_dump(path: Path) -> str:
    """A workbook as text: per sheet its frozen cell and column widths, then every non-empty cell with its type,
    boldness and, for numbers, the number format (what a reader of the spreadsheet sees)."""
    from openpyxl import load_workbook

    lines = []
    for sheet in load_workbook(path):
        widths = {key: sheet.column_dimensions[key].width for key in sorted(sheet.column_dimensions)}
        lines.append(f"== {sheet.title} | frozen {sheet.freeze_panes} | widths {widths}")
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                number = f" {cell.number_format}" if cell.data_type == "n" else ""
                bold = " bold" if cell.font.bold else ""
                lines.append(f"{cell.coordinate} {cell.data_type}{number}{bold}: {cell.value!r}")
    return "\n".join(lines) + "\n"
