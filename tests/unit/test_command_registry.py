"""Every command of the registry reaches every entry point it is declared for: a subcommand of `fasthold`, a
form on the workbench (for the people who may run it), an update in the service layer's map, and a Danish
confirmation; and what it declares is true of the case (its fields are its payload's, its refusals are the
ones its workflow update gives)."""

from __future__ import annotations

import dataclasses
import inspect
import re

import pytest

from case_service.command_spec import CASEWORKER, TEAM_LEAD, Said
from case_service.registry import BY_NAME, COMMANDS, UPDATES, confirmation
from cli import action_from_args, parser
from cli.case_commands import subcommands
from domain.refusals import refusal_field
from web import forms

NAMES = [c.name for c in COMMANDS]


def test_every_command_is_declared_once():
    assert len(NAMES) == len(set(NAMES)) and len({c.payload for c in COMMANDS}) == len(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=NAMES)
def test_every_command_has_a_subcommand_a_form_an_update_and_a_confirmation(command):
    choices = next(a for a in parser()._actions if a.dest == "command").choices
    assert command.subcommand in choices
    if {CASEWORKER, TEAM_LEAD} & command.roles:
        form = forms.FORMS[command.name]
        assert [f.name for f in form.fields] == [f.name for f in command.fields]
        assert form.title == command.title and form.command is command
    assert UPDATES[command.payload] == (command.update, command.action)
    assert command.update._defn.name  # a real update of the case workflow, not any function
    assert confirmation(command, "2035-10-01", Said("SAG-1", 1)).endswith(".")  # word for word: CONFIRMATIONS


