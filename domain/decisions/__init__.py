"""The case's rules as pure decisions, one module per thing that can happen to a case.

Each module offers `validate(state, context, command) -> Refused | None` (before anything changes: the caller is
told "no" in Danish) and `decide(state, context, command or due step) -> (new state, [effects])`. Effects are
plain data (`domain.decisions.effects`); the workflow only carries them out, in order, through its activities
(`workflows.effect_runner`). No clock, no I/O: the moment and the case's fixed facts come in `Context`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.localtime import local_date
from domain.model import CaseInput
from domain.practice import PLAUSIBLE_DAYS_AHEAD
from domain.refusals import Refusal


@dataclass(frozen=True)
class Refused:
    """Why a command is refused: the reason code (the field it concerns follows from it) and the Danish text."""

    reason: Refusal
    message: str


@dataclass(frozen=True)
class Context:
    """What a decision needs besides the state: the sick report (without CPR), the moment, and who attends
    the case's meetings (address in lower case -> role)."""

    case: CaseInput
    now: datetime
    attendees: dict[str, str]
    ended: bool = False  # the end has been reported: the case is closing

    def plausible(self, instant: datetime) -> bool:
        """Not more than a year ahead: further is a typing error, and would leave the calendar's range."""
        return instant <= self.now + timedelta(days=PLAUSIBLE_DAYS_AHEAD)

    def plausible_day(self, day: date) -> bool:
        return day <= self.today + timedelta(days=PLAUSIBLE_DAYS_AHEAD)

    @property
    def today(self) -> date:
        return local_date(self.now)

    def role_of(self, email: str) -> str:
        return self.attendees.get(email.lower(), "ukendt")


def refuse_if_closed(context: Context) -> Refused | None:
    return Refused(Refusal.CASE_CLOSED, "sagen er afsluttet") if context.ended else None


def task_command(case: CaseInput, verb: str, options: str) -> str:
    """The command line that does a task, for the task e-mail."""
    return f"fasthold --kommune {case.municipality} {verb} {case.reference} {options}"
