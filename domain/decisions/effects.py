"""What a decision asks the world to do, as plain data; `workflows.effect_runner` carries each out in order.

The order of a decision's effects is the order of the workflow's commands, so a running case replays only if
a decision keeps it: add new effects behind a `workflow.patched(...)` in the runner, never reorder old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from domain.labels import TaskText
from domain.model import Caseworker, Location, Measure, Meeting, Phase, Role


@dataclass(frozen=True)
class Note:
    """A line on the case's timeline."""

    event: str
    detail: str = ""


@dataclass(frozen=True)
class Audit:
    """Who did what, in the register's audit trail."""

    action: str
    actor: str
    detail: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Escalate:
    """Tell the team lead (with a copy to the caseworker); `key` makes it one e-mail per occasion."""

    reason: str
    key: str
    deadline: date | None = None


@dataclass(frozen=True)
class RecordBreach:
    """A statutory deadline passed unmet: the register counts it as a breach of the law."""

    kind: str
    due: date


@dataclass(frozen=True)
class RecordMissedTarget:
    """The model's own target passed unmet: counted apart from breaches of the law."""

    kind: str
    due: date


@dataclass(frozen=True)
class PublishPhase:
    """Write the case's phase (`phase`, or the one it has), next deadline and breach flag to its search
    attributes and the register."""

    phase: Phase | None = None
    fields: dict[str, object] | None = None  # more of the register row's fields
    now_field: str = ""  # a field that records the moment it is written (the register's closed_at)


@dataclass(frozen=True)
class SaveMeeting:
    """The meeting as it now is, in the register (and so in the caseworker's calendar)."""

    meeting: Meeting


@dataclass(frozen=True)
class PutMeeting:
    """The meeting takes this form in the case's state only now, after the effects before it (a later step of
    one decision, where the order of state changes and commands is what a running case replays)."""

    meeting: Meeting


@dataclass(frozen=True)
class SendCancellation:
    """Every attendee's calendar loses this version of the meeting, with the reason."""

    meeting: Meeting
    reason: str


@dataclass(frozen=True)
class Invite:
    """Every attendee gets this version of the meeting (an invitation, or its new time)."""

    meeting: Meeting


@dataclass(frozen=True)
class SendMail:
    """One e-mail of `kind`, once per occasion (`key_suffix`). `to` and `attendees` are roles of the case
    (employer, employee, its caseworker now) or a named caseworker (the one handing the case over); a task
    in `fields` is an OpenTask."""

    kind: str
    to: Role | Caseworker
    key_suffix: str
    fields: dict[str, object] = field(default_factory=dict)
    attendees: tuple[Role | Caseworker, ...] = ()


@dataclass(frozen=True)
class GiveTask:
    """A task e-mail to the caseworker; it stays open until done."""

    key: str
    text: TaskText
    due: date
    command: str = ""


@dataclass(frozen=True)
class CloseTasks:
    """The caseworker's open tasks whose key is `key` (or, with `prefix`, starts with it) are done."""

    key: str
    prefix: bool = False


@dataclass(frozen=True)
class UpdateRegister:
    """Fields of the case's register row, with the action's name for the register's history."""

    action: str
    fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class QueueMove:
    """Ask the process to move this planned meeting to a new time (after a decline, a change of place)."""

    uid: str


@dataclass(frozen=True)
class QueueMovesAt:
    """Ask the process to move every meeting then planned at `location` (the employer cannot host)."""

    location: Location


@dataclass(frozen=True)
class RecordEnd:
    """The case's state records how and when the case ended (from here on it is closing)."""

    end_type: str
    end_date: date


@dataclass(frozen=True)
class SaveMeasure:
    """The measure in the register (the report counts measures before week 13)."""

    measure: Measure


@dataclass(frozen=True)
class Wake:
    """The process reconsiders its next step at once (something it waits for may have changed)."""


Effect = (
    Note
    | Audit
    | Escalate
    | RecordBreach
    | RecordMissedTarget
    | PublishPhase
    | SaveMeeting
    | PutMeeting
    | SendCancellation
    | Invite
    | SendMail
    | GiveTask
    | CloseTasks
    | UpdateRegister
    | QueueMove
    | QueueMovesAt
    | RecordEnd
    | SaveMeasure
    | Wake
)
