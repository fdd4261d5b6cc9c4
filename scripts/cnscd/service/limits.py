"""Request limits: body size, field length and per-client rates (in memory; a restart forgets them,
which only ever lets someone in sooner, never loses a submission)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

MAX_BODY_BYTES = 256 * 1024  # a 300-person roster is ~30 KB; a long guide fits too
MAX_FIELD_CHARS = 100_000  # a textarea (members, guide body)
MAX_INPUT_CHARS = 500  # a one-line input
MAX_FIELDS = 100


@dataclass
class Limits:
    body_bytes: int = MAX_BODY_BYTES
    field_chars: int = MAX_FIELD_CHARS
    input_chars: int = MAX_INPUT_CHARS
    review_per_hour: int = 20  # submissions without a valid access code, per client
    trusted_per_hour: int = 200  # submissions with a valid code, per client
    wrong_codes_per_hour: int = 5  # wrong access codes, per client
    checks_per_hour: int = 600  # drafts checked with /api/check, per client


@dataclass
class Window:
    """A sliding one-hour window of event times per client."""

    per_hour: int
    events: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, client: str, now: float) -> list[float]:
        recent = [t for t in self.events.get(client, []) if now - t < 3600]
        if recent:
            self.events[client] = recent
        else:
            self.events.pop(client, None)
        return recent

    def blocked(self, client: str) -> float:
        """Seconds until the client may try again; 0 when allowed now."""
        now = time.time()
        with self.lock:
            recent = self._recent(client, now)
            if len(recent) < self.per_hour:
                return 0.0
            return max(1.0, 3600 - (now - recent[0]))

    def hit(self, client: str) -> None:
        with self.lock:
            self._recent(client, time.time())
            self.events.setdefault(client, []).append(time.time())


class RateLimits:
    def __init__(self, limits: Limits):
        self.review = Window(limits.review_per_hour)
        self.trusted = Window(limits.trusted_per_hour)
        self.wrong_codes = Window(limits.wrong_codes_per_hour)
        self.checks = Window(limits.checks_per_hour)
