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


def test_the_readmes_other_day_moves_the_default_day():
    """README: `FASTHOLD_TEST_START=2036-04-14 bash scripts/test.sh` tries the suite on another day; here
    the tests of the clock itself, in a pytest of their own with that setting."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert "FASTHOLD_TEST_START=2036-04-14 bash scripts/test.sh" in (root / "README.md").read_text(encoding="utf-8")
    probe = "from tests import dates; import sys; sys.exit(0 if dates.DEFAULT_START.isoformat() == '2036-04-14' else 1)"
    env = {**os.environ, "FASTHOLD_TEST_START": "2036-04-14"}
    assert subprocess.run([sys.executable, "-c", probe], cwd=root, env=env).returncode == 0
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{Path(__file__).relative_to(root)}::test_the_time_skipping_clock_starts_on_the_suites_day",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:]
