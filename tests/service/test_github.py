"""`cnscd intake-serve --github` against the GitHub stand-in over real HTTP (github3.py): one pull request per
submission, queued and retried while GitHub is down, exactly once across SIGKILL and restart."""

from __future__ import annotations

import json
import re
import threading

import pytest

from tests.intake.fake_github import FakeGitHub
from tests.service.harness import active_teams, eventually, github_state, indicator_codes, report_fields, run_cnscd

REPO = "cnscd/du-lieu"


def github_args(api: str) -> dict:
    return {"env": {"CNSCD_GITHUB_TOKEN": "test-token", "GITHUB_API_URL": api}}


def test_accepted_submission_opens_one_labelled_pull_request(repo, serve) -> None:
    team = active_teams(1)[0]
    state = github_state(repo)
    with FakeGitHub(state) as api:
        service = serve("--github", REPO, **github_args(api))
        assert not state.requests  # nothing is asked of GitHub before a submission arrives
        reply = service.submit("report", report_fields(team["team_id"]))
        assert reply.status == 202, reply.text
        receipt = reply.json["receipt"]
        done = service.wait_for(receipt, "pull-request")
        calls = [(r.method, r.path) for r in state.requests]
    [pull] = state.pulls
    branch = f"submission/web-{receipt}"
    assert pull["head"] == branch and pull["base"] == "main" and done["pull_request"].endswith(f"/pull/{pull['number']}")
    changed = {path for path, text in state.files[branch].items() if state.files["main"].get(path) != text}
    assert len(changed) == 1 and changed.pop().endswith("/reports-2026.csv")
    assert f"{team['team_id']},2026-10," in next(t for p, t in state.files[branch].items() if p.endswith("reports-2026.csv"))
    assert receipt in state.calls("PUT", r"/contents/")[0].body["message"]
    assert set(state.issues[pull["number"]]["labels"]) == {"bieu-mau-bao-cao", "cần-duyệt"}
    assert not state.calls("PUT", r"/merge$")
    assert "test-token" not in service.log.read_text() and "test-token" not in reply.text + json.dumps(done)
    # The API calls one submission costs (quoted in the README): a one-file report.
    assert len(calls) == 9, calls
    assert [m for m, _ in calls].count("POST") == 3 and [m for m, _ in calls].count("PUT") == 1


def test_github_down_keeps_it_queued_then_one_pull_request(repo, serve) -> None:
    team = active_teams(1)[0]
    state = github_state(repo)
    state.fail = "503"
    with FakeGitHub(state) as api:
        service = serve("--github", REPO, **github_args(api))
        receipt = service.submit("report", report_fields(team["team_id"])).json["receipt"]
        assert eventually(lambda: service.status(receipt)["attempts"] >= 2)  # two failed attempts, with backoff
        current = service.status(receipt)
        assert current["state"] == "queued" and not state.pulls
        shown = json.loads(run_cnscd("intake-queue", "show", receipt, "--journal", str(service.journal),
                                     cwd=repo).stdout)
        assert "503" in shown["last_error"] and shown["state"] == "queued"
        listed = run_cnscd("intake-queue", "list", "--journal", str(service.journal), cwd=repo).stdout
        assert receipt in listed and "queued" in listed
        state.fail = None  # GitHub is back: the next attempt (backoff capped at 1 s here) delivers it
        service.wait_for(receipt, "pull-request")
    assert len(state.pulls) == 1 and len(state.calls("POST", r"/pulls$")) == 1


