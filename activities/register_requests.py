"""What the workflow hands the register activities (activities/register.py): plain, serialisable requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.model import Caseworker, Measure, Meeting


@dataclass(frozen=True)
class AssignRequest:
    reference: str
    municipality: str
    reason: str = "ny sag"
    exclude: tuple[str, ...] = ()
    caseworker_id: str | None = None  # a named caseworker (reassignment by hand) instead of the least loaded


@dataclass(frozen=True)
class CaseUpdate:
    """A change to the case row plus the audit event that explains it. `event_key` makes it happen once."""

    reference: str
    municipality: str
    event_key: str
    action: str
    actor: str = "engine"
    fields: dict = field(default_factory=dict)
    detail: dict = field(default_factory=dict)


@dataclass(frozen=True)
class MeetingRecord:
    reference: str
    municipality: str
    caseworker_id: str
    meeting: Meeting
    attendees: dict[str, str]  # e-mail -> role (employer | employee | caseworker)


@dataclass(frozen=True)
class BreachRecord:
    reference: str
    municipality: str
    kind: str  # first_meeting | fast_track | first_conversation
    due: date


@dataclass(frozen=True)
class MeasureRecord:
    reference: str
    municipality: str
    measure: Measure


@dataclass(frozen=True)
class ReserveRequest:
    """Choose the caseworker's first free time in a window and book `record.meeting` there, in one transaction.

    The meeting's own start and end are placeholders: the register chooses the time.
    """

    record: MeetingRecord
    caseworker: Caseworker
    earliest: datetime
    latest_day: date
    duration_minutes: int = 60
    avoid: tuple[datetime, ...] = ()  # times already declined


@dataclass(frozen=True)
class BusyRequest:
    caseworker_id: str
    start: datetime
    end: datetime
    exclude_uid: str = ""


@dataclass(frozen=True)
class EarlierBenefitRequest:
    reference: str
    municipality: str
    first_day: date
    employer_period_days: int  # § 24 stk. 2: the employer period of an earlier case does not count either
