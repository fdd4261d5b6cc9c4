"""Phone numbers and e-mail addresses hidden in free text: personal contacts that bypass consent.

A number typed into a position or a note («Trưởng thôn, ĐT 0914.555.666») would be published with no
consent record, so every free-text cell is searched. Candidates come from a tight regex (a number must
start like a Vietnamese phone: 0, 84, +84) and are confirmed by `phonenumbers` through `phones`, so
decision numbers, dates, years, codes, ids and quantities are not flagged. Service hotlines such as
1900 xxxx or 1800 xxxx are not personal and are not flagged.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Finding, Severity
from .phones import normalise_phone

if TYPE_CHECKING:
    from .checks import Context

PHONE, EMAIL = "phone", "email"
_SEP = r"[ .\-()\u00a0]{0,2}"
# Starts like a Vietnamese number (0…, 84…, +84…, (0…), (+84)…), 9 to 12 digits in all.
_PHONE = re.compile(r"(?<![0-9])(?:\+\s?|\(\+?)?(?:84|0)(?:" + _SEP + r"[0-9]){8,11}(?![0-9])")
_DATE_START = re.compile(r"^\(?[0-9]{1,2}[./-][0-9]{1,2}[./-][0-9]{2,4}")
_QUANTITY = re.compile(r"^[1-9][0-9]{0,2}(?:[.,][0-9]{3})+$")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_AT = r"\s*[\[({]\s*(?:at|a còng|@)\s*[\])}]\s*"
_DOT = r"(?:\s*[\[({]\s*(?:dot|chấm)\s*[\])}]\s*|\.)"
_EMAIL_HIDDEN = re.compile(r"[A-Za-z0-9._%+-]+" + _AT + r"[A-Za-z0-9-]+(?:" + _DOT + r"[A-Za-z0-9-]+)*" + _DOT +
                           r"[A-Za-z]{2,}", re.IGNORECASE)
# One cheap scan: nine digits among separators, or an @ / [at]. Rows that fail it cannot hold a contact.
# Three simple tests beat one alternation: a pattern that starts with a digit class lets the regex engine
# skip ahead, and `in` is a plain substring search.
_NINE_DIGITS = re.compile(r"[0-9](?:" + _SEP + r"[0-9]){8}")
_AT_WORD = re.compile(r"[\[({]\s*(?:at|a còng)\s*[\])}]", re.IGNORECASE)
# Columns meant for a contact or a link: the phone column (consent rules cover it) and URLs.
EXEMPT_COLUMNS = frozenset({"phone", "zalo_url", "url"})
_BLOCK = 512


@dataclass(frozen=True)
class Contact:
    kind: str  # PHONE or EMAIL
    start: int
    end: int
    text: str


def maybe_contact(text: str) -> bool:
    """Never False when `find_contacts` would find something; cheap enough for every row of the country."""
    return ("@" in text or _NINE_DIGITS.search(text) is not None
            or (("[" in text or "(" in text or "{" in text) and _AT_WORD.search(text) is not None))


def _is_phone(match: re.Match[str], text: str) -> bool:
    raw = match.group(0).strip(" .-(")
    digits = re.sub(r"[^0-9]", "", raw)
    if digits.startswith("0"):
        if len(digits) not in (10, 11):
            return False
    elif digits.startswith("84"):
        if len(digits) not in (11, 12):
            return False
        digits = "+" + digits
    else:
        return False
    after = text[match.end():match.end() + 2].lstrip()
    if after.startswith("/"):
        return False  # a decision number: 0123456789/QĐ-UBND
    if _DATE_START.match(raw) or _QUANTITY.match(raw):
        return False
    return normalise_phone(digits) is not None


def find_contacts(text: str) -> list[Contact]:
    """Every phone number and e-mail address in a free text, in order."""
    if not text or not maybe_contact(text):
        return []
    found = [Contact(PHONE, m.start(), m.end(), m.group(0).strip()) for m in _PHONE.finditer(text)
             if _is_phone(m, text)]
    emails = [Contact(EMAIL, m.start(), m.end(), m.group(0)) for m in _EMAIL.finditer(text)]
    emails += [Contact(EMAIL, m.start(), m.end(), m.group(0)) for m in _EMAIL_HIDDEN.finditer(text)
               if "@" not in m.group(0) or not any(e.start <= m.start() < e.end for e in emails)]
    return sorted(found + emails, key=lambda c: c.start)


def message(kind: str, where_vi: str = "mục này", where_en: str = "this field") -> tuple[str, str]:
    """The answer people read: where the contact was and the one place a phone may go."""
    what_vi, what_en = ("số điện thoại", "a phone number") if kind == PHONE else ("địa chỉ e-mail", "an e-mail address")
    return (f"Không ghi số điện thoại hay e-mail vào {where_vi} (tìm thấy {what_vi}). Số điện thoại chỉ ghi ở cột SĐT, "
            "kèm sự đồng ý công khai đã được ghi nhận của chính người đó",
            f"Do not write a phone number or e-mail in {where_en} (found {what_en}). A phone number goes only in the "
            "SĐT column, with that person's recorded consent to publish it")


def checked_columns(schema: dict) -> list[str]:
    """Free-text columns: strings without an enum or pattern (those shapes cannot hold a contact), minus exempt."""
    names = []
    for item in schema.get("fields", []):
        constraints = item.get("constraints", {}) or {}
        if item.get("type", "string") != "string" or item["name"] in EXEMPT_COLUMNS:
            continue
        if "enum" in constraints or "pattern" in constraints:
            continue
        names.append(item["name"])
    return names


def check_contact_in_text(ctx: Context) -> Iterator[Finding]:
    """No phone number or e-mail address outside the consented phone column, in any table."""
    from . import package
    from .load import schema as load_schema

    for table in package.TABLES:
        try:
            names = checked_columns(load_schema(ctx.dataset.root, table))
        except OSError:
            continue
        if not names:
            continue
        rows = ctx.dataset.checked_rows(table)
        getter = operator.itemgetter(*names) if len(names) > 1 else None
        # One prefilter scan per block of rows (contacts are rare): a block that passes is scanned row by row.
        for start in range(0, len(rows), _BLOCK):
            block = rows[start:start + _BLOCK]
            if getter is None:
                text = "\n".join([row.get(names[0], "") for row in block])
            else:
                text = "\n".join(["\n".join(getter(row)) for row in block])
            if not maybe_contact(text):
                continue
            for row in block:
                for name in names:
                    for contact in find_contacts(row[name]):
                        vi, en = message(contact.kind, f"cột {name}", f"column {name}")
                        yield Finding(row.file, row.line, name, "contact-in-text", vi, en, Severity.ERROR)
                        break


CONTACT_CHECKS: tuple[Callable[..., Iterator], ...] = (check_contact_in_text,)
