"""Revurdering (sygedagpengeloven § 24) against hand-checked dates.

Rule: benefit stops at the end of the CALENDAR MONTH in which it has been paid for more than 22 weeks
in the preceding 9 months; the employer period (days 1-30) does not count; reduced benefit counts in
full. For an unbroken absence the 155th benefit day is day 30 + 155 = day 185, so the date is the last
day of the month containing day 185 = first day + 184 days.

Each expected date below was worked out by hand, month by month (counting the days from the first day
to each month end until 184 is reached), and then cross-checked with plain `date + timedelta(184)`,
never with the code under test. The comment on each row gives the working:
  day 30 = last day of the employer period; day 185 = first day + 184; expected = end of that month.
"""

from __future__ import annotations

from datetime import date

import pytest

from domain.deadlines import compute_deadlines, reassessment_due_for, reassessment_task_day, recompute_reassessment
from domain.rulesets import RuleSet, load_rulesets, ruleset_for

RULESETS = load_rulesets()
D = date


def rules_for(first_day: date) -> RuleSet:
    return ruleset_for(first_day, RULESETS)


# first day | day 185 | reassessment due
TABLE = [
    # The issue's example. Day 30 = 31 Mar; to Sep 2: Mar 29, Apr 59, May 90, Jun 120, Jul 151, Aug 182, +2 = 184.
    (D(2026, 3, 2), D(2026, 9, 2), D(2026, 9, 30)),
    # New Year's Day start. Jan 30 (to Jan 31), Feb 58, Mar 89, Apr 119, May 150, Jun 180, +4 -> 4 Jul.
    (D(2026, 1, 1), D(2026, 7, 4), D(2026, 7, 31)),
    # Employer period over a short February: day 30 = 1 Mar. 4 Jul + 30 days -> 3 Aug.
    (D(2026, 1, 31), D(2026, 8, 3), D(2026, 8, 31)),
    # Employer period ends 2 Mar. Feb 27, Mar 58, Apr 88, May 119, Jun 149, Jul 180, +4 -> 4 Aug.
    (D(2026, 2, 1), D(2026, 8, 4), D(2026, 8, 31)),
    # Day 185 falls exactly on a month end: 1 Jan + 58 = 28 Feb; 4 Jul + 58 = 31 Aug.
    (D(2026, 2, 28), D(2026, 8, 31), D(2026, 8, 31)),
    # One day later, day 185 is 1 Sep: the date moves a whole month.
    (D(2026, 3, 1), D(2026, 9, 1), D(2026, 9, 30)),
    # Day 185 on 31 Oct. May 31, Jun 61, Jul 92, Aug 123, Sep 153, Oct 184.
    (D(2026, 4, 30), D(2026, 10, 31), D(2026, 10, 31)),
    # One day later: 1 Nov.
    (D(2026, 5, 1), D(2026, 11, 1), D(2026, 11, 30)),
    # Last first day under the 2025 set before the reform, day 185 on New Year's Eve.
    # Jul 31, Aug 62, Sep 92, Oct 123, Nov 153, Dec 184.
    (D(2026, 6, 30), D(2026, 12, 31), D(2026, 12, 31)),
    # First day under the 2026 set; day 185 crosses into January: Dec 31 is 183, +1 = 1 Jan 2027.
    (D(2026, 7, 1), D(2027, 1, 1), D(2027, 1, 31)),
    # Dec/Jan start. Dec 16, Jan 47, Feb 75, Mar 106, Apr 136, May 167, +17 -> 17 Jun 2026. Day 30 = 13 Jan.
    (D(2025, 12, 15), D(2026, 6, 17), D(2026, 6, 30)),
    # New Year's Eve start. Jan 31, Feb 59, Mar 90, Apr 120, May 151, Jun 181, +3 -> 3 Jul 2026.
    (D(2025, 12, 31), D(2026, 7, 3), D(2026, 7, 31)),
    # Employer period inside December (day 30 = 30 Dec). Dec 30, Jan 61, Feb 89, Mar 120, Apr 150, May 181, +3.
    (D(2026, 12, 1), D(2027, 6, 3), D(2027, 6, 30)),
    # Christmas Eve start, employer period over New Year (day 30 = 22 Jan).
    # Dec 7, Jan 38, Feb 66, Mar 97, Apr 127, May 158, +26 -> 26 Jun 2027.
    (D(2026, 12, 24), D(2027, 6, 26), D(2027, 6, 30)),
    # Employer period over a month end (day 30 = 14 Dec). Nov 15, Dec 46, Jan 77, Feb 105, Mar 136, Apr 166, +18.
    (D(2026, 11, 15), D(2027, 5, 18), D(2027, 5, 31)),
    # Last day of August; February 2027 has 28 days. Sep 30, Oct 61, Nov 91, Dec 122, Jan 153, Feb 181, +3.
    (D(2026, 8, 31), D(2027, 3, 3), D(2027, 3, 31)),
    # Same start a year later; February 2028 has 29 days, so day 185 is one day earlier: 2 Mar 2028.
    (D(2027, 8, 31), D(2028, 3, 2), D(2028, 3, 31)),
    # Day 30 = 28 Mar 2027. Feb 1, Mar 32, Apr 62, May 93, Jun 123, Jul 154, +30 -> 30 Aug.
    (D(2027, 2, 27), D(2027, 8, 30), D(2027, 8, 31)),
    # Employer period crosses into April (day 30 = 1 Apr). Mar 28, Apr 58, May 89, Jun 119, Jul 150, Aug 181, +3.
    (D(2027, 3, 3), D(2027, 9, 3), D(2027, 9, 30)),
    # Leap day start. In 2028: 1 Jan + 184 = 3 Jul (Feb has 29); 29 Feb = 1 Jan + 59 -> 3 Jul + 59 = 31 Aug.
    (D(2028, 2, 29), D(2028, 8, 31), D(2028, 8, 31)),
    # The day after the leap day: 1 Sep.
    (D(2028, 3, 1), D(2028, 9, 1), D(2028, 9, 30)),
    # Leap year 2024 under the 2017 set. Jan 30, Feb 59, Mar 90, Apr 120, May 151, Jun 181, +3 -> 3 Jul.
    (D(2024, 1, 1), D(2024, 7, 3), D(2024, 7, 31)),
    # Leap day 2024, as 2028: 31 Aug.
    (D(2024, 2, 29), D(2024, 8, 31), D(2024, 8, 31)),
    # Last first day under the 2017 set. Jan 31, Feb 59, Mar 90, Apr 120, May 151, Jun 181, +3 -> 3 Jul 2025.
    (D(2024, 12, 31), D(2025, 7, 3), D(2025, 7, 31)),
    # First day under the 2025 set: as 2026-01-01, 4 Jul.
    (D(2025, 1, 1), D(2025, 7, 4), D(2025, 7, 31)),
]


