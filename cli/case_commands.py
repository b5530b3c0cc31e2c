"""The caseworker's subcommands (`svar`, `samtale`, `afslut`, ...), derived from the command registry
(`case_service/registry.py`): one subcommand per command, its options from the command's fields, and the typed
command a parsed subcommand asks for. Two commands may share a subcommand (`oplysningsskema` records the
answer, or with --sendt the sending); the options given choose which."""

from __future__ import annotations

import argparse
from typing import Any

from case_service.command_spec import Command, Field
from case_service.registry import COMMANDS
from cli.arguments import UserError, _date, _local_datetime, danish_today

READERS = {"number": int, "decimal": float, "date": _date, "datetime": _local_datetime}


def subcommands(commands: tuple[Command, ...] = COMMANDS) -> dict[str, list[Command]]:
    """The commands of each subcommand, in the registry's order."""
    found: dict[str, list[Command]] = {}
    for command in commands:
        found.setdefault(command.subcommand, []).append(command)
    return found


def add_case_subcommands(sub, commands: tuple[Command, ...] = COMMANDS) -> None:
    for name, group in subcommands(commands).items():
        s = sub.add_parser(name, help=_chosen_by_default(group).help)
        s.add_argument("reference")
        for command in group:
            for f in command.fields:
                s.add_argument(f.option, **_option(f))


def _option(f: Field) -> dict[str, Any]:
    if f.flag:
        return dict(dest=f.name, action="store_true", help=f.help)
    option: dict[str, Any] = dict(
        dest=f.name, default=f.cli_default, help=f.help, required=f.required and not f.today and f.cli_default is None
    )
    if f.choices:
        option["choices"] = sorted(word for choice in f.choices for word in choice.words)
        return option
    option["metavar"] = f.option.lstrip("-").upper().replace("-", "_")  # as argparse names it: --uger UGER
    if f.name == "meeting_number":
        option["type"] = int
    elif f.kind in READERS:
        option["type"] = READERS[f.kind]
    return option


def _given(args: argparse.Namespace, f: Field) -> bool:
    value = getattr(args, f.name, None)
    return bool(value) if f.flag else value is not None


def _chosen_by_default(group: list[Command]) -> Command:
    return next((c for c in group if not c.cli_when), group[0])


def _chosen(group: list[Command], args: argparse.Namespace) -> Command:
    chosen = [c for c in group if c.cli_when and any(_given(args, c.field_named(n)) for n in c.cli_when)]
    if not chosen:
        return _chosen_by_default(group)
    command = chosen[0]
    if any(_given(args, f) for other in group if other is not command for f in other.fields):
        raise UserError(command.cli_conflict)
    return command


def action_from_args(args: argparse.Namespace, actor: str, commands: tuple[Command, ...] = COMMANDS):
    """The typed command a subcommand asks for: the command line only translates words into it."""
    group = subcommands(commands).get(args.command)
    if not group:
        raise UserError(f"Ukendt kommando {args.command}")
    command = _chosen(group, args)
    values: dict[str, Any] = {}
    for f in command.fields:
        given = getattr(args, f.name, None)
        if f.flag:
            if given:
                values[f.name] = f.choices[0].value
        elif given is None:
            if f.today:
                values[f.name] = danish_today()
        elif f.choices:
            choice = next(c for c in f.choices if given in c.words)
            if choice.not_this_command:  # a word people use here that belongs to another command
                raise UserError(choice.not_this_command.format(reference=args.reference))
            values[f.name] = choice.value
        else:
            values[f.name] = given
    return command.build(values, actor)