def test_rate_limited_github_and_operator_rejection(repo, serve) -> None:
    team = active_teams(1)[0]
    state = github_state(repo)
    state.fail = "ratelimit"
    with FakeGitHub(state) as api:
        service = serve("--github", REPO, "--retry-base", "3600", "--retry-cap", "7200", **github_args(api))
        receipt = service.submit("report", report_fields(team["team_id"])).json["receipt"]
        assert eventually(lambda: service.status(receipt)["attempts"] >= 1)
        shown = json.loads(run_cnscd("intake-queue", "show", receipt, "--journal", str(service.journal), cwd=repo).stdout)
        assert "rate limit" in shown["last_error"] and shown["state"] == "queued" and shown["attempts"] == 1
        # The next attempt is an hour away; the operator makes it due now and the running service tries again.
        retried = run_cnscd("intake-queue", "retry", receipt, "--journal", str(service.journal), cwd=repo)
        assert retried.returncode == 0 and retried.stdout.startswith("1 ")
        assert eventually(lambda: service.status(receipt)["attempts"] >= 2)
        assert service.status(receipt)["attempts"] == 2
        rejected = run_cnscd("intake-queue", "reject", receipt, "--reason", "gửi trùng", "--journal",
                             str(service.journal), cwd=repo)
        assert rejected.returncode == 0
        status = service.status(receipt)
        assert status["state"] == "rejected" and "gửi trùng" in status["reasons"][0]["message_vi"]
    assert not state.pulls


def test_pull_request_closed_by_a_maintainer_reads_closed(repo, serve) -> None:
    team = active_teams(1)[0]
    state = github_state(repo)
    with FakeGitHub(state) as api:
        service = serve("--github", REPO, "--refresh-seconds", "0", **github_args(api))
        receipt = service.submit("report", report_fields(team["team_id"])).json["receipt"]
        service.wait_for(receipt, "pull-request")
        state.pulls[0]["state"] = "closed"
        assert service.status(receipt)["state"] == "closed"


class StallOn(list):
    """The stand-in's request log; the first request matching (method, pattern) is held until released,
    so the service can be killed while it waits for GitHub's answer (which it then never reads)."""

    def __init__(self, method: str, pattern: str):
        super().__init__()
        self.method, self.pattern = method, pattern
        self.hit, self.release = threading.Event(), threading.Event()

    def append(self, request) -> None:
        super().append(request)
        if not self.hit.is_set() and request.method == self.method and re.search(self.pattern, request.path):
            self.hit.set()
            self.release.wait(timeout=60)


MOMENTS = {"creating-branch": ("POST", r"/git/refs$"), "writing-file": ("PUT", r"/contents/"),
           "opening-pull": ("POST", r"/pulls$"), "labelling": ("POST", r"/labels$")}


@pytest.mark.parametrize("moment", ["after-202", *MOMENTS])
def test_sigkill_at_any_moment_then_restart_yields_one_pull_request(moment, repo, serve, tmp_path) -> None:
    team = active_teams(1)[0]
    state = github_state(repo)
    if moment in MOMENTS:
        state.requests = StallOn(*MOMENTS[moment])
    journal = tmp_path / "crash.sqlite3"
    with FakeGitHub(state) as api:
        first = serve("--github", REPO, journal=journal, **github_args(api))
        reply = first.submit("report", report_fields(team["team_id"]))
        assert reply.status == 202
        if moment in MOMENTS:
            assert state.requests.hit.wait(timeout=60)
        first.kill()  # SIGKILL: right after the acknowledgement, or while GitHub is answering
        assert first.process.returncode == -9
        if moment in MOMENTS:
            state.requests.release.set()  # GitHub completes the request whose answer the service never got
            landed = {"creating-branch": lambda: f"submission/web-{reply.json['receipt']}" in state.branches,
                      "writing-file": lambda: len(state.calls("PUT", r"/contents/")) == 1 and any(
                          state.files[b] != state.files["main"] for b in state.files if b != "main"),
                      "opening-pull": lambda: len(state.pulls) == 1,
                      "labelling": lambda: any(state.issues.get(p["number"]) for p in state.pulls)}[moment]
            assert eventually(landed, step=0.02)
        assert not state.pulls or moment in ("opening-pull", "labelling")
        second = serve("--github", REPO, journal=journal, **github_args(api))
        second.wait_for(reply.json["receipt"], "pull-request")
    assert len(state.pulls) == 1
    assert len(state.calls("POST", r"/git/refs$")) == 1  # the branch was never created twice
    branch = f"submission/web-{reply.json['receipt']}"
    assert state.pulls[0]["head"] == branch
    assert set(state.issues[state.pulls[0]["number"]]["labels"]) == {"bieu-mau-bao-cao", "cần-duyệt"}


