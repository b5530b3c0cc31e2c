"""Danish working-day calendar.

A working day is Monday to Friday, not a Danish public holiday and not one of the
municipality's extra closed days (by default Christmas Eve, New Year's Eve and
Constitution Day). The closed days are data from the rule-set YAML, passed in by the
caller; this module reads no configuration.

A bank day ("bankdag", the unit of the fast-track consent window in bekendtgørelse om
opfølgning i sygedagpengesager § 4) is a different calendar: Monday to Friday, not a public
holiday and not a Danish bank closing day. It does NOT use the municipality's closed days.

Pure and deterministic: safe to call inside Temporal's workflow sandbox (the holiday tables
depend only on the year). This module imports no Temporal code: the worker passes `domain`,
`holidays` and `dateutil` through the sandbox (worker.SANDBOX) and warms the holiday tables
at start-up (worker.warm_holiday_calendar), so no holiday table is built inside a workflow.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

# The Danish class is imported eagerly: `holidays.country_holidays` would import the country
# module lazily, which inside Temporal's sandbox means a re-import per workflow run.
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
        # Building a year looks up holiday-name translations (gettext, locale). The worker
        # builds the years it needs before any workflow runs (worker.warm_holiday_calendar);
        # the dates depend on the year alone, so this stays deterministic either way.
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


def working_days_in(first: date, last: date, closed_days: ClosedDays = DEFAULT_CLOSED_DAYS) -> int:
    """How many working days lie in [first, last] (0 when last < first). The closed days are checked once, not
    per day: list pages count days left for hundreds of tasks on every load."""
    closed = _closed_set(closed_days)
    first, last = _as_date(first), _as_date(last)
    if last < first:
        return 0
    span = (last - first).days + 1
    weeks, rest = divmod(span, 7)
    weekdays = weeks * 5 + sum(1 for n in range(rest) if (first.weekday() + n) % 7 < 5)
    off: set[date] = set()
    for year in range(first.year, last.year + 1):
        off.update(d for d in public_holidays(year) if first <= d <= last and d.weekday() < 5)
        for month, day in closed:
            try:
                d = date(year, month, day)
            except ValueError:  # 29 February in a common year
                continue
            if first <= d <= last and d.weekday() < 5:
                off.add(d)
    return weekdays - len(off)


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


# --- Danish bank days -----------------------------------------------------------------------------
#
# Banks in Denmark are closed on weekends, on the public holidays and on four "banklukkedage":
# Christmas Eve (24 Dec), New Year's Eve (31 Dec), Constitution Day (5 Jun) and the Friday after
# Ascension Day. Source: Danmarks Nationalbank, "Banklukkedage"
# (https://www.nationalbanken.dk/da/vores-arbejde/stabile-priser-pengepolitik-og-dansk-oekonomi/banklukkedage),
# whose 2026 list is: 1 Jan, 2/3/6 Apr (Easter), 14 May (Ascension), 15 May (banklukkedag),
# 25 May (Whit Monday), 5 Jun, 24/25/26 Dec, 31 Dec. Store Bededag is a bank day again from
# 2024 (it is not on the list for 2026, 1 May); up to 2023 it was a public holiday, which the
# `holidays` table already holds. The bank calendar is national, so it is not configurable and
# ignores the municipality's own closed days.

BANK_CLOSED_DAYS: tuple[tuple[int, int], ...] = ((12, 24), (12, 31), (6, 5))
_BANK_CLOSED = frozenset(BANK_CLOSED_DAYS)
_FRIDAY_AFTER_ASCENSION = timedelta(days=40)  # Easter Sunday + 39 = Ascension (Thu), + 40 = Friday


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def bank_closing_days(year: int) -> frozenset[date]:
    """The banklukkedage of `year` that are not public holidays (see the source above)."""
    fixed = {date(year, month, day) for month, day in BANK_CLOSED_DAYS}
    return frozenset(fixed | {easter_sunday(year) + _FRIDAY_AFTER_ASCENSION})


def is_bank_day(d: date) -> bool:
    """True on Monday–Friday that is neither a public holiday nor a Danish bank closing day."""
    d = _as_date(d)
    return d.weekday() < 5 and d not in public_holidays(d.year) and d not in bank_closing_days(d.year)


def add_bank_days(d: date, n: int) -> date:
    """Move `n` (>= 1) bank days forward from `d`; `d` itself is never counted.

    "Senest 2 bankdage efter afsendelsen" counts the bank days after the day of sending, so a
    letter sent on a Friday is due on Tuesday, one sent on a Saturday also on Tuesday.
    """
    d = _as_date(d)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive number of bank days, got {n!r}")
    remaining = n
    while remaining:
        d += _ONE_DAY
        if is_bank_day(d):
            remaining -= 1
    return d
