"""Vietnamese phone numbers: one stored form (national digits, 0912345678) and one display form."""

from __future__ import annotations

import re

import phonenumbers

_JUNK = re.compile(r"[\s.\-()/]")


def normalise_phone(raw: str) -> str | None:
    """Return the national form of a valid Vietnamese number, or None when it is not one.

    National digits (not +84…) are stored so that no cell starts with '+', which spreadsheets read
    as a formula.
    """
    text = _JUNK.sub("", raw or "")
    if not text:
        return None
    if text.startswith("84") and not text.startswith("0") and len(text) >= 11:
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "VN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        return None
    return "0" + str(number.national_number)


def display_phone(stored: str) -> str:
    """0912 345 678 for mobiles, 0206 3852 123 for landlines: groups people read aloud."""
    if len(stored) == 10 and stored.startswith("0") and stored[1] != "2":
        return f"{stored[:4]} {stored[4:7]} {stored[7:]}"
    if len(stored) == 11:
        return f"{stored[:4]} {stored[4:8]} {stored[8:]}"
    return stored


def tel_href(stored: str) -> str:
    return "tel:+84" + stored[1:]
