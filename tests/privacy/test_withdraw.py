"""Withdrawal of consent: `cnscd withdraw` through to the built site, and the `withdrawal` form via intake."""

from __future__ import annotations

import gzip
import zipfile
from pathlib import Path

import pytest

from cnscd.privacy.erase import spelling_pattern
from cnscd.text import fold
from tests.conftest import TODAY, git, run_cli
from tests.datautil import read

MEMBERS = "provinces/79-ho-chi-minh/members.csv"
WITHDRAWALS = "provinces/79-ho-chi-minh/withdrawals.csv"


def published_member(data: Path) -> dict[str, str]:
    """A current member with a consented phone whose name is unique on their team, read from the data."""
    rows = read(data, MEMBERS)
    for row in rows:
        same_name = [r for r in rows if r["team_id"] == row["team_id"] and fold(r["full_name"]) == fold(row["full_name"])]
        if row["phone"] and row["phone_consent"] == "true" and not row["left_on"] and len(same_name) == 1:
            return row
    raise AssertionError("the sample has no current member with a published phone")


def site_bytes(site: Path) -> bytes:
    """Every byte a visitor can fetch, compressed downloads opened."""
    chunks = []
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        chunks.append(data)
        if path.suffix in {".zip", ".xlsx", ".docx"}:
            with zipfile.ZipFile(path) as archive:
                chunks += [archive.read(name) for name in archive.namelist()]
        elif path.suffix == ".gz":
            chunks.append(gzip.decompress(data))
    return b"\n".join(chunks)