def test_sigkill_right_after_202_in_local_mode_yields_one_commit(repo, serve, tmp_path) -> None:
    from tests.service.harness import git

    team = active_teams(1)[0]
    journal = tmp_path / "crash.sqlite3"
    first = serve(journal=journal)
    reply = first.submit("report", report_fields(team["team_id"]))
    assert reply.status == 202
    first.kill()
    second = serve(journal=journal)
    second.wait_for(reply.json["receipt"], "committed")
    # A third start finds nothing left to do.
    second.kill()
    third = serve(journal=journal)
    assert third.status(reply.json["receipt"])["state"] == "committed"
    branches = git(repo, "branch", "--list", "submission/web-*").split()
    assert branches == [f"submission/web-{reply.json['receipt']}"]
    assert git(repo, "rev-list", "--count", f"main..{branches[0]}") == "1"
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"


def test_github_mode_keeps_the_checkout_current(repo, serve, tmp_path) -> None:
    from tests.service.harness import git

    team = active_teams(1)[0]
    origin, other = tmp_path / "origin.git", tmp_path / "other"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(origin))
    git(repo, "remote", "add", "origin", str(origin))
    git(repo, "fetch", "-q", "origin")
    git(repo, "branch", "-q", "-u", "origin/main")
    git(tmp_path, "clone", "-q", str(origin), str(other))
    teams = next(p for p in (other / "data" / "provinces").glob("*/teams.csv") if team["team_id"] in p.read_text())
    kept = [line for line in teams.read_text(encoding="utf-8").splitlines(True) if not line.startswith(team["team_id"])]
    state = github_state(repo)
    with FakeGitHub(state) as api:
        service = serve("--github", REPO, "--pull-every", "0.3", **github_args(api))
        assert service.check("report", report_fields(team["team_id"])).json["ok"] is True
        teams.write_text("".join(kept), encoding="utf-8")  # a maintainer removes the team upstream
        git(other, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-q", "-am", "remove team")
        git(other, "push", "-q", "origin", "main")
        pushed = git(other, "rev-parse", "HEAD")
        assert eventually(lambda: git(repo, "rev-parse", "HEAD") == pushed)
        answer = service.check("report", report_fields(team["team_id"])).json
    assert answer["ok"] is False and "team-unknown" in {f["code"] for f in answer["findings"]}


def test_rows_merged_on_main_while_queued_are_kept(repo, serve) -> None:
    """GitHub was down; meanwhile a correction was merged into the same file: the pull request adds the
    submission's rows to the file as it is now and does not undo the correction."""
    team = active_teams(1)[0]
    state = github_state(repo)
    state.fail = "503"
    with FakeGitHub(state) as api:
        service = serve("--github", REPO, **github_args(api))
        receipt = service.submit("report", report_fields(team["team_id"])).json["receipt"]
        assert eventually(lambda: service.status(receipt)["attempts"] >= 1)
        path = next(p for p in state.files["main"] if p.endswith("/reports-2026.csv") and
                    f"\n{team['team_id']}," in state.files["main"][p])
        lines = state.files["main"][path].splitlines(True)
        index = next(i for i, line in enumerate(lines[1:], 1) if ",2026-10," not in line)
        cells = lines[index].rstrip("\n").split(",")
        cells[3] = "987654"  # value
        corrected = ",".join(cells)
        lines[index] = corrected + "\n"
        state.files["main"][path] = "".join(lines)
        state.branches["main"] = state.sha()
        state.fail = None
        service.wait_for(receipt, "pull-request")
    text = state.files[f"submission/web-{receipt}"][path]
    assert corrected in text.splitlines()
    assert f"{team['team_id']},2026-10," in text
    sent = {f"{team['team_id']},2026-10,{code}," for code in indicator_codes()[:2]}
    kept = [line.rstrip("\n") for line in lines if not any(line.startswith(prefix) for prefix in sent)]
    assert set(kept) <= set(text.splitlines())  # nothing on main undone
    assert len(text.splitlines()) == len(kept) + 2  # plus exactly the submission's two rows
