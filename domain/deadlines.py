"""Deadline arithmetic for a sick-leave case.

Conventions (one for every "within N weeks" rule, so they can be compared):
- Day 1 is the first day of absence. Week k of absence is days 7(k-1)+1 .. 7k.
- "Before the end of week N" / "within N weeks" is met on or before day 7N, i.e.
  first_day + 7N - 1 days. For the employer's rules ("within 4/5 weeks after the first
  day") this is one day stricter than a literal "+28/+35 days", which is deliberate: the
  engine must never call a late action on time.
- Statutory deadlines are calendar dates. A weekend or holiday never moves them later;
  where an action must happen on a working day the engine uses the last working day
  on or before the deadline.
- Reminders, invitations and escalations are placed on working days.
- A deadline the CITIZEN must meet (the information form, § 11) is the literal date: calling an
  answer late that the law calls on time would be the worse error there.
- "Within N months" (the 2026 minimum of one conversation in six months) ends the day before
  the same calendar date N months later; when that date does not exist (31 Aug + 6 months),
  the period ends on the last day of the shorter month. Never rounded up to a month end: the
  law gives no such extra time, and this matches the "day 7N" rule for weeks.

Every deadline has a kind (see `Deadline`): STATUTORY, with the paragraph that sets it, or
MODEL_TARGET, the municipality's own standard from the model "Sammen om fastholdelse" (STAR 2017, docs/domain.md)
above the legal minimum. A missed target is not a breach of the law, and reports keep them apart.

Reassessment (§ 24): the benefit stops at the end of the calendar month in which it has been
paid for more than 22 weeks within the preceding 9 months; the employer period does not count,
reduced (partial) benefit counts in full. `compute_deadlines` assumes an unbroken absence; when
benefit pauses, the workflow calls `recompute_reassessment` with the periods without benefit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from domain.calendar_dk import add_bank_days, add_working_days, working_day_on_or_after, working_day_on_or_before

# § 24 and calendar months live in domain.reassessment; the names stay importable from here as well.
from domain.reassessment import (  # noqa: F401
    Period,
    month_end,
    reassessment_due_for,
    reassessment_task_day,
    recompute_reassessment,
    same_date_months_later,
)
from domain.rulesets import RuleSet

REQUESTED_BY_EMPLOYEE = "employee"
REQUESTED_BY_EMPLOYER = "employer"


class DeadlineKind(StrEnum):
    STATUTORY = "statutory"  # set by law: a miss is a breach
    MODEL_TARGET = "model_target"  # the municipality's own standard (the model): a miss is a missed target


STATUTORY = DeadlineKind.STATUTORY.value
MODEL_TARGET = DeadlineKind.MODEL_TARGET.value

# Where each deadline comes from, as shown to caseworkers, auditors and in reports.
SOURCE_EMPLOYER_CONVERSATION = "sygedagpengeloven § 7 a"
SOURCE_EMPLOYER_REPORT = "sygedagpengeloven § 40"
SOURCE_INFO_FORM = "sygedagpengeloven § 11, stk. 3"
SOURCE_FIRST_MEETING_LAW = "sygedagpengeloven § 13 b"
SOURCE_FAST_TRACK = "sygedagpengeloven § 7 c og § 13 b"
SOURCE_FAST_TRACK_CONSENT = "bekendtgørelse om opfølgning i sygedagpengesager § 4"
SOURCE_REASSESSMENT = "sygedagpengeloven § 24"
SOURCE_2026_MINIMUM = "lov nr. 1750 af 29. december 2025 (L 66, 2025-26)"
SOURCE_MODEL = "Sammen om fastholdelse (STAR 2017)"


# How a miss is named to people (timeline, task e-mails, reports): a breach of the law is not the
# same thing as a missed target of the municipality's own model.
MISS_DANISH = {STATUTORY: "lovfrist overskredet", MODEL_TARGET: "modellens mål ikke nået"}


@dataclass(frozen=True)
class Deadline:
    """One dated obligation with what kind it is and where it comes from."""

    name: str  # stable key: first_meeting, first_conversation, reassessment, ...
    due: date
    kind: str  # DeadlineKind value
    source: str  # the paragraph (statutory) or the model (model target)

    @property
    def statutory(self) -> bool:
        return self.kind == STATUTORY

    @property
    def miss_danish(self) -> str:
        """What missing it is called: a breach (statutory) or a missed target (model)."""
        return MISS_DANISH[self.kind]


@dataclass(frozen=True)
class CaseDeadlines:
    first_day: date
    employer_period_end: date  # last day the employer pays (day 30)
    employer_conversation_due: date  # end of week 4 (law §7a)
    employer_report_due: date  # end of week 5: § 40 stk. 1, employer paying salary (see employer_report_due())
    first_meeting_due: date  # end of week 8: statutory (§ 13 b) or the model's target, see first_meeting_kind
    latest_meeting_day: date  # last working day on or before first_meeting_due
    booking_escalation_day: date  # team lead is told if nothing is booked by then
    measure_due: date  # end of week 13 (STAR 2017's success criterion): a model target
    reassessment_due: date  # § 24: month end after > 22 benefit weeks (legacy sets: end of week 22)
    reassessment_task_day: date  # caseworker starts preparing the reassessment
    # Added after cases were running (defaults keep payloads of running cases readable).
    first_meeting_kind: str = STATUTORY  # MODEL_TARGET from the 2026 reform
    first_meeting_source: str = SOURCE_FIRST_MEETING_LAW
    first_conversation_due: date | None = None  # 2026 reform: the statutory minimum, one conversation in 6 months

    def all(self) -> tuple[Deadline, ...]:
        """Every deadline of the case with its kind and source, in date order.

        Working days derived from them (latest_meeting_day, escalation and task days) are
        the engine's own planning, not deadlines, and are left out.
        """
        found = [
            Deadline("employer_conversation", self.employer_conversation_due, STATUTORY, SOURCE_EMPLOYER_CONVERSATION),
            Deadline("employer_report", self.employer_report_due, STATUTORY, SOURCE_EMPLOYER_REPORT),
            Deadline("first_meeting", self.first_meeting_due, self.first_meeting_kind, self.first_meeting_source),
            Deadline("measure", self.measure_due, MODEL_TARGET, SOURCE_MODEL),
            Deadline("reassessment", self.reassessment_due, STATUTORY, SOURCE_REASSESSMENT),
        ]
        if self.first_conversation_due is not None:
            found.append(Deadline("first_conversation", self.first_conversation_due, STATUTORY, SOURCE_2026_MINIMUM))
        return tuple(sorted(found, key=lambda d: (d.due, d.name)))

    def statutory(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.all() if d.kind == STATUTORY)

    def model_targets(self) -> tuple[Deadline, ...]:
        return tuple(d for d in self.all() if d.kind == MODEL_TARGET)


def end_of_week(first_day: date, week: int) -> date:
    """Last calendar day of week `week` of absence (week 1 ends on first_day + 6)."""
    if week < 1:
        raise ValueError(f"week must be 1 or more, got {week}")
    return first_day + timedelta(days=7 * week - 1)


def week_of_absence(first_day: date, day: date) -> int:
    """1-based week of absence that `day` falls in. ValueError before the first day."""
    if day < first_day:
        raise ValueError(f"{day.isoformat()} is before the first day of absence {first_day.isoformat()}")
    return (day - first_day).days // 7 + 1


def compute_deadlines(first_day: date, rules: RuleSet) -> CaseDeadlines:
    """All deadlines of a case with an unbroken absence, from its first day and rule set."""
    closed = rules.closed_days
    first_meeting_due = end_of_week(first_day, rules.first_meeting_weeks)
    latest_meeting_day = working_day_on_or_before(first_meeting_due, closed)
    if rules.reassessment_benefit_weeks is None:
        # A rule set saved before the § 24 rule was modelled (a running case's history):
        # keep the date it was given, so the case replays.
        reassessment_due = end_of_week(first_day, rules.reassessment_weeks)
    else:
        reassessment_due = reassessment_due_for(first_day, rules)
    return CaseDeadlines(
        first_day=first_day,
        employer_period_end=first_day + timedelta(days=rules.employer_period_days - 1),
        employer_conversation_due=end_of_week(first_day, rules.employer_conversation_weeks),
        employer_report_due=end_of_week(first_day, rules.employer_report_weeks),
        first_meeting_due=first_meeting_due,
        latest_meeting_day=latest_meeting_day,
        booking_escalation_day=add_working_days(latest_meeting_day, -rules.booking_escalation_working_days, closed),
        measure_due=end_of_week(first_day, rules.measure_weeks),
        reassessment_due=reassessment_due,
        reassessment_task_day=reassessment_task_day(reassessment_due, rules),
        first_meeting_kind=first_meeting_kind(rules),
        first_meeting_source=first_meeting_source(rules),
        first_conversation_due=statutory_first_conversation_due(first_day, rules),
    )


# --- first meeting: statutory or the model's target -------------------------------------------------


def first_meeting_kind(rules: RuleSet) -> str:
    """STATUTORY while § 13 b requires the first meeting before the end of week 8 (from 1 Jan
    2015 until the 2026 reform); MODEL_TARGET under a rule set that says the law no longer does,
    where the week-8 workplace meeting is the municipality's own standard (STAR 2017)."""
    return STATUTORY if rules.first_meeting_statutory else MODEL_TARGET


