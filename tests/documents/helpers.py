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
