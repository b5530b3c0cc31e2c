"""fasthold: the command line for caseworkers and operators.

    fasthold opret sygemelding.json          start a case from a sick report
    fasthold status SAG-2026-0001            show a case
    fasthold svar REF --email X --svar ja    record an answer to a meeting invitation
    fasthold samtale REF --moede 1 ...       record a meeting as held or not
    fasthold afslut REF --type rask          report how the case ended
    fasthold delvis REF --timer 20 --fra D   a partial recovery: the case goes on
    fasthold samtykke REF --svar ja          the employee's consent to the employer's fast-track request
    fasthold pause REF --fra D --til D       a period without sickness benefit (moves the § 24 reassessment)
    fasthold oplysningsskema REF             the information form (§ 11) has been answered
    (every case command is declared once in case_service/registry.py; cli/case_commands.py derives them)
    fasthold rapport --fra 2026-01-01 --til 2026-12-31 --format html --fil rapport.html
    fasthold sammenlign --basis-fra 2025-01-01 --basis-til 2025-12-31 --fra 2026-01-01 --til 2026-12-31
    fasthold evaluering --fra 2026-01-01 --til 2026-12-31 --ud evaluering
                                             the model's success criteria for a period
    fasthold skema                           print the sick report's JSON Schema
    fasthold simuler examples/simulering.yaml   simulate a year of cases: how many caseworkers?
    fasthold historik REF --fil h.json       (operators) save a case's history as Temporal stores it
    fasthold genafspil h.json                (operators) replay a saved history against this code and keys
    fasthold genbehandl [FIL]                (operators) list the replies the gateway kept, or reprocess one

Global options (--bruger, --kommune) go before or after the subcommand.

The package: `arguments` (argparse in Danish, dates, the global options), `case_commands` (the caseworker's
subcommands, derived from `case_service/registry.py`), `status` (a case as text), `operations` (history,
replay, reprocessing, the connection to Temporal); here the parser, the dispatch and the entry point.

Every message is Danish; every failure is one clear line and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from temporalio.client import Client

from case_service import CaseRefusal, CaseService, CaseUnavailable
from case_service.command_spec import Command
from case_service.commands import CaseRef
from case_service.registry import COMMANDS
from cli.arguments import DanishArgumentParser, UserError, _global_options, _user, danish_today
from cli.case_commands import action_from_args, add_case_subcommands
from cli.operations import _connect, history_payloads, replay_history, reprocess_reply, save_history
from cli.status import danish_time, format_refreshed, format_state, info_form_line
from config.settings import Settings, SettingsError, load_settings
from decision_support.command import add_model_parser, model_from_args
from domain.plain_text import printable
from domain.refusals import Refusal
from domain.sick_report import SickReportError, json_schema, load_sick_report
from engine.codec import KeyMismatchError, UnknownKeyError
from reporting.evaluation_command import add_evaluation_parser, evaluation_from_args
from reporting.report_command import (
    ReportError,
    add_compare_parser,
    add_report_parser,
    compare_from_args,
    report_from_args,
)
from simulation.command import add_simulation_parser, simulate_from_args
from simulation.scenario import ScenarioError

# What other modules and tests take from `cli` (the package keeps the names the single module had).
__all__ = [
    "UserError",
    "action_from_args",
    "danish_time",
    "danish_today",
    "entry",
    "format_refreshed",
    "format_state",
    "history_payloads",
    "info_form_line",
    "main",
    "parser",
    "run",
    "save_history",
]

UNKNOWN_KEY = (
    "Sagens data er krypteret med nøglen med id '{key_id}', som denne maskine ikke har. Tilføj den "
    "til FASTHOLD_PAYLOAD_PREVIOUS_KEYS ({key_id}=<nøglen>); se driftsvejledningen om nøgleskift."
)
KEY_MISMATCH = (
    "Sagens data er krypteret med en anden nøgle end denne maskines nøgle med samme id '{key_id}'. "
    "Alle processer skal have den samme FASTHOLD_PAYLOAD_KEY (en tom nøgle giver hver maskine sin egen)."
)


def parser(commands: tuple[Command, ...] = COMMANDS) -> argparse.ArgumentParser:
    p = DanishArgumentParser(prog="fasthold", description="Sager om fastholdelse af sygemeldte.")
    _global_options(p, None)
    # The same options after the subcommand (as the runbook writes them); SUPPRESS keeps a value given before it.
    after = argparse.ArgumentParser(add_help=False)
    _global_options(after, argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", required=True, parser_class=DanishArgumentParser)
    original_add = sub.add_parser
    sub.add_parser = lambda *a, **k: original_add(*a, parents=[after, *k.pop("parents", [])], **k)
    s = sub.add_parser("opret", help="opret en sag fra en sygemelding (JSON)")
    s.add_argument("fil", type=Path)
    s = sub.add_parser("status", help="vis en sag")
    s.add_argument("reference")
    add_case_subcommands(sub, commands)
    add_report_parser(sub)
    add_compare_parser(sub)
    add_evaluation_parser(sub)
    sub.add_parser(
        "regelsaet", help="lad alle kørende sager se på regelsættene igen (et nyt regelsæt i konfigurationen)"
    )
    sub.add_parser("skema", help="udskriv JSON-skemaet for en sygemelding")
    s = sub.add_parser("historik", help="(drift) gem en sags historik, som Temporal har den (krypteret)")
    s.add_argument("reference")
    s.add_argument("--fil", type=Path, required=True, help="hvor historikken gemmes (JSON)")
    s = sub.add_parser("genafspil", help="(drift) genafspil en gemt historik med denne kode og disse nøgler")
    s.add_argument("fil", type=Path)
    sub.add_parser(
        "opdater-lister",
        help="(drift) én gang efter opgraderingen: sæt åbne sager ind i arbejdsbordets "
        "lister (sager, der blev oprettet før listernes læsemodel)",
    )
    s = sub.add_parser(
        "genbehandl",
        help="(drift) vis de afviste svar, postindgangen har gemt, eller genbehandl ét, når årsagen er rettet",
    )
    s.add_argument("fil", nargs="?", help="det gemte svars filnavn i inbox/refused/ (uden fil: vis listen)")
    add_simulation_parser(sub)
    add_model_parser(sub)
    return p


async def run(args, settings: Settings, client: Client | None = None) -> str:
    municipality = args.kommune or settings.municipality
    actor = args.bruger or _user()
    if args.command == "skema":
        return json.dumps(json_schema(), indent=2, ensure_ascii=False)
    if args.command == "rapport":  # reads the register only: no Temporal needed
        return report_from_args(args, settings, municipality)
    if args.command == "sammenlign":
        return compare_from_args(args, settings, municipality)
    if args.command == "evaluering":
        return evaluation_from_args(args, settings, municipality, actor)
    if args.command == "simuler":  # its own time-skipping server: not the running engine
        return await simulate_from_args(args)
    if args.command == "genafspil":  # the code and keys of this process: no server needed
        return await replay_history(args.fil, settings)
    if args.command == "model":  # the register and the model files only: no Temporal needed
        return model_from_args(args, settings)
    if args.command == "genbehandl":
        return await reprocess_reply(args.fil, settings, actor, client)
    case = load_sick_report(args.fil, today=danish_today()) if args.command == "opret" else None
    cases = CaseService(client or await _connect(settings), settings)
    if case is not None:
        started = await cases.start_case(case)
        if started.new:
            return f"Sagen {case.reference} er oprettet (workflow {started.workflow_id})."
        return f"Sagen {case.reference} kører allerede; der er ikke oprettet en ny (workflow {started.workflow_id})."
    if args.command == "regelsaet":
        return format_refreshed(await cases.refresh_rule_sets(municipality, actor))
    if args.command == "opdater-lister":
        from case_service.lists import publish_missing
        from register.db import Register, upgrade

        upgrade(settings.resolved_database_url)
        register = Register(settings.resolved_database_url)
        try:
            added, there = await publish_missing(cases, register, municipality)
        finally:
            register.dispose()
        return f"{added} åbne sager er sat ind i arbejdsbordets lister; {there} var der allerede."
    ref = CaseRef(municipality, args.reference)
    if args.command == "status":
        return format_state(await cases.state(ref))
    if args.command == "historik":
        return save_history(await cases.history(ref), args.fil)
    return (await cases.act(ref, action_from_args(args, actor))).message


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        # Cases hold what attendees wrote; a terminal must never receive an escape sequence from them.
        print(printable(str(asyncio.run(run(args, settings)))))
        return 0
    except SickReportError as err:
        print("Sygemeldingen er ikke gyldig:", file=sys.stderr)
        for field, problem in err.problems:
            print(f"  - {field}: {problem}", file=sys.stderr)
        return 2
    except CaseRefusal as refusal:
        if refusal.reason == Refusal.INVALID_INPUT and args.command == "opret":
            print("Sygemeldingen er ikke gyldig:", file=sys.stderr)
            for field, problem in refusal.problems:
                print(f"  - {field}: {problem}", file=sys.stderr)
            return 2
        print(f"Afvist: {refusal.message}" if refusal.by_case else refusal.message, file=sys.stderr)
        return 1
    except CaseUnavailable:
        print("Temporal svarer ikke lige nu. Prøv igen om lidt.", file=sys.stderr)
        return 1
    except KeyMismatchError as err:
        print(KEY_MISMATCH.format(key_id=err.key_id), file=sys.stderr)
        return 1
    except UnknownKeyError as err:
        print(UNKNOWN_KEY.format(key_id=err.key_id), file=sys.stderr)
        return 1
    except BrokenPipeError:  # `fasthold status X | head`: the reader has what it wanted
        raise
    except SettingsError as err:
        print(f"Indstillingerne kan ikke bruges: {err}", file=sys.stderr)
        return 2
    except (UserError, ReportError, ScenarioError) as err:
        print(str(err), file=sys.stderr)
        return 1
    except Exception as err:  # the last guard: a user never sees a traceback
        print(f"Der opstod en uventet fejl: {type(err).__name__}. Kontakt it-driften.", file=sys.stderr)
        return 3


def entry() -> None:
    """Console entry point. Exits with os._exit once everything is flushed: the Temporal SDK's runtime can
    abort the interpreter at shutdown ("PyGILState_Release", temporalio/sdk-python#300), which would turn a
    clean answer into exit code -6."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:  # the reader closed the pipe (`| head`): stop quietly, as other tools do
        code = 0
    try:
        sys.stderr.flush()
    except BrokenPipeError:
        pass
    os._exit(code)
