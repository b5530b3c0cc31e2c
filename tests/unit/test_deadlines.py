"""Deadline arithmetic against hand-checked dates.

Every expected date below was worked out by hand with a calendar (day 1 = first day of
absence; end of week N = first day + 7N - 1 days) and then cross-checked with plain date
arithmetic and `cal`. They are literals on purpose: never computed by the code under test.

Danish non-working days used in the reasoning (besides weekends):
  2023: Store Bededag Fri 5 May (abolished from 2024)
  2024: Maundy Thu 28 Mar, Good Fri 29 Mar, Easter Mon 1 Apr, Ascension 9 May, Whit Mon 20 May
  2025: New Year 1 Jan, Easter 17/18/21 Apr, Ascension 29 May, Whit Mon 9 Jun, Christmas 25/26 Dec
  2026: New Year 1 Jan, Easter 2/3/6 Apr, Ascension 14 May, Whit Mon 25 May, Christmas 25/26 Dec
  2027: New Year 1 Jan, Easter 25/26/29 Mar
  Closed by config every year: 24 Dec, 31 Dec, 5 Jun.
DST changes: 30 Mar / 26 Oct 2025, 29 Mar / 25 Oct 2026 (dates carry no time, so no effect).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.deadlines import (
    compute_deadlines,
    end_of_week,
    fast_track_allowed,
    fast_track_due,
    next_followup_due,
    outcome_request_day,
    reminder_day,
    week_of_absence,
)
from domain.rulesets import RuleSet, load_rulesets, ruleset_for

RULESETS = load_rulesets()


def rules_for(first_day: date) -> RuleSet:
    return ruleset_for(first_day, RULESETS)


D = date


def legacy(rules: RuleSet) -> RuleSet:
    """The rule set as a case saved on older code carries it: no § 24 month-end rule."""
    return dataclasses.replace(rules, reassessment_benefit_weeks=None, outcome_after_months=None)


# first day | end of week 8 | latest meeting day | end of week 13 | end of week 22 (the LEGACY reassessment
# date, which saved histories still compute) | fast-track request | fast-track due
TABLE = [
    # Plain Monday start: week 8 ends on a Sunday, meeting pulled back to Friday.
    (D(2025, 1, 6), D(2025, 3, 2), D(2025, 2, 28), D(2025, 4, 6), D(2025, 6, 8), D(2025, 1, 20), D(2025, 2, 3)),
    # Week 8 ends on Maundy Thursday 2025; Good Friday after it too: back to Wednesday.
    (D(2025, 2, 21), D(2025, 4, 17), D(2025, 4, 16), D(2025, 5, 22), D(2025, 7, 24), D(2025, 3, 4), D(2025, 3, 18)),
    # Week 8 ends on Easter Monday 2025: back over the whole Easter to Wednesday 16 Apr.
    (D(2025, 2, 25), D(2025, 4, 21), D(2025, 4, 16), D(2025, 5, 26), D(2025, 7, 28), D(2025, 3, 14), D(2025, 3, 28)),
    # Easter Monday 2026; fast track lands on Good Friday 2026.
    (D(2026, 2, 10), D(2026, 4, 6), D(2026, 4, 1), D(2026, 5, 11), D(2026, 7, 13), D(2026, 3, 20), D(2026, 4, 1)),
    # Ascension Day 2026 (Thu 14 May); fast track lands on it too.
    (D(2026, 3, 20), D(2026, 5, 14), D(2026, 5, 13), D(2026, 6, 18), D(2026, 8, 20), D(2026, 4, 30), D(2026, 5, 13)),
    # Whit Monday 2026 (25 May).
    (D(2026, 3, 31), D(2026, 5, 25), D(2026, 5, 22), D(2026, 6, 29), D(2026, 8, 31), D(2026, 5, 11), D(2026, 5, 22)),
    # Christmas Day 2025, with 24 Dec closed: back to Tuesday 23 Dec. Reassessment on Maundy Thursday stays.
    (
        D(2025, 10, 31),
        D(2025, 12, 25),
        D(2025, 12, 23),
        D(2026, 1, 29),
        D(2026, 4, 2),
        D(2025, 12, 10),
        D(2025, 12, 23),
    ),
    # New Year's Eve 2025 (closed).
    (D(2025, 11, 6), D(2025, 12, 31), D(2025, 12, 30), D(2026, 2, 4), D(2026, 4, 8), D(2025, 12, 17), D(2025, 12, 30)),
    # New Year's Day 2026, then 31 Dec closed: back to 30 Dec.
    (D(2025, 11, 7), D(2026, 1, 1), D(2025, 12, 30), D(2026, 2, 5), D(2026, 4, 9), D(2025, 12, 18), D(2025, 12, 30)),
    # Saturday start; week 8 ends on Second Day of Christmas 2025; reassessment on Good Friday 2026.
    (D(2025, 11, 1), D(2025, 12, 26), D(2025, 12, 23), D(2026, 1, 30), D(2026, 4, 3), D(2025, 12, 11), D(2025, 12, 23)),
    # Constitution Day 2025 (Thu 5 Jun, closed); fast track onto it as well.
    (D(2025, 4, 11), D(2025, 6, 5), D(2025, 6, 4), D(2025, 7, 10), D(2025, 9, 11), D(2025, 5, 22), D(2025, 6, 4)),
    # Start in Holy Week 2025; week 8 ends on Whit Monday, Friday 6 Jun is a working day.
    (D(2025, 4, 15), D(2025, 6, 9), D(2025, 6, 6), D(2025, 7, 14), D(2025, 9, 15), D(2025, 5, 26), D(2025, 6, 6)),
    # Ascension Day 2025 (Thu 29 May); fast track onto Easter Monday goes back to 16 Apr.
    (D(2025, 4, 4), D(2025, 5, 29), D(2025, 5, 28), D(2025, 7, 3), D(2025, 9, 4), D(2025, 4, 7), D(2025, 4, 16)),
    # Leap year: day 56 is 29 Feb 2024; reassessment on 5 Jun (closed, but statutory: not moved).
    (D(2024, 1, 4), D(2024, 2, 28), D(2024, 2, 28), D(2024, 4, 3), D(2024, 6, 5), D(2024, 2, 15), D(2024, 2, 29)),
    # Easter Monday 2024.
    (D(2024, 2, 6), D(2024, 4, 1), D(2024, 3, 27), D(2024, 5, 6), D(2024, 7, 8), D(2024, 3, 15), D(2024, 3, 27)),
    # Store Bededag 2023 was still a holiday.
    (D(2023, 3, 11), D(2023, 5, 5), D(2023, 5, 4), D(2023, 6, 9), D(2023, 8, 11), D(2023, 4, 21), D(2023, 5, 4)),
    # The Friday that would have been Store Bededag 2024 is a working day after the abolition.
    (D(2024, 3, 2), D(2024, 4, 26), D(2024, 4, 26), D(2024, 5, 31), D(2024, 8, 2), D(2024, 4, 12), D(2024, 4, 26)),
    # Day after the spring DST change 2025; fast track onto Maundy Thursday.
    (D(2025, 3, 31), D(2025, 5, 25), D(2025, 5, 23), D(2025, 6, 29), D(2025, 8, 31), D(2025, 4, 3), D(2025, 4, 16)),
    # First day on the spring DST Sunday 2025; a Sunday request gives a Sunday due date.
    (D(2025, 3, 30), D(2025, 5, 24), D(2025, 5, 23), D(2025, 6, 28), D(2025, 8, 30), D(2025, 3, 30), D(2025, 4, 11)),
    # Week 8 ends on the autumn DST Sunday 2025.
    (D(2025, 9, 1), D(2025, 10, 26), D(2025, 10, 24), D(2025, 11, 30), D(2026, 2, 1), D(2025, 10, 12), D(2025, 10, 24)),
    # Week 8 ends on the spring DST Sunday 2026.
    (D(2026, 2, 2), D(2026, 3, 29), D(2026, 3, 27), D(2026, 5, 3), D(2026, 7, 5), D(2026, 3, 9), D(2026, 3, 23)),
    # Christmas Eve 2026 (Thu, closed); fast track onto New Year's Eve.
    (
        D(2026, 10, 30),
        D(2026, 12, 24),
        D(2026, 12, 23),
        D(2027, 1, 28),
        D(2027, 4, 1),
        D(2026, 12, 17),
        D(2026, 12, 30),
    ),
    # Monday 28 Dec 2026 is a working day; a Saturday request lands on 26 Dec and goes back to 23 Dec.
    (D(2026, 11, 3), D(2026, 12, 28), D(2026, 12, 28), D(2027, 2, 1), D(2027, 4, 5), D(2026, 12, 12), D(2026, 12, 23)),
    # Sunday 3 Jan 2027: Sat, New Year's Day (Fri) and 31 Dec (closed) skipped.
    (D(2026, 11, 9), D(2027, 1, 3), D(2026, 12, 30), D(2027, 2, 7), D(2027, 4, 11), D(2026, 12, 18), D(2026, 12, 30)),
    # Easter Monday 2027.
    (D(2027, 2, 2), D(2027, 3, 29), D(2027, 3, 24), D(2027, 5, 3), D(2027, 7, 5), D(2027, 3, 11), D(2027, 3, 24)),
    # Ordinary mid-week start, no holidays in play.
    (D(2025, 8, 13), D(2025, 10, 7), D(2025, 10, 7), D(2025, 11, 11), D(2026, 1, 13), D(2025, 8, 13), D(2025, 8, 27)),
    # Last day under the 2017 rule set.
    (D(2024, 12, 31), D(2025, 2, 24), D(2025, 2, 24), D(2025, 3, 31), D(2025, 6, 2), D(2025, 1, 6), D(2025, 1, 20)),
    # First day on New Year's Day (sick on a holiday still counts as day 1).
    (D(2025, 1, 1), D(2025, 2, 25), D(2025, 2, 25), D(2025, 4, 1), D(2025, 6, 3), D(2025, 1, 2), D(2025, 1, 16)),
    # First day under the 2026 reform rule set.
    (D(2026, 7, 1), D(2026, 8, 25), D(2026, 8, 25), D(2026, 9, 29), D(2026, 12, 1), D(2026, 7, 22), D(2026, 8, 5)),
    # Whit Monday 2024; fast track onto Ascension Day 2024.
    (D(2024, 3, 26), D(2024, 5, 20), D(2024, 5, 17), D(2024, 6, 24), D(2024, 8, 26), D(2024, 4, 25), D(2024, 5, 8)),
    # Ascension Day 2024; fast track onto Whit Monday 2024.
    (D(2024, 3, 15), D(2024, 5, 9), D(2024, 5, 8), D(2024, 6, 13), D(2024, 8, 15), D(2024, 5, 6), D(2024, 5, 17)),
    # Constitution Day 2026 (Fri 5 Jun, closed).
    (D(2026, 4, 11), D(2026, 6, 5), D(2026, 6, 4), D(2026, 7, 10), D(2026, 9, 11), D(2026, 5, 22), D(2026, 6, 4)),
]


def test_table_is_big_enough_and_has_distinct_first_days():
    assert len(TABLE) >= 30
    assert len({row[0] for row in TABLE}) == len(TABLE)


@pytest.mark.parametrize(
    "first_day, meeting_due, latest_meeting, measure_due, reassessment_due, request_day, fast_due",
    TABLE,
    ids=[row[0].isoformat() for row in TABLE],
)
def test_deadline_table(first_day, meeting_due, latest_meeting, measure_due, reassessment_due, request_day, fast_due):
    rules = rules_for(first_day)
    deadlines = compute_deadlines(first_day, rules)
    assert deadlines.first_day == first_day
    assert deadlines.first_meeting_due == meeting_due
    assert deadlines.latest_meeting_day == latest_meeting
    assert deadlines.measure_due == measure_due
    assert fast_track_due(request_day, rules) == fast_due
    # A running case whose saved rule set predates the § 24 rule keeps its end-of-week-22 date.
    legacy_deadlines = compute_deadlines(first_day, legacy(rules))
    assert legacy_deadlines.reassessment_due == reassessment_due
    assert (
        dataclasses.replace(
            legacy_deadlines,
            reassessment_due=deadlines.reassessment_due,
            reassessment_task_day=deadlines.reassessment_task_day,
        )
        == deadlines
    )


@pytest.mark.parametrize("first_day", [row[0] for row in TABLE], ids=[row[0].isoformat() for row in TABLE])
def test_latest_meeting_day_is_never_after_the_statutory_date(first_day):
    deadlines = compute_deadlines(first_day, rules_for(first_day))
    assert deadlines.latest_meeting_day <= deadlines.first_meeting_due
    assert deadlines.booking_escalation_day < deadlines.latest_meeting_day
    assert deadlines.reassessment_task_day < deadlines.reassessment_due


def test_employer_dates_for_a_monday_start():
    # 6 Jan 2025 (Mon): day 28 = Sun 2 Feb, day 30 = Tue 4 Feb, day 35 = Sun 9 Feb.
    deadlines = compute_deadlines(date(2025, 1, 6), rules_for(date(2025, 1, 6)))
    assert deadlines.employer_conversation_due == date(2025, 2, 2)
    assert deadlines.employer_period_end == date(2025, 2, 4)
    assert deadlines.employer_report_due == date(2025, 2, 9)


def test_booking_escalation_counts_working_days_back_over_easter():
    # Latest meeting Wed 16 Apr 2025; 5 working days back: 15, 14, 11, 10, 9 Apr.
    deadlines = compute_deadlines(date(2025, 2, 21), rules_for(date(2025, 2, 21)))
    assert deadlines.booking_escalation_day == date(2025, 4, 9)


def test_booking_escalation_counts_working_days_back_over_christmas():
    # Latest meeting Wed 30 Dec 2026; back: 29, 28, 23 (24-27 closed/holiday/weekend), 22, 21 Dec.
    deadlines = compute_deadlines(date(2026, 11, 9), rules_for(date(2026, 11, 9)))
    assert deadlines.booking_escalation_day == date(2026, 12, 21)


def test_reassessment_task_day_skips_easter_and_weekends():
    # Legacy (saved) rule set: reassessment due Thu 2 Apr 2026 (Maundy Thursday). 15 working days back:
    # 1, Mar 31, 30, 27, 26, 25, 24, 23, 20, 19, 18, 17, 16, 13, 12 -> Thu 12 Mar 2026.
    deadlines = compute_deadlines(date(2025, 10, 31), legacy(rules_for(date(2025, 10, 31))))
    assert deadlines.reassessment_task_day == date(2026, 3, 12)


def test_end_of_week_and_week_of_absence():
    first = date(2025, 1, 6)
    assert end_of_week(first, 1) == date(2025, 1, 12)
    assert week_of_absence(first, first) == 1
    assert week_of_absence(first, date(2025, 1, 12)) == 1
    assert week_of_absence(first, date(2025, 1, 13)) == 2
    assert week_of_absence(first, date(2025, 3, 2)) == 8
    assert week_of_absence(first, date(2025, 3, 3)) == 9
    with pytest.raises(ValueError, match="before the first day"):
        week_of_absence(first, date(2025, 1, 5))
    with pytest.raises(ValueError):
        end_of_week(first, 0)


class TestFastTrackAllowed:
    first = date(2025, 1, 6)  # week 5 ends Sun 9 Feb 2025

    def test_employer_within_first_five_weeks(self):
        rules = rules_for(self.first)
        assert fast_track_allowed("employer", self.first, self.first, rules)
        assert fast_track_allowed("employer", date(2025, 2, 9), self.first, rules)

    def test_employer_from_week_six_is_refused(self):
        assert not fast_track_allowed("employer", date(2025, 2, 10), self.first, rules_for(self.first))

    def test_employee_may_always_ask(self):
        rules = rules_for(self.first)
        assert fast_track_allowed("employee", date(2025, 2, 10), self.first, rules)
        assert fast_track_allowed("employee", date(2025, 5, 20), self.first, rules)

    def test_window_comes_from_the_rule_set(self):
        rules = RuleSet(name="narrow", valid_from=date(2014, 7, 1), fast_track_employer_window_weeks=2)
        assert fast_track_allowed("employer", date(2025, 1, 19), self.first, rules)
        assert not fast_track_allowed("employer", date(2025, 1, 20), self.first, rules)

    def test_unknown_requester_and_early_request_raise(self):
        rules = rules_for(self.first)
        with pytest.raises(ValueError, match="requested_by"):
            fast_track_allowed("doctor", date(2025, 1, 10), self.first, rules)
        with pytest.raises(ValueError):
            fast_track_allowed("employee", date(2025, 1, 5), self.first, rules)


def test_reminder_day_skips_easter():
    # Meeting Tue 22 Apr 2025; 2 working days back: Wed 16, Tue 15 Apr.
    rules = rules_for(date(2025, 3, 1))
    assert reminder_day(date(2025, 4, 22), rules) == date(2025, 4, 15)


def test_reminder_day_accepts_a_booked_slot_and_uses_its_local_date():
    # 00:30 local on Mon 5 Jan 2026 is still Sun 4 Jan in UTC; the local date must count.
    slot = datetime(2026, 1, 5, 0, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))
    rules = rules_for(date(2025, 11, 1))
    # Back from Mon 5 Jan 2026: Fri 2 Jan (1), Tue 30 Dec (2; 1 Jan holiday, 31 Dec closed).
    assert reminder_day(slot, rules) == date(2025, 12, 30)


def test_reminder_day_with_a_monday_meeting():
    # Meeting Mon 10 Mar 2025: Fri 7 (1), Thu 6 (2).
    assert reminder_day(date(2025, 3, 10), rules_for(date(2025, 1, 1))) == date(2025, 3, 6)


def test_next_followup_due_is_pulled_back_from_christmas():
    # Last meeting Thu 27 Nov 2025 + 4 weeks = Thu 25 Dec; 24 Dec closed -> Tue 23 Dec.
    assert next_followup_due(date(2025, 11, 27), rules_for(date(2025, 10, 1))) == date(2025, 12, 23)


def test_outcome_request_day_moves_forward_past_christmas():
    # Case ended Mon 24 Nov 2025 + 30 days = Wed 24 Dec (closed), 25-26 holidays, weekend -> Mon 29 Dec.
    assert outcome_request_day(date(2025, 11, 24), rules_for(date(2025, 10, 1))) == date(2025, 12, 29)


def test_rule_set_numbers_drive_the_deadlines():
    rules = RuleSet(name="custom", valid_from=date(2014, 7, 1), first_meeting_weeks=6, measure_weeks=10)
    deadlines = compute_deadlines(date(2025, 1, 6), rules)
    # Day 42 = Sun 16 Feb 2025 -> Fri 14 Feb; day 70 = Sun 16 Mar.
    assert deadlines.first_meeting_due == date(2025, 2, 16)
    assert deadlines.latest_meeting_day == date(2025, 2, 14)
    assert deadlines.measure_due == date(2025, 3, 16)


def test_closed_days_come_from_the_rule_set():
    # Without 24 Dec as a closed day, the meeting for the Christmas Day row may be on Wed 24 Dec.
    rules = RuleSet(name="open on 24 Dec", valid_from=date(2014, 7, 1), closed_days=((12, 31),))
    assert compute_deadlines(date(2025, 10, 31), rules).latest_meeting_day == date(2025, 12, 24)


def test_case_deadlines_round_trip_through_temporal_pydantic_converter():
    from temporalio.contrib.pydantic import pydantic_data_converter

    from domain.deadlines import CaseDeadlines

    deadlines = compute_deadlines(date(2025, 10, 31), rules_for(date(2025, 10, 31)))
    converter = pydantic_data_converter.payload_converter
    assert converter.from_payloads(converter.to_payloads([deadlines]), [CaseDeadlines]) == [deadlines]
