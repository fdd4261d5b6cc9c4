"""The days on which a result computed today stays the same, so a validation is not redone every morning.

Validation depends on the date only by comparing dates in the data with today: a date in the future, a
member still on the team, the policy in force, a withdrawal past its deadline. `Today` is a date that
records each comparison made with it and narrows its `span`, the days on which every one of those
comparisons gives the same answer. Anything else that reads its value (printing it, arithmetic, its year,
hashing, pickling) pins the span to this one day: a use nobody foresaw costs a re-run, never a stale answer.
A result stored with its span is right for any day inside it.

Code that needs a value of the date (the month a day falls in) reads it with `unwatched` and then says, with
`within`, which days give the same value; `year_of` and `periods.period_of` do so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    """Days from `start` (inclusive) to `end` (exclusive); None is unbounded on that side."""

    start: dt.date | None = None
    end: dt.date | None = None

    def holds(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)

    def meet(self, other: Span) -> Span:
        """The days both spans hold."""
        starts = [day for day in (self.start, other.start) if day is not None]
        ends = [day for day in (self.end, other.end) if day is not None]
        return Span(max(starts) if starts else None, min(ends) if ends else None)

    def as_json(self) -> list[str | None]:
        return [day.isoformat() if day else None for day in (self.start, self.end)]

    @classmethod
    def from_json(cls, value: list[str | None]) -> Span:
        start, end = (dt.date.fromisoformat(day) if day else None for day in value)
        return cls(start, end)

    @classmethod
    def only(cls, day: dt.date) -> Span:
        return cls(day, _next(day))


def _next(day: dt.date) -> dt.date | None:
    return None if day == dt.date.max else day + _DAY


def _plain(day: dt.date) -> dt.date:
    return dt.date.fromordinal(dt.date.toordinal(day))


_MAX = dt.date.max.toordinal()
_ordinal = dt.date.toordinal


def _day(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


class Today(dt.date):
    """A date that notes how it was used in `span` (see the module's docstring).

    The span is kept as two day numbers (ordinals): a national build compares the day a few million times, and
    each comparison must cost little more than a plain date's."""

    __slots__ = ("_high", "_low", "_me")  # the day after the span's last (ordinal), its first day, this day

    def __new__(cls, day: dt.date | int, *rest: int) -> Today:
        """Today(date), or Today(year, month, day) as the date type's own arithmetic makes subclasses."""
        if isinstance(day, dt.date):
            day, rest = dt.date.year.__get__(day), (dt.date.month.__get__(day), dt.date.day.__get__(day))
        self = super().__new__(cls, day, *rest)
        self._me, self._low, self._high = _ordinal(self), None, None
        return self

    @property
    def span(self) -> Span:
        return Span(_day(self._low), _day(self._high))

    @span.setter
    def span(self, value: Span) -> None:
        self._low = None if value.start is None else _ordinal(value.start)
        self._high = None if value.end is None else _ordinal(value.end)

    def _pin(self) -> None:
        self._narrow(self._me)
        self._narrow(self._me + 1)

    def _narrow(self, bound: int) -> None:
        """Keep the span on the side of `bound` (an ordinal) that today is on."""
        if self._me < bound:
            if bound <= _MAX and (self._high is None or bound < self._high):
                self._high = bound
        elif self._low is None or bound > self._low:
            self._low = bound

    def _compared(self, other: object, *offsets: int) -> None:
        """Narrow the span to the side today is on of each boundary `other` + offset days: 0 for < and >=, 1 for
        <= and > (today <= d changes its answer on the day after d), both for == and !=."""
        if not isinstance(other, dt.date) or isinstance(other, dt.datetime):
            self._pin()
            return
        there = _ordinal(other)
        for offset in offsets:
            self._narrow(there + offset)

    def __hash__(self) -> int:
        self._pin()
        return dt.date.__hash__(self)

    def __reduce__(self) -> tuple:
        self._pin()
        return dt.date.fromordinal, (dt.date.toordinal(self),)

    def __reduce_ex__(self, protocol: Any) -> tuple:
        return self.__reduce__()


def _comparing(name: str, *offsets: int) -> Any:
    base = getattr(dt.date, name)
    single = offsets[0] if len(offsets) == 1 else None

    def method(self: Today, other: Any) -> Any:
        if single is not None and type(other) is dt.date:  # the common case, without the general path's calls
            self._narrow(_ordinal(other) + single)
        else:
            self._compared(other, *offsets)
        return base(self, other)

    method.__name__ = name
    return method


def _pinning(name: str) -> Any:
    base = getattr(dt.date, name)

    def method(self: Today, *args: Any, **kwargs: Any) -> Any:
        self._pin()
        result = base(self, *args, **kwargs)
        return _plain(result) if isinstance(result, Today) else result  # what it makes is not watched: a plain date

    method.__name__ = name
    return method


def _pinning_field(name: str) -> property:
    descriptor = getattr(dt.date, name)

    def read(self: Today) -> int:
        self._pin()
        return descriptor.__get__(self)

    return property(read)


# The boundary of each comparison: `other` for < and >=, the day after it for <= and >, both for == and !=.
for _name, _offsets in (("__lt__", (0,)), ("__ge__", (0,)), ("__le__", (1,)), ("__gt__", (1,)),
                        ("__eq__", (0, 1)), ("__ne__", (0, 1))):
    setattr(Today, _name, _comparing(_name, *_offsets))
for _name in ("isoformat", "strftime", "ctime", "timetuple", "toordinal", "weekday", "isoweekday", "isocalendar",
              "replace", "__str__", "__repr__", "__format__", "__add__", "__radd__", "__sub__", "__rsub__"):
    setattr(Today, _name, _pinning(_name))
for _name in ("year", "month", "day"):
    setattr(Today, _name, _pinning_field(_name))


def unwatched(day: dt.date) -> dt.date:
    """The plain date, read without narrowing the span: the caller narrows it (`within`) to the days on which what
    it makes of the value stays the same, or uses the value only where the day is not part of the result."""
    return _plain(day)


def within(day: dt.date, start: dt.date, end: dt.date) -> None:
    """Note that a result holds on the days from `start` (inclusive) to `end` (exclusive) around `day`: a watched
    day's span narrows to them (it must lie inside); a plain date is left as it is."""
    if isinstance(day, Today) and not (day >= start and day < end):  # the comparisons are what narrows
        raise ValueError(f"{_plain(day)} is not in [{start}, {end})")


def year_of(day: dt.date) -> int:
    """The day's year; a watched day's span narrows to that year."""
    year = dt.date.year.__get__(day)
    within(day, dt.date(year, 1, 1), dt.date(year + 1, 1, 1) if year < dt.MAXYEAR else dt.date.max)
    return year


def span_of(day: dt.date) -> Span:
    """The days on which what was done with `day` so far gives the same answers (all days for a plain date)."""
    return day.span if isinstance(day, Today) else Span()


@dataclass
class Seen:
    span: Span = Span()


@contextmanager
def apart(day: dt.date) -> Iterator[Seen]:
    """The span of what the block alone does with `day` (in `Seen.span` once it ends), so that each of several
    results made one after another gets its own; the day's own span is narrowed by the block as usual."""
    seen = Seen()
    if not isinstance(day, Today):
        yield seen
        return
    before, day.span = day.span, Span()
    try:
        yield seen
    finally:
        seen.span, day.span = day.span, before.meet(day.span)
