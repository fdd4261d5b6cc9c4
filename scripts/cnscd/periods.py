"""Report periods (2025-08 monthly, 2025-Q3 quarterly) and their deadlines."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

from . import datespan

_PERIOD = re.compile(r"^(?P<year>[0-9]{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|Q(?P<quarter>[1-4])))?$")


@functools.lru_cache(maxsize=4096)
def parse(period: str) -> tuple[dt.date, dt.date] | None:
    """First and last day of a period (year, quarter or month), or None if malformed."""
    match = _PERIOD.match(period)
    if not match:
        return None
    year = int(match["year"])
    if match["month"]:
        first_month = last_month = int(match["month"])
    elif match["quarter"]:
        last_month = int(match["quarter"]) * 3
        first_month = last_month - 2
    else:
        first_month, last_month = 1, 12
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def is_quarter(period: str) -> bool:
    return "-Q" in period


def due_date(period: str, deadline_day: int) -> dt.date | None:
    """A report is due on the deadline day of the period's last month (before the 25th, say)."""
    span = parse(period)
    if span is None:
        return None
    end = span[1]
    return end.replace(day=min(deadline_day, end.day))


def period_of(day: dt.date, quarterly: bool) -> str:
    """The month or quarter a day falls in (a watched day's span narrows to that period)."""
    plain = datespan.unwatched(day)
    found = f"{plain.year}-Q{(plain.month - 1) // 3 + 1}" if quarterly else f"{plain.year}-{plain.month:02d}"
    first, last = parse(found)  # type: ignore[misc]
    datespan.within(day, first, last + dt.timedelta(days=1))
    return found


def previous(period: str) -> str:
    span = parse(period)
    assert span is not None, period
    before = span[0] - dt.timedelta(days=1)
    return period_of(before, is_quarter(period))


def label_vi(period: str) -> str:
    match = _PERIOD.match(period)
    if not match:
        return period
    if match["month"]:
        return f"Tháng {int(match['month'])}/{match['year']}"
    if match["quarter"]:
        return f"Quý {match['quarter']}/{match['year']}"
    return f"Năm {match['year']}"


# ---------------------------------------------------------------- Vietnamese input
# People write «25/09/2025», «tháng 10/2026», «quý 3/2026»; the data keeps ISO. One parser here, so the
# intake, the service and the site's forms all read a date the same way.

_DAY = re.compile(r"^(?:ngay\s*)?(?P<d>[0-9]{1,2})\s*(?:[/.\-]|\s+thang\s+)\s*(?P<m>[0-9]{1,2})\s*"
                  r"(?:[/.\-]|\s+nam\s+)\s*(?P<y>[0-9]{4})$")
_ISO_DAY = re.compile(r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})$")
_MONTH = re.compile(r"^(?:thang\s*|t\s*)?(?P<m>[0-9]{1,2})\s*(?:[/.\-]|\s+nam\s+|\s+)\s*(?P<y>[0-9]{4})$")
_ISO_MONTH = re.compile(r"^(?P<y>[0-9]{4})\s*[-/.]\s*(?P<m>[0-9]{1,2})$")
_QUARTER = re.compile(r"^(?:quy|q)\s*(?P<q>[0-9]|i{1,3}|iv)\s*(?:[/.\-]|\s+nam\s+|\s+)\s*(?P<y>[0-9]{4})$")
_ISO_QUARTER = re.compile(r"^(?P<y>[0-9]{4})\s*[-/ ]?\s*(?:q|quy)\s*(?P<q>[0-9])$")
_YEAR = re.compile(r"^(?:nam\s+)?(?P<y>[0-9]{4})$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


class BadInput(ValueError):
    """A date or period that cannot be read; `impossible` when it is well formed but no such day exists."""

    def __init__(self, text: str, impossible: bool = False) -> None:
        super().__init__(text)
        self.text, self.impossible = text, impossible


def _folded(text: str) -> str:
    from .text import fold

    return " ".join(fold(text or "").split())


def parse_vi_date(text: str) -> dt.date:
    """25/09/2025, 25-9-2025, 25.09.2025, ngày 25 tháng 9 năm 2025 or 2025-09-25 → a date (BadInput if not)."""
    key = _folded(text)
    match = _DAY.match(key) or _ISO_DAY.match(key)
    if not match:
        raise BadInput(text)
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise BadInput(text, impossible=True) from None


def parse_vi_period(text: str, allow_year: bool = False) -> str:
    """tháng 10/2026, 10/2026, T10/2026, 2026-10 → 2026-10; quý 3/2026, Q3/2026, quý III/2026, 2026-Q3 → 2026-Q3."""
    key = _folded(text)
    match = _QUARTER.match(key) or _ISO_QUARTER.match(key)
    if match:
        quarter = _ROMAN.get(match["q"]) or (int(match["q"]) if match["q"].isdigit() else 0)
        if not 1 <= quarter <= 4:
            raise BadInput(text, impossible=True)
        return f"{match['y']}-Q{quarter}"
    match = _MONTH.match(key) or _ISO_MONTH.match(key)
    if match:
        month = int(match["m"])
        if not 1 <= month <= 12:
            raise BadInput(text, impossible=True)
        return f"{match['y']}-{month:02d}"
    match = _YEAR.match(key)
    if match and allow_year:
        return match["y"]
    raise BadInput(text)
