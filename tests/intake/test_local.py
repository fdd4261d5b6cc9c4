"""--local against real temporary git repositories."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import git, run_cli

FIXTURES = Path(__file__).parent / "fixtures"


def test_local_commits_on_a_branch_named_for_the_issue(repo: Path) -> None:
    result = run_cli("intake", str(FIXTURES / "report-month" / "body.md"), "--form", "report", "--issue", "12",
                     "--local", "--data", str(repo / "data"), "--today", "2026-11-22")
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert git(repo, "status", "--porcelain") == ""
    message = git(repo, "log", "-1", "--format=%B", "submission/issue-12")
    assert "issue #12" in message and "T79-0002" in message
    changed = git(repo, "diff", "--name-only", "main", "submission/issue-12").splitlines()
    assert changed == ["data/provinces/79-ho-chi-minh/reports-2026.csv"]
    diff = git(repo, "diff", "main", "submission/issue-12")
    assert "+T79-0002,2026-10,dvc_dossiers,1250,2026-11-22,Khó khăn: Nhiều người cao tuổi chưa có" in diff
    # the branch passes the same validation as CI
    git(repo, "checkout", "-q", "submission/issue-12")
    assert run_cli("validate", "--data", str(repo / "data"), "--today", "2026-11-22").returncode == 0
    assert run_cli("fmt", "--check", "--data", str(repo / "data")).returncode == 0


def test_local_invalid_submission_creates_no_branch(repo: Path, tmp_path: Path) -> None:
    result = run_cli("intake", str(FIXTURES / "team-errors" / "body.md"), "--form", "team", "--issue", "13",
                     "--local", "--data", str(repo / "data"), "--keep", str(tmp_path / "kept"))
    assert result.returncode == 1
    assert "member-role-unknown" in result.stdout and "issue #13:12 [members]" in result.stdout
    assert "submission/issue-13" not in git(repo, "branch", "--list")
    assert git(repo, "status", "--porcelain") == ""
    assert (tmp_path / "kept" / "issue-13.md").is_file()


def test_local_guide_writes_front_matter(repo: Path) -> None:
    result = run_cli("intake", str(FIXTURES / "guide-new" / "body.md"), "--form", "guide", "--issue", "14",
                     "--local", "--data", str(repo / "data"), "--today", "2026-11-22")
    assert result.returncode == 0, result.stderr
    text = git(repo, "show", "submission/issue-14:docs/huong-dan/kich-hoat-tai-khoan-dinh-danh-dien-tu-vneid-muc-2.md")
    assert text.startswith("---\ntitle: Kích hoạt tài khoản định danh điện tử VNeID mức 2\n")
    assert "pillar: government" in text and "reviewed_on: 2026-11-22" in text
