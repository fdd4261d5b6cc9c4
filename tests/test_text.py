"""Normalisers: text, phones and periods."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from cnscd import periods
from cnscd.phones import display_phone, normalise_phone, tel_href
from cnscd.text import clean, csv_safe, fold, has_control, has_html, slugify, tone_key


@pytest.mark.parametrize("raw, stored", [
    ("0912 345 678", "0912345678"), ("0912.345.678", "0912345678"), ("+84 912 345 678", "0912345678"),
    ("84-912-345-678", "0912345678"), ("(0206) 3852 123", "02063852123"), ("123", None), ("", None),
    ("+1 415 555 0100", None), ("0112345678", None), ("abc", None),
])
def test_normalise_phone(raw: str, stored: str | None) -> None:
    assert normalise_phone(raw) == stored


def test_phone_display_and_link() -> None:
    assert display_phone("0912345678") == "0912 345 678"
    assert display_phone("02063852123") == "0206 3852 123"
    assert tel_href("0912345678") == "tel:+84912345678"


def test_clean_normalises_to_nfc_and_trims() -> None:
    decomposed = unicodedata.normalize("NFD", "  Nguyễn   Văn An ")
    assert clean(decomposed) == "Nguyễn Văn An" and unicodedata.is_normalized("NFC", clean(decomposed))


@pytest.mark.parametrize("text, folded", [("Cao Bằng", "cao bang"), ("NGUYỄN", "nguyen"),
                                          ("hướng dẫn", "huong dan"), ("Đội Đà Nẵng", "doi da nang")])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_slug_keeps_d() -> None:
    assert slugify("Đội Đà Nẵng") == "doi-da-nang"
    assert slugify("Phường Sài Gòn") == "phuong-sai-gon"


def test_tone_key_equates_old_and_new_placement() -> None:
    assert tone_key("Hoà") == tone_key("Hòa") and tone_key("Thuỷ") == tone_key("Thủy")
    assert tone_key("Hòa") != tone_key("Hóa")


def test_clean_gives_one_line_ending() -> None:
    assert clean("dòng 1\r\ndòng 2\rdòng 3\n") == "dòng 1\ndòng 2\ndòng 3"


@pytest.mark.parametrize("value, safe", [("=1+1", "'=1+1"), ("+84", "'+84"), ("-2", "'-2"), ("@SUM", "'@SUM"),
                                         ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"),
                                         ("Nguyễn", "Nguyễn"), ("", "")])
def test_csv_safe(value: str, safe: str) -> None:
    assert csv_safe(value) == safe


def test_detectors() -> None:
    assert has_html("<b>x</b>") and has_html("a &amp; b") and not has_html("a < b và c > d")
    assert has_control("a\u202eb") and has_control("a\x07") and not has_control("Tổ dân phố 1")


@pytest.mark.parametrize("period, first, last", [
    ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 2, 28)), ("2025-Q3", dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
    ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31))])
def test_period_spans(period: str, first: dt.date, last: dt.date) -> None:
    assert periods.parse(period) == (first, last)


def test_due_dates_and_labels() -> None:
    assert periods.due_date("2026-02", 25) == dt.date(2026, 2, 25)
    assert periods.due_date("2025-Q3", 25) == dt.date(2025, 9, 25)
    assert periods.due_date("2026-02", 31) == dt.date(2026, 2, 28)
    assert periods.previous("2026-01") == "2025-12" and periods.previous("2026-Q1") == "2025-Q4"
    assert periods.label_vi("2025-Q3") == "Quý 3/2025" and periods.label_vi("2026-02") == "Tháng 2/2026"
    assert periods.parse("2026-13") is None
