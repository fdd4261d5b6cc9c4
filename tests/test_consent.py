"""Consent evidence and withdrawal: the rules, and that a withdrawn number leaves every published output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnscd.checks import Context
from cnscd.consent import public_phone, withdrawals_by_person
from cnscd.derive import derive
from cnscd.load import load
from cnscd.model import Severity
from cnscd.site import downloads
from cnscd.validate import validate

from .conftest import TODAY
from .datautil import CAO_BANG, append, edit, read

MEMBERS = f"{CAO_BANG}/members.csv"
WITHDRAWALS = f"{CAO_BANG}/withdrawals.csv"
TRAININGS = f"{CAO_BANG}/trainings.csv"
LEADER = "M04-000006"  # Tổ trưởng of T04-0002 (Phường Thục Phán), phone 0900000003 published with consent
LEADER_PERSON, LEADER_PHONE = "P04-000006", "0900000003"


def _found(root: Path, today=TODAY) -> set[tuple]:
    return {(f.file, f.row, f.field, f.code, f.severity) for f in validate(root, today, schema=True)}


def test_sample_leader_is_what_these_tests_assume(data_copy: Path) -> None:
    row = next(r for r in read(data_copy, MEMBERS) if r["member_id"] == LEADER)
    assert (row["person_id"], row["phone"], row["phone_consent"], row["role"]) == (
        LEADER_PERSON, LEADER_PHONE, "true", "leader")


@pytest.mark.parametrize("blank", ["phone_consent_method", "phone_consent_recorded_by"])
def test_consent_needs_evidence(data_copy: Path, blank: str) -> None:
    row = edit(data_copy, MEMBERS, "member_id", LEADER, **{blank: ""})
    found = validate(data_copy, TODAY)
    hits = [f for f in found if f.code == "consent-evidence-missing"]
    assert [(f.file, f.row, f.field) for f in hits] == [(MEMBERS, row, blank)]
    assert hits[0].message_vi.startswith("Thiếu") and hits[0].message_en


def test_unknown_consent_method_is_refused_by_the_schema(data_copy: Path) -> None:
    row = edit(data_copy, MEMBERS, "member_id", LEADER, phone_consent_method="zalo_message")
    assert any(f.row == row and f.field == "phone_consent_method" for f in validate(data_copy, TODAY))


def test_withdrawal_within_deadline_is_a_warning_and_hides_the_number(data_copy: Path, tmp_path: Path) -> None:
    requested = "2026-11-15"  # 7 days before TODAY
    row = append(data_copy, WITHDRAWALS, person_id=LEADER_PERSON, requested_on=requested, channel="site_form")
    found = validate(data_copy, TODAY)
    pending = [f for f in found if f.code == "withdrawal-pending"]
    assert [(f.file, f.row, f.field, f.severity) for f in pending] == [(WITHDRAWALS, row, "person_id", Severity.WARNING)]
    assert f"{MEMBERS}:" in pending[0].message_vi and "2026-11-30" in pending[0].message_vi
    assert not [f for f in found if f.severity == Severity.ERROR]

    # The next build already hides it: pages (derive), team downloads and the published package.
    dataset = load(data_copy)
    derived = derive(Context(dataset, TODAY))
    teams = [t for c in derived.communes() for t in c.commune_teams + [t for v in c.villages for t in v.teams]]
    phones = {p.phone for t in teams for p in t.leaders + t.deputies}
    assert LEADER_PHONE not in phones and "0900000001" not in phones  # the second one: left in 2025
    assert any(phones)  # other consented numbers are still there
    rows = [r for p in derived.provinces for r in downloads.province_rows(p)]
    assert LEADER_PHONE not in downloads.to_csv(rows)
    downloads.publish_package(dataset, tmp_path / "out")
    published = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.csv"))
    assert LEADER_PHONE not in published and "0900000004" in published


def test_withdrawal_not_applied_after_15_days_is_an_error(data_copy: Path) -> None:
    row = append(data_copy, WITHDRAWALS, person_id=LEADER_PERSON, requested_on="2026-11-06", channel="paper")
    assert (WITHDRAWALS, row, "person_id", "withdrawal-overdue", Severity.ERROR) in _found(data_copy)
    # Applied: the number is gone from the data, so nothing is flagged.
    edit(data_copy, MEMBERS, "member_id", LEADER, phone="", phone_consent="false", phone_consent_on="",
         phone_consent_method="", phone_consent_recorded_by="")
    assert not {f for f in validate(data_copy, TODAY) if f.code.startswith("withdrawal")}


def test_consent_given_again_after_a_withdrawal_publishes_again(data_copy: Path) -> None:
    append(data_copy, WITHDRAWALS, person_id=LEADER_PERSON, requested_on="2025-09-01", channel="paper")
    edit(data_copy, MEMBERS, "member_id", LEADER, phone_consent_on="2025-10-01")
    dataset = load(data_copy)
    withdrawals = withdrawals_by_person(dataset)
    member = next(r for r in dataset.rows("members") if r["member_id"] == LEADER)
    assert public_phone(member, withdrawals) == LEADER_PHONE
    assert not {f for f in validate(data_copy, TODAY) if f.code.startswith("withdrawal")}


def test_withdrawal_for_an_unknown_person(data_copy: Path) -> None:
    row = append(data_copy, WITHDRAWALS, person_id="P04-999999", requested_on="2026-11-01", channel="issue_form")
    assert (WITHDRAWALS, row, "person_id", "withdrawal-person-unknown", Severity.ERROR) in _found(data_copy)


def test_withdrawal_dates_in_order_and_not_in_future(data_copy: Path) -> None:
    row = append(data_copy, WITHDRAWALS, person_id=LEADER_PERSON, requested_on="2026-11-20", channel="paper",
                 applied_on="2026-11-10")
    assert (WITHDRAWALS, row, "applied_on", "end-before-start", Severity.ERROR) in _found(data_copy)
    row = append(data_copy, WITHDRAWALS, person_id="P04-000004", requested_on="2026-12-20", channel="paper")
    assert (WITHDRAWALS, row, "requested_on", "date-in-future", Severity.ERROR) in _found(data_copy)


def test_planned_training_may_be_ahead_but_a_held_one_may_not(data_copy: Path) -> None:
    row = append(data_copy, TRAININGS, training_id="H04-0900", held_on="2027-01-05", status="planned",
                 mode="online", topic="Ví điện tử", trainer="VNPT", participants="0")
    assert not [f for f in validate(data_copy, TODAY) if f.row == row and f.file == TRAININGS]
    edit(data_copy, TRAININGS, "training_id", "H04-0900", status="held")
    assert (TRAININGS, row, "held_on", "date-in-future", Severity.ERROR) in _found(data_copy)


def test_published_package_has_the_withdrawals_table(built_site: Path) -> None:
    import zipfile

    with zipfile.ZipFile(built_site / "du-lieu" / "goi-du-lieu" / "79-ho-chi-minh.zip") as archive:
        descriptor = json.loads(archive.read("datapackage.json").decode("utf-8"))
    assert "withdrawals" in [r["name"] for r in descriptor["resources"]]