def first_meeting_source(rules: RuleSet) -> str:
    return SOURCE_FIRST_MEETING_LAW if rules.first_meeting_statutory else SOURCE_MODEL


def first_meeting_deadline(first_day: date, rules: RuleSet) -> Deadline:
    return Deadline(
        "first_meeting",
        end_of_week(first_day, rules.first_meeting_weeks),
        first_meeting_kind(rules),
        first_meeting_source(rules),
    )


def statutory_first_conversation_due(first_day: date, rules: RuleSet) -> date | None:
    """Last day for the one follow-up conversation the 2026 reform requires within the first six
    months (None under earlier rule sets). By the rule set's `six_months_end` (unconfirmed, docs/domain.md):
    - "day_before" (shipped): the six months end the day before the same date six months on (see the
      module notes): first day 1 Jul 2026 -> 31 Dec 2026; 31 Aug 2026 -> 28 Feb 2027.
    - "same_date": on the same date six months on, or the last day of a shorter month (forældelsesloven
      § 27 reckons its own periods so): 1 Jul 2026 -> 1 Jan 2027; 31 Aug 2026 -> 28 Feb 2027."""
    months = rules.statutory_first_conversation_months
    if months is None:
        return None
    if rules.six_months_end == "same_date":
        year, month0 = divmod(first_day.month - 1 + months, 12)
        last = month_end(date(first_day.year + year, month0 + 1, 1))
        return min(last, date(last.year, last.month, min(first_day.day, last.day)))
    return same_date_months_later(first_day, months) - timedelta(days=1)


