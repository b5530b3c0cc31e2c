"""The days the tests' clocks start on: fixed, never the machine's today.

The time-skipping server starts at the real now and can only move forward, so every test that runs the case
workflow on it first moves its clock to one of these days (the `time_env` fixture). Which deadlines fall on
closed days, holidays or a change of summer time then depends on the test, not on the day CI happens to run:
a suite that was green on the day it was written stays green on every later day.

The days lie years ahead so that the clock can always be moved to them. Tests marked `across_the_year` run
once for each day in ACROSS_THE_YEAR, which are chosen to put the first weeks of a case over the calendar's
awkward places. FASTHOLD_TEST_START=YYYY-MM-DD moves the default day, to try the suite on another day.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path

import yaml

from config.settings import CONFIG_DIR
from domain.localtime import LOCAL_TZ

REFORM_2026 = "2026 beskæftigelsesreform"

# An ordinary Tuesday in autumn: no holiday, closed day or clock change within the first eight weeks.
DEFAULT_START = date.fromisoformat(os.environ.get("FASTHOLD_TEST_START", "2035-09-04"))

# Each day's label says what the following weeks cross (Danish holidays of 2035: Easter Sunday is 25 March,
# the same night summer time begins; Ascension 3 May; Whit Monday 14 May; summer time ends 28 October).
ACROSS_THE_YEAR = {
    "easter-and-summer-time": date(2035, 3, 19),
    "ascension-whitsun-constitution-day": date(2035, 4, 30),
    "summer-holidays": date(2035, 7, 2),
    "autumn-and-winter-time": date(2035, 10, 22),
    "christmas": date(2035, 12, 17),
    "new-year": date(2035, 12, 27),
}


_active: date | None = None  # the fixed day of the running test's time-skipping server, while it runs


def today() -> date:
    """The test's today: its time-skipping server's fixed start day, or Denmark's date for a real-time server
    (the dev server's tests are about now, and their server's clock is the real one)."""
    return _active or datetime.now(LOCAL_TZ).date()


def set_active(day: date | None) -> None:
    global _active
    _active = day


def morning_of(day: date) -> datetime:
    """09:00 in Denmark on `day`: the moment a test's clock starts (after the engine's 08:00 dated steps)."""
    return datetime.combine(day, time(9), tzinfo=LOCAL_TZ)


def rulesets_with_reform_from(day: date, folder: Path) -> Path:
    """The shipped rule sets with the 2026 reform moved to `day` (the mark `reform_from`).

    A test of the older rules (the statutory week-8 deadline) then runs on the suite's fixed days too: the
    server's clock cannot go back to 2026, so the reform is moved forward instead; every other rule is the
    shipped one.
    """
    data = yaml.safe_load((CONFIG_DIR / "rulesets.yaml").read_text(encoding="utf-8"))
    [reform] = [r for r in data["rulesets"] if r["name"] == REFORM_2026]
    reform["valid_from"] = day
    path = folder / "rulesets-reform-moved.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