def test_table_has_at_least_twenty_distinct_first_days():
    assert len(TABLE) >= 20 and len({row[0] for row in TABLE}) == len(TABLE)


@pytest.mark.parametrize("first_day, day_185, due", TABLE, ids=[row[0].isoformat() for row in TABLE])
def test_reassessment_table(first_day, day_185, due):
    rules = rules_for(first_day)
    deadlines = compute_deadlines(first_day, rules)
    assert deadlines.reassessment_due == due
    assert reassessment_due_for(first_day, rules) == due
    # The day before day 185 is day 184 = 154 benefit days: never more than 22 weeks yet, so the
    # month of day 184 only counts when day 185 is in it too.
    assert due.month == day_185.month and due.year == day_185.year


def test_the_issue_example_and_its_task_day():
    # 30 Sep 2026 (Wed); 15 working days back: Sep 29, 28, 25, 24, 23, 22, 21, 18, 17, 16, 15, 14, 11, 10, 9.
    deadlines = compute_deadlines(date(2026, 3, 2), rules_for(date(2026, 3, 2)))
    assert (deadlines.reassessment_due, deadlines.reassessment_task_day) == (date(2026, 9, 30), date(2026, 9, 9))


class TestPausesAndPartialBenefit:
    first = date(2026, 3, 2)  # unbroken: day 185 = 2 Sep 2026 -> 30 Sep 2026

    def rules(self) -> RuleSet:
        return rules_for(self.first)

    def test_a_month_without_benefit_moves_the_date_a_month(self):
        # May (31 days) not paid: the 155th benefit day moves from 2 Sep to 3 Oct.
        assert reassessment_due_for(self.first, self.rules(), [(date(2026, 5, 1), date(2026, 5, 31))]) == date(
            2026, 10, 31
        )

    def test_a_short_pause_inside_the_month_changes_nothing(self):
        # Two days unpaid in August: 155th day on 4 Sep, still September.
        assert reassessment_due_for(self.first, self.rules(), [(date(2026, 8, 1), date(2026, 8, 2))]) == date(
            2026, 9, 30
        )

    def test_a_pause_in_the_judged_month_itself(self):
        # End of Aug: 153 benefit days. 1-5 Sep unpaid; 6 Sep = 154, 7 Sep = 155: still September.
        assert reassessment_due_for(self.first, self.rules(), [(date(2026, 9, 1), date(2026, 9, 5))]) == date(
            2026, 9, 30
        )

    def test_a_pause_that_pushes_past_the_month_end(self):
        # 1-28 Aug unpaid (28 days): end of Aug = 153 - 28 = 125; Sep adds 30 -> 155 on 30 Sep: September.
        assert reassessment_due_for(self.first, self.rules(), [("2026-08-01", "2026-08-28")]) == date(2026, 9, 30)
        # One more unpaid day (1-29 Aug): 155th day is 1 Oct.
        assert reassessment_due_for(self.first, self.rules(), [("2026-08-01", "2026-08-29")]) == date(2026, 10, 31)

    def test_a_pause_inside_the_employer_period_changes_nothing(self):
        # Days 1-30 never count, paid or not; the pause does not move the employer period.
        assert reassessment_due_for(self.first, self.rules(), [(date(2026, 3, 10), date(2026, 3, 20))]) == date(
            2026, 9, 30
        )

    def test_partial_benefit_counts_in_full(self):
        partial = [(date(2026, 5, 1), date(2026, 8, 31))]
        assert reassessment_due_for(self.first, self.rules(), (), partial) == date(2026, 9, 30)

    def test_a_day_both_paused_and_partly_paid_is_refused(self):
        with pytest.raises(ValueError, match="2026-05-10"):
            reassessment_due_for(
                self.first,
                self.rules(),
                [(date(2026, 5, 10), date(2026, 5, 12))],
                [(date(2026, 5, 1), date(2026, 5, 10))],
            )

    @pytest.mark.parametrize("bad", [[(date(2026, 5, 2), date(2026, 5, 1))], [(date(2026, 5, 1),)], ["2026-05-01"]])
    def test_malformed_periods_are_refused(self, bad):
        with pytest.raises(ValueError):
            reassessment_due_for(self.first, self.rules(), bad)

    def test_only_the_preceding_nine_months_count(self):
        # First day Mon 5 Jan 2026; benefit from day 31 = 4 Feb. Paid 4 Feb - 30 Apr (25 + 31 + 30 = 86 days),
        # then nothing from 1 May 2026 to 31 Jan 2027, then paid again from 1 Feb 2027.
        # Without the 9-month window the 155th day would be 86 + 69 -> 10 Apr 2027 (April).
        # With it, at the end of each month M only months M-8..M count, so by Feb 2027 the 2026 days
        # have dropped out: Feb 28, Mar 59, Apr 89, May 120, Jun 150 (<= 154), Jul 181 -> 31 Jul 2027.
        pause = [(date(2026, 5, 1), date(2027, 1, 31))]
        assert reassessment_due_for(date(2026, 1, 5), rules_for(date(2026, 1, 5)), pause) == date(2027, 7, 31)

    def test_the_window_is_the_judged_month_and_the_eight_before_it(self):
        # First day Mon 5 Jan 2026; benefit from 4 Feb. Paid 4 Feb - 30 Jun 2026 (25 + 31 + 30 + 31 + 30 = 147),
        # nothing 1 Jul - 31 Oct, paid again from 1 Nov 2026.
        # End of Nov: months Mar-Nov count: 31 + 30 + 31 + 30 + 30 (Nov) = 152, not more than 154 (Feb's 25
        # days are 9 months back and out; with them it would be 177 and the date 30 Nov 2026).
        # End of Dec (Apr-Dec): 30 + 31 + 30 + 30 + 31 = 152. End of Jan 2027 (May-Jan): 31 + 30 + 92 = 153.
        # End of Feb (Jun-Feb): 30 + 120 = 150. End of Mar (Jul-Mar): 151. End of Apr (Aug-Apr): 181 -> 30 Apr 2027.
        pause = [(date(2026, 7, 1), date(2026, 10, 31))]
        assert reassessment_due_for(date(2026, 1, 5), rules_for(date(2026, 1, 5)), pause) == date(2027, 4, 30)

    def test_recompute_moves_the_task_day_with_the_date(self):
        rules = self.rules()
        before = compute_deadlines(self.first, rules)
        after = recompute_reassessment(before, rules, [(date(2026, 5, 1), date(2026, 5, 31))])
        assert after.reassessment_due == date(2026, 10, 31)
        # Sat 31 Oct 2026: 15 working days back: Oct 30, 29, 28, 27, 26, 23, 22, 21, 20, 19, 16, 15, 14, 13, 12.
        assert after.reassessment_task_day == date(2026, 10, 12)
        assert after.reassessment_task_day == reassessment_task_day(after.reassessment_due, rules)
        assert after.first_meeting_due == before.first_meeting_due

    def test_recompute_uses_the_month_end_rule_even_for_a_saved_legacy_rule_set(self):
        legacy = RuleSet(name="saved", valid_from=date(2025, 1, 1))
        before = compute_deadlines(self.first, legacy)
        assert before.reassessment_due == date(2026, 8, 2)  # legacy: end of week 22 = day 154
        assert recompute_reassessment(before, legacy).reassessment_due == date(2026, 9, 30)


