"""The caseworker's action forms, derived from the command registry (`case_service/registry.py`): what each
asks for, in Danish, and how a submitted form becomes the typed command the service layer takes. Field names
are the command's own, so a refusal from the case (which names the field it concerns) is shown next to the
right input.

Translation only: whether a value is allowed is for the workflow's validators to say; here a value is only
refused when it cannot be read at all (not a date, not a number).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from case_service import command_spec
from case_service.registry import COMMANDS
from domain.localtime import LOCAL_TZ


@dataclass(frozen=True)
class Field:
    name: str  # the command's field name
    label: str
    kind: str = "text"  # text | textarea | number | date | datetime | radio | select
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class ActionForm:
    slug: str
    title: str
    button: str
    fields: tuple[Field, ...]
    command: command_spec.Command  # the registry's declaration it is made from

    @property
    def roles(self) -> frozenset[str]:
        return self.command.roles


class FormErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Parsed:
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def form_of(command: command_spec.Command) -> ActionForm:
    """A command's form: its fields with the choices a web form offers (value sent, Danish label)."""
    return ActionForm(
        command.name,
        command.title,
        command.button,
        tuple(
            Field(
                f.name, f.label, f.kind, tuple((c.form_value, c.label) for c in f.choices if c.web), f.required, f.hint
            )
            for f in command.fields
        ),
        command,
    )


def forms_of(commands: tuple[command_spec.Command, ...]) -> dict[str, ActionForm]:
    return {c.name: form_of(c) for c in commands}


FORMS: dict[str, ActionForm] = forms_of(COMMANDS)


def parse(form: ActionForm, data: dict[str, str]) -> dict[str, object]:
    """The submitted strings as typed values; FormErrors names each field that cannot be read."""
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for f in form.fields:
        raw = (data.get(f.name) or "").strip()
        if not raw:
            if f.required:
                errors[f.name] = "Feltet skal udfyldes."
            continue
        if len(raw) > 2000:
            errors[f.name] = "Teksten er for lang (højst 2000 tegn)."
            continue
        try:
            values[f.name] = _typed(f, raw)
        except ValueError as err:
            errors[f.name] = str(err)
    if errors:
        raise FormErrors(errors)
    return values


def _typed(f: Field, raw: str) -> object:
    if f.kind == "decimal":
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            raise ValueError("Skriv et tal, fx 18,5.") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("Skriv et tal, fx 18,5.")
        return value
    if f.name == "meeting_number" or f.kind == "number":
        if not raw.isdigit() or len(raw) > 4:
            raise ValueError("Skriv et helt tal.")
        return int(raw)
    if f.kind == "date":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ValueError("Skriv en dato som ÅÅÅÅ-MM-DD.") from None
    if f.kind == "datetime":
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError("Skriv et tidspunkt som ÅÅÅÅ-MM-DD TT:MM.") from None
        return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)
    if f.choices and raw not in {value for value, _ in f.choices}:
        raise ValueError("Vælg en af mulighederne.")
    return raw


def build(form: ActionForm, data: dict[str, str], actor: str):
    """The typed command a submitted form asks for: each chosen value as the payload takes it (a code, True)."""
    values = parse(form, data)
    for f in form.command.fields:
        if f.choices and f.name in values:
            values[f.name] = next(c.value for c in f.choices if c.form_value == values[f.name])
    return form.command.build(values, actor)


def offered(state, role: str | None = None, forms: dict[str, ActionForm] | None = None) -> dict[str, ActionForm]:
    """The forms that can do something now, for this user's role: each command says when it applies (an open
    case has every action but the outcome; a closed one only the outcome, until it is recorded: a form offered
    and then refused says something untrue)."""
    return {
        slug: f
        for slug, f in (FORMS if forms is None else forms).items()
        if f.command.offered(state) and (role is None or role in f.roles)
    }
