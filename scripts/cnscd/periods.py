"""Report periods (2025-08 monthly, 2025-Q3 quarterly) and their deadlines."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re

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
    if quarterly:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


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
