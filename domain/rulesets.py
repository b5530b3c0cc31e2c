"""Dated rule sets: the legal numbers the engine works with, as data.

The law changes (2014 reform, the agreement of 14 March 2024 enacted by L 74 from 1 January
2025, the 2026 employment reform), and a case keeps the rules in force on its first day of
absence, unless a later set says that running cases switch to it on its date (`transition`).
The values live in config/rulesets.yaml; this module parses and selects them.

Fields added after cases were already running default to the OLD behaviour: a RuleSet read
back from a saved workflow history lacks them, and replay must compute what it computed then.
The shipped YAML sets them explicitly, so new cases follow the law as now understood.

Everything except `load_rulesets` is pure. `load_rulesets` reads a file and therefore
belongs in an activity or at worker start, never in workflow code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from domain.calendar_dk import DEFAULT_CLOSED_DAYS, normalise_closed_days

DEFAULT_RULESETS_PATH = Path(__file__).parent.parent / "config" / "rulesets.yaml"


TRANSITION_FIRST_DAY = "first_day"
"""A case follows the set in force on its first day of absence, for its whole life (the default)."""
TRANSITION_ALL_RUNNING = "all_running_cases"
"""Every case still running on the set's valid_from switches to it on that date."""
TRANSITIONS = (TRANSITION_FIRST_DAY, TRANSITION_ALL_RUNNING)

SIX_MONTHS_DAY_BEFORE = "day_before"
""""Within the first six months" of the absence, day 1 being the first day: ends the day before the same date six
months on (1 July -> 31 December), like "before the end of week 8" ends on day 56."""
SIX_MONTHS_SAME_DATE = "same_date"
"""Danish reckoning of a period that runs FROM a day (not counted): it ends on the same date six months on (1 July
-> 1 January), or on the last day of the month when there is no such date (forældelsesloven § 27, stk. 1)."""
SIX_MONTHS_ENDS = (SIX_MONTHS_DAY_BEFORE, SIX_MONTHS_SAME_DATE)


@dataclass(frozen=True)
class RuleSet:
    """The numbers in force for cases whose first day of absence is on or after `valid_from`.

    Plain fields only, so Temporal can carry it in workflow input and state. Lists that
    come back from JSON are turned into tuples again on construction.
    """

    name: str
    valid_from: date
    first_meeting_weeks: int = 8
    fast_track_days: int = 14
    fast_track_employer_window_weeks: int = 5
    measure_weeks: int = 13
    reassessment_weeks: int = 22
    reassessment_task_working_days_before: int = 15
    employer_period_days: int = 30
    employer_report_weeks: int = 5
    employer_conversation_weeks: int = 4
    target_min_expected_weeks: int = 8
    watch_only_below_weeks: int | None = None
    followups_first_6_months: int = 4
    followup_interval_weeks: int = 4
    predictable_return_weeks: int | None = None
    employer_reminder_working_days: int = 3
    employer_escalation_working_days: int = 5
    booking_escalation_working_days: int = 5
    meeting_reminder_working_days: int = 2
    outcome_after_days: int = 30  # legacy: used only when outcome_after_months is None
    triage_categories: tuple[int, ...] = (1, 2)  # empty: no visitation categories (2026 reform)
    closed_days: tuple[tuple[int, int], ...] = field(default=DEFAULT_CLOSED_DAYS)
    # --- added after cases were running; every default keeps what a case started before it computed -----------
    reassessment_benefit_weeks: int | None = None  # § 24: None = legacy "end of week reassessment_weeks"
    reassessment_window_months: int = 9  # § 24: "i de 9 forudgående kalendermåneder"
    outcome_after_months: int | None = None  # STAR 2017: "en måned efter afsluttet forløb"
    first_meeting_statutory: bool = True  # False: the week-8 meeting is the model's own target only
    statutory_first_conversation_months: int | None = None  # 2026 reform: one conversation within 6 months
    employer_estimate_required: bool = False  # 2026 reform: watch only when BOTH estimates are known and short
    transition: str = TRANSITION_FIRST_DAY  # which cases this set covers, see rule_set_for
    fast_track_consent_bank_days: int = 2  # bekendtgørelse om opfølgning i sygedagpengesager § 4
    employer_report_days_when_unpaid: int = 14  # § 40 stk. 3
    employer_report_weeks_after_own_payment: int = 1  # § 40 stk. 2
    info_form_answer_days: int = 8  # § 11 stk. 3
    info_form_reminder_working_days_before: int = 2  # local practice
    info_form_task_working_days_after: int = 1  # local practice
    # --- added for the reform as lived; the default keeps what a case started before it computed -------------
    six_months_end: str = "day_before"  # see SIX_MONTHS_ENDS and statutory_first_conversation_due

    def __post_init__(self) -> None:
        # Temporal's JSON converters may hand back lists; tuples keep the object hashable
        # and equal to the one that was sent.
        object.__setattr__(self, "triage_categories", tuple(self.triage_categories))
        if self.six_months_end not in SIX_MONTHS_ENDS:
            raise ValueError(f"six_months_end must be one of {', '.join(SIX_MONTHS_ENDS)}, got {self.six_months_end!r}")
        if self.transition not in TRANSITIONS:
            raise ValueError(f"transition must be one of {', '.join(TRANSITIONS)}, got {self.transition!r}")
        object.__setattr__(self, "closed_days", normalise_closed_days(self.closed_days))
        if isinstance(self.valid_from, str):
            object.__setattr__(self, "valid_from", date.fromisoformat(self.valid_from))


