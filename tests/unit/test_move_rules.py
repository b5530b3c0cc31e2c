"""A meeting time named by hand: which of the caseworker's rules it breaks."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from domain.localtime import LOCAL_TZ
from domain.model import Caseworker
from domain.move_rules import CLOSED_DAY, OUTSIDE_HOURS, PAST_DEADLINE, rules_broken

ANNA = Caseworker("cw-anna", "Anna", "a@x.dk", "", "t", "T", "L", "l@x.dk", (0, 1, 2, 3, 4), "09:00", "15:00")
JONAS = Caseworker("cw-jonas", "Jonas", "j@x.dk", "", "t", "T", "L", "l@x.dk", (0, 1, 2, 3), "08:30", "14:30")


def at(day: date, hour: int, minute: int = 0) -> tuple[datetime, datetime]:
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)
    return start, start + timedelta(hours=1)


def test_a_time_within_hours_before_the_deadline_breaks_nothing():
    assert rules_broken(*at(date(2026, 12, 8), 10), ANNA, (), date(2026, 12, 20)) == ()


def test_saturday_evening_and_after_the_deadline_are_each_named():
    assert rules_broken(*at(date(2026, 12, 12), 10), ANNA, (), None) == (CLOSED_DAY, OUTSIDE_HOURS)
    assert rules_broken(*at(date(2026, 12, 8), 17, 30), ANNA, (), None) == (OUTSIDE_HOURS,)
    assert rules_broken(*at(date(2026, 12, 8), 14, 30), ANNA, (), None) == (OUTSIDE_HOURS,)  # ends 15.30
    assert rules_broken(*at(date(2026, 12, 8), 10), ANNA, (), date(2026, 12, 7)) == (PAST_DEADLINE,)


def test_a_public_holiday_and_another_caseworkers_days_and_hours():
    assert CLOSED_DAY in rules_broken(*at(date(2026, 12, 25), 10), ANNA, (), None)
    assert rules_broken(*at(date(2026, 12, 11), 10), JONAS, (), None) == (OUTSIDE_HOURS,)  # Friday
    assert rules_broken(*at(date(2026, 12, 8), 8, 30), JONAS, (), None) == ()