def fast_track_consent_due(request_day: date, rules: RuleSet) -> date:
    """Last day for the employee to agree to the EMPLOYER's fast-track request: 2 bank days after
    the letter telling them of it, which Nemrefusion sends on the day of the request
    (bekendtgørelse om opfølgning i sygedagpengesager § 4, stk. 1). Bank days, not the
    municipality's working days: see calendar_dk."""
    return add_bank_days(request_day, rules.fast_track_consent_bank_days)


def fast_track_due(request_day: date, rules: RuleSet) -> date:
    """Last day for a fast-track meeting: request day + 14 days, pulled back to a working day.

    The caller takes the earlier of this and the ordinary latest_meeting_day.
    """
    return working_day_on_or_before(request_day + timedelta(days=rules.fast_track_days), rules.closed_days)


def fast_track_allowed(requested_by: str, request_day: date, first_day: date, rules: RuleSet) -> bool:
    """Whether a fast-track request is valid: the employee always, the employer only in
    the first N weeks of absence (law §7c).

    Raises ValueError for an unknown requester or a request before the first day.
    """
    week = week_of_absence(first_day, request_day)
    if requested_by == REQUESTED_BY_EMPLOYEE:
        return True
    if requested_by == REQUESTED_BY_EMPLOYER:
        return week <= rules.fast_track_employer_window_weeks
    raise ValueError(
        f"requested_by must be {REQUESTED_BY_EMPLOYEE!r} or {REQUESTED_BY_EMPLOYER!r}, got {requested_by!r}"
    )


def reminder_day(meeting_day: date, rules: RuleSet) -> date:
    """Working day to send the meeting reminder.

    Accepts an aware datetime too (a booked slot); its own local date is used.
    """
    if isinstance(meeting_day, datetime):
        meeting_day = meeting_day.date()
    return add_working_days(meeting_day, -rules.meeting_reminder_working_days, rules.closed_days)


