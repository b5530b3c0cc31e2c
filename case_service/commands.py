"""The typed commands an entry point can send about a case.

Each caseworker action is the payload the case workflow takes (from `domain.model`), so the command and what
the workflow validates are the same object; `case_service/registry.py` declares each with its update, form,
subcommand and confirmation. `AnswerOnBehalf` is the one command the service resolves first: a caseworker
names a meeting by number; the workflow needs its UID and current SEQUENCE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.model import workflow_id_for
from domain.payloads import CounterProposal, ReplyReview, RsvpReceived


@dataclass(frozen=True)
class CaseRef:
    """A case, as people name it: municipality code and case reference (never a CPR number)."""

    municipality: str
    reference: str

    @property
    def workflow_id(self) -> str:
        return workflow_id_for(self.municipality, self.reference)


@dataclass(frozen=True)
class AnswerOnBehalf:
    """An attendee's answer typed in by a caseworker (by phone, say): meeting by number, answer as PARTSTAT."""

    meeting_number: int
    attendee_email: str
    partstat: str
    actor: str = ""


@dataclass(frozen=True)
class EmployerReply:
    """The employer's answer from the reply page: hosts at the workplace, cannot (with a reason), or proposes
    another time for the planned first meeting."""

    hosts: bool | None  # None: neither, a proposed time instead
    reason: str = ""
    proposed_start: datetime | None = None
    comment: str = ""
    actor: str = ""


class Action(Protocol):
    """A person's command about a case: one of the payloads of `case_service.registry.COMMANDS` (where each is
    declared with its update, form, subcommand and confirmation), every one naming who acts."""

    @property
    def actor(self) -> str: ...


AttendeeAnswer = RsvpReceived | CounterProposal | ReplyReview
