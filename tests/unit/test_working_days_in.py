"""working_days_in counts by arithmetic (the list pages count days left for hundreds of tasks per load); it must
agree with asking each day in turn, across holidays, closed days, 29 February and year ends."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from domain.attention import working_days_left
from domain.calendar_dk import DEFAULT_CLOSED_DAYS, is_working_day, working_days_in


@pytest.mark.parametrize("closed", [DEFAULT_CLOSED_DAYS, ((2, 29), (12, 24), (6, 5)), ()])
def test_agrees_with_counting_day_by_day(closed):
    rnd = random.Random(7)
    for _ in range(1500):
        first = date(2023, 12, 1) + timedelta(days=rnd.randrange(1600))
        last = first + timedelta(days=rnd.randrange(-5, 420))
        by_day = sum(1 for n in range((last - first).days + 1) if is_working_day(first + timedelta(days=n), closed))
        assert working_days_in(first, last, closed) == by_day, (first, last)


def test_days_left_around_easter_2026():
    # Thursday 2 April 2026 to Tuesday 7 April: Maundy Thursday, Good Friday, the weekend and Easter Monday
    # are off, so only Tuesday counts.
    assert working_days_left(date(2026, 4, 1), date(2026, 4, 7), ()) == 1
    assert working_days_left(date(2026, 4, 7), date(2026, 4, 1), ()) == -1
    assert working_days_left(date(2026, 4, 7), date(2026, 4, 7), ()) == 0
