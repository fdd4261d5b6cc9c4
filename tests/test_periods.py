"""Vietnamese dates and report periods as people write them → the ISO forms the data keeps."""

from __future__ import annotations

import datetime as dt

import pytest

from cnscd import periods
from cnscd.datespan import Span, Today
from cnscd.periods import BadInput, parse_vi_date, parse_vi_period


@pytest.mark.parametrize(("text", "day"), [
    ("25/09/2025", dt.date(2025, 9, 25)), ("25-9-2025", dt.date(2025, 9, 25)), ("5.9.2025", dt.date(2025, 9, 5)),
    ("2025-09-25", dt.date(2025, 9, 25)), ("ngày 25 tháng 9 năm 2025", dt.date(2025, 9, 25)),
    (" 29/02/2024 ", dt.date(2024, 2, 29)),
])
def test_dates(text: str, day: dt.date) -> None:
    assert parse_vi_date(text) == day


@pytest.mark.parametrize(("text", "impossible"), [
    ("31/02/2026", True), ("29/02/2025", True), ("2026-13-01", True), ("00/01/2026", True),
    ("25/9/25", False), ("hôm qua", False), ("", False), ("25/09/2025 10:00", False),
])
def test_bad_dates_say_whether_the_day_does_not_exist(text: str, impossible: bool) -> None:
    with pytest.raises(BadInput) as caught:
        parse_vi_date(text)
    assert caught.value.impossible is impossible


@pytest.mark.parametrize(("text", "period"), [
    ("tháng 10/2026", "2026-10"), ("Tháng 10 năm 2026", "2026-10"), ("10/2026", "2026-10"), ("T10/2026", "2026-10"),
    ("t3-2026", "2026-03"), ("2026-10", "2026-10"), ("thang 1/2026", "2026-01"),
    ("quý 3/2026", "2026-Q3"), ("Quý III/2026", "2026-Q3"), ("Q3/2026", "2026-Q3"), ("q4-2026", "2026-Q4"),
    ("2026-Q3", "2026-Q3"), ("2026Q1", "2026-Q1"), ("quý 2 năm 2026", "2026-Q2"),
])
def test_periods_match_the_data_column(text: str, period: str) -> None:
    assert parse_vi_period(text) == period
    assert periods.parse(period) is not None  # the form the reports schema and the checks use


@pytest.mark.parametrize(("text", "impossible"), [
    ("tháng 13/2026", True), ("quý 5/2026", True), ("tháng 0/2026", True),
    ("tháng 10", False), ("2026", False), ("mười/2026", False),
])
def test_bad_periods(text: str, impossible: bool) -> None:
    with pytest.raises(BadInput) as caught:
        parse_vi_period(text)
    assert caught.value.impossible is impossible


def test_a_year_only_where_allowed() -> None:
    assert parse_vi_period("năm 2026", allow_year=True) == "2026"


@pytest.mark.parametrize(("day", "quarterly", "period", "first", "after"), [
    (dt.date(2026, 11, 22), False, "2026-11", dt.date(2026, 11, 1), dt.date(2026, 12, 1)),
    (dt.date(2026, 12, 31), False, "2026-12", dt.date(2026, 12, 1), dt.date(2027, 1, 1)),
    (dt.date(2026, 11, 22), True, "2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
    (dt.date(2026, 1, 1), True, "2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
])
def test_the_period_of_a_watched_day_holds_for_exactly_the_days_of_that_period(day, quarterly, period, first, after):
    """The site's due period is computed from the build's day: a page made on any day of the period is the same."""
    watched = Today(day)
    assert periods.period_of(watched, quarterly) == period == periods.period_of(day, quarterly)
    assert watched.span == Span(first, after)
    assert periods.period_of(first - dt.timedelta(days=1), quarterly) != period
    assert periods.period_of(after, quarterly) != period
