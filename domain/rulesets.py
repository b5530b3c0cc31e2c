"""Dated rule sets: the legal numbers the engine works with, as data.

The law changes (2014 reform, 2025 sickness-benefit agreement, 2026 employment reform),
and a case keeps the rules in force on its first day of absence. The values live in
config/rulesets.yaml; this module parses and selects them.

Everything except `load_rulesets` is pure. `load_rulesets` reads a file and therefore
belongs in an activity or at worker start, never in workflow code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from domain.calendar_dk import DEFAULT_CLOSED_DAYS, normalise_closed_days

DEFAULT_RULESETS_PATH = Path(__file__).parent.parent / "config" / "rulesets.yaml"


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
    outcome_after_days: int = 30
    triage_categories: tuple[int, ...] = (1, 2)
    closed_days: tuple[tuple[int, int], ...] = field(default=DEFAULT_CLOSED_DAYS)

    def __post_init__(self) -> None:
        # Temporal's JSON converters may hand back lists; tuples keep the object hashable
        # and equal to the one that was sent.
        object.__setattr__(self, "triage_categories", tuple(self.triage_categories))
        object.__setattr__(self, "closed_days", normalise_closed_days(self.closed_days))
        if isinstance(self.valid_from, str):
            object.__setattr__(self, "valid_from", date.fromisoformat(self.valid_from))


_FIELDS = {f.name: f for f in dataclasses.fields(RuleSet)}
_REQUIRED = ("name", "valid_from")
_OPTIONAL_INTS = {"watch_only_below_weeks", "predictable_return_weeks"}
_INTS = set(_FIELDS) - {"name", "valid_from", "triage_categories", "closed_days"}


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
    for earlier, later in zip(parsed, parsed[1:]):
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
        raise ValueError(
            f"no rule set in force on {first_day.isoformat()}: the earliest starts {earliest.isoformat()}"
        )
    return max(in_force, key=lambda r: r.valid_from)


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
    if not isinstance(value, list) or not value:
        raise ValueError(f"{what} must be a non-empty list of integers, got {value!r}")
    return tuple(_positive_int(v, what, optional=False) for v in value)  # type: ignore[misc]


def _closed_days(value: Any, what: str) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, list):
        raise ValueError(f"{what} must be a list of [month, day] pairs, got {value!r}")
    try:
        return normalise_closed_days(value)
    except ValueError as err:
        raise ValueError(f"{what}: {err}") from None
