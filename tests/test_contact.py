"""The contact detector: phone numbers and e-mails in free text, both directions, and the rule over the package."""

from __future__ import annotations

import pytest

from cnscd import contact
from cnscd.contact import EMAIL, PHONE, find_contacts
from tests import datautil
from tests.conftest import run_cli

POSITIVES = [
    ("Trưởng thôn, ĐT 0914.555.666", "0914.555.666", PHONE),
    ("Zalo 0912345678", "0912345678", PHONE),
    ("SĐT: 0912 345 678", "0912 345 678", PHONE),
    ("ĐT:(0206) 3852 123", "(0206) 3852 123", PHONE),
    ("liên hệ +84 912 345 678", "+84 912 345 678", PHONE),
    ("84912345678", "84912345678", PHONE),
    ("84-912-345-678", "84-912-345-678", PHONE),
    ("(+84) 912.345.678", "(+84) 912.345.678", PHONE),
    ("gọi 0912-345-678 nhé", "0912-345-678", PHONE),
    ("Nguyễn Văn A 0987654321", "0987654321", PHONE),
    ("máy bàn 02063852123", "02063852123", PHONE),
    ("https://zalo.me/0912345678", "0912345678", PHONE),
    ("0 9 1 2 3 4 5 6 7 8", "0 9 1 2 3 4 5 6 7 8", PHONE),
    ("thư: a.nguyen@example.com", "a.nguyen@example.com", EMAIL),
    ("nguyenvana@gmail.com.vn", "nguyenvana@gmail.com.vn", EMAIL),
    ("nguyenvana [at] gmail [dot] com", "nguyenvana [at] gmail [dot] com", EMAIL),
    ("nguyenvana (at) gmail.com", "nguyenvana (at) gmail.com", EMAIL),
]
NEGATIVES = [
    "Quyết định 123/QĐ-UBND", "1234/QĐ-UBND", "0123456789/QĐ-UBND", "2025-07-19", "19/07/2025", "19.07.2025",
    "ngày 02.07.2025 123 người", "2025-07-19 2025-08-19", "Quyết định 45/2025/QĐ-UBND ngày 19/07/2025", "năm 2025",
    "26506", "01273", "T79-0003", "V26506-001", "M04-000001", "P79-000123", "1.250 hồ sơ", "2.000.000 đồng",
    "2.000.000.000 đồng", "84.000.000.000 đồng", "1.234.567.890", "95%", "12,5%", "0,5",
    "https://zalo.me/g/abc", "Tổng đài 1900 1234", "1800 1091", "@nguyenvana", "Tổ dân phố 5, Phường 12",
    "Số CCCD 012345678901", "MST 0101234567", "từ 08.00 - 11.30 ngày 19.07.2025", "STK 0071000123456",
    "84 hộ, 912 người, 345 hồ sơ, 678 tài khoản", "phòng 203, 84 Lê Lợi",
]


@pytest.mark.parametrize(("text", "found", "kind"), POSITIVES)
def test_finds_contacts_in_any_common_spelling(text: str, found: str, kind: str) -> None:
    (item,) = find_contacts(text)
    assert (item.text, item.kind) == (found, kind)
    assert text[item.start:item.end].strip() == found
    assert contact.maybe_contact(text)  # the cheap prefilter never hides a real one


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_false_positive(text: str) -> None:
    assert find_contacts(text) == []


def test_two_numbers_in_one_note_are_both_found() -> None:
    assert [c.text for c in find_contacts("0912.345.678 và 0987 654 321")] == ["0912.345.678", "0987 654 321"]


@pytest.mark.parametrize(("relpath", "key", "column"), [
    (f"{datautil.CAO_BANG}/members.csv", "member_id", "position"),
    (f"{datautil.CAO_BANG}/members.csv", "member_id", "full_name"),
    (f"{datautil.CAO_BANG}/members.csv", "member_id", "notes"),
    (f"{datautil.CAO_BANG}/teams.csv", "team_id", "notes"),
    (f"{datautil.CAO_BANG}/trainings.csv", "training_id", "trainer"),
    (f"{datautil.CAO_BANG}/trainings.csv", "training_id", "topic"),
    (f"{datautil.CAO_BANG}/decisions.csv", "decision_id", "title"),
    (f"{datautil.CAO_BANG}/withdrawals.csv", "person_id", "notes"),
    (f"{datautil.CAO_BANG}/members.csv", "member_id", "phone_consent_recorded_by"),
])
def test_validate_reports_a_hand_edited_contact_at_file_row_and_field(data_copy, relpath, key, column) -> None:
    first = datautil.read(data_copy, relpath)[0]
    row = datautil.edit(data_copy, relpath, key, first[key], **{column: f"{first[column]} ĐT 0914.555.666".strip()})
    result = run_cli("validate", "--data", str(data_copy), "--today", "2026-11-22")
    assert result.returncode == 1
    expected = f"{relpath}:{row} [{column}]: LỖI/ERROR contact-in-text: Không ghi số điện thoại hay e-mail vào cột {column}"
    assert expected in result.stdout, result.stdout


def test_validate_reports_an_email_in_notes_and_build_refuses(data_copy, tmp_path) -> None:
    relpath = f"{datautil.CAO_BANG}/members.csv"
    first = datautil.read(data_copy, relpath)[0]
    datautil.edit(data_copy, relpath, "member_id", first["member_id"], notes="thư a.nguyen@example.com")
    result = run_cli("build", "--data", str(data_copy), "--site-dir", str(tmp_path / "site"), "--today", "2026-11-22")
    assert result.returncode != 0 and "contact-in-text" in result.stdout + result.stderr
    assert not (tmp_path / "site" / "index.html").exists()


def test_the_consented_phone_column_and_zalo_links_are_not_free_text(data_copy) -> None:
    result = run_cli("validate", "--data", str(data_copy), "--today", "2026-11-22")
    assert result.returncode == 0 and "contact-in-text" not in result.stdout
    assert {"phone", "zalo_url", "url"} <= contact.EXEMPT_COLUMNS


def test_the_rule_scans_each_row_once_cheaply(data_copy, monkeypatch) -> None:
    """At national scale only rows the prefilter lets through reach the detailed matcher."""
    import datetime as dt

    from cnscd.checks import Context
    from cnscd.load import load

    calls: list[str] = []
    original = contact.find_contacts
    monkeypatch.setattr(contact, "find_contacts", lambda text: calls.append(text) or original(text))
    dataset = load(data_copy)
    assert list(contact.check_contact_in_text(Context(dataset, dt.date(2026, 11, 22)))) == []
    assert len(calls) < 50  # the sample has thousands of free-text cells; almost none pass the prefilter
