"""How a person's command about a case is declared: once, with everything each entry point needs from it.

A `Command` names the payload the case takes, its Danish title and help, the fields a person fills in (with
their Danish labels, kinds, choices and command-line options), the workflow update that carries it, the
confirmation as a function of the case's typed answer, the refusals the case may give, and who may run it.
The registry (`case_service/registry.py`) holds one per command; the command line's subcommands, the web
workbench's forms, the service layer's update map and the confirmations are derived from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from domain.model import CaseState
from domain.refusals import Refusal
from domain.results import UpdateResult

CASEWORKER, TEAM_LEAD = "caseworker", "team_lead"  # the values of case_service.access.UserRole


@dataclass(frozen=True)
class Choice:
    value: Any  # what the payload gets: a code, or True/False
    label: str  # Danish, as the web form shows it
    words: tuple[str, ...] = ()  # Danish, as typed on the command line (the first is the usual one)
    web: bool = True  # offered on the web form
    not_this_command: str = ""  # a word the command line knows only to point to the right command instead

    @property
    def form_value(self) -> str:
        """The value the web form sends: the code itself, or the Danish word for a yes or no."""
        return self.value if isinstance(self.value, str) else self.words[0]


YES_NO = (Choice(True, "Ja", ("ja",)), Choice(False, "Nej", ("nej",)))


@dataclass(frozen=True)
class Field:
    name: str  # the payload's field: the form's input and a refusal's field have this name
    label: str  # the web form's label
    kind: str = "text"  # text | textarea | number | decimal | date | datetime | radio | select
    choices: tuple[Choice, ...] = ()  # none for a select: the page gives the case's own (its meetings, say)
    required: bool = True
    hint: str = ""  # the web form's hint
    option: str = ""  # the command line's option, e.g. "--holdt"
    help: str | None = None  # the command line's help
    today: bool = False  # the command line may leave it out: today (the web form asks for it)
    flag: bool = False  # on the command line a switch: given means the first choice
    cli_default: Any = None  # what the command line takes when it is left out (e.g. meeting 1)


@dataclass(frozen=True)
class Said:
    """What a confirmation may name besides the case's answer."""

    reference: str = ""
    meeting_number: int = 0


def _open(state: CaseState) -> bool:
    return state.phase != "closed"


@dataclass(frozen=True)
class Command:
    name: str  # the web form's address and, unless `cli` says otherwise, the subcommand
    payload: type  # the dataclass the case takes (domain.model), built from the fields
    title: str  # Danish label: the form's heading
    help: str  # Danish help: the command line's
    button: str  # the form's button
    fields: tuple[Field, ...]
    update: Callable[..., Any]  # the workflow update that carries it
    action: str  # the stable name of what was done (ActionResult.action, logs)
    confirm: Callable[[UpdateResult, Said], str]  # the Danish confirmation, from the case's typed answer
    refusals: tuple[Refusal, ...] = ()  # what the case's validator may say no with (each names its field)
    roles: frozenset[str] = frozenset({CASEWORKER, TEAM_LEAD})  # who may run it on the workbench
    fixed: dict[str, Any] = field(default_factory=dict)  # payload fields every entry point sets the same way
    cli: str = ""  # the subcommand when it differs from `name` (two commands may share one)
    cli_when: tuple[str, ...] = ()  # sharing a subcommand: chosen when one of these fields is given
    cli_conflict: str = ""  # ... and what is said when the other command's fields are given too
    offered: Callable[[Any], bool] = _open  # whether the case page offers it for this state

    @property
    def subcommand(self) -> str:
        return self.cli or self.name

    def build(self, values: dict[str, Any], actor: str) -> object:
        """The payload from typed values by field name; a field left out takes the payload's default."""
        return self.payload(**{**self.fixed, **values}, actor=actor)

    def field_named(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)
