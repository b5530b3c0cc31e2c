"""Danish working-day calendar.

A working day is Monday to Friday, not a Danish public holiday and not one of the
municipality's extra closed days (by default Christmas Eve, New Year's Eve and
Constitution Day). The closed days are data from the rule-set YAML, passed in by the
caller; this module reads no configuration.

Pure and deterministic: safe to import and call inside Temporal's workflow sandbox
(the holiday tables depend only on the year). The worker passes `domain` and `holidays`
through the sandbox, so this module and its memo are the ones loaded outside it, and it
computes the holiday years (which reads translation files) ahead of any workflow
(`worker.warm_holiday_calendar`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

# `holidays.country_holidays` would import the country module lazily, at the first call,
# possibly inside the workflow sandbox; importing the Danish class here, where this module
# is loaded (outside the sandbox), avoids that.
from holidays.countries.denmark import Denmark

ClosedDays = Iterable[Sequence[int]]
"""(month, day) pairs. Tuples in code; lists after a JSON round trip through Temporal."""

DEFAULT_CLOSED_DAYS: tuple[tuple[int, int], ...] = ((12, 24), (12, 31), (6, 5))

_ONE_DAY = timedelta(days=1)

# Building a year is slow, so each is computed once per process (or per workflow run in
# the sandbox). A pure memo: the result depends only on the year.
_PUBLIC_HOLIDAYS: dict[int, frozenset[date]] = {}


def public_holidays(year: int) -> frozenset[date]:
    """Danish public holidays of `year` (Store Bededag only up to 2023, as the law says)."""
    found = _PUBLIC_HOLIDAYS.get(year)
    if found is None:
        # Building a year looks up holiday-name translations (gettext, locale); this module
        # runs outside the sandbox's restrictions (passed through), and the dates depend on
        # the year alone, so this stays deterministic.
        found = frozenset(Denmark(years=year).keys())
        _PUBLIC_HOLIDAYS[year] = found
    return found


def normalise_closed_days(closed_days: ClosedDays) -> tuple[tuple[int, int], ...]:
    """Validate (month, day) pairs and return them as a tuple of tuples.

    Raises ValueError for anything that is not a real calendar day (29 Feb is allowed).
    """
    result: list[tuple[int, int]] = []
    for index, pair in enumerate(closed_days):
        if isinstance(pair, (str, bytes)) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"closed_days[{index}] must be a [month, day] pair, got {pair!r}")
        month, day = pair
        if isinstance(month, bool) or isinstance(day, bool) or not isinstance(month, int) or not isinstance(day, int):
            raise ValueError(f"closed_days[{index}] must hold two integers, got {pair!r}")
        try:
            date(2000, month, day)  # a leap year, so 29 Feb passes
        except ValueError:
            raise ValueError(f"closed_days[{index}] is not a calendar day: {pair!r}") from None
        result.append((month, day))
    return tuple(result)


def _as_date(d: date) -> date:
    # A datetime would silently never match the holiday set (datetime != date), so refuse it.
    if isinstance(d, datetime):
        raise TypeError(f"expected a date, got a datetime: {d!r}")
    if not isinstance(d, date):
        raise TypeError(f"expected a date, got {type(d).__name__}")
    return d


def _is_working(d: date, closed: frozenset[tuple[int, int]]) -> bool:
    return d.weekday() < 5 and (d.month, d.day) not in closed and d not in public_holidays(d.year)


def _closed_set(closed_days: ClosedDays) -> frozenset[tuple[int, int]]:
    return frozenset(normalise_closed_days(closed_days))


def is_working_day(d: date, closed_days: ClosedDays = DEFAULT_CLOSED_DAYS) -> bool:
    """True on Monday–Friday that is neither a Danish public holiday nor a closed day."""
    return _is_working(_as_date(d), _closed_set(closed_days))


def add_working_days(d: date, n: int, closed_days: ClosedDays = DEFAULT_CLOSED_DAYS) -> date:
    """Move `n` working days from `d`, counting only working days.

    n > 0 moves forward, n < 0 backward; `d` itself is never counted. n == 0 returns `d`
    when it is a working day, else the next working day.
    """
    d = _as_date(d)
    closed = _closed_set(closed_days)
    if n == 0:
        return _roll(d, closed, _ONE_DAY)
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if _is_working(d, closed):
            remaining -= 1
    return d


def working_day_on_or_before(d: date, closed_days: ClosedDays = DEFAULT_CLOSED_DAYS) -> date:
    """`d` if it is a working day, else the nearest earlier working day."""
    return _roll(_as_date(d), _closed_set(closed_days), -_ONE_DAY)


def working_day_on_or_after(d: date, closed_days: ClosedDays = DEFAULT_CLOSED_DAYS) -> date:
    """`d` if it is a working day, else the nearest later working day."""
    return _roll(_as_date(d), _closed_set(closed_days), _ONE_DAY)


def _roll(d: date, closed: frozenset[tuple[int, int]], step: timedelta) -> date:
    while not _is_working(d, closed):
        d += step
    return d