@pytest.mark.parametrize("command", COMMANDS, ids=NAMES)
def test_every_field_is_a_field_of_the_payload_and_every_required_one_is_asked_for(command):
    payload = {f.name: f for f in dataclasses.fields(command.payload)}
    asked = {f.name for f in command.fields} | set(command.fixed)
    assert asked <= set(payload), asked - set(payload)
    needed = {
        name
        for name, f in payload.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    assert needed <= asked


@pytest.mark.parametrize("command", COMMANDS, ids=NAMES)
def test_each_refusal_its_update_gives_is_declared_and_names_one_of_its_fields(command):
    validator = command.update._defn.validator
    given = set(re.findall(r"Refusal\.([A-Z_]+)", inspect.getsource(validator))) if validator else set()
    assert given <= {r.name for r in command.refusals}
    shown_apart = {"meeting_number"}  # ALREADY_RECORDED: the web tells it as "already recorded", not at a field
    for refusal in command.refusals:
        if (command.name, refusal.name) == ("oplysningsskema-sendt", "NO_INFO_FORM"):
            continue  # "register only the answer": it names the other form's field, so it is shown above the form
        assert refusal_field(refusal) in {f.name for f in command.fields} | {""} | shown_apart, refusal


@pytest.mark.parametrize("name", list(subcommands()))
def test_each_subcommand_has_its_options_once(name):
    options = [f.option for c in subcommands()[name] for f in c.fields]
    assert len(options) == len(set(options)) and all(o.startswith("--") for o in options)


def test_a_subcommand_shared_by_two_commands_is_chosen_by_its_options():
    answer = action_from_args(parser().parse_args(["oplysningsskema", "SAG-1", "--besvaret", "2035-10-01"]), "anna")
    sent = action_from_args(parser().parse_args(["oplysningsskema", "SAG-1", "--sendt", "2035-10-01"]), "anna")
    assert type(answer) is BY_NAME["oplysningsskema"].payload and type(sent) is BY_NAME["oplysningsskema-sendt"].payload
    assert sent.via == "digital_post"


# The confirmations people read, word for word, for each kind of answer the case gives (as the workflow answers
# today; `from_legacy` reads these strings as typed results).
CONFIRMATIONS = [
    ("svar", "ACCEPTED", "Svaret er registreret for møde 2."),
    ("samtale", "held", "Møde 2 er registreret (holdt)."),
    ("samtale", "no_show", "Møde 2 er registreret (ikke holdt)."),
    ("arbejdsgiver", "workplace", "Samtalen holdes på arbejdspladsen."),
    ("arbejdsgiver", "jobcenter", "Samtalen flyttes til jobcentret; deltagerne får en ny invitation."),
    ("varighed", "watch", "Den forventede varighed er registreret. Sagens spor er nu: overvåges."),
    (
        "hurtigspor",
        "consent_due:2035-09-20",
        "Arbejdsgiverens anmodning er registreret. Medarbejderen skal give "
        "samtykke senest 20.09.2035; indtil da gælder den almindelige frist.",
    ),
    ("hurtigspor", "2035-10-01", "Anmodningen er registreret. Samtalen skal holdes senest 01.10.2035."),
    ("samtykke", "given:2035-10-02", "Samtykket er registreret. Samtalen skal holdes senest 02.10.2035."),
    ("samtykke", "refused", "Svaret er registreret (afslået: den almindelige frist gælder)."),
    ("delvis", "18.5", "Den delvise raskmelding er registreret. Sagen fortsætter med opfølgning (18,5 timer om ugen)."),
    ("pause", "2036-02-29", "Perioden uden sygedagpenge er registreret. Revurderingen skal nu ske senest 29.02.2036."),
    ("oplysningsskema", "late", "Svaret på oplysningsskemaet er registreret (efter svarfristen)."),
    ("oplysningsskema", "in_time", "Svaret på oplysningsskemaet er registreret."),
    (
        "oplysningsskema-sendt",
        "2036-01-09",
        "Afsendelsen af oplysningsskemaet er registreret. Svarfristen er 9. januar 2036.",
    ),
    (
        "tidligere",
        "2036-01-02",
        "Den tidligere periode med sygedagpenge er registreret. Revurderingen skal nu ske senest 02.01.2036.",
    ),
    ("opfoelgning", "call_in", "Beslutningen er registreret: medarbejderen indkaldes til en samtale på jobcentret."),
    ("opfoelgning", "watch", "Beslutningen er registreret: sagen overvåges fortsat."),
    ("indsats", "before_week_13", "Indsatsen er registreret (inden uge 13)."),
    ("indsats", "after_week_13", "Indsatsen er registreret (efter uge 13)."),
    ("omfordel", "Bo Berg", "Sagen er givet til Bo Berg. Den nye sagsbehandler har fået de åbne opgaver."),
    ("flyt", "2035-10-01T10:00:00+00:00", "Møde 2 er flyttet; deltagerne får en opdateret invitation."),
    ("udfald", "work", "Afgangen er registreret."),
    ("afslut", "full_recovery", "Sagen SAG-7 afsluttes nu."),
]


@pytest.mark.parametrize("name,answer,text", CONFIRMATIONS, ids=[f"{n}-{a}" for n, a, _ in CONFIRMATIONS])
def test_the_confirmation_people_read(name, answer, text):
    assert confirmation(BY_NAME[name], answer, Said("SAG-7", 2)) == text


def test_a_typed_answer_gives_the_same_confirmation_as_its_older_string():
    from domain.results import UpdateResult

    assert confirmation(BY_NAME["hurtigspor"], UpdateResult("consent_due", "2035-09-20")) == confirmation(
        BY_NAME["hurtigspor"], "consent_due:2035-09-20"
    )
    assert confirmation(BY_NAME["oplysningsskema"], UpdateResult("late")) == CONFIRMATIONS[12][2]


def test_a_form_is_offered_by_the_case_and_the_role():
    from domain.model import CaseState

    open_case, closed = (
        CaseState(reference="SAG-1", municipality="101"),
        CaseState(reference="SAG-1", municipality="101", phase="closed"),
    )
    assert "udfald" not in forms.offered(open_case, CASEWORKER) and "afslut" in forms.offered(open_case, TEAM_LEAD)
    assert list(forms.offered(closed, CASEWORKER)) == ["udfald"]
    leads_only = dataclasses.replace(BY_NAME["afslut"], roles=frozenset({TEAM_LEAD}))
    only = forms.forms_of((leads_only,))
    assert forms.offered(open_case, CASEWORKER, only) == {} and list(forms.offered(open_case, TEAM_LEAD, only)) == [
        "afslut"
    ]


def test_every_task_names_a_command_that_exists():
    """A caseworker's task names the form that does it (web/present.py) and the command to type (written by
    the workflow): both must be commands of the registry, with options their subcommand has."""
    from pathlib import Path

    from web.present import TASK_ACTION

    assert {slug for _, slug in TASK_ACTION} <= set(BY_NAME)
    options = {
        name: {o for action in sub._actions for o in action.option_strings}
        for a in parser()._actions
        if a.dest == "command"
        for name, sub in a.choices.items()
    }
    source = "".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[2] / "workflows").glob("*.py"))
    suggested = re.findall(r'self\.command\(\s*"([a-z-]+)",\s*(f?"[^"]*")\s*\)', source)
    assert len(suggested) >= 10
    for verb, rest in suggested:
        assert verb in options, verb
        assert set(re.findall(r"--[a-z-]+", rest)) <= options[verb], (verb, rest)
