"""Statutory deadlines vs the model's targets, the 2026 minimum, and the smaller dated rules (docs/domain.md).

All expected dates are literals worked out by hand (weekday and holiday notes in the comments).
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from domain.deadlines import (
    MODEL_TARGET,
    STATUTORY,
    CaseDeadlines,
    EmployerPays,
    compute_deadlines,
    employer_report_due,
    first_meeting_deadline,
    first_meeting_kind,
    info_form_dates,
    month_end,
    outcome_request_day,
    same_date_months_later,
    statutory_first_conversation_due,
)
from domain.rulesets import RuleSet, load_rulesets, ruleset_for

RULESETS = load_rulesets()


def rules_for(first_day: date) -> RuleSet:
    return ruleset_for(first_day, RULESETS)


# --- statutory vs model target on both sides of 1 July 2026 ------------------------------------------------


@pytest.mark.parametrize(
    "first_day, kind, source",
    [
        (date(2017, 10, 2), STATUTORY, "sygedagpengeloven § 13 b"),
        (date(2025, 1, 1), STATUTORY, "sygedagpengeloven § 13 b"),
        (date(2026, 6, 30), STATUTORY, "sygedagpengeloven § 13 b"),
        (date(2026, 7, 1), MODEL_TARGET, "Sammen om fastholdelse (STAR 2017)"),
        (date(2027, 3, 1), MODEL_TARGET, "Sammen om fastholdelse (STAR 2017)"),
    ],
)
def test_week_eight_is_statutory_before_the_reform_and_a_model_target_after(first_day, kind, source):
    rules = rules_for(first_day)
    assert first_meeting_kind(rules) == kind
    deadline = first_meeting_deadline(first_day, rules)
    assert (deadline.kind, deadline.source) == (kind, source)
    deadlines = compute_deadlines(first_day, rules)
    assert (deadlines.first_meeting_kind, deadlines.first_meeting_source) == (kind, source)


@pytest.mark.parametrize(
    "first_day, due",
    [
        (date(2026, 7, 1), date(2026, 12, 31)),  # 1 Jul 2026 + 6 months = 1 Jan 2027; the day before
        (date(2026, 7, 15), date(2027, 1, 14)),  # 15 Jan 2027; the day before
        (date(2026, 8, 31), date(2027, 2, 28)),  # 31 Feb 2027 does not exist -> 1 Mar; the day before = 28 Feb
        (date(2026, 8, 29), date(2027, 2, 28)),  # 29 Feb 2027 does not exist -> 1 Mar -> 28 Feb
        (date(2027, 8, 29), date(2028, 2, 28)),  # 29 Feb 2028 exists (leap year); the day before = 28 Feb
        (date(2027, 12, 31), date(2028, 6, 30)),  # 31 Jun does not exist -> 1 Jul -> 30 Jun
        (date(2027, 9, 1), date(2028, 2, 29)),  # 1 Mar 2028; the day before is the leap day
    ],
)
def test_the_2026_statutory_minimum_is_one_conversation_within_six_months(first_day, due):
    rules = rules_for(first_day)
    assert statutory_first_conversation_due(first_day, rules) == due
    deadlines = compute_deadlines(first_day, rules)
    assert deadlines.first_conversation_due == due
    (conversation,) = [d for d in deadlines.statutory() if d.name == "first_conversation"]
    assert conversation.source == "lov nr. 1750 af 29. december 2025 (L 66, 2025-26)"


def test_no_six_month_minimum_before_the_reform():
    assert statutory_first_conversation_due(date(2026, 6, 30), rules_for(date(2026, 6, 30))) is None
    assert compute_deadlines(date(2026, 6, 30), rules_for(date(2026, 6, 30))).first_conversation_due is None


def test_every_deadline_carries_its_kind_and_source_before_the_reform():
    # First day Mon 4 May 2026 (2025 set): day 28 = Sun 31 May, day 35 = Sun 7 Jun, day 56 = Sun 28 Jun,
    # day 91 = Sun 2 Aug, day 185 = Wed 4 Nov -> 30 Nov.
    deadlines = compute_deadlines(date(2026, 5, 4), rules_for(date(2026, 5, 4)))
    assert [(d.name, d.due, d.kind, d.source) for d in deadlines.all()] == [
        ("employer_conversation", date(2026, 5, 31), STATUTORY, "sygedagpengeloven § 7 a"),
        ("employer_report", date(2026, 6, 7), STATUTORY, "sygedagpengeloven § 40"),
        ("first_meeting", date(2026, 6, 28), STATUTORY, "sygedagpengeloven § 13 b"),
        ("measure", date(2026, 8, 2), MODEL_TARGET, "Sammen om fastholdelse (STAR 2017)"),
        ("reassessment", date(2026, 11, 30), STATUTORY, "sygedagpengeloven § 24"),
    ]


def test_every_deadline_carries_its_kind_and_source_after_the_reform():
    # First day Wed 1 Jul 2026 (2026 set): day 28 = 28 Jul, day 35 = 4 Aug, day 56 = 25 Aug, day 91 = 29 Sep,
    # six months end 31 Dec 2026, day 185 = 1 Jan 2027 -> 31 Jan 2027.
    deadlines = compute_deadlines(date(2026, 7, 1), rules_for(date(2026, 7, 1)))
    assert [(d.name, d.due, d.kind) for d in deadlines.all()] == [
        ("employer_conversation", date(2026, 7, 28), STATUTORY),
        ("employer_report", date(2026, 8, 4), STATUTORY),
        ("first_meeting", date(2026, 8, 25), MODEL_TARGET),
        ("measure", date(2026, 9, 29), MODEL_TARGET),
        ("first_conversation", date(2026, 12, 31), STATUTORY),
        ("reassessment", date(2027, 1, 31), STATUTORY),
    ]
    assert [d.name for d in deadlines.model_targets()] == ["first_meeting", "measure"]
    assert all(d.statutory for d in deadlines.statutory())


def test_case_deadlines_saved_before_the_new_fields_still_load():
    # A CaseDeadlines payload from a running case's history has none of the fields added since.
    from temporalio.contrib.pydantic import pydantic_data_converter

    converter = pydantic_data_converter.payload_converter
    deadlines = compute_deadlines(date(2025, 10, 31), rules_for(date(2025, 10, 31)))
    (payload,) = converter.to_payloads([deadlines])
    old = json.loads(payload.data)
    for added in ("first_meeting_kind", "first_meeting_source", "first_conversation_due"):
        del old[added]
    payload.data = json.dumps(old).encode()
    (back,) = converter.from_payloads([payload], [CaseDeadlines])
    assert back == deadlines  # the defaults are what a pre-reform case computes
    assert (back.first_meeting_kind, back.first_conversation_due) == (STATUTORY, None)


# --- outcome one calendar month after the end (STAR 2017) -------------------------------------------------


@pytest.mark.parametrize(
    "end_day, asked",
    [
        (date(2026, 7, 15), date(2026, 8, 17)),  # 15 Aug is a Saturday -> Mon 17 Aug (30 days would be Fri 14 Aug)
        (date(2026, 3, 31), date(2026, 5, 1)),  # 31 Apr does not exist -> 1 May, a working Friday (30 days: 30 Apr)
        (date(2026, 1, 31), date(2026, 3, 2)),  # 31 Feb -> 1 Mar (Sun) -> Mon 2 Mar
        (date(2025, 11, 24), date(2025, 12, 29)),  # 24 Dec closed, 25/26 holidays, weekend -> Mon 29 Dec
        (date(2026, 11, 30), date(2026, 12, 30)),  # Wed 30 Dec 2026, a working day
        (date(2026, 12, 1), date(2027, 1, 4)),  # 1 Jan 2027 New Year (Fri) -> Mon 4 Jan
    ],
)
def test_outcome_is_asked_for_one_calendar_month_after_the_end(end_day, asked):
    assert outcome_request_day(end_day, rules_for(date(2026, 1, 1))) == asked


def test_a_saved_rule_set_without_months_keeps_thirty_days():
    saved = dataclasses.replace(rules_for(date(2026, 1, 1)), outcome_after_months=None)
    # 15 Jul + 30 days = Fri 14 Aug 2026.
    assert outcome_request_day(date(2026, 7, 15), saved) == date(2026, 8, 14)


@pytest.mark.parametrize(
    "day, months, expected",
    [
        (date(2026, 1, 31), 1, date(2026, 3, 1)),
        (date(2028, 1, 31), 1, date(2028, 3, 1)),
        (date(2028, 1, 29), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 2, date(2027, 1, 30)),
        (date(2026, 5, 5), 0, date(2026, 5, 5)),
        (date(2026, 12, 31), 12, date(2027, 12, 31)),
    ],
)
def test_same_date_months_later(day, months, expected):
    assert same_date_months_later(day, months) == expected


def test_month_end():
    assert [month_end(date(2028, 2, 1)), month_end(date(2027, 2, 28)), month_end(date(2026, 12, 5))] == [
        date(2028, 2, 29),
        date(2027, 2, 28),
        date(2026, 12, 31),
    ]


# --- the employer's report (§ 40) depends on what the employer pays ------------------------------------


class TestEmployerReport:
    first = date(2025, 1, 6)  # Mon

    def rules(self) -> RuleSet:
        return rules_for(self.first)

    def test_paying_salary_five_weeks(self):
        # § 40 stk. 1: day 35 = Sun 9 Feb 2025; also what compute_deadlines gives.
        assert employer_report_due(self.first, "salary", self.rules()) == date(2025, 2, 9)
        assert compute_deadlines(self.first, self.rules()).employer_report_due == date(2025, 2, 9)

    def test_paying_neither_fourteen_days(self):
        # § 40 stk. 3: day 14 = Sun 19 Jan 2025.
        assert employer_report_due(self.first, EmployerPays.NOTHING, self.rules()) == date(2025, 1, 19)

    def test_paying_benefit_one_week_after_it_stops(self):
        # § 40 stk. 2: by default the payment stops with the employer period, day 30 = Tue 4 Feb;
        # a week counted from it (4 Feb = day 1) ends Mon 10 Feb.
        assert employer_report_due(self.first, "benefit", self.rules()) == date(2025, 2, 10)
        # The employer stopped paying early, Mon 20 Jan: due Sun 26 Jan.
        assert employer_report_due(self.first, "benefit", self.rules(), date(2025, 1, 20)) == date(2025, 1, 26)

    def test_unknown_payment_and_impossible_stop_are_refused(self):
        with pytest.raises(ValueError):
            employer_report_due(self.first, "pension", self.rules())
        with pytest.raises(ValueError):
            employer_report_due(self.first, "benefit", self.rules(), date(2025, 1, 5))


# --- the information form (oplysningsskema, § 11) -----------------------------------------------------


@pytest.mark.parametrize(
    "sent, due, reminder, task",
    [
        # Mon 2 Mar 2026 + 8 = Tue 10 Mar. Reminder 2 working days before: Mon 9 (1), Fri 6 (2). Task: Wed 11.
        (date(2026, 3, 2), date(2026, 3, 10), date(2026, 3, 6), date(2026, 3, 11)),
        # Fri 27 Mar 2026 + 8 = Sat 4 Apr (the citizen's date is not moved). Back: Fri 3 Good Friday, Thu 2
        # Maundy Thursday -> Wed 1 Apr (1), Tue 31 Mar (2). Task after 4 Apr: Easter Monday 6 Apr -> Tue 7 Apr.
        (date(2026, 3, 27), date(2026, 4, 4), date(2026, 3, 31), date(2026, 4, 7)),
        # Fri 18 Dec 2026 + 8 = Sat 26 Dec. Back: 25 holiday, 24 closed -> Wed 23 (1), Tue 22 (2).
        # Task: Mon 28 Dec.
        (date(2026, 12, 18), date(2026, 12, 26), date(2026, 12, 22), date(2026, 12, 28)),
    ],
)
def test_information_form_dates(sent, due, reminder, task):
    dates = info_form_dates(sent, rules_for(date(2026, 1, 1)))
    assert (dates.answer_due, dates.reminder_day, dates.task_day) == (due, reminder, task)
    assert (dates.deadline().kind, dates.deadline().source) == (STATUTORY, "sygedagpengeloven § 11, stk. 3")


def test_information_form_with_an_agreed_later_date_and_a_reminder_never_before_sending():
    rules = rules_for(date(2026, 1, 1))
    # Agreed: answer by Thu 5 Mar 2026, sent Tue 3 Mar. 2 working days before 5 Mar = Tue 3 Mar, the day
    # of sending itself, so the reminder goes the next working day, Wed 4 Mar.
    dates = info_form_dates(date(2026, 3, 3), rules, answer_due=date(2026, 3, 5))
    assert (dates.answer_due, dates.reminder_day, dates.task_day) == (
        date(2026, 3, 5),
        date(2026, 3, 4),
        date(2026, 3, 6),
    )
    with pytest.raises(ValueError):
        info_form_dates(date(2026, 3, 3), rules, answer_due=date(2026, 3, 2))
