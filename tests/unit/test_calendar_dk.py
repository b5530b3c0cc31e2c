from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain.calendar_dk import (
    DEFAULT_CLOSED_DAYS,
    add_working_days,
    is_working_day,
    normalise_closed_days,
    working_day_on_or_after,
    working_day_on_or_before,
)

# Weekday public holidays and default closed days, written out by hand (independent of
# the `holidays` library) for the property tests below.
HAND_NON_WORKING_2025_2026 = {
    date(2025, 1, 1),
    date(2025, 4, 17),
    date(2025, 4, 18),
    date(2025, 4, 21),
    date(2025, 5, 29),
    date(2025, 6, 5),
    date(2025, 6, 9),
    date(2025, 12, 24),
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 4, 2),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 14),
    date(2026, 5, 25),
    date(2026, 6, 5),
    date(2026, 12, 24),
    date(2026, 12, 25),
    date(2026, 12, 31),
}


def _days(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def test_working_days_match_the_hand_list_for_two_whole_years():
    for d in _days(date(2025, 1, 1), date(2026, 12, 31)):
        expected = d.weekday() < 5 and d not in HAND_NON_WORKING_2025_2026
        assert is_working_day(d) == expected, d


@pytest.mark.parametrize(
    "day, working",
    [
        (date(2023, 5, 5), False),  # Store Bededag, last year it existed
        (date(2024, 4, 26), True),  # would have been Store Bededag: abolished from 2024
        (date(2025, 5, 16), True),  # ditto for 2025
        (date(2025, 4, 17), False),  # Maundy Thursday
        (date(2025, 4, 18), False),  # Good Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2025, 4, 22), True),
        (date(2026, 5, 14), False),  # Ascension Day
        (date(2026, 5, 15), True),  # the day after is not a public holiday
        (date(2026, 5, 25), False),  # Whit Monday
        (date(2025, 12, 24), False),  # closed by default
        (date(2025, 12, 31), False),  # closed by default
        (date(2025, 6, 5), False),  # Constitution Day, closed by default
        (date(2025, 12, 27), False),  # Saturday
        (date(2025, 12, 29), True),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_closed_days_are_an_argument():
    assert is_working_day(date(2025, 12, 24), closed_days=()) is True
    assert is_working_day(date(2025, 6, 5), closed_days=((12, 24),)) is True
    assert is_working_day(date(2025, 3, 3), closed_days=((3, 3),)) is False


def test_closed_days_may_be_lists_after_a_json_round_trip():
    assert is_working_day(date(2025, 12, 24), closed_days=[[12, 24]]) is False
    assert is_working_day(date(2025, 12, 23), closed_days=[[12, 24]]) is True


@pytest.mark.parametrize("bad", [[(2, 30)], [(13, 1)], [(12,)], ["12-24"], [(12.0, 24)], [(True, 1)]])
def test_invalid_closed_days_are_refused(bad):
    with pytest.raises(ValueError, match=r"closed_days\[0\]"):
        normalise_closed_days(bad)


def test_leap_day_is_a_valid_closed_day():
    assert normalise_closed_days([[2, 29]]) == ((2, 29),)


def test_default_closed_days():
    assert set(DEFAULT_CLOSED_DAYS) == {(12, 24), (12, 31), (6, 5)}


def test_datetime_is_refused_because_it_never_equals_a_date():
    with pytest.raises(TypeError):
        is_working_day(datetime(2025, 12, 25, 10, 0))


@pytest.mark.parametrize(
    "start, n, expected",
    [
        (date(2025, 4, 16), 1, date(2025, 4, 22)),  # over Easter 2025
        (date(2025, 4, 22), -1, date(2025, 4, 16)),
        (date(2025, 4, 19), 1, date(2025, 4, 22)),  # from a non-working Saturday
        (date(2025, 4, 19), -1, date(2025, 4, 16)),
        (date(2025, 12, 23), 1, date(2025, 12, 29)),  # over Christmas
        (date(2025, 12, 23), 2, date(2025, 12, 30)),
        (date(2025, 12, 23), 3, date(2026, 1, 2)),  # 31 Dec closed, 1 Jan holiday
        (date(2026, 1, 2), -3, date(2025, 12, 23)),
        (date(2025, 3, 3), 5, date(2025, 3, 10)),  # a plain week
        (date(2025, 3, 3), 10, date(2025, 3, 17)),
        (date(2025, 3, 10), -5, date(2025, 3, 3)),
        (date(2025, 3, 3), 0, date(2025, 3, 3)),  # already a working day
        (date(2025, 3, 1), 0, date(2025, 3, 3)),  # Saturday -> Monday
        (date(2025, 4, 17), 0, date(2025, 4, 22)),  # Maundy Thursday -> Tuesday after Easter
        (date(2026, 5, 13), 1, date(2026, 5, 15)),  # over Ascension Day
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_add_working_days_counts_exactly_n_working_days():
    # Property against the hand list: the days strictly between start and result, plus the
    # result, contain exactly n working days, and the result is one.
    def hand_working(d: date) -> bool:
        return d.weekday() < 5 and d not in HAND_NON_WORKING_2025_2026

    for start in _days(date(2025, 3, 1), date(2025, 12, 15)):
        for n in (1, 2, 5, 15):
            result = add_working_days(start, n)
            assert hand_working(result)
            assert sum(hand_working(d) for d in _days(start + timedelta(days=1), result)) == n
            back = add_working_days(start, -n)
            assert hand_working(back)
            assert sum(hand_working(d) for d in _days(back, start - timedelta(days=1))) == n


@pytest.mark.parametrize(
    "day, before, after",
    [
        (date(2025, 4, 18), date(2025, 4, 16), date(2025, 4, 22)),  # Good Friday
        (date(2025, 12, 25), date(2025, 12, 23), date(2025, 12, 29)),
        (date(2026, 1, 1), date(2025, 12, 30), date(2026, 1, 2)),
        (date(2025, 6, 5), date(2025, 6, 4), date(2025, 6, 6)),
        (date(2025, 6, 7), date(2025, 6, 6), date(2025, 6, 10)),  # Sat before Whit Monday
        (date(2025, 6, 10), date(2025, 6, 10), date(2025, 6, 10)),  # a working day stays
    ],
)
def test_working_day_on_or_before_and_after(day, before, after):
    assert working_day_on_or_before(day) == before
    assert working_day_on_or_after(day) == after


def test_on_or_before_respects_custom_closed_days():
    assert working_day_on_or_before(date(2025, 12, 25), closed_days=()) == date(2025, 12, 24)


# --- bank days --------------------------------------------------------------------------------------
from domain.calendar_dk import add_bank_days, bank_closing_days, easter_sunday, is_bank_day, public_holidays  # noqa: E402

# Danmarks Nationalbank's list of days it and the banks are closed in 2026 (weekdays and weekends
# alike), copied by hand from nationalbanken.dk "Banklukkedage".
NATIONALBANKEN_CLOSED_2026 = {
    date(2026, 1, 1),
    date(2026, 4, 2),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 14),
    date(2026, 5, 15),
    date(2026, 5, 25),
    date(2026, 6, 5),
    date(2026, 12, 24),
    date(2026, 12, 25),
    date(2026, 12, 26),
    date(2026, 12, 31),
}
NATIONALBANKEN_CLOSED_2027 = {
    date(2027, 1, 1),
    date(2027, 3, 25),
    date(2027, 3, 26),
    date(2027, 3, 29),
    date(2027, 5, 6),
    date(2027, 5, 7),
    date(2027, 5, 17),
    date(2027, 6, 5),
    date(2027, 12, 24),
    date(2027, 12, 31),
}


@pytest.mark.parametrize("year, closed", [(2026, NATIONALBANKEN_CLOSED_2026), (2027, NATIONALBANKEN_CLOSED_2027)])
def test_bank_days_match_nationalbanken_for_a_whole_year(year, closed):
    for d in _days(date(year, 1, 1), date(year, 12, 31)):
        assert is_bank_day(d) == (d.weekday() < 5 and d not in closed), d


@pytest.mark.parametrize(
    "year, easter",
    [
        (2023, date(2023, 4, 9)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2028, date(2028, 4, 16)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_the_friday_after_ascension_follows_the_holiday_table():
    # Independent check against the `holidays` library: Ascension (a public holiday) is the day before.
    for year in range(2014, 2041):
        fixed = {date(year, 12, 24), date(year, 12, 31), date(year, 6, 5)}
        (friday,) = bank_closing_days(year) - fixed
        assert friday.weekday() == 4 and friday.month in (4, 5, 6)
        assert friday - timedelta(days=1) in public_holidays(year)


def test_bank_days_ignore_the_municipality_closed_days():
    # 5 Jun and 24/31 Dec are closed for banks anyway; a municipal closed day such as 2 Jan is not.
    assert is_bank_day(date(2026, 1, 2)) is True
    assert is_working_day(date(2026, 1, 2), closed_days=((1, 2),)) is False
    # Store Bededag is a bank day from 2024 (Fri 1 May 2026) and was a holiday in 2023.
    assert is_bank_day(date(2026, 5, 1)) is True
    assert is_bank_day(date(2023, 5, 5)) is False


@pytest.mark.parametrize(
    "sent, due",
    [
        (date(2026, 3, 2), date(2026, 3, 4)),  # Mon -> Tue (1), Wed (2)
        (date(2026, 3, 6), date(2026, 3, 10)),  # Fri -> Mon (1), Tue (2)
        (date(2026, 3, 7), date(2026, 3, 10)),  # Sat -> Mon (1), Tue (2)
        (date(2026, 5, 13), date(2026, 5, 19)),  # Wed -> Ascension Thu 14 and bank Fri 15 closed: Mon 18, Tue 19
        (date(2026, 6, 3), date(2026, 6, 8)),  # Wed -> Thu 4 (1), Fri 5 closed, Mon 8 (2)
        (date(2026, 12, 22), date(2026, 12, 28)),  # Tue -> Wed 23 (1), 24-27 closed, Mon 28 (2)
        (date(2026, 12, 29), date(2027, 1, 4)),  # Tue -> Wed 30 (1), 31 Dec and 1 Jan closed, Mon 4 (2)
        (date(2026, 4, 1), date(2026, 4, 8)),  # Wed -> Easter 2-6 Apr: Tue 7 (1), Wed 8 (2)
        (date(2024, 5, 8), date(2024, 5, 14)),  # Wed -> Ascension Thu 9, Fri 10 closed: Mon 13, Tue 14
    ],
)
def test_add_bank_days(sent, due):
    assert add_bank_days(sent, 2) == due


@pytest.mark.parametrize("n", [0, -1, True])
def test_add_bank_days_needs_a_positive_count(n):
    with pytest.raises(ValueError):
        add_bank_days(date(2026, 3, 2), n)
