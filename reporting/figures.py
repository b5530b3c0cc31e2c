"""What the success report is made of: the figures and shares it computes and the plain facts about each case it
computes them from (reporting/report.py says how; the definitions are in its docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

TARGET_TRACK = "workplace"
WORKPLACE = "workplace"
GOAL_WORKPLACE_SHARE = 0.70
MEASURE_WEEKS = 13
MEASURE_BASE_ALL = "all_target_cases"
MEASURE_BASE_RUNNING = "running_at_week_13"
MEASURE_BASES = (MEASURE_BASE_RUNNING, MEASURE_BASE_ALL)
OUTCOMES = ("work", "education", "other", "unknown", "not_yet_due")
WORKPLACE_GOAL_CATEGORIES = (2, 3)  # STAR 2017: the 70 % goal is for cases of visitation categories 2 and 3
MODEL_TARGET = "model_target"
# Known values first, in this order; any other value found in the register is appended.
TRACKS = ("workplace", "exempt", "watch", "outside", "none")
END_TYPES = ("full_recovery", "partial_recovery", "dismissal", "moved_municipality", "benefit_ended", "death", "open")


# ----------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None


@dataclass(frozen=True)
class Median:
    days: float | None
    n: int


@dataclass(frozen=True)
class Figures:
    cases: int  # every case in the period (and scope)
    target_cases: int  # of which in the target group
    workplace_first_meeting: Share
    first_meeting_by_week_8: Share
    measure_before_week_13: Share
    employer_took_part: Share
    outcomes: Mapping[str, Share]  # OUTCOMES -> share of closed target cases
    by_track: Mapping[str, int]
    by_end_type: Mapping[str, int]
    median_days_to_first_meeting: Median
    breaches: int  # statutory deadlines missed (the law)
    missed_targets: int = 0  # the model's own targets missed (not the law)
    exits_to_work: Share = Share(0, 0)  # target cases back at work, fully or partly


@dataclass(frozen=True)
class Scope:
    kind: str  # all | caseworker | team
    id: str  # '' for "all" and for cases without a caseworker
    name: str  # '' when unknown


@dataclass(frozen=True)
class ScopedFigures:
    scope: Scope
    figures: Figures


@dataclass(frozen=True)
class Breach:
    reference: str
    caseworker_id: str
    caseworker_name: str
    team_id: str
    team_name: str
    first_day: date
    due: date | None
    held_on: date | None
    reason: str  # held_late | not_held | recorded
    recorded: bool  # the engine wrote a deadline_breaches (or missed_targets) row for it
    kind: str = "first_meeting"  # first_meeting | first_conversation


@dataclass(frozen=True)
class Report:
    municipality: str
    start: date
    end: date
    today: date
    overall: Figures
    by_team: tuple[ScopedFigures, ...]
    by_caseworker: tuple[ScopedFigures, ...]
    breaches: tuple[Breach, ...]
    goal_workplace_share: float = GOAL_WORKPLACE_SHARE
    missed_targets: tuple[Breach, ...] = ()  # the model's targets, never mixed with breaches of the law
    audience: str = ""  # whose cases, when not the whole municipality's ("dine sager")


@dataclass(frozen=True)
class Audience:
    """Whose cases a report may name: a caseworker's own, a team lead's teams'. Least privilege: a report for
    a person is computed from these cases only, so no figure, list or name comes from anyone else's."""

    caseworkers: frozenset[str]
    name: str  # said in the report's heading, e.g. "dine sager"


# ------------------------------------------------------------------------------------------------ inputs


@dataclass(frozen=True, slots=True)
class FirstMeeting:
    held_on: date | None  # local date when held, else None
    at_workplace: bool
    employer_took_part: bool


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the report needs to know about one case: no names, no CPR."""

    reference: str
    caseworker_id: str
    track: str | None
    first_day: date
    first_meeting_due: date | None
    opened_on: date
    closed: bool
    ended_on: date | None  # end_date, else the local date of closed_at
    end_type: str | None
    outcome: str | None
    first_meeting: FirstMeeting | None
    measure_before_week_13: bool
    breach_recorded: bool
    category: int | None = None  # visitation category; None from the 2026 reform (or unknown)
    first_meeting_statutory: bool = True  # False: week 8 is the model's target (cases.first_meeting_kind)
    target_missed_recorded: bool = False  # a missed_targets row of kind first_meeting
    partial_recovery_on: date | None = None
    other_breaches: tuple[tuple[str, date], ...] = ()  # (kind, due) of deadline_breaches rows not first_meeting


@dataclass(frozen=True)
class Person:
    name: str
    team_id: str
    team_name: str
