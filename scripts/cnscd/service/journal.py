"""The durable journal (SQLite, WAL, synchronous=FULL): a submission is written here before it is
acknowledged, and leaves the queue only when its delivery is recorded. Access codes live here too.

Every connection is opened per call (SQLite handles the locking), so the web handlers and the
delivery worker never share a connection across threads.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import time
from base64 import b32encode
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_JOURNAL = Path(".cnscd") / "intake.sqlite3"
STATES = ("queued", "committed", "pull-request", "merged", "closed", "rejected")

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    receipt TEXT PRIMARY KEY,
    form TEXT NOT NULL,
    fields TEXT NOT NULL,            -- JSON as received (kept: nothing is lost)
    body TEXT NOT NULL,              -- the issue body it was rendered to
    files TEXT NOT NULL,             -- JSON path → text, computed when accepted
    title TEXT NOT NULL,
    commit_message TEXT NOT NULL,
    pull_body TEXT NOT NULL,
    commune_code TEXT,
    province_code TEXT,
    trusted INTEGER NOT NULL,
    findings TEXT NOT NULL,          -- JSON warnings at acceptance, or reasons when rejected
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    branch TEXT NOT NULL,
    commit_sha TEXT NOT NULL DEFAULT '',
    base_branch TEXT NOT NULL DEFAULT '',
    pull_number INTEGER,
    pull_url TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    refreshed_at REAL NOT NULL DEFAULT 0,
    idempotency_key TEXT UNIQUE,     -- chosen by the client: a resend after a lost answer is the same submission
    upserts TEXT NOT NULL DEFAULT '{}'  -- JSON path → {table, rows}: re-applied onto the base when delivered
);
CREATE INDEX IF NOT EXISTS submissions_due ON submissions (state, next_attempt_at);
CREATE TABLE IF NOT EXISTS access_codes (
    id TEXT PRIMARY KEY,
    commune_code TEXT NOT NULL,
    salt BLOB NOT NULL,
    hash BLOB NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    revoked_at REAL
);
CREATE INDEX IF NOT EXISTS access_codes_commune ON access_codes (commune_code);
"""


@dataclass
class Submission:
    receipt: str
    form: str
    fields: dict
    body: str
    files: dict[str, str]
    title: str
    commit_message: str
    pull_body: str
    commune_code: str | None
    province_code: str | None
    trusted: bool
    findings: list[dict]
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str
    branch: str
    commit_sha: str
    base_branch: str
    pull_number: int | None
    pull_url: str
    created_at: float
    updated_at: float
    refreshed_at: float
    idempotency_key: str | None = None
    upserts: dict = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Submission:
        data = dict(row)
        for key in ("fields", "files", "findings", "upserts"):
            data[key] = json.loads(data[key])
        data["trusted"] = bool(data["trusted"])
        return cls(**data)


def new_receipt() -> str:
    """120 random bits in lower-case base32: unguessable, safe in a branch name and a URL."""
    return b32encode(secrets.token_bytes(15)).decode("ascii").lower()


def branch_for(receipt: str) -> str:
    return f"submission/web-{receipt}"


