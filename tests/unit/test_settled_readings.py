"""Two readings settled, sourced and made configurable, checked by hand.

1. "Within the first six months" (L 66's minimum of one follow-up conversation), `six_months_end` in the rule set:
   - day_before (shipped): the first six months of the absence, day 1 = the first day (like "before the end of
     week 8" = day 56). 20 Nov 2026 -> 19 May 2027; 1 Jul 2026 -> 31 Dec 2026; 31 Aug 2026 -> 28 Feb 2027.
   - same_date: a period running FROM a day ends on the same date (forældelsesloven § 27, stk. 1), or on the last
     day of a shorter month. 20 Nov 2026 -> 20 May 2027; 1 Jul 2026 -> 1 Jan 2027; 31 Aug 2026 -> 28 Feb 2027;
     31 Aug 2027 -> 29 Feb 2028 (a leap year).
2. The week-13 measure's base in the report, `report_measure_base`: a target case that ended before the end of
   week 13 without a measure is in the base ('all_target_cases') or not ('running_at_week_13', shipped: the
   measure STAR 2017 cites from jobindsats.dk counts the cases whose absence lasted through week 13).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from domain.deadlines import statutory_first_conversation_due
from domain.rulesets import load_rulesets, rulesets_from_data
from reporting.report import CaseFacts, compute_report

RULES_2026 = load_rulesets()[-1]
SAME_DATE = dataclasses.replace(RULES_2026, six_months_end="same_date")


@pytest.mark.parametrize(
    "first_day, day_before, same_date",
    [
        (date(2026, 11, 20), date(2027, 5, 19), date(2027, 5, 20)),
        (date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 1)),
        (date(2026, 8, 31), date(2027, 2, 28), date(2027, 2, 28)),
        (date(2027, 8, 31), date(2028, 2, 29), date(2028, 2, 29)),
        (date(2026, 12, 31), date(2027, 6, 30), date(2027, 6, 30)),
    ],
)
def test_the_six_months_end_by_either_reading(first_day, day_before, same_date):
    assert RULES_2026.six_months_end == "day_before"
    assert statutory_first_conversation_due(first_day, RULES_2026) == day_before
    assert statutory_first_conversation_due(first_day, SAME_DATE) == same_date


def test_the_reading_is_checked_in_the_rule_set_file():
    entry = {
        "name": "x",
        "valid_from": "2030-01-01",
        "statutory_first_conversation_months": 6,
        "six_months_end": "same_date",
    }
    assert rulesets_from_data({"rulesets": [entry]})[0].six_months_end == "same_date"
    with pytest.raises(ValueError, match="six_months_end"):
        rulesets_from_data({"rulesets": [{**entry, "six_months_end": "samme dag"}]})


def facts(reference: str, ended_on: date | None, measured: bool = False) -> CaseFacts:
    return CaseFacts(
        reference=reference,
        caseworker_id="cw",
        track="workplace",
        first_day=date(2026, 8, 3),
        first_meeting_due=date(2026, 9, 27),
        opened_on=date(2026, 8, 3),
        closed=ended_on is not None,
        ended_on=ended_on,
        end_type="full_recovery" if ended_on else None,
        outcome=None,
        first_meeting=None,
        measure_before_week_13=measured,
        breach_recorded=False,
    )


def test_the_week_13_base_by_either_definition():
    """First day Monday 3 August 2026: week 13 ends Sunday 1 November 2026 (day 91). Judged 1 December 2026:
    A ended 15 October (week 11) without a measure; B runs on without one; C had a measure before week 13."""
    cases = [facts("A", date(2026, 10, 15)), facts("B", None), facts("C", None, measured=True)]

    def share(base):
        report = compute_report(
            cases,
            {},
            municipality="101",
            start=date(2026, 8, 1),
            end=date(2026, 8, 31),
            today=date(2026, 12, 1),
            measure_base=base,
        )
        return report.overall.measure_before_week_13

    everyone = share("all_target_cases")
    assert (everyone.numerator, everyone.denominator) == (1, 3)
    running = share("running_at_week_13")
    assert (running.numerator, running.denominator) == (1, 2)
    # A case that ended on the last day of week 13 (day 91) did not run past it: left out as well.
    edge = [facts("D", date(2026, 11, 1))]
    report = compute_report(
        edge,
        {},
        municipality="101",
        start=date(2026, 8, 1),
        end=date(2026, 8, 31),
        today=date(2026, 12, 1),
        measure_base="running_at_week_13",
    )
    assert report.overall.measure_before_week_13.denominator == 0
    with pytest.raises(ValueError):
        compute_report(
            cases,
            {},
            municipality="101",
            start=date(2026, 8, 1),
            end=date(2026, 8, 31),
            today=date(2026, 12, 1),
            measure_base="jobindsats",
        )
