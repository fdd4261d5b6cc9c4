"""Text hygiene shared by loading, checks, search and rendering.

Every string from data or a submission passes through `clean` on the way in, so the rest of the
code can assume NFC, trimmed text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_HTML = re.compile(r"<[/!]?[a-zA-Z][^<>]*>|&[a-zA-Z]+;|&#x?[0-9a-f]+;|javascript:", re.IGNORECASE)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_SPACES = re.compile(r"[ \u00a0]+")


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def clean(value: str | None) -> str:
    """NFC, trimmed, inner runs of spaces collapsed, LF line endings: the one normal form of stored text."""
    if not value:
        return ""
    # Fast paths matter: every cell of the country passes through here on every run.
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    if "  " in value or "\u00a0" in value:
        value = _SPACES.sub(" ", value)
    if "\r" in value:  # one line ending: a bare CR would split the row in any CSV written with LF
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.strip()


def is_nfc(value: str) -> bool:
    return unicodedata.is_normalized("NFC", value)


def has_control(value: str) -> bool:
    """Control and bidi-override characters hide text from reviewers, so they never enter data."""
    return bool(_CONTROL.search(value))


def has_html(value: str) -> bool:
    return bool(_HTML.search(value))


# One cheap scan per row finds the rare rows worth the detailed checks above.
_SUSPICIOUS = re.compile(r"[<&\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]|javascript:",
                         re.IGNORECASE)


def maybe_unsafe(joined: str) -> bool:
    """True when text might hold HTML or control characters (never False when it does)."""
    return bool(_SUSPICIOUS.search(joined))


def starts_formula(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def csv_safe(value: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula (OWASP CSV injection advice)."""
    return "'" + value if value and starts_formula(value) else value


@functools.lru_cache(maxsize=1 << 18)
def fold(value: str) -> str:
    """Lower case without diacritics, đ as d: how people type on a phone without a Vietnamese keyboard.
    Remembered: a national build folds the same village and commune names ~1.7 million times."""
    decomposed = unicodedata.normalize("NFD", value.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped).strip()


def slugify(value: str) -> str:
    """URL slug that keeps đ as d (`doi-da-nang`, never `oi-a-nang`)."""
    return re.sub(r"[^a-z0-9]+", "-", fold(value)).strip("-")


# Old-style (hoà) and new-style (hòa) tone placement are both correct Vietnamese; the same name
# spelt both ways in one commune is usually a typing accident, so checks warn about it.
_OLD_TONE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}


def tone_key(value: str) -> str:
    """Key that is equal for spellings differing only in tone-mark placement or case."""
    key = nfc(value).lower()
    for old, new in _OLD_TONE.items():
        key = key.replace(old, new)
    return key
