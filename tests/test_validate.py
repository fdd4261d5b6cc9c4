"""`cnscd validate` end to end: the sample is valid; broken packages are reported completely."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from cnscd.model import Severity
from cnscd.validate import validate

from .conftest import SAMPLE, TODAY, run_cli
from .datautil import CAO_BANG, append, edit, read, write

MEMBERS = f"{CAO_BANG}/members.csv"
TEAMS = f"{CAO_BANG}/teams.csv"


def test_sample_is_valid_without_warnings() -> None:
    assert validate(SAMPLE, TODAY) == []


def test_sample_meets_the_promised_size() -> None:
    from cnscd.load import load

    dataset = load(SAMPLE)
    teams = dataset.rows("teams")
    villages = [t for t in teams if t["level"] == "village"]
    communes = {t["commune_code"] for t in teams if t["level"] == "commune" and t["unit_scheme"] == "2025"}
    provinces = {row.file.split("/")[1] for row in teams}
    assert len(provinces) >= 5 and len(communes) >= 12 and len(villages) >= 60
    assert len(dataset.rows("members")) >= 300
    assert len({r["period"] for r in dataset.rows("reports") if "-Q" not in r["period"]}) >= 12
    assert any(t["unit_scheme"] == "pre2025" and t["status"] == "active" for t in teams)
    assert any(t["status"] == "merged" for t in teams) and dataset.rows("targets") and dataset.rows("trainings")


def _digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_one_error_of_each_kind_all_reported_and_nothing_written(data_copy: Path) -> None:
    """Schema, key and domain errors in one package: each is found at its file and row."""
    broken = {
        (MEMBERS, edit(data_copy, MEMBERS, "member_id", "M04-000019", role="boss"), "constraint-error"),
        (MEMBERS, edit(data_copy, MEMBERS, "member_id", "M04-000020", joined_on="29/08/2025"), "type-error"),
        (MEMBERS, edit(data_copy, MEMBERS, "member_id", "M04-000021", team_id="T04-9999"), "foreign-key"),
        (TEAMS, edit(data_copy, TEAMS, "team_id", "T04-0005", zalo_url="http://example.com"), "constraint-error"),
        (MEMBERS, edit(data_copy, MEMBERS, "member_id", "M04-000022", phone="0900123456"), "phone-without-consent"),
    }
    reports = f"{CAO_BANG}/reports-2026.csv"
    first = read(data_copy, reports)[0]
    broken.add((reports, append(data_copy, reports, **first), "primary-key"))
    before = _digest(data_copy)
    result = run_cli("validate", "--data", str(data_copy), "--today", TODAY.isoformat(), "--format", "json")
    assert result.returncode == 1, result.stderr
    found = {(f["file"], f["row"], f["code"]) for f in json.loads(result.stdout) if f["severity"] == "error"}
    assert broken <= found
    # Changing a member's team makes T04-0004 smaller but still valid: nothing else is reported.
    assert found == broken
    assert _digest(data_copy) == before


def test_header_mismatch_in_a_later_partition(data_copy: Path) -> None:
    """Frictionless skips later multipart headers blindly, so a swapped column must still be caught."""
    relpath = "provinces/79-ho-chi-minh/members.csv"
    rows = read(data_copy, relpath)
    swapped = [{"team_id": r["team_id"], "member_id": r["member_id"],
                **{k: v for k, v in r.items() if k not in ("team_id", "member_id")}} for r in rows]
    write(data_copy, relpath, swapped)
    found = validate(data_copy, TODAY)
    assert ("header-mismatch", relpath, 1) in {(f.code, f.file, f.row) for f in found}


def test_text_output_and_exit_codes(data_copy: Path) -> None:
    row = edit(data_copy, MEMBERS, "member_id", "M04-000017", phone="0123")
    result = run_cli("validate", "--data", str(data_copy), "--today", TODAY.isoformat())
    assert result.returncode == 1
    assert (f"{MEMBERS}:{row} [phone]: LỖI/ERROR phone-invalid: Số điện thoại không hợp lệ: 0123 — "
            "Not a valid Vietnamese phone number: 0123") in result.stdout
    assert "1 lỗi, 0 cảnh báo / 1 errors, 0 warnings" in result.stdout
    ok = run_cli("validate", "--data", str(SAMPLE), "--today", TODAY.isoformat())
    assert ok.returncode == 0 and "0 lỗi" in ok.stdout


def test_github_annotations(data_copy: Path) -> None:
    row = edit(data_copy, MEMBERS, "member_id", "M04-000017", phone="0123")
    result = run_cli("validate", "--data", str(data_copy), "--today", TODAY.isoformat(), "--format", "github")
    assert result.stdout.splitlines() == [
        f"::error file={data_copy.as_posix()}/{MEMBERS},line={row},title=phone-invalid (phone)::"
        "Số điện thoại không hợp lệ: 0123 — Not a valid Vietnamese phone number: 0123"]


def test_warnings_do_not_fail(data_copy: Path) -> None:
    edit(data_copy, MEMBERS, "member_id", "M04-000019", position=" Sinh viên")
    result = run_cli("validate", "--data", str(data_copy), "--today", TODAY.isoformat(), "--format", "github")
    assert result.returncode == 0
    assert result.stdout.startswith("::warning file=")


def test_unreadable_package_exits_2(tmp_path: Path, data_copy: Path) -> None:
    assert run_cli("validate", "--data", str(tmp_path)).returncode == 2
    (data_copy / MEMBERS).write_bytes("member_id\nM04-000001,Nguy\xe1n\n".encode("latin-1"))
    result = run_cli("validate", "--data", str(data_copy))
    assert result.returncode == 2 and f"{MEMBERS}: không phải UTF-8" in result.stderr


def test_usage_error_exits_2() -> None:
    assert run_cli("validate", "--today", "22/11/2026").returncode == 2
    assert run_cli("no-such-verb").returncode == 2


def test_future_depends_on_today(data_copy: Path) -> None:
    """`--today` fixes the clock, so date rules are testable and reproducible."""
    edit(data_copy, f"{CAO_BANG}/trainings.csv", "training_id", "H04-0001", held_on="2026-12-01")
    assert [f.code for f in validate(data_copy, TODAY, schema=False)] == ["date-in-future"]
    later = TODAY.replace(month=12, day=2)
    assert [f for f in validate(data_copy, later, schema=False) if f.severity == Severity.ERROR] == []


def test_duplicate_key_across_partitions_names_both_places(data_copy: Path) -> None:
    source = read(data_copy, "provinces/04-cao-bang/members.csv")[5]  # line 7 of the Cao Bằng file
    target = "provinces/79-ho-chi-minh/members.csv"
    row = append(data_copy, target, **source)
    found = [f for f in validate(data_copy, TODAY) if f.code == "primary-key"]
    assert [(f.file, f.row, f.field) for f in found] == [(target, row, "member_id")]
    assert found[0].message_vi == "Trùng khóa chính (member_id) với provinces/04-cao-bang/members.csv dòng 7"
    assert "provinces/04-cao-bang/members.csv row 7" in found[0].message_en
    duplicate = next(f for f in validate(data_copy, TODAY) if f.code == "member-duplicate")
    assert "provinces/04-cao-bang/members.csv dòng 7" in duplicate.message_vi
