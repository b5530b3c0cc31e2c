"""The tests' clocks start on the days tests/dates.py names, never on the machine's today."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.localtime import local_date
from tests import dates
from tests.conftest import sick_report


async def test_the_time_skipping_clock_starts_on_the_suites_day(time_env):
    now = await time_env.get_current_time()
    assert local_date(now) == dates.DEFAULT_START
    assert abs(now - dates.morning_of(dates.DEFAULT_START)).total_seconds() < 60  # 09:00 Danish time
    # The sick report's first day is counted from the same day while the server runs.
    assert sick_report()["first_day_of_absence"] == (dates.DEFAULT_START - timedelta(days=14)).isoformat()


@pytest.mark.start_day(date(2036, 2, 11))
async def test_a_test_can_name_its_own_day(time_env):
    assert local_date(await time_env.get_current_time()) == date(2036, 2, 11)


@pytest.mark.across_the_year
async def test_across_the_year_runs_on_each_day(time_env, start_day):
    assert start_day in dates.ACROSS_THE_YEAR.values()
    assert local_date(await time_env.get_current_time()) == start_day
