"""Work spread over forked processes: commune documents, province pages, link previews and the find box's index.

Forking shares the build's objects with the workers without pickling them (a national build holds about a
gigabyte). It is done only from a single-threaded process: a thread holding a lock at the fork would leave it
held in the child. The heap is frozen first, so the children's garbage collector does not copy it page by page.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

WORKERS_ENV = "CNSCD_DOCUMENT_WORKERS"  # processes for the build's parallel parts; default: up to 2 usable cores

_TASK: Callable[[Any], Any] | None = None  # set just before forking: the workers find it in their copy of memory


def default_workers() -> int:
    configured = os.environ.get(WORKERS_ENV, "")
    if configured.isdigit():
        return max(1, int(configured))
    return min(2, len(os.sched_getaffinity(0)))


def can_fork() -> bool:
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _call(item: Any) -> Any:
    assert _TASK is not None
    return _TASK(item)


def fork_map(task: Callable[[Any], Any], items: Sequence[Any], workers: int) -> tuple[list[Any], int]:
    """`task(item)` for every item, in order, across `workers` forked processes (here, when there are fewer than
    two workers or items, or this process cannot fork safely); returns the results and how many processes ran.
    The task may be any callable, a closure included; items and results are pickled, so keep them small."""
    global _TASK
    if workers < 2 or len(items) < 2 or not can_fork():
        return [task(item) for item in items], 1
    _TASK = task
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_call, items)), workers
    finally:
        _TASK = None
        gc.unfreeze()


def start(task: Callable[[], None]) -> Callable[[], None]:
    """Start `task` in a forked process (or run it here when this process cannot fork safely) and return the wait
    for it, which raises when it failed. For work whose memory would otherwise add to this process's peak: the
    child starts from this process's size now, not from what it will hold later."""
    if not can_fork():
        task()
        return lambda: None
    process = multiprocessing.get_context("fork").Process(target=task)
    gc.freeze()
    try:
        process.start()
    finally:
        gc.unfreeze()

    def wait() -> None:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a forked step of the build failed (exit code {process.exitcode}); see its error above")

    return wait