def test_withdraw_removes_the_number_from_data_and_the_built_site(data_copy: Path, tmp_path: Path, built_site: Path) -> None:
    import re

    member = published_member(data_copy)
    phone, person = member["phone"], member["person_id"]
    spelled = re.compile(spelling_pattern(phone[1:]).encode())
    # the number is published before (the session's site is built from the same sample on the same day)
    assert spelled.search(site_bytes(built_site))

    result = run_cli("withdraw", "--person", person, "--on", "2026-11-20", "--channel", "paper",
                     "--data", str(data_copy), "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stdout + result.stderr
    assert phone not in result.stdout and "Đã gỡ số điện thoại" in result.stdout
    for row in read(data_copy, MEMBERS):
        if row["person_id"] == person:
            assert row["phone"] == "" and row["phone_consent"] == "false" and row["phone_consent_on"] == ""
            assert row.get("phone_consent_method", "") == row.get("phone_consent_recorded_by", "") == ""
    requests = [w for w in read(data_copy, WITHDRAWALS) if w["person_id"] == person]
    assert requests == [{"person_id": person, "requested_on": "2026-11-20", "channel": "paper",
                         "applied_on": TODAY.isoformat(), "notes": ""}]
    assert phone not in "".join(p.read_text(encoding="utf-8") for p in data_copy.rglob("*.csv"))
    # canonical and valid, so CI accepts the change as is
    assert run_cli("fmt", "--check", "--data", str(data_copy)).returncode == 0
    assert run_cli("validate", "--data", str(data_copy), "--today", TODAY.isoformat()).returncode == 0

    # idempotent: a second run changes nothing
    snapshot = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    again = run_cli("withdraw", "--person", person, "--data", str(data_copy), "--today", TODAY.isoformat())
    assert again.returncode == 0 and "đã được gỡ số từ trước" in again.stdout
    assert {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()} == snapshot

    after = tmp_path / "after"
    run_cli("build", "--data", str(data_copy), "--site-dir", str(after), "--today", TODAY.isoformat(), check=True)
    everything = site_bytes(after)
    assert member["full_name"].encode() in everything  # the person is still listed, without the number
    assert not spelled.search(everything)


def test_withdraw_unknown_person_is_a_located_error(data_copy: Path) -> None:
    snapshot = {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()}
    result = run_cli("withdraw", "--person", "P79-999999", "--data", str(data_copy))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "person-unknown" in result.stderr and "[person_id]" in result.stderr
    assert result.stderr.index("Không có thành viên") < result.stderr.index("No member row")
    malformed = run_cli("withdraw", "--person", "nguyen van a", "--data", str(data_copy))
    assert malformed.returncode == 1 and "person-id-invalid" in malformed.stderr
    assert {p: p.read_bytes() for p in data_copy.rglob("*") if p.is_file()} == snapshot


def body(commune: str, team: str, name: str, last4: str, reason: str = "_No response_") -> str:
    return (f"### Mã xã/phường (5 chữ số)\n\n{commune}\n\n### Mã tổ\n\n{team}\n\n### Họ tên của bạn\n\n{name}\n\n"
            f"### 4 số cuối của số điện thoại đang công khai\n\n{last4}\n\n### Lý do (không bắt buộc)\n\n{reason}\n")


def commune_of(data: Path, team_id: str) -> str:
    team = next(t for t in read(data, "provinces/79-ho-chi-minh/teams.csv") if t["team_id"] == team_id)
    if team["commune_code"] and team["unit_scheme"] == "2025":
        return team["commune_code"]
    village = next(v for v in read(data, "provinces/79-ho-chi-minh/villages.csv") if v["village_id"] == team["village_id"])
    return village["commune_code"]


def test_withdrawal_form_through_local_intake(repo: Path, tmp_path: Path) -> None:
    data = repo / "data"
    member = published_member(data)
    phone = member["phone"]
    commune = commune_of(data, member["team_id"])
    unmarked = fold(member["full_name"]).upper()  # typed without diacritics, in capitals
    path = tmp_path / "body.md"
    path.write_text(body(commune, member["team_id"], unmarked, phone[-4:], "Tôi chuyển công tác"), encoding="utf-8")
    result = run_cli("intake", str(path), "--form", "withdrawal", "--issue", "31", "--local", "--data", str(data),
                     "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stdout + result.stderr
    assert phone not in result.stdout
    diff = git(repo, "diff", "main", "submission/issue-31")
    assert sorted(git(repo, "diff", "--name-only", "main", "submission/issue-31").splitlines()) == [
        f"data/{MEMBERS}", f"data/{WITHDRAWALS}"]
    assert f"-{member['member_id']}," in diff and phone in diff  # the removed line
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert not any(phone in line for line in added)
    assert f"+{member['person_id']},{TODAY.isoformat()},issue_form,{TODAY.isoformat()}," in added
    assert "chuyển công tác" not in diff  # the reason stays in the issue, not in the public data
    message = git(repo, "log", "-1", "--format=%B", "submission/issue-31")
    assert "issue #31" in message and phone not in message and member["person_id"] in message
    git(repo, "checkout", "-q", "submission/issue-31")
    assert run_cli("validate", "--data", str(data), "--today", TODAY.isoformat()).returncode == 0


@pytest.mark.parametrize("case", ["wrong-digits", "wrong-name", "wrong-commune", "whole-number"])
def test_withdrawal_form_refuses_without_revealing_numbers(repo: Path, tmp_path: Path, case: str) -> None:
    data = repo / "data"
    member = published_member(data)
    phone = member["phone"]
    commune = commune_of(data, member["team_id"])
    fields = {"commune": commune, "team": member["team_id"], "name": member["full_name"], "last4": phone[-4:]}
    wrong = str((int(phone[-4:]) + 1) % 10000).zfill(4)
    fields.update({"wrong-digits": {"last4": wrong}, "wrong-name": {"name": "Nguyễn Văn Không Có"},
                   "wrong-commune": {"commune": "00004"}, "whole-number": {"last4": phone}}[case])
    path = tmp_path / "body.md"
    path.write_text(body(fields["commune"], fields["team"], fields["name"], fields["last4"]), encoding="utf-8")
    result = run_cli("intake", str(path), "--form", "withdrawal", "--issue", "32", "--local", "--data", str(data),
                     "--today", TODAY.isoformat(), "--keep", str(tmp_path / "kept"))
    assert result.returncode == 1, result.stdout + result.stderr
    code = {"wrong-digits": "withdrawal-no-match", "wrong-name": "withdrawal-no-match",
            "wrong-commune": "team-wrong-commune", "whole-number": "phone-last4-invalid"}[case]
    assert code in result.stdout
    team_phones = [r["phone"] for r in read(data, MEMBERS) if r["team_id"] == member["team_id"] and r["phone"]]
    shown = result.stdout if case != "whole-number" else result.stdout.replace(phone, "")
    assert not any(p in shown or p[-4:] in shown.replace(fields["last4"], "") for p in team_phones)
    assert "submission/issue-32" not in git(repo, "branch", "--list")
    assert git(repo, "status", "--porcelain") == ""
