"""Commune access codes: issued once, kept only as a slow hash, trusted only for their own commune;
wrong codes are rate-limited and answered alike whether or not the commune has codes."""

from __future__ import annotations

import re
import sqlite3

from cnscd.service import access
from cnscd.service.journal import Journal, Submission
from cnscd.service.worker import labels_for
from tests.service.harness import active_teams, git_state, report_fields, run_cnscd

CODE = re.compile(r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$", re.MULTILINE)


def issue_code(repo, journal, commune: str, *extra: str) -> tuple[str, str]:
    result = run_cnscd("access-code", "issue", "--commune", commune, "--journal", str(journal), *extra, cwd=repo)
    assert result.returncode == 0, result.stderr
    code = CODE.search(result.stdout).group(0)
    code_id = re.search(r"id: ([0-9a-f]{8})", result.stdout).group(1)
    return code, code_id


def test_codes_are_trusted_for_their_commune_only_and_wrong_codes_are_limited(repo, serve, tmp_path) -> None:
    team_a, team_b = active_teams(2)
    journal = tmp_path / "journal.sqlite3"
    before = git_state(repo)
    code, code_id = issue_code(repo, journal, team_a["commune_code"])
    assert git_state(repo) == before  # never in the repository
    assert code.encode() not in journal.read_bytes() and code.replace("-", "").encode() not in journal.read_bytes()
    listed = run_cnscd("access-code", "list", "--journal", str(journal), cwd=repo)
    assert code_id in listed.stdout and team_a["commune_code"] in listed.stdout and not CODE.search(listed.stdout)

    service = serve("--wrong-codes-per-hour", "3", journal=journal)
    typed = " " + code.lower().replace("-", " ") + " "  # as typed on a phone
    trusted = service.submit("report", report_fields(team_a["team_id"]), access_code=typed)
    assert trusted.status == 202 and trusted.json["trusted"] is True and trusted.json["access_code_accepted"] is True
    assert code not in trusted.text

    plain = service.submit("report", report_fields(team_a["team_id"], period="2026-09"))
    assert plain.status == 202 and plain.json["trusted"] is False and plain.json["review"] is True

    # Wrong for a commune with codes, wrong for one without: the same answer (and both count as wrong).
    wrong_here = service.submit("report", report_fields(team_a["team_id"], period="2026-08"), access_code="AAAA-BBBB")
    wrong_there = service.submit("report", report_fields(team_b["team_id"]), access_code=code)
    shape = [{k: v for k, v in r.json.items() if k not in ("receipt", "status_url")} for r in (wrong_here, wrong_there)]
    assert wrong_here.status == wrong_there.status == 202 and shape[0] == shape[1]
    assert shape[0]["trusted"] is False and shape[0]["access_code_accepted"] is False

    assert run_cnscd("access-code", "revoke", code_id, "--journal", str(journal), cwd=repo).returncode == 0
    revoked = service.submit("report", report_fields(team_a["team_id"], period="2026-07"), access_code=code)
    assert revoked.status == 202 and revoked.json["trusted"] is False
    limited = service.submit("report", report_fields(team_a["team_id"], period="2026-06"), access_code=code)
    assert limited.status == 429 and int(limited.headers["retry-after"]) > 0

    states = {s.receipt: s.trusted for s in Journal(journal).list()}
    assert states[trusted.json["receipt"]] is True and sum(states.values()) == 1 and len(states) == 5
    assert code not in service.log.read_text() and code.replace("-", "") not in service.log.read_text()
    assert "thu hồi/revoked" in run_cnscd("access-code", "list", "--journal", str(journal), cwd=repo).stdout


def test_expired_code_is_not_accepted_and_hash_is_salted(tmp_path) -> None:
    journal = Journal(tmp_path / "j.sqlite3")
    _, expired = access.issue(journal, "26506", days=0)
    code_id, live = access.issue(journal, "26506", days=30)
    assert access.verify(journal, "26506", live.lower()) and not access.verify(journal, "26507", live)
    assert not access.verify(journal, "26506", expired)
    with sqlite3.connect(journal.path) as db:
        salts = [row[0] for row in db.execute("SELECT salt FROM access_codes")]
    assert len(set(salts)) == 2 and all(len(s) == 16 for s in salts)
    assert [c.active for c in access.listing(journal, "26506")] == [False, True]
    assert access.revoke(journal, code_id) and not access.verify(journal, "26506", live)


def test_labels_tell_trusted_from_review() -> None:
    base = dict(receipt="r", form="team", fields={}, body="", files={}, title="", commit_message="", pull_body="",
                commune_code="26506", province_code="79", findings=[], state="queued", attempts=0,
                next_attempt_at=0.0, last_error="", branch="b", commit_sha="", base_branch="", pull_number=None,
                pull_url="", created_at=0.0, updated_at=0.0, refreshed_at=0.0)
    assert labels_for(Submission(**base, trusted=True)) == ["bieu-mau-to", "mã-xã-hợp-lệ"]
    assert labels_for(Submission(**base, trusted=False)) == ["bieu-mau-to", "cần-duyệt"]


def test_default_journal_lives_in_a_folder_git_ignores(repo) -> None:
    before = git_state(repo)
    issued = run_cnscd("access-code", "issue", "--commune", "26506", cwd=repo)
    assert issued.returncode == 0 and (repo / ".cnscd" / "intake.sqlite3").is_file()
    assert git_state(repo) == before  # neither the journal nor the code hash can be committed by accident
    assert run_cnscd("access-code", "issue", "--commune", "2650", cwd=repo).returncode == 2