_FIELDS = {f.name: f for f in dataclasses.fields(RuleSet)}
_REQUIRED = ("name", "valid_from")
_OPTIONAL_INTS = {
    "watch_only_below_weeks",
    "predictable_return_weeks",
    "reassessment_benefit_weeks",
    "outcome_after_months",
    "statutory_first_conversation_months",
}
_BOOLS = {"first_meeting_statutory", "employer_estimate_required"}
_STRINGS = {"transition", "six_months_end"}
_INTS = set(_FIELDS) - {"name", "valid_from", "triage_categories", "closed_days"} - _BOOLS - _STRINGS


def rulesets_from_data(data: Mapping[str, Any]) -> tuple[RuleSet, ...]:
    """Parse the YAML document (already loaded as a dict) into rule sets sorted by valid_from.

    Expected shape: {"closed_days": [[m, d], ...] (optional), "rulesets": [{...}, ...]}.
    A rule set may override the top-level closed_days. Raises ValueError naming the
    offending key, so a typo in the config fails at start-up rather than in a case.
    """
    if not isinstance(data, Mapping):
        raise ValueError(f"rule-set document must be a mapping, got {type(data).__name__}")
    unknown = set(data) - {"closed_days", "rulesets"}
    if unknown:
        raise ValueError(f"unknown top-level key(s) in rule-set document: {', '.join(sorted(map(str, unknown)))}")

    closed_days = DEFAULT_CLOSED_DAYS
    if "closed_days" in data:
        closed_days = _closed_days(data["closed_days"], "closed_days")

    entries = data.get("rulesets")
    if not isinstance(entries, list) or not entries:
        raise ValueError("'rulesets' must be a non-empty list of rule sets")

    parsed = [_ruleset(entry, f"rulesets[{i}]", closed_days) for i, entry in enumerate(entries)]
    parsed.sort(key=lambda r: r.valid_from)
    for earlier, later in pairwise(parsed):
        if earlier.valid_from == later.valid_from:
            raise ValueError(
                f"rule sets {earlier.name!r} and {later.name!r} share valid_from {later.valid_from.isoformat()}"
            )
    return tuple(parsed)


def load_rulesets(path: str | Path | None = None) -> tuple[RuleSet, ...]:
    """Read and parse the rule-set YAML. I/O: call from an activity or at start-up only."""
    import yaml  # imported here so workflow code importing this module never needs it

    source = Path(path) if path is not None else DEFAULT_RULESETS_PATH
    with source.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    try:
        return rulesets_from_data(data)
    except ValueError as err:
        raise ValueError(f"{source}: {err}") from err


def ruleset_for(first_day: date, rulesets: Sequence[RuleSet]) -> RuleSet:
    """The rule set in force on `first_day`: the latest one with valid_from <= first_day."""
    in_force = [r for r in rulesets if r.valid_from <= first_day]
    if not in_force:
        earliest = min((r.valid_from for r in rulesets), default=None)
        if earliest is None:
            raise ValueError("no rule sets given")
        raise ValueError(f"no rule set in force on {first_day.isoformat()}: the earliest starts {earliest.isoformat()}")
    return max(in_force, key=lambda r: r.valid_from)


def rule_set_for(first_day: date, today: date, rulesets: Sequence[RuleSet]) -> RuleSet:
    """The rule set a case follows on `today`.

    By default a case keeps the set in force on its first day of absence (`ruleset_for`). A
    later set whose `transition` is TRANSITION_ALL_RUNNING takes over every case still
    running on its valid_from, so from that date such a case follows it too. The later of the
    two wins. `today` before `first_day` (a case registered ahead of time) changes nothing.
    """
    chosen = ruleset_for(first_day, rulesets)
    switched = [
        r for r in rulesets if r.transition == TRANSITION_ALL_RUNNING and chosen.valid_from < r.valid_from <= today
    ]
    return max(switched, key=lambda r: r.valid_from, default=chosen)


