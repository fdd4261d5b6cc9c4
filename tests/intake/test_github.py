"""--github over real HTTP (github3.py) against the stand-in server in fake_github.py."""

from __future__ import annotations

import base64
import json
import socket
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE, run_cli
from tests.intake.fake_github import FakeGitHub, State

FIXTURES = Path(__file__).parent / "fixtures"
TEAM_BODY = FIXTURES / "team-new" / "body.md"


def make_state() -> State:
    state = State()
    main = {f"data/{p.relative_to(SAMPLE).as_posix()}": p.read_text(encoding="utf-8")
            for p in SAMPLE.rglob("*") if p.is_file()}
    state.branches["main"] = state.sha()
    state.files["main"] = main
    state.issues[7] = {"labels": ["bieu-mau-to"], "comments": [], "author": "someone"}
    state.permissions["cnscd-vungtau-example"] = "write"
    return state


def intake(api_url: str, body: Path, tmp_path: Path, *extra: str, monkeypatch) -> object:
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    return run_cli("intake", str(body), "--form", "team", "--issue", "7", "--github", "cnscd/du-lieu",
                   "--api-url", api_url, "--today", "2026-11-22", "--keep", str(tmp_path / "kept"), *extra)


def test_valid_submission_opens_pull_request_and_comments(tmp_path, monkeypatch) -> None:
    state = make_state()
    with FakeGitHub(state) as api:
        result = intake(api, TEAM_BODY, tmp_path, "--author", "someone", monkeypatch=monkeypatch)
    assert result.returncode == 0, result.stdout + result.stderr
    assert state.calls("POST", r"/git/refs$")[0].body["ref"] == "refs/heads/submission/issue-7"
    members = state.files["submission/issue-7"]["data/provinces/79-ho-chi-minh/members.csv"]
    assert "Nguyễn Văn A,leader,Tổ trưởng tổ dân phố,2026-11-01,,0900000901,true,2026-11-22" in members
    assert "Trần Thị C,member,Chi hội Phụ nữ,2026-11-01,,,false," in members
    assert state.files["main"]["data/provinces/79-ho-chi-minh/members.csv"] != members  # main untouched
    commit = state.calls("PUT", r"/contents/")[0].body
    assert "#7" in commit["message"] and commit["branch"] == "submission/issue-7"
    assert base64.b64decode(commit["content"]).decode().startswith("member_id,") or commit["content"]
    [pull] = state.pulls
    assert "Closes #7" in pull["body"] and pull["head"] == "submission/issue-7" and pull["base"] == "main"
    [comment] = state.issues[7]["comments"]
    assert "Đã nhận" in comment["body"] and pull["number"] and "T79-0026" in comment["body"]
    assert "cần-duyệt" in state.issues[7]["labels"]  # someone outside the commune's maintainers
    assert not state.calls("PUT", r"/merge$")  # never merges


def test_editing_the_issue_updates_the_same_branch_and_pull_request(tmp_path, monkeypatch) -> None:
    state = make_state()
    edited = tmp_path / "edited.md"
    edited.write_text(TEAM_BODY.read_text(encoding="utf-8").replace("Lê Văn D", "Lê Văn Đ"), encoding="utf-8")
    with FakeGitHub(state) as api:
        assert intake(api, TEAM_BODY, tmp_path, monkeypatch=monkeypatch).returncode == 0
        second = intake(api, edited, tmp_path, monkeypatch=monkeypatch)
    assert second.returncode == 0, second.stderr
    assert len(state.pulls) == 1 and len(state.calls("POST", r"/pulls$")) == 1
    assert state.calls("PATCH", r"/pulls/\d+$")
    assert state.calls("PATCH", r"/git/refs/heads/submission/issue-7$")[0].body["force"] is True
    assert "Lê Văn Đ" in state.files["submission/issue-7"]["data/provinces/79-ho-chi-minh/members.csv"]
    assert len(state.issues[7]["comments"]) == 1  # the one comment is edited


def test_maintainer_with_write_access_is_not_labelled_for_review(tmp_path, monkeypatch) -> None:
    state = make_state()
    with FakeGitHub(state) as api:
        result = intake(api, TEAM_BODY, tmp_path, "--author", "cnscd-vungtau-example", monkeypatch=monkeypatch)
    assert result.returncode == 0
    assert state.calls("GET", r"/collaborators/cnscd-vungtau-example/permission$")
    assert "cần-duyệt" not in state.issues[7]["labels"]


def test_invalid_submission_is_answered_with_located_errors(tmp_path, monkeypatch) -> None:
    state = make_state()
    state.issues[7]["labels"].append("cần-duyệt")
    with FakeGitHub(state) as api:
        result = intake(api, FIXTURES / "team-errors" / "body.md", tmp_path, monkeypatch=monkeypatch)
    assert result.returncode == 1
    [comment] = state.issues[7]["comments"]
    assert "dòng 12, mục `members`" in comment["body"] and "Chủ tịch" in comment["body"]
    assert "dòng 13" in comment["body"] and "12345" in comment["body"]
    assert "cần-sửa" in state.issues[7]["labels"]
    assert not state.calls("POST", r"/git/refs$") and not state.pulls
    kept = tmp_path / "kept" / "issue-7.md"
    assert kept.read_text(encoding="utf-8") == (FIXTURES / "team-errors" / "body.md").read_text(encoding="utf-8")
    findings = json.loads((tmp_path / "kept" / "issue-7.json").read_text(encoding="utf-8"))["findings"]
    assert {f["code"] for f in findings} >= {"member-role-unknown", "phone-invalid", "member-name-missing"}


@pytest.mark.parametrize(("fail", "words"), [("503", "503"), ("ratelimit", "rate limit")])
def test_github_failure_is_retryable_and_keeps_the_body(fail, words, tmp_path, monkeypatch) -> None:
    state = make_state()
    state.fail = fail
    with FakeGitHub(state) as api:
        result = intake(api, TEAM_BODY, tmp_path, monkeypatch=monkeypatch)
    assert result.returncode == 3
    assert "RETRY" in result.stderr and words in result.stderr
    assert (tmp_path / "kept" / "issue-7.md").read_text(encoding="utf-8") == TEAM_BODY.read_text(encoding="utf-8")


def test_unreachable_github_is_retryable(tmp_path, monkeypatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = intake(f"http://127.0.0.1:{port}", TEAM_BODY, tmp_path, monkeypatch=monkeypatch)
    assert result.returncode == 3 and "unreachable" in result.stderr
    assert (tmp_path / "kept" / "issue-7.md").is_file()


def test_github_module_is_the_only_one_importing_github3() -> None:
    importers = [p.name for p in (ROOT / "scripts" / "cnscd").rglob("*.py") if "import github3" in p.read_text()]
    assert importers == ["github.py"]
