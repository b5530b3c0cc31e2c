"""Calendar months and the § 24 reassessment date: when sickness benefit stops unless the case is reassessed.

Reassessment (§ 24): the benefit stops at the end of the calendar month in which it has been paid for more
than 22 weeks within the preceding 9 months; the employer period does not count, reduced (partial) benefit
counts in full. `domain.deadlines.compute_deadlines` assumes an unbroken absence; when benefit pauses (or
benefit was paid in earlier cases), the case calls `recompute_reassessment` with those periods.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from domain.calendar_dk import add_working_days
from domain.rulesets import RuleSet

if TYPE_CHECKING:
    from domain.deadlines import CaseDeadlines


# --- calendar months ---------------------------------------------------------------------------------


def same_date_months_later(day: date, months: int) -> date:
    """The same calendar date `months` later; when it does not exist (31 Jan + 1 month), the
    first day of the month after (1 Mar). Later rather than earlier, so a period of whole months
    is never cut short."""
    if isinstance(months, bool) or not isinstance(months, int) or months < 0:
        raise ValueError(f"months must be a non-negative integer, got {months!r}")
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    try:
        return date(year, month0 + 1, day.day)
    except ValueError:
        return _first_of_next_month(date(year, month0 + 1, 1))


def month_end(day: date) -> date:
    """Last day of the calendar month of `day`."""
    return _first_of_next_month(day) - timedelta(days=1)


def _first_of_next_month(day: date) -> date:
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def _months_back(day: date, months: int) -> date:
    """First day of the month `months` calendar months before the month of `day`."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month0 + 1, 1)


# --- reassessment (§ 24) -------------------------------------------------------------------------------


class DatedPeriod(Protocol):
    """A period read by its `start` and `end` dates (domain.model.BenefitPause, EarlierBenefit)."""

    @property
    def start(self) -> date: ...

    @property
    def end(self) -> date: ...


Period = Sequence[date] | Sequence[str] | DatedPeriod
"""(from, to), both days included: a tuple in code, a list (of ISO strings or dates) after a JSON round
trip, or any object with `start` and `end` dates (domain.model.BenefitPause)."""


def reassessment_due_for(
    first_day: date,
    rules: RuleSet,
    no_benefit: Iterable[Period] = (),
    partial_benefit: Iterable[Period] = (),
    earlier_benefit: Iterable[Period] = (),
) -> date:
    """The § 24 date: the last day of the calendar month in which sickness benefit has been paid
    for more than N weeks (22) within the preceding 9 calendar months.

    - The employer period (the first `employer_period_days` = 30 days from the first day) does
      not count, whether or not a pause falls in it; a pause does not move it.
    - `no_benefit`: periods without benefit (the caseworker records them); their days do not count.
    - `partial_benefit`: periods of reduced benefit after a partial recovery. They count in full,
      exactly like full benefit (§ 24: "herunder nedsatte sygedagpenge"), so they never move the
      date; they are accepted so that a period recorded as both paused and partly paid is refused.
    - Benefit is counted in calendar days: more than 22 weeks = the 155th benefit day. For an
      unbroken absence that is day 185 (30 + 154 + 1), and the date is the end of its month.
    - The 9 months are read as the month being judged and the 8 before it.
    - `earlier_benefit`: days sickness benefit was paid in EARLIER cases of the same person (from the
      register, or entered by the caseworker for another municipality's). Those within the 9 months count
      too; only their days before this case's first day are read, so nothing is counted twice.
    """
    weeks = rules.reassessment_benefit_weeks or rules.reassessment_weeks
    threshold = 7 * weeks
    earlier = sorted(d for d in _days_in(earlier_benefit, "earlier_benefit") if d < first_day)
    paused = _days_in(no_benefit, "no_benefit")
    overlap = paused & _days_in(partial_benefit, "partial_benefit")
    if overlap:
        raise ValueError(f"{min(overlap).isoformat()} is recorded both without benefit and with partial benefit")
    benefit_start = first_day + timedelta(days=rules.employer_period_days)
    last_pause = max(max(paused, default=benefit_start), benefit_start)
    judged = month_end(benefit_start)
    # Benefit days run on after the last pause, so the count passes the threshold within
    # threshold days of it: the loop always ends.
    while judged <= month_end(last_pause + timedelta(days=threshold + 1)):
        window_from = _months_back(judged, rules.reassessment_window_months - 1)
        window_start = max(window_from, benefit_start)
        paid = (
            (judged - window_start).days
            + 1
            - sum(1 for d in paused if window_start <= d <= judged)
            + sum(1 for d in earlier if d >= window_from)
        )
        if paid > threshold:
            return judged
        judged = month_end(judged + timedelta(days=1))
    raise AssertionError("unreachable: benefit days after the last pause exceed the threshold")


def reassessment_task_day(reassessment_due: date, rules: RuleSet) -> date:
    """Working day the caseworker starts preparing the reassessment, counted back from its date."""
    return add_working_days(reassessment_due, -rules.reassessment_task_working_days_before, rules.closed_days)


def recompute_reassessment(
    deadlines: CaseDeadlines,
    rules: RuleSet,
    no_benefit: Iterable[Period] = (),
    partial_benefit: Iterable[Period] = (),
    earlier_benefit: Iterable[Period] = (),
) -> CaseDeadlines:
    """The case's deadlines with the reassessment date (and its task day) moved for the periods
    without benefit and the benefit of earlier cases. Partial benefit never moves it. Always uses the § 24
    month-end rule, also for a case whose rule set predates it: a recorded period is new, so no saved
    history depends on it."""
    due = reassessment_due_for(deadlines.first_day, rules, no_benefit, partial_benefit, earlier_benefit)
    return replace(deadlines, reassessment_due=due, reassessment_task_day=reassessment_task_day(due, rules))


def _days_in(periods: Iterable[Period], what: str) -> set[date]:
    days: set[date] = set()
    for index, period in enumerate(periods):
        if hasattr(period, "start") and hasattr(period, "end"):
            period = (period.start, period.end)
        if isinstance(period, (str, bytes)) or len(period) != 2:
            raise ValueError(f"{what}[{index}] must be a (from, to) pair of dates, got {period!r}")
        start, end = (date.fromisoformat(p) if isinstance(p, str) else p for p in period)
        if not isinstance(start, date) or not isinstance(end, date) or end < start:
            raise ValueError(f"{what}[{index}] must run from a date to the same or a later date, got {period!r}")
        days.update(start + timedelta(days=i) for i in range((end - start).days + 1))
    return days
