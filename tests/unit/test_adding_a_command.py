"""CONTRIBUTING.md's worked example, carried out as it is written there: a new command ("notat", a caseworker's
note on a case) is a payload, one workflow update and one registry entry, and the command line's subcommand,
the workbench's form, the service layer's update map and the confirmation all follow from the entry, with
nothing else written."""

from __future__ import annotations

import sys
import types
from datetime import date
from pathlib import Path

import jinja2

import cli
from case_service.command_spec import Said
from case_service.registry import confirmation, updates_of
from domain.results import UpdateResult
from web import forms

ROOT = Path(__file__).resolve().parents[2]


def worked_example() -> dict:
    """The code of CONTRIBUTING.md's worked example, run as it stands there (a module of its own)."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    code = text.split("### Worked example", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    module = types.ModuleType("worked_example")
    sys.modules[module.__name__] = module  # dataclasses and Temporal look their module up
    exec(compile(code, "CONTRIBUTING.md", "exec"), module.__dict__)
    return module.__dict__


EXAMPLE = worked_example()
CaseNote, NoteWorkflow, NOTE = EXAMPLE["CaseNote"], EXAMPLE["NoteWorkflow"], EXAMPLE["NOTE"]


def test_the_subcommand_follows_from_the_entry(capsys):
    parser = cli.parser(cli.COMMANDS + (NOTE,))
    args = parser.parse_args(
        [
            "notat",
            "SAG-1",
            "--tekst",
            "Ringede til arbejdsgiveren",
            "--dato",
            "2035-10-01",
            "--haster",
            "--bruger",
            "anna",
        ]
    )
    assert cli.action_from_args(args, args.bruger, (NOTE,)) == CaseNote(
        "Ringede til arbejdsgiveren", date(2035, 10, 1), True, actor="anna"
    )
    today = cli.action_from_args(parser.parse_args(["notat", "SAG-1", "--tekst", "x"]), "anna", (NOTE,))
    assert today.written_on == cli.danish_today() and today.urgent is False
    try:
        parser.parse_args(["notat", "--help"])
    except SystemExit:
        pass
    shown = capsys.readouterr().out
    assert "--tekst TEKST" in shown and "--dato DATO" in shown and "--haster" in shown and "notatet haster" in shown
    assert "notat" not in next(a for a in cli.parser()._actions if a.dest == "command").choices  # not in the product


def test_the_form_follows_from_the_entry():
    form = forms.forms_of((NOTE,))["notat"]
    templates = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(forms.__file__).parent / "templates"), autoescape=True
    )
    html = templates.from_string(
        '{% from "_fields.html" import field %}'
        "{% for f in form.fields %}{{ field(f, form.slug, {}, {}, {}) }}{% endfor %}"
    ).render(form=form)
    assert '<textarea class="form-input" rows="3" maxlength="2000" id="notat-text" name="text" required' in html
    assert '<input class="form-input" type="date" id="notat-written_on" name="written_on" required' in html
    assert "Haster det? (valgfrit)" in html and 'name="urgent" value="ja"' in html
    assert forms.build(form, {"text": "Ringede", "written_on": "2035-10-01", "urgent": "ja"}, "anna (web)") == CaseNote(
        "Ringede", date(2035, 10, 1), True, actor="anna (web)"
    )
    try:
        forms.build(form, {"text": "", "written_on": "1. oktober"}, "anna (web)")
        raise AssertionError("a form that cannot be read must be refused")
    except forms.FormErrors as bad:
        assert bad.errors == {"text": "Feltet skal udfyldes.", "written_on": "Skriv en dato som ÅÅÅÅ-MM-DD."}


def test_the_update_and_the_confirmation_follow_from_the_entry():
    assert updates_of((NOTE,)) == {CaseNote: (NoteWorkflow.add_note, "case_note")}
    assert NOTE.update._defn.name == "add_note"
    assert (
        confirmation(NOTE, UpdateResult("done", "2035-10-01"), Said("SAG-1"))
        == "Notatet på sag SAG-1 er gemt med datoen 01.10.2035."
    )
