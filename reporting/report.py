"""The model's success criteria (STAR 2017) for one municipality and one period, read from the register.

`build_report(session, municipality, start, end, today)` reads a few columns with five queries and hands them
to `compute_report`, a pure function over plain facts. Every figure is computed for the whole municipality,
per caseworker and per team. Rendering (table, CSV, HTML) lives in reporting/render.py.

Definitions (the same text, in Danish, is the HTML page's footnote):
- Period: the cases of the municipality whose first day of absence (cases.first_day) lies in [start, end].
- Target group: cases.track == 'workplace' (triaged into the model). Meeting, measure and outcome figures
  count target-group cases only; case counts by track and end type count every case in the period.
- First meeting: the case's first meeting HELD, whatever its number (after a no-show the rebooked meeting is
  number 2 and is the first meeting); a case with no meeting held yet is judged by its first booked meeting
  (the lowest number), which is "not yet held". Held: meetings.status == 'held'; its time is held_at (the
  actual time), else the booked start. Dates are local (Europe/Copenhagen) calendar dates.
- At the workplace: share of target cases whose first meeting was held with meetings.actual_location ==
  'workplace', out of target cases whose first meeting was held (goal 70 %). The STAR 2017 sets the goal for cases of
  visitation categories 2 and 3: a target case of category 1 is left out; a case without a category (the 2026
  reform phased them out, or not recorded) counts.
- By the end of week 8: share of target cases whose first meeting was held on or before
  cases.first_meeting_due, out of target cases whose outcome is settled: the first meeting was held, or the
  due date has passed (due < today) without it. A case that ended on or before its due date without a first
  meeting owed none and is left out. Cases without a due date are left out.
- Breaches of the law and missed targets of the model are kept apart (docs/domain.md). The week-8 first meeting is
  statutory (§ 13 b) unless cases.first_meeting_kind is 'model_target' (the 2026 reform): then missing it is a
  missed target, not a breach.
- Breaches: every case with a deadline_breaches row of kind 'first_meeting' (reason 'recorded' when the dates
  alone do not show a breach), plus every target case with a statutory week 8 in the week-8 denominator that
  is not in its numerator (reason 'held_late' or 'not_held'), plus every case with a deadline_breaches row of
  ANY other kind the workflow records: 'fast_track' (§ 13 b stk. 2, the meeting within two weeks of a fast-
  track request), 'first_conversation' (the 2026 minimum of one conversation in six months) and any kind
  added later. The figure counts cases; the list has one row per case and kind, each with its reference.
- Missed targets: the same judgement for target cases whose week 8 is the model's target, plus every case with
  a missed_targets row of kind 'first_meeting'.
- Exits to work (STAR 2017: "raskmeldes helt eller delvis"), judged by the case's FINAL state: a closed target
  case counts when it ended in full recovery (or the old end type 'partial_recovery'); an open target case
  counts when a partial recovery is recorded (cases.partial_recovery_on). A case that recovered partly and
  then ended in dismissal, death, a move or end of benefit does not count. Out of target cases.
- Measure before week 13, per the jobindsats.dk measure the STAR 2017 names ("andelen, der får et virksomhedsrettet
  tilbud inden udgangen af 13. sygefraværsuge"): the base is the target cases whose absence lasted through
  week 13 -- week 13 has ended (today > first_day + 90 days) and the case had not ended by then (ended_on
  is None or > first_day + 90 days). A case that recovered before week 13 is not in the base, with or
  without a measure. The numerator: those with a measures row with before_week_13 true. The setting
  `report_measure_base` (MEASURE_BASES) chooses: 'running_at_week_13' (shipped, the definition above) or
  'all_target_cases' (every target case once its week 13 is over, ended early or not, or with a measure).
- Employer participation: share of held first meetings of target cases with meetings.employer_took_part true.
- Outcome one month after the end: closed target cases (closed_at set) by cases.outcome: 'work',
  'education', 'other'; when none of these is recorded: 'not_yet_due' while the month after the end has not
  passed (today < ended_on + 1 calendar month), else 'unknown'. The five shares share one denominator.
- Counts by triage track (cases.track; None = 'none', not triaged) and end type (cases.end_type; None = 'open').
- Median days from sick report to first meeting: over target cases with a held first meeting, days from the
  local date of cases.opened_at (the sick report reached the engine) to the local date of the meeting.
- Split by caseworker: cases.caseworker_id (the current responsible caseworker); by team: that caseworker's
  caseworkers.team_id, named by teams.name. Cases without a caseworker form their own group (id '').
- A share carries its numerator and denominator; its value is None when the denominator is 0.
The report reads no personal data: no CPR (citizen_identities is never read), no names of citizens.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from domain.deadlines import same_date_months_later

# The report's names are importable from here: its readers take Report, Share, FirstMeeting... with the build.
from reporting.figures import (  # noqa: F401
    END_TYPES,
    MEASURE_BASE_ALL,
    MEASURE_BASE_RUNNING,
    MEASURE_BASES,
    MEASURE_WEEKS,
    MODEL_TARGET,
    OUTCOMES,
    TARGET_TRACK,
    TRACKS,
    WORKPLACE,
    WORKPLACE_GOAL_CATEGORIES,
    Audience,
    Breach,
    CaseFacts,
    Figures,
    FirstMeeting,
    Median,
    Person,
    Report,
    Scope,
    ScopedFigures,
    Share,
)
from reporting.register_reading import first_meeting_of, load_case_facts, load_people  # noqa: F401

# ------------------------------------------------------------------------------------------- computation


@dataclass(frozen=True, slots=True)
class _Judged:
    """One case judged against the definitions: the building block of every figure."""

    facts: CaseFacts
    target: bool
    held: bool
    at_workplace: bool
    employer: bool
    week8_settled: bool
    on_time: bool
    measure_counted: bool
    breach_reason: str | None
    days_to_meeting: int | None
    workplace_goal: bool = False  # counts toward the 70 % goal (categories 2 and 3, or no category)
    target_reason: str | None = None  # the model's week-8 target missed
    exit_to_work: bool = False


def _judge(c: CaseFacts, today: date, measure_base: str = MEASURE_BASE_RUNNING) -> _Judged:
    target = c.track == TARGET_TRACK
    m = c.first_meeting
    held = target and m is not None and m.held_on is not None
    held_on = m.held_on if held else None
    due = c.first_meeting_due
    owed_none = not held and c.ended_on is not None and due is not None and c.ended_on <= due
    settled = target and due is not None and not owed_none and (held or due < today)
    on_time = settled and held and held_on <= due
    # Missing week 8: a breach where it is the law, a missed target where it is the model's own standard.
    missed = ("held_late" if held else "not_held") if settled and not on_time else None
    reason = target_reason = None
    if c.first_meeting_statutory:
        reason = missed or ("recorded" if c.breach_recorded else None)
    else:
        target_reason = missed or ("recorded" if c.target_missed_recorded else None)
        reason = "recorded" if c.breach_recorded else None  # recorded under older rules: still the law's
    week_13_ends = c.first_day + timedelta(days=7 * MEASURE_WEEKS - 1)
    lasted_13_weeks = today > week_13_ends and (c.ended_on is None or c.ended_on > week_13_ends)
    in_measure_base = lasted_13_weeks
    if measure_base == MEASURE_BASE_ALL:  # the older reading: every case once its week 13 is over
        in_measure_base = today > week_13_ends or c.measure_before_week_13
    # By the final state: a partial recovery followed by dismissal, death or a move is not an exit to work.
    if c.closed:
        exit_to_work = c.end_type in ("full_recovery", "partial_recovery")
    else:
        exit_to_work = c.partial_recovery_on is not None
    return _Judged(
        facts=c,
        target=target,
        held=held,
        at_workplace=held and m.at_workplace,
        employer=held and m.employer_took_part,
        week8_settled=settled,
        on_time=on_time,
        measure_counted=target and in_measure_base,
        breach_reason=reason,
        days_to_meeting=(held_on - c.opened_on).days if held else None,
        workplace_goal=held and (c.category is None or c.category in WORKPLACE_GOAL_CATEGORIES),
        target_reason=target_reason,
        exit_to_work=target and exit_to_work,
    )


def _figures(items: list[_Judged], track_keys: tuple[str, ...], end_keys: tuple[str, ...], today: date) -> Figures:
    """All figures for one scope in a single pass over its cases."""
    n = Counter()
    tracks, ends, outcomes, days = Counter(), Counter(), Counter(), []
    for j in items:
        c = j.facts
        tracks[c.track or "none"] += 1
        ends[c.end_type or "open"] += 1
        n["target"] += j.target
        n["held"] += j.held
        n["goal_held"] += j.workplace_goal
        n["at_workplace"] += j.workplace_goal and j.at_workplace
        n["employer"] += j.employer
        n["week8"] += j.week8_settled
        n["on_time"] += j.on_time
        n["measure_base"] += j.measure_counted
        n["measure"] += j.measure_counted and c.measure_before_week_13
        n["breaches"] += j.breach_reason is not None or bool(c.other_breaches)
        n["missed_targets"] += j.target_reason is not None
        n["exits"] += j.exit_to_work
        if j.target and c.closed:
            n["closed"] += 1
            outcomes[_outcome_of(c, today)] += 1
        if j.days_to_meeting is not None:
            days.append(j.days_to_meeting)
    return Figures(
        cases=len(items),
        target_cases=n["target"],
        workplace_first_meeting=Share(n["at_workplace"], n["goal_held"]),
        first_meeting_by_week_8=Share(n["on_time"], n["week8"]),
        measure_before_week_13=Share(n["measure"], n["measure_base"]),
        employer_took_part=Share(n["employer"], n["held"]),
        outcomes={o: Share(outcomes[o], n["closed"]) for o in OUTCOMES},
        by_track={k: tracks[k] for k in track_keys},
        by_end_type={k: ends[k] for k in end_keys},
        median_days_to_first_meeting=Median(float(statistics.median(days)) if days else None, len(days)),
        breaches=n["breaches"],
        missed_targets=n["missed_targets"],
        exits_to_work=Share(n["exits"], n["target"]),
    )


def _outcome_of(c: CaseFacts, today: date) -> str:
    if c.outcome in ("work", "education", "other"):
        return c.outcome
    # The outcome is what the person did a month after the end: before then it cannot be known yet.
    if c.ended_on is not None and today < same_date_months_later(c.ended_on, 1):
        return "not_yet_due"
    return "unknown"


def _keys(known: tuple[str, ...], found: Iterable[str]) -> tuple[str, ...]:
    return known + tuple(sorted(set(found) - set(known)))


def compute_report(
    facts: Iterable[CaseFacts],
    people: Mapping[str, Person],
    *,
    municipality: str,
    start: date,
    end: date,
    today: date,
    measure_base: str = MEASURE_BASE_RUNNING,
) -> Report:
    """The whole report from plain facts: no database, no clock."""
    if measure_base not in MEASURE_BASES:
        raise ValueError(f"measure_base must be one of {', '.join(MEASURE_BASES)}, got {measure_base!r}")
    judged = [_judge(c, today, measure_base) for c in facts]
    track_keys = _keys(TRACKS, (j.facts.track or "none" for j in judged))
    end_keys = _keys(END_TYPES, (j.facts.end_type or "open" for j in judged))
    nobody = Person("", "", "")

    def person(j: _Judged) -> Person:
        return people.get(j.facts.caseworker_id, nobody)

    def split(kind: str, key, name) -> tuple[ScopedFigures, ...]:
        groups: dict[str, list[_Judged]] = {}
        for j in judged:
            groups.setdefault(key(j), []).append(j)
        scopes = [
            ScopedFigures(Scope(kind, gid, name(items[0])), _figures(items, track_keys, end_keys, today))
            for gid, items in groups.items()
        ]
        # By name; the group without a caseworker (or team) last.
        return tuple(sorted(scopes, key=lambda s: (s.scope.id == "", s.scope.name.lower(), s.scope.id)))

    def row(j: _Judged, reason: str, recorded: bool, *, kind: str = "first_meeting", due: date | None = None) -> Breach:
        return Breach(
            reference=j.facts.reference,
            caseworker_id=j.facts.caseworker_id,
            caseworker_name=person(j).name,
            team_id=person(j).team_id,
            team_name=person(j).team_name,
            first_day=j.facts.first_day,
            due=due or j.facts.first_meeting_due,
            held_on=j.facts.first_meeting.held_on if j.held else None,
            reason=reason,
            recorded=recorded,
            kind=kind,
        )

    def in_order(found) -> tuple[Breach, ...]:
        return tuple(sorted(found, key=lambda b: (b.due or date.max, b.reference, b.kind)))

    breaches = in_order(
        [row(j, j.breach_reason, j.facts.breach_recorded) for j in judged if j.breach_reason is not None]
        + [row(j, "recorded", True, kind=kind, due=due) for j in judged for kind, due in j.facts.other_breaches]
    )
    missed_targets = in_order(
        row(j, j.target_reason, j.facts.target_missed_recorded) for j in judged if j.target_reason is not None
    )
    return Report(
        municipality=municipality,
        start=start,
        end=end,
        today=today,
        overall=_figures(judged, track_keys, end_keys, today),
        by_team=split("team", lambda j: person(j).team_id, lambda j: person(j).team_name),
        by_caseworker=split("caseworker", lambda j: j.facts.caseworker_id, lambda j: person(j).name),
        breaches=breaches,
        missed_targets=missed_targets,
    )


def build_report(
    session: Session,
    municipality: str,
    start: date,
    end: date,
    today: date,
    measure_base: str = MEASURE_BASE_RUNNING,
    audience: Audience | None = None,
) -> Report:
    """The report for `municipality`, cases whose first day of absence is in [start, end], as of `today`;
    with `audience`, of that audience's cases only (the whole municipality's is for the command line)."""
    if start > end:
        raise ValueError(f"start {start.isoformat()} is after end {end.isoformat()}")
    facts = load_case_facts(session, municipality, start, end)
    if audience is not None:
        facts = [f for f in facts if f.caseworker_id in audience.caseworkers]
    people = load_people(session, (f.caseworker_id for f in facts))
    report = compute_report(
        facts, people, municipality=municipality, start=start, end=end, today=today, measure_base=measure_base
    )
    return replace(report, audience=audience.name) if audience is not None else report
