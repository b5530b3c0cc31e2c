"""A rule set with `transition: all_running_cases` moves a running case on its date, on the
time-skipping server with a real register: a workflow timer, the deadlines recomputed, the case triaged again, and
the timeline saying what changed and why.

Dates are checked by hand (see tests/integration/test_reform_paths.py), on fixed days (tests/dates.py): the clock
starts on Tuesday 4 December 2035; first day Tuesday 20 November 2035; week 8 ends on day 56, Monday 14 January
2036; the 2026 reform's six-month minimum ends the day before 20 May 2036: Monday 19 May 2036. The test's later set
(one conversation within four months, week 8 statutory again, categories 1 and 2) takes over running cases on
Tuesday 18 December 2035, two weeks after the clock's start and before week 8 ends; under it the minimum ends the
day before 20 March 2036: Wednesday 19 March 2036.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import yaml

from domain.localtime import LOCAL_TZ
from domain.rulesets import DEFAULT_RULESETS_PATH
from tests.helpers import wait_for
from tests.integration.test_case_paths import skip_to
from tests.integration.test_reform_paths import START, WEEK_8, case_row, deadline, open_case

SWITCH_ON = date(2035, 12, 18)

pytestmark = pytest.mark.start_day(START)


def rulesets_with_a_later_set(path, valid_from: date) -> str:
    """The shipped sets plus a later one that takes over running cases."""
    data = yaml.safe_load(DEFAULT_RULESETS_PATH.read_text(encoding="utf-8"))
    later = dict(
        data["rulesets"][-1],
        name="Prøveregler",
        valid_from=valid_from.isoformat(),
        transition="all_running_cases",
        first_meeting_statutory=True,
        statutory_first_conversation_months=4,
        triage_categories=[1, 2],
    )
    data["rulesets"].append(later)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.fixture
def settings(settings, tmp_path):
    # A fixed day after the clock's start (START): the clock can only move forward to it.
    return settings.replace(rulesets_file=rulesets_with_a_later_set(tmp_path / "rulesets.yaml", SWITCH_ON))


async def test_a_rule_set_for_all_running_cases_moves_a_running_case_on_its_date(env):
    switch_on = SWITCH_ON
    case, handle = await open_case(env, expected_absence_weeks=30, employer_expected_absence_weeks=28)
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    assert state.rule_set == "2026 beskæftigelsesreform" and state.category is None
    assert state.rule_set_switch.on == switch_on and state.rule_set_switch.rules.name == "Prøveregler"
    await skip_to(env, datetime.combine(switch_on, datetime.min.time(), tzinfo=LOCAL_TZ) + timedelta(hours=1))
    state = await wait_for(handle, lambda s: s.rule_set == "Prøveregler")
    assert state.rule_set_switch is None and state.category == 2  # categories came back with the set
    assert (deadline(state, "first_meeting").due, deadline(state, "first_meeting").kind) == (WEEK_8, "statutory")
    assert deadline(state, "first_conversation").due == date(2036, 3, 19)
    [changed] = [e.detail for e in state.timeline if e.event == "rule_set_changed"]
    assert f"«Prøveregler» gælder fra {switch_on.isoformat()}" in changed and "«2026 beskæftigelsesreform»" in changed
    assert "Kategori: ingen (visitationen er udfaset) → 2." in changed
    assert (
        f"første opfølgningssamtale: {WEEK_8.isoformat()} (modellens mål) → {WEEK_8.isoformat()} (lovfrist)" in changed
    )
    assert "2036-05-19 (lovfrist) → 2036-03-19 (lovfrist)" in changed
    row = case_row(env, case)
    assert (row.rule_set, row.category) == ("Prøveregler", 2)