def next_followup_due(last_meeting_day: date, rules: RuleSet) -> date:
    """Latest day for the next follow-up: N weeks after the last one, pulled back to a working day."""
    if isinstance(last_meeting_day, datetime):
        last_meeting_day = last_meeting_day.date()
    return working_day_on_or_before(
        last_meeting_day + timedelta(weeks=rules.followup_interval_weeks), rules.closed_days
    )


def outcome_request_day(end_day: date, rules: RuleSet) -> date:
    """Working day to ask for the outcome (work or education) one calendar month after the case
    ended (STAR 2017: "en måned efter afsluttet forløb").

    Not statutory, so it moves later rather than earlier: asking early would measure too soon.
    A rule set without `outcome_after_months` (saved by a case started before it existed) keeps
    its `outcome_after_days`, so that case replays.
    """
    if rules.outcome_after_months is None:
        measured = end_day + timedelta(days=rules.outcome_after_days)
    else:
        measured = same_date_months_later(end_day, rules.outcome_after_months)
    return working_day_on_or_after(measured, rules.closed_days)


# --- employer's report (§ 40) ------------------------------------------------------------------------


class EmployerPays(StrEnum):
    """What the employer pays during the absence; it decides the § 40 report deadline."""

    SALARY = "salary"  # § 40 stk. 1: full or part salary -> 5 weeks after the first day
    BENEFIT = "benefit"  # § 40 stk. 2: sickness benefit in the employer period -> 1 week after it stops
    NOTHING = "nothing"  # § 40 stk. 3: neither salary nor benefit -> 14 days after the first day


def employer_report_due(first_day: date, pays: str, rules: RuleSet, own_payment_ends: date | None = None) -> date:
    """Last day for the employer to report the absence to the municipality (§ 40).

    Counted like every employer rule here: the reference day is day 1, so "within 14 days" is
    day 14 and "1 week after the payment stops" is the 7th day counting the last day paid.
    `own_payment_ends` is the employer's last day of paying benefit (BENEFIT only); by
    default the end of the employer period.
    """
    kind = EmployerPays(pays)
    if kind is EmployerPays.SALARY:
        return end_of_week(first_day, rules.employer_report_weeks)
    if kind is EmployerPays.NOTHING:
        return first_day + timedelta(days=rules.employer_report_days_when_unpaid - 1)
    stopped = own_payment_ends or first_day + timedelta(days=rules.employer_period_days - 1)
    if stopped < first_day:
        raise ValueError(f"the employer's payment cannot end ({stopped.isoformat()}) before the first day")
    return end_of_week(stopped, rules.employer_report_weeks_after_own_payment)


# --- information form (oplysningsskema, § 11) --------------------------------------------------------


@dataclass(frozen=True)
class InfoFormDates:
    """The dates that follow from sending the information form to the employee."""

    sent_on: date
    answer_due: date  # statutory: § 11, stk. 3, 8 days after it was sent (unless agreed otherwise)
    reminder_day: date  # working day for a reminder to the employee before the answer is due
    task_day: date  # working day the caseworker is asked to act when no answer has come

    def deadline(self) -> Deadline:
        return Deadline("info_form", self.answer_due, STATUTORY, SOURCE_INFO_FORM)


def info_form_dates(sent_on: date, rules: RuleSet, answer_due: date | None = None) -> InfoFormDates:
    """Answer due, reminder and caseworker task for an information form sent on `sent_on`.

    The answer is due on the literal date, sent + 8 days: it is the citizen's deadline. A later
    date agreed with the municipality ("medmindre andet aftales") is passed as `answer_due`.
    The reminder goes out N working days before it, never before the first working day after
    sending; the task comes N working days after it.
    """
    due = answer_due or sent_on + timedelta(days=rules.info_form_answer_days)
    if due < sent_on:
        raise ValueError(f"the answer cannot be due ({due.isoformat()}) before the form was sent")
    closed = rules.closed_days
    earliest = add_working_days(sent_on, 1, closed)
    reminder = max(add_working_days(due, -rules.info_form_reminder_working_days_before, closed), earliest)
    return InfoFormDates(
        sent_on=sent_on,
        answer_due=due,
        reminder_day=reminder,
        task_day=add_working_days(due, rules.info_form_task_working_days_after, closed),
    )
