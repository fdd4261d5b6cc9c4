"""`cnscd erase` on a real temporary git repository whose history holds a number in several places."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cnscd.privacy.erase import REPLACEMENT, national_digits, spelling_pattern
from tests.conftest import SAMPLE, TODAY, run_cli
from tests.datautil import edit, read

NUMBER = "0912345678"
SPELLINGS = ["0912345678", "0912 345 678", "0912.345.678", "0912-345-678", "+84912345678", "+84 912 345 678",
             "84912345678", "(+84) 912 345 678", "0084912345678", "0912\u00a0345\u00a0678"]
NEIGHBOUR = "0912345679"  # one digit away: must survive
IDENTITY = ["-c", "user.name=Người bảo trì", "-c", "user.email=maintainer@example.invalid"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, *IDENTITY, "commit", "-q", "-m", message)


def all_objects(repo: Path) -> bytes:
    return subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch"], check=True,
                          capture_output=True).stdout


def history(repo: Path) -> list[tuple[str, list[str]]]:
    """(message, file list) of every commit on every ref, oldest first."""
    shas = git(repo, "rev-list", "--all", "--reverse", "--topo-order").split()
    return [(git(repo, "log", "-1", "--format=%B", sha), git(repo, "ls-tree", "-r", "--name-only", sha).split())
            for sha in shas]


@pytest.fixture
def leaky_repo(tmp_path: Path) -> Path:
    """Sample data, then the number in a consented phone cell, a notes field, commit and tag messages and
    a loose text file in several spellings, then a commit that removes it all again."""
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLE, repo / "data")
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "Dữ liệu mẫu")
    data = repo / "data"
    members = "provinces/79-ho-chi-minh/members.csv"
    teams = "provinces/79-ho-chi-minh/teams.csv"
    member = next(r for r in read(data, members) if not r["left_on"] and not r["phone"])
    original_members = (data / members).read_text(encoding="utf-8")
    original_teams = (data / teams).read_text(encoding="utf-8")
    edit(data, members, "member_id", member["member_id"], phone=NUMBER, phone_consent="true",
         phone_consent_on="2026-01-05")
    commit(repo, f"Thêm số điện thoại có đồng ý cho {member['member_id']}")
    team = read(data, teams)[0]
    edit(data, teams, "team_id", team["team_id"], notes="Liên hệ tổ trưởng: 0912 345 678")
    commit(repo, "Ghi chú: gọi 0912.345.678 khi cần")
    git(repo, "branch", "cu")  # another branch keeps this commit
    (repo / "ghi-chu.txt").write_text("Zalo +84 912 345 678; cũ 84912345678; (+84) 912-345-678\n"
                                      f"số khác {NEIGHBOUR}\n", encoding="utf-8")
    commit(repo, "Thêm ghi chú, số +84912345678")
    git(repo, *IDENTITY, "tag", "-a", "v1", "-m", "Bản phát hành, hỏi 0912345678")
    (data / members).write_text(original_members, encoding="utf-8")
    (data / teams).write_text(original_teams, encoding="utf-8")
    (repo / "ghi-chu.txt").unlink()
    commit(repo, "Gỡ số điện thoại theo yêu cầu rút lại đồng ý")
    return repo


def test_every_spelling_is_matched_and_nothing_longer() -> None:
    pattern = re.compile(spelling_pattern(national_digits(NUMBER)).encode())
    for spelling in SPELLINGS:
        assert pattern.search(f"gọi {spelling}.".encode()), spelling
    for other in (NEIGHBOUR, "10912345678", "09123456780", "1912345678", "123/QĐ-UBND 2026"):
        assert not pattern.search(other.encode()), other
    assert national_digits("+84 912 345 678") == national_digits("0912.345.678") == "912345678"
    assert national_digits("12345") is None


def test_erase_leaves_no_object_with_the_number(leaky_repo: Path, tmp_path: Path) -> None:
    repo = leaky_repo
    objects = all_objects(repo)
    assert NUMBER.encode() in objects and b"0912 345 678" in objects and b"0912.345.678" in objects
    head_tree = git(repo, "rev-parse", "HEAD^{tree}")
    before = history(repo)
    refs = git(repo, "for-each-ref", "--format=%(refname)")

    result = run_cli("erase", "--phone", "0912 345 678", "--repo", str(repo), "--yes", "--no-fetch")
    assert result.returncode == 0, result.stdout + result.stderr
    # Vietnamese first, then English, and the steps outside the repository
    out = result.stdout
    assert out.index("Đẩy đè mọi nhánh") < out.index("Force-push every branch")
    for needle in ("refs/pull/*", "GitHub Support", "fork", "deploy", "artifact"):
        assert needle in out

    objects = all_objects(repo)
    pattern = re.compile(spelling_pattern("912345678").encode())
    assert not pattern.search(objects)
    for spelling in SPELLINGS:
        assert spelling.encode() not in objects, spelling
    assert NEIGHBOUR.encode() in objects  # nothing but the number was touched
    # nothing else changed: the current tree, the refs, every commit's files and messages but for the number
    assert git(repo, "rev-parse", "HEAD^{tree}") == head_tree
    assert git(repo, "for-each-ref", "--format=%(refname)") == refs
    after = history(repo)
    assert len(after) == len(before) == 5
    expected = [(re.sub(spelling_pattern("912345678"), REPLACEMENT, message), files) for message, files in before]
    assert after == expected
    assert REPLACEMENT in after[2][0]
    assert "Bản phát hành, hỏi " + REPLACEMENT in git(repo, "tag", "-l", "--format=%(contents)", "v1")
    assert git(repo, "status", "--porcelain") == ""
    # the current data still validates and builds
    data = str(repo / "data")
    assert run_cli("validate", "--data", data, "--today", TODAY.isoformat()).returncode == 0
    site = tmp_path / "site"
    built = run_cli("build", "--data", data, "--site-dir", str(site), "--today", TODAY.isoformat())
    assert built.returncode == 0, built.stdout + built.stderr
    assert (site / "index.html").is_file()


def test_erase_refuses_a_dirty_tree_and_a_number_still_present(leaky_repo: Path) -> None:
    repo = leaky_repo
    heads = git(repo, "for-each-ref")
    (repo / "data" / "indicators.csv").write_text("sửa dở\n", encoding="utf-8")
    result = run_cli("erase", "--phone", NUMBER, "--repo", str(repo), "--yes", "--no-fetch")
    assert result.returncode == 1 and "chưa commit" in result.stderr and "uncommitted" in result.stderr
    git(repo, "checkout", "-q", "--", "data/indicators.csv")
    (repo / "lien-he.md").write_text("Gọi 0912.345.678\n", encoding="utf-8")
    commit(repo, "Lỡ ghi số")
    result = run_cli("erase", "--phone", NUMBER, "--repo", str(repo), "--yes", "--no-fetch")
    assert result.returncode == 1 and "lien-he.md:1" in result.stderr and "cnscd withdraw" in result.stderr
    def others(text: str) -> list[str]:
        return [line for line in text.splitlines() if not line.endswith("refs/heads/main")]
    assert others(git(repo, "for-each-ref")) == others(heads)  # nothing rewritten: only main moved, by our commit


def test_erase_needs_confirmation_and_a_real_number(leaky_repo: Path) -> None:
    refused = run_cli("erase", "--phone", NUMBER, "--repo", str(leaky_repo), "--no-fetch")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert NUMBER.encode() in all_objects(leaky_repo)
    bad = run_cli("erase", "--phone", "12-34", "--repo", str(leaky_repo), "--yes")
    assert bad.returncode == 2 and "không phải số điện thoại" in bad.stderr


def test_erase_with_an_origin_refuses_unpushed_work_then_rewrites_after_fetching(tmp_path: Path) -> None:
    """With a remote, git-filter-repo fetches every ref first (discarding local work), so unpushed commits
    stop the run; once pushed, the rewrite succeeds, keeps origin, and a mirror push cleans every ref there."""
    origin, repo = tmp_path / "origin.git", tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True)
    subprocess.run(["git", "clone", "-q", str(origin), str(repo)], check=True, capture_output=True)
    (repo / "lien-he.txt").write_text("Tổ trưởng: 0912.345.678\n", encoding="utf-8")
    commit(repo, "Liên hệ")
    git(repo, "push", "-q", "origin", "HEAD:main")
    (repo / "lien-he.txt").write_text("Tổ trưởng: xem trang của tổ\n", encoding="utf-8")
    commit(repo, "Gỡ số")

    refused = run_cli("erase", "--phone", NUMBER, "--repo", str(repo), "--yes")
    assert refused.returncode == 1 and "refs/heads/main" in refused.stderr and "--no-fetch" in refused.stderr
    assert NUMBER.encode() not in all_objects(repo) and b"0912.345.678" in all_objects(repo)  # untouched

    git(repo, "push", "-q", "origin", "HEAD:main")
    result = run_cli("erase", "--phone", NUMBER, "--repo", str(repo), "--yes")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(spelling_pattern("912345678").encode(), all_objects(repo))
    assert "origin" in git(repo, "remote").split()
    git(repo, "push", "-q", "--force", "--mirror", "origin")
    published = subprocess.run(["git", "-C", str(origin), "log", "--all", "-p", "--format=%B"], check=True,
                               capture_output=True).stdout
    assert b"0912.345.678" not in published and REPLACEMENT.encode() in published
