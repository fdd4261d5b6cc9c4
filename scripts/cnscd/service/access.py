"""Commune access codes: printed once, stored only as a salted scrypt hash with an expiry, revocable.

A code is checked against the commune the submission concerns. The check costs the same whether or
not the commune has codes (dummy hashes fill up to three), so answers never tell whether a commune has one.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from .journal import Journal

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone or Zalo
GROUPS, GROUP_LEN = 4, 4  # 16 symbols × 5 bits = 80 bits
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass
class CodeInfo:
    id: str
    commune_code: str
    created_at: float
    expires_at: float
    revoked_at: float | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > time.time()


def normalise(code: str) -> str:
    """People type codes with spaces, dashes and lower case."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _hash(code: str, salt: bytes) -> bytes:
    return hashlib.scrypt(normalise(code).encode("ascii", "ignore"), salt=salt, maxmem=64 * 1024 * 1024, **_SCRYPT)


def issue(journal: Journal, commune_code: str, days: int = 180) -> tuple[str, str]:
    """Returns (id, code); only the hash is kept."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(GROUPS * GROUP_LEN))
    code = "-".join(raw[i:i + GROUP_LEN] for i in range(0, len(raw), GROUP_LEN))
    salt = secrets.token_bytes(16)
    code_id = secrets.token_hex(4)
    now = time.time()
    with journal.connect() as db:
        db.execute("INSERT INTO access_codes (id, commune_code, salt, hash, created_at, expires_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (code_id, commune_code, salt, _hash(code, salt), now, now + days * 86400))
    return code_id, code


def revoke(journal: Journal, code_id: str) -> bool:
    with journal.connect() as db:
        cursor = db.execute("UPDATE access_codes SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                            (time.time(), code_id))
        return cursor.rowcount == 1


def listing(journal: Journal, commune_code: str | None = None) -> list[CodeInfo]:
    with journal.connect() as db:
        query = "SELECT id, commune_code, created_at, expires_at, revoked_at FROM access_codes"
        rows = (db.execute(query + " WHERE commune_code = ? ORDER BY created_at", (commune_code,)) if commune_code
                else db.execute(query + " ORDER BY commune_code, created_at")).fetchall()
    return [CodeInfo(**dict(r)) for r in rows]


_DUMMY_SALT = secrets.token_bytes(16)
EVEN_HASHES = 3  # a commune rarely has more than one active code (a replacement before the old one expires)


def verify(journal: Journal, commune_code: str | None, code: str) -> bool:
    """True when `code` is an active code of `commune_code`."""
    with journal.connect() as db:
        rows = db.execute("SELECT salt, hash FROM access_codes WHERE commune_code = ? AND revoked_at IS NULL "
                          "AND expires_at > ?", (commune_code or "", time.time())).fetchall()
    matches = [hmac.compare_digest(_hash(code, row["salt"]), row["hash"]) for row in rows]
    for _ in range(EVEN_HASHES - len(rows)):  # same work for 0, 1 or 2 codes: timing tells nothing
        _hash(code, _DUMMY_SALT)
    return any(matches)