def next_rule_set_switch(first_day: date, today: date, rulesets: Sequence[RuleSet]) -> date | None:
    """The next date after `today` on which a case with this first day changes rule set, or None.

    The workflow sets a timer for it (`rule_set_plan`) and switches to the set in force on that day.
    """
    current = rule_set_for(first_day, today, rulesets)
    later = [
        r.valid_from
        for r in rulesets
        if r.transition == TRANSITION_ALL_RUNNING and r.valid_from > max(today, current.valid_from)
    ]
    return min(later, default=None)


def _ruleset(entry: Any, where: str, closed_days: tuple[tuple[int, int], ...]) -> RuleSet:
    if not isinstance(entry, Mapping):
        raise ValueError(f"{where} must be a mapping, got {type(entry).__name__}")
    unknown = set(entry) - set(_FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s): {', '.join(sorted(map(str, unknown)))}")
    for key in _REQUIRED:
        if key not in entry:
            raise ValueError(f"{where}: missing required field '{key}'")

    name = entry["name"]
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: field 'name' must be a non-empty string")
    where = f"{where} ({name})"

    values: dict[str, Any] = {"name": name, "valid_from": _date(entry["valid_from"], f"{where}: field 'valid_from'")}
    for key, value in entry.items():
        if key in _INTS:
            values[key] = _positive_int(value, f"{where}: field '{key}'", optional=key in _OPTIONAL_INTS)
        elif key in _BOOLS:
            if not isinstance(value, bool):
                raise ValueError(f"{where}: field '{key}' must be true or false, got {value!r}")
            values[key] = value
    if "transition" in entry:
        if entry["transition"] not in TRANSITIONS:
            raise ValueError(
                f"{where}: field 'transition' must be one of {', '.join(TRANSITIONS)}, got {entry['transition']!r}"
            )
        values["transition"] = entry["transition"]
    if "six_months_end" in entry:
        if entry["six_months_end"] not in SIX_MONTHS_ENDS:
            raise ValueError(
                f"{where}: field 'six_months_end' must be one of {', '.join(SIX_MONTHS_ENDS)}, "
                f"got {entry['six_months_end']!r}"
            )
        values["six_months_end"] = entry["six_months_end"]
    if "triage_categories" in entry:
        values["triage_categories"] = _categories(entry["triage_categories"], f"{where}: field 'triage_categories'")
    values["closed_days"] = (
        _closed_days(entry["closed_days"], f"{where}: field 'closed_days'") if "closed_days" in entry else closed_days
    )
    return RuleSet(**values)


def _date(value: Any, what: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"{what} must be a date (YYYY-MM-DD), got {value!r}")


def _positive_int(value: Any, what: str, *, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        allowed = "a positive integer or null" if optional else "a positive integer"
        raise ValueError(f"{what} must be {allowed}, got {value!r}")
    return value


def _categories(value: Any, what: str) -> tuple[int, ...]:
    # An empty list is allowed: from the 2026 reform there are no visitation categories.
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list of integers (empty: no categories), got {value!r}")
    return tuple(_positive_int(v, what, optional=False) for v in value)  # type: ignore[misc]


def _closed_days(value: Any, what: str) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list of [month, day] pairs, got {value!r}")
    try:
        return normalise_closed_days(value)
    except ValueError as err:
        raise ValueError(f"{what}: {err}") from None


@dataclass(frozen=True)
class RuleSetSwitch:
    """A later set that takes over a running case on its date (`transition: all_running_cases`)."""

    on: date
    rules: RuleSet


@dataclass(frozen=True)
class RuleSetPlan:
    """The set a case follows today, and the next switch ahead of it (None: it keeps this set to its end)."""

    current: RuleSet
    switch: RuleSetSwitch | None = None


def rule_set_plan(first_day: date, today: date, rulesets: Sequence[RuleSet]) -> RuleSetPlan:
    """What a case with this first day follows on `today`, and when and to what it switches next."""
    on = next_rule_set_switch(first_day, today, rulesets)
    switch = RuleSetSwitch(on, rule_set_for(first_day, on, rulesets)) if on is not None else None
    return RuleSetPlan(rule_set_for(first_day, today, rulesets), switch)
