"""Work spread over forked processes: results in order, a closure as the task, and no fork when unsafe."""

from __future__ import annotations

import threading

from cnscd.site import forks
from tests.conftest import run_python


def test_a_closure_runs_in_forked_workers_and_results_keep_their_order():
    """In a fresh process: the test session may hold threads (servers), and then no fork is attempted."""
    script = ("import os\n"
              "from cnscd.site import forks\n"
              "table = {n: n * n for n in range(20)}  # in the parent's memory, not pickled\n"
              "found, used = forks.fork_map(lambda n: (table[n], os.getpid()), list(range(20)), 2)\n"
              "assert [square for square, _ in found] == [n * n for n in range(20)], found\n"
              "assert os.getpid() not in {pid for _, pid in found}\n"
              "print(used)\n")
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2"]


def test_with_another_thread_running_the_work_stays_in_this_process():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forks.can_fork()
        found, used = forks.fork_map(lambda n: n + 1, [1, 2, 3], 2)
    finally:
        stop.set()
        thread.join()
    assert (found, used) == ([2, 3, 4], 1)


def test_the_number_of_workers_can_be_set(monkeypatch):
    monkeypatch.setenv(forks.WORKERS_ENV, "3")
    assert forks.default_workers() == 3
    monkeypatch.setenv(forks.WORKERS_ENV, "")
    assert 1 <= forks.default_workers() <= 2


def test_a_step_started_in_a_forked_process_is_waited_for_and_its_failure_raised(tmp_path):
    script = ("import os, sys\n"
              "from pathlib import Path\n"
              "from cnscd.site import forks\n"
              "out = Path(sys.argv[1])\n"
              "wait = forks.start(lambda: (out / 'pid').write_text(str(os.getpid())))\n"
              "wait()\n"
              "assert (out / 'pid').read_text() != str(os.getpid())\n"
              "try:\n"
              "    forks.start(lambda: 1 / 0)()\n"
              "except RuntimeError as error:\n"
              "    print('raised', 'exit code 1' in str(error))\n")
    result = run_python(script, str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["raised", "True"] and "ZeroDivisionError" in result.stderr


def test_with_another_thread_running_a_started_step_runs_here_at_once():
    stop, done = threading.Event(), []
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        wait = forks.start(lambda: done.append(True))
        assert done == [True]  # ran before start returned
        wait()
    finally:
        stop.set()
        thread.join()
