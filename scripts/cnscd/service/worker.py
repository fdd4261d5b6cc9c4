"""The delivery worker: takes due submissions from the journal, delivers each, and on failure keeps it
queued with an exponential backoff (capped) written to `next_attempt_at`, so a restart resumes it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .deliver import LABEL_TRUSTED, GitHubTarget, Retry, deliver_local, local_status
from .journal import Journal, Submission

log = logging.getLogger("cnscd.service")
LABEL_NEEDS_REVIEW = "cần-duyệt"
IDLE_POLL = 2.0  # seconds


@dataclass
class Backoff:
    base: float = 30.0  # seconds before the first retry
    cap: float = 3600.0  # never wait longer than this between attempts

    def delay(self, attempts: int) -> float:
        """Full exponential growth with a little jitter so many queued items do not retry in step."""
        raw = min(self.cap, self.base * (2 ** max(0, attempts - 1)))
        return raw * random.uniform(0.8, 1.0)  # jitter, not a secret


def labels_for(item: Submission) -> list[str]:
    from ..intake.forms import FORM_LABELS

    labels = [FORM_LABELS[item.form]] if item.form in FORM_LABELS else []
    return [*labels, LABEL_TRUSTED if item.trusted else LABEL_NEEDS_REVIEW]


class Worker:
    def __init__(self, journal: Journal, repo_root: Path, data_dir: Path, github: GitHubTarget | None, backoff: Backoff,
                 refresh_seconds: float = 300.0, sync: Callable[[], str] | None = None, sync_every: float = 0):
        self.journal, self.repo_root, self.github, self.backoff = journal, Path(repo_root), github, backoff
        self.data_dir = Path(data_dir)
        self.refresh_seconds = refresh_seconds
        self.sync, self.sync_every, self.synced_at = sync, sync_every, 0.0
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.git_lock = threading.Lock()
        self.thread = threading.Thread(target=self.run, name="cnscd-delivery", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        self.thread.join(timeout=30)

    def deliver_one(self, item: Submission) -> None:
        try:
            with self.git_lock:
                done = (self.github.deliver(item, labels_for(item), self.data_dir) if self.github is not None
                        else deliver_local(self.repo_root, item, self.data_dir))
        except Retry as exc:
            self._later(item, str(exc))
            return
        except Exception as exc:  # ours, never the submitter's: keep it queued and say why
            log.exception("delivery of %s failed", item.receipt)
            self._later(item, f"{type(exc).__name__}: {exc}")
            return
        self.journal.update(item.receipt, state=done.state, branch=done.branch, commit_sha=done.commit_sha,
                            base_branch=done.base_branch, pull_number=done.pull_number, pull_url=done.pull_url,
                            attempts=item.attempts + 1, last_error="", refreshed_at=time.time())
        log.info("delivered %s: %s %s", item.receipt, done.state, done.pull_url or done.branch)

    def _later(self, item: Submission, error: str) -> None:
        attempts = item.attempts + 1
        wait = self.backoff.delay(attempts)
        self.journal.update(item.receipt, attempts=attempts, next_attempt_at=time.time() + wait, last_error=error)
        log.warning("delivery of %s will be retried in %.0fs (attempt %d): %s", item.receipt, wait, attempts, error)

    def _sync_if_due(self) -> None:
        if self.sync is None or not self.sync_every or time.time() - self.synced_at < self.sync_every:
            return
        self.synced_at = time.time()
        problem = self.sync()
        if problem:
            log.warning("git pull failed (checks use the data as it was): %s", problem)

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self._sync_if_due()
                for item in self.journal.due():
                    if self.stopping.is_set():
                        return
                    self.deliver_one(item)
                upcoming = self.journal.next_due_at()
            except Exception:
                log.exception("journal unavailable")
                upcoming = time.time() + self.backoff.base
            # Poll every few seconds: `intake-queue retry` in another process can only change the journal.
            longest = min(IDLE_POLL, self.sync_every) if self.sync_every else IDLE_POLL
            wait = longest if upcoming is None else max(0.0, min(longest, upcoming - time.time()))
            self.wake.wait(wait)
            self.wake.clear()

    def refresh(self, item: Submission) -> Submission:
        """Ask git or GitHub whether a delivered submission was merged or closed (at most every N seconds)."""
        if item.state not in ("committed", "pull-request") or time.time() - item.refreshed_at < self.refresh_seconds:
            return item
        with self.git_lock:
            state = self.github.status(item) if self.github is not None else local_status(self.repo_root, item)
        self.journal.update(item.receipt, state=state, refreshed_at=time.time())
        item.state, item.refreshed_at = state, time.time()
        return item
