"""Today, watched: every comparison keeps its answer on each day of the span, and the span is no shorter than that."""

from __future__ import annotations

import datetime as dt
import operator
import pickle

from hypothesis import given
from hypothesis import strategies as st

from cnscd.datespan import Span, Today, apart, span_of, unwatched, within, year_of

OPERATORS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]
DAY = dt.timedelta(days=1)
BASE = dt.date(2026, 11, 22)

days = st.integers(-40, 40).map(lambda offset: BASE + offset * DAY)
# (operator, the other date, whether today stands on the right, as in `joined <= today`)
comparisons = st.lists(st.tuples(st.sampled_from(OPERATORS), days, st.booleans()), max_size=8)


def _answers(today: dt.date, made: list) -> list[bool]:
    return [compare(other, today) if today_right else compare(today, other) for compare, other, today_right in made]


@given(days, comparisons)
def test_every_comparison_keeps_its_answer_inside_the_span_and_one_changes_just_outside(today: dt.date, made: list) -> None:
    watched = Today(today)
    answers = _answers(watched, made)
    assert answers == _answers(today, made)  # watching changes no answer
    span = watched.span
    assert span.holds(today)
    low, high = span.start or today - 60 * DAY, span.end or today + 60 * DAY
    for offset in range((high - low).days):
        assert _answers(low + offset * DAY, made) == answers
    if span.start is not None:
        assert _answers(span.start - DAY, made) != answers
    if span.end is not None:
        assert _answers(span.end, made) != answers


def test_reading_the_value_any_other_way_pins_the_span_to_this_day() -> None:
    uses = [lambda t: t.isoformat(), str, repr, lambda t: f"{t}", lambda t: t.strftime("%d/%m"), lambda t: t.year,
            lambda t: t.month, lambda t: t.day, lambda t: t.weekday(), lambda t: t.toordinal(), hash,
            lambda t: t + DAY, lambda t: t - DAY, lambda t: BASE - t, lambda t: t.replace(day=1), pickle.dumps,
            lambda t: t == "2026-11-22"]
    for use in uses:
        watched = Today(BASE)
        use(watched)
        assert watched.span == Span.only(BASE), use


def test_what_arithmetic_makes_is_a_plain_date_and_pickles_as_one() -> None:
    watched = Today(BASE)
    later = watched + DAY
    assert type(later) is dt.date and later == BASE + DAY
    assert type(pickle.loads(pickle.dumps(Today(BASE)))) is dt.date  # noqa: S301 - our own bytes
    assert Today(2026, 11, 22) == BASE and Today(BASE) == Today(2026, 11, 22)


def test_spans_meet_and_travel_as_json() -> None:
    first, second = Span(BASE, None), Span(None, BASE + 3 * DAY)
    met = first.meet(second)
    assert met == Span(BASE, BASE + 3 * DAY) and Span.from_json(met.as_json()) == met
    assert Span.from_json(Span().as_json()) == Span() and Span().holds(dt.date.min)
    assert not met.holds(BASE + 3 * DAY) and met.holds(BASE + 2 * DAY) and not met.holds(BASE - DAY)


@given(days)
def test_the_year_narrows_the_span_to_that_year_only(today: dt.date) -> None:
    watched = Today(today)
    assert year_of(watched) == today.year == year_of(today)
    assert watched.span == Span(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1))


def test_a_value_read_unwatched_narrows_nothing_until_the_caller_says_which_days_keep_it() -> None:
    watched = Today(BASE)
    assert type(unwatched(watched)) is dt.date and unwatched(watched) == BASE and watched.span == Span()
    within(watched, BASE - DAY, BASE + 2 * DAY)
    assert watched.span == Span(BASE - DAY, BASE + 2 * DAY)
    within(BASE, BASE + DAY, BASE + 2 * DAY)  # a plain date: nothing to note (and nothing checked)
    try:
        within(watched, BASE + DAY, BASE + 2 * DAY)
    except ValueError as error:
        assert "2026-11-22" in str(error)
    else:
        raise AssertionError("a day outside the days it is said to hold for must be refused")


def test_each_block_apart_gets_the_span_of_what_it_did_and_the_day_keeps_them_all() -> None:
    watched = Today(BASE)
    assert watched < BASE + 10 * DAY  # before the blocks: in neither block's span
    with apart(watched) as first:
        assert watched >= BASE - 3 * DAY
    with apart(watched) as second:
        assert watched < BASE + 2 * DAY
    assert first.span == Span(BASE - 3 * DAY, None) and second.span == Span(None, BASE + 2 * DAY)
    assert watched.span == Span(BASE - 3 * DAY, BASE + 2 * DAY)
    assert span_of(watched) == watched.span and span_of(BASE) == Span()
    with apart(BASE) as plain:
        assert BASE.year == 2026
    assert plain.span == Span()