class Journal:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode=WAL")  # persistent: readers never block the writer
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self):
        """One transaction: committed on leaving the block, rolled back on an exception."""
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA busy_timeout=30000")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def add(self, receipt: str, form: str, fields: dict, body: str, files: dict[str, str], title: str,
            commit_message: str, pull_body: str, commune_code: str | None, province_code: str | None,
            trusted: bool, findings: list[dict], idempotency_key: str | None = None,
            upserts: dict | None = None) -> str:
        """Returns the receipt: the given one, or the earlier one sent with the same idempotency key."""
        now = time.time()
        try:
            with self.connect() as db:
                db.execute(
                    "INSERT INTO submissions (receipt, form, fields, body, files, title, commit_message, pull_body, "
                    "commune_code, province_code, trusted, findings, state, next_attempt_at, branch, created_at, "
                    "updated_at, idempotency_key, upserts) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)",
                    (receipt, form, json.dumps(fields, ensure_ascii=False), body, json.dumps(files, ensure_ascii=False),
                     title, commit_message, pull_body, commune_code, province_code, int(trusted),
                     json.dumps(findings, ensure_ascii=False), now, branch_for(receipt), now, now, idempotency_key,
                     json.dumps(upserts or {}, ensure_ascii=False)))
        except sqlite3.IntegrityError:
            earlier = self.by_key(idempotency_key) if idempotency_key else None
            if earlier is None:
                raise
            return earlier.receipt
        return receipt

    def by_key(self, idempotency_key: str) -> Submission | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM submissions WHERE idempotency_key = ?", (idempotency_key,)).fetchone()
        return Submission.from_row(row) if row else None

    def get(self, receipt: str) -> Submission | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM submissions WHERE receipt = ?", (receipt,)).fetchone()
        return Submission.from_row(row) if row else None

    def list(self, state: str | None = None) -> list[Submission]:
        with self.connect() as db:
            if state:
                rows = db.execute("SELECT * FROM submissions WHERE state = ? ORDER BY created_at", (state,))
            else:
                rows = db.execute("SELECT * FROM submissions ORDER BY created_at")
            return [Submission.from_row(r) for r in rows.fetchall()]

    def due(self, now: float | None = None) -> list[Submission]:
        now = time.time() if now is None else now
        with self.connect() as db:
            rows = db.execute("SELECT * FROM submissions WHERE state = 'queued' AND next_attempt_at <= ? "
                              "ORDER BY next_attempt_at", (now,)).fetchall()
        return [Submission.from_row(r) for r in rows]

    def next_due_at(self) -> float | None:
        with self.connect() as db:
            row = db.execute("SELECT MIN(next_attempt_at) FROM submissions WHERE state = 'queued'").fetchone()
        return row[0]

    def update(self, receipt: str, **values: object) -> None:
        if "findings" in values:
            values["findings"] = json.dumps(values["findings"], ensure_ascii=False)
        values["updated_at"] = time.time()
        columns = ", ".join(f"{name} = ?" for name in values)
        with self.connect() as db:
            db.execute(f"UPDATE submissions SET {columns} WHERE receipt = ?", (*values.values(), receipt))  # noqa: S608

    def retry_now(self, receipt: str | None = None) -> int:
        """Make queued submissions due now (the operator's `intake-queue retry`)."""
        with self.connect() as db:
            if receipt:
                cursor = db.execute("UPDATE submissions SET next_attempt_at = 0 WHERE state = 'queued' "
                                    "AND receipt = ?", (receipt,))
            else:
                cursor = db.execute("UPDATE submissions SET next_attempt_at = 0 WHERE state = 'queued'")
            return cursor.rowcount

    def reject(self, receipt: str, reason: str) -> bool:
        """The operator refuses a queued submission (spam, a duplicate): it stays in the journal, with why."""
        finding = {"field": None, "line": None, "code": "rejected-by-maintainer",
                   "message_vi": f"Người quản lý không chấp nhận: {reason}",
                   "message_en": f"Refused by a maintainer: {reason}", "severity": "error"}
        with self.connect() as db:
            cursor = db.execute("UPDATE submissions SET state = 'rejected', findings = ?, updated_at = ? "
                                "WHERE receipt = ? AND state = 'queued'",
                                (json.dumps([finding], ensure_ascii=False), time.time(), receipt))
            return cursor.rowcount == 1

    def purge(self, older_than_days: float) -> int:
        """Forget what people sent (fields, body, files) once a submission is settled and old enough;
        the receipt, its state and its links stay so the receipt page keeps answering."""
        cutoff = time.time() - older_than_days * 86400
        with self.connect() as db:
            cursor = db.execute(
                "UPDATE submissions SET fields = '{}', body = '', files = '{}', upserts = '{}', pull_body = '', "
                "commit_message = '' "
                "WHERE state IN ('committed', 'pull-request', 'merged', 'closed', 'rejected') AND updated_at < ? "
                "AND body != ''", (cutoff,))
            return cursor.rowcount
