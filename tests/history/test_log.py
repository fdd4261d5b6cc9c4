"""Roster history from a real temporary git repository: join, leave, role change, team created and dissolved."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from cnscd.history.feed import ATOM, atom
from cnscd.history.log import Kind, read_history
from cnscd.load import load
from cnscd.units import Units
from tests import datautil
from tests.conftest import run_cli
from tests.test_figures import FOLDER, build_fixture

MEMBERS, TEAMS = f"{FOLDER}/members.csv", f"{FOLDER}/teams.csv"


def git(repo: Path, *args: str, when: str = "2026-01-05T09:00:00+07:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Cán bộ xã", "GIT_AUTHOR_EMAIL": "xa@example.org",
           "GIT_COMMITTER_NAME": "Cán bộ xã", "GIT_COMMITTER_EMAIL": "xa@example.org",
           "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def commit(repo: Path, message: str, when: str) -> None:
    git(repo, "add", "-A", "data")
    git(repo, "commit", "-q", "-m", message, when=when)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("history")
    data = build_fixture(root)
    git(root, "init", "-q", "-b", "main")
    commit(root, "Danh sách ban đầu", "2026-01-05T09:00:00+07:00")
    # A new member joins the commune team.
    datautil.copy_row(data, MEMBERS, "member_id", "M51-000003", member_id="M51-000010", person_id="P51-000010",
                      full_name="Đặng Thị M", joined_on="2026-02-01")
    commit(root, "Thêm thành viên", "2026-02-03T10:00:00+07:00")
    # One leaves, another becomes deputy.
    datautil.edit(data, MEMBERS, "member_id", "M51-000003", left_on="2026-03-10")
    datautil.edit(data, MEMBERS, "member_id", "M51-000007", role="deputy")
    commit(root, "Cập nhật tổ", "2026-03-12T08:00:00+07:00")
    # A team for the last village; Thôn Bình's team is dissolved.
    datautil.copy_row(data, TEAMS, "team_id", "T51-0003", team_id="T51-0005", name="Tổ CNSCĐ Thôn Cát",
                      village_id="V21040-003", unit_scheme="2025", current_commune_code="", established_on="2026-04-01")
    datautil.edit(data, TEAMS, "team_id", "T51-0003", status="dissolved", ended_on="2026-04-01")
    commit(root, "Thành lập tổ Thôn Cát", "2026-04-02T15:00:00+07:00")
    (root / "README.md").write_text("không phải dữ liệu\n", encoding="utf-8")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "Không đổi dữ liệu", when="2026-05-01T09:00:00+07:00")
    return root


@pytest.fixture(scope="module")
def history(repo: Path):
    return read_history(repo / "data", Units.from_dataset(load(repo / "data")))


def test_changes_after_the_first_import(history):
    later = [c for c in history.changes if c.committed > dt.date(2026, 1, 5)]
    got = [(c.kind, c.on.isoformat(), c.committed.isoformat(), c.team_id, c.person, c.role, c.before) for c in later]
    assert got == [
        (Kind.JOINED, "2026-02-01", "2026-02-03", "T51-0001", "Đặng Thị M", "member", ""),
        (Kind.LEFT, "2026-03-10", "2026-03-12", "T51-0001", "Lê Văn C", "member", ""),
        (Kind.ROLE_CHANGED, "2026-03-12", "2026-03-12", "T51-0003", "Đỗ Thị H", "deputy", "member"),
        (Kind.DISSOLVED, "2026-04-01", "2026-04-02", "T51-0003", "", "", ""),
        (Kind.TEAM_CREATED, "2026-04-01", "2026-04-02", "T51-0005", "", "", ""),
    ]
    assert {c.commune_code for c in later} == {"21040"} and {c.province_code for c in later} == {"51"}
    texts = [c.text_vi() for c in later]
    assert texts[0] == "Đặng Thị M tham gia Tổ CNSCĐ Xã Bình Sơn (Tổ viên)"
    assert texts[2] == "Đỗ Thị H chuyển từ Tổ viên sang Tổ phó, Tổ CNSCĐ Thôn Bình"
    assert texts[3] == "Giải thể Tổ CNSCĐ Thôn Bình"


def test_first_import_dates_come_from_the_rows(history):
    first = [c for c in history.changes if c.committed == dt.date(2026, 1, 5)]
    created = {c.team_id: c.on.isoformat() for c in first if c.kind == Kind.TEAM_CREATED}
    assert created == {"T51-0001": "2025-07-18", "T51-0002": "2022-05-20", "T51-0003": "2022-05-20",
                       "T51-0004": "2022-05-20"}
    merged = [c for c in first if c.kind == Kind.MERGED]
    assert [(c.team_id, c.on.isoformat(), c.before) for c in merged] == [("T51-0004", "2025-06-30", "Tổ CNSCĐ Xã Bình Sơn")]
    # The merged old commune's member joined and left: both are told, in the new commune.
    lý = [(c.kind, c.on.isoformat(), c.commune_code) for c in first if c.person == "Lý Văn L"]
    assert lý == [(Kind.JOINED, "2022-05-20", "21040"), (Kind.LEFT, "2025-06-30", "21040")]
    assert sum(1 for c in first if c.kind == Kind.JOINED) == 9


def test_last_updated_dates(history):
    assert history.updated == dt.date(2026, 4, 2)  # the README commit does not touch the data
    assert history.commune_updated == {"21040": dt.date(2026, 4, 2)}
    assert history.province_updated == {"51": dt.date(2026, 4, 2)}
    assert history.file_updated[f"data/{MEMBERS}"] == dt.date(2026, 3, 12)
    assert history.file_updated[f"data/{FOLDER}/targets.csv"] == dt.date(2026, 1, 5)
    by_commune = history.by_commune()["21040"]
    assert by_commune == sorted(by_commune, key=lambda c: (c.on, c.committed))


def test_outside_a_git_checkout_there_is_no_history(tmp_path, repo):
    data = tmp_path / "data"
    shutil.copytree(repo / "data", data)
    empty = read_history(data, Units.from_dataset(load(data)))
    assert empty.changes == [] and empty.updated is None and empty.commune_updated == {}


def test_atom_feed(history):
    changes = history.by_province()["51"]
    xml = atom('Thay đổi <Quảng Ngãi> & "tổ"', "https://example.org/51-quang-ngai/",
               "https://example.org/51-quang-ngai/thay-doi.xml", changes,
               {"21040": "https://example.org/51-quang-ngai/21040-xa-binh-son/"}, {"21040": "Xã Bình Sơn"})
    root = ET.fromstring(xml)  # noqa: S314 - the feed this build just wrote
    ns = {"a": ATOM}
    assert root.tag == f"{{{ATOM}}}feed"
    assert root.find("a:title", ns).text == 'Thay đổi <Quảng Ngãi> & "tổ"'
    assert root.find("a:updated", ns).text == "2026-04-02T00:00:00Z"
    entries = root.findall("a:entry", ns)
    assert len(entries) == len(changes)
    ids = [e.find("a:id", ns).text for e in entries]
    assert len(set(ids)) == len(ids)
    newest = entries[0]
    assert newest.find("a:updated", ns).text == "2026-04-02T00:00:00Z"
    assert newest.find("a:link", ns).get("href") == "https://example.org/51-quang-ngai/21040-xa-binh-son/"
    titles = [e.find("a:title", ns).text for e in entries[:2]]
    assert sorted(titles) == ["Giải thể Tổ CNSCĐ Thôn Bình — Xã Bình Sơn", "Thành lập Tổ CNSCĐ Thôn Cát — Xã Bình Sơn"]
    for entry in entries:  # every entry has what RFC 4287 requires
        assert entry.find("a:id", ns) is not None and entry.find("a:title", ns).text and entry.find("a:updated", ns) is not None


def test_history_verb(repo, tmp_path):
    result = run_cli("history", "--data", str(repo / "data"), "--commune", "21040", "--since", "2026-02-01")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("01/02/2026  21040  Đặng Thị M tham gia Tổ CNSCĐ Xã Bình Sơn (Tổ viên)  [joined, ")
    assert len(lines) == 6 and lines[-1].startswith("5 thay đổi; dữ liệu cập nhật lần cuối 02/04/2026")
    plain = tmp_path / "data"
    shutil.copytree(repo / "data", plain)
    outside = run_cli("history", "--data", str(plain))
    assert outside.returncode == 2 and "no git history" in outside.stderr


def test_a_report_dates_its_commune_without_a_roster_change(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    datautil.append(clone / "data", f"{FOLDER}/reports-2026.csv", team_id="T51-0002", period="2026-05",
                    indicator_code="dvc_dossiers", value="9", submitted_on="2026-05-20")
    commit(clone, "Báo cáo tháng 5", "2026-06-01T08:00:00+07:00")
    later = read_history(clone / "data", Units.from_dataset(load(clone / "data")))
    assert later.commune_updated == {"21040": dt.date(2026, 6, 1)}
    assert later.file_updated[f"data/{FOLDER}/reports-2026.csv"] == dt.date(2026, 6, 1)
    assert max(c.committed for c in later.changes) == dt.date(2026, 4, 2)  # a report is not a roster change