def test_benefit_in_earlier_cases_counts_within_the_nine_months():
    """By hand. First day Monday 2 November 2026: benefit from day 31, 2 December. Unbroken, the 155th
    benefit day is 5 May 2027 -> 31 May 2027.
    An earlier case paid benefit 3 August - 1 October 2026 (29 + 30 + 1 = 60 days). Judging February 2027 the
    window runs from 1 June 2026: 60 + (30 + 31 + 28 = 89) = 149 days, not more than 154. Judging March (window
    from 1 July 2026): 60 + 120 = 180 > 154 -> 31 March 2027.
    Another 10 days, 1 - 10 June 2026 (another municipality): February gives 159 > 154 -> 28 February 2027.
    In April the window starts 1 August: the June days no longer count, which changes nothing once passed."""
    first = D(2026, 11, 2)
    rules = rules_for(first)
    assert reassessment_due_for(first, rules) == D(2027, 5, 31)
    register = [(D(2026, 8, 3), D(2026, 10, 1))]
    assert reassessment_due_for(first, rules, earlier_benefit=register) == D(2027, 3, 31)
    both = register + [(D(2026, 6, 1), D(2026, 6, 10))]
    assert reassessment_due_for(first, rules, earlier_benefit=both) == D(2027, 2, 28)
    # Days on or after this case's first day are this case's own: never counted twice.
    assert reassessment_due_for(first, rules, earlier_benefit=[(D(2026, 11, 2), D(2027, 1, 31))]) == D(2027, 5, 31)
    # Too old to matter: benefit in January 2026 is outside every window this case is judged in.
    assert reassessment_due_for(first, rules, earlier_benefit=[(D(2026, 1, 1), D(2026, 3, 31))]) == D(2027, 5, 31)
    # The task: 15 working days before Sunday 28 February 2027 is Monday 8 February.
    assert reassessment_task_day(D(2027, 2, 28), rules) == D(2027, 2, 8)
