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

Every message is Danish; every failure is one clear line and a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import getpass
import asyncio
import json
import logging
import os
import sys
from datetime import date, datetime
from pathlib import Path

from temporalio.client import Client

from case_service import CaseRefusal, CaseService, CaseUnavailable
from case_service.commands import AnswerOnBehalf, CaseRef
from config.settings import Settings, SettingsError, load_settings
from domain import labels, reform_labels
from domain.localtime import LOCAL_TZ
from domain.plain_text import printable
from domain.refusals import Refusal
from domain.model import (BenefitPause, CaseEnd, CaseState, EarlierBenefit, FollowUpDecision, EmployerAnswer, ExpectedDuration, FastTrackConsent,
                          FastTrackRequest, InfoFormAnswer, InfoFormSent, MeasureStart, MeetingMove, MeetingOutcome, OutcomeReport,
                          PartialRecovery, Reassignment)
from domain.sick_report import SickReportError, json_schema, load_sick_report
from engine.codec import KeyMismatchError, UnknownKeyError
from register.evaluation_command import add_evaluation_parser, evaluation_from_args
from register.report_command import (ReportError, add_compare_parser, add_report_parser, compare_from_args,
                                     report_from_args)
from decision_support.command import add_model_parser, model_from_args
from simulation.command import add_simulation_parser, simulate_from_args
from simulation.scenario import ScenarioError


class UserError(Exception):
    """A problem to show the user as it is, in Danish."""


YES_NO = {"ja": True, "nej": False}
PARTSTAT = {"ja": "ACCEPTED", "nej": "DECLINED", "maaske": "TENTATIVE", "måske": "TENTATIVE"}
LOCATIONS = {"arbejdspladsen": "workplace", "jobcenter": "jobcenter", "telefon": "phone", "andet": "elsewhere"}
END_TYPES = {"rask": "full_recovery", "delvis-rask": "partial_recovery", "opsagt": "dismissal",
             "flyttet": "moved_municipality", "ophoert": "benefit_ended", "doed": "death"}
REQUESTERS = {"arbejdsgiver": "employer", "medarbejder": "employee"}
MEASURES = {"gradvis": "gradual_return", "praktik": "work_trial", "loentilskud": "wage_subsidy", "mentor": "mentor",
            "andet": "other"}
OUTCOMES = {"job": "work", "uddannelse": "education", "andet": "other"}
INFO_FORM_VIA_WORDS = {"digital-post": "digital_post", "arbejdsgiver": "employer_report"}
PARTIAL_RECOVERY_IS_NO_END = ("En delvis raskmelding afslutter ikke sagen: medarbejderen får nedsatte sygedagpenge, "
                              "og opfølgningen fortsætter (sygedagpengeloven § 8). Registrér den sådan:\n"
                              "  fasthold delvis {reference} --timer TIMER_OM_UGEN --fra ÅÅÅÅ-MM-DD")

UNKNOWN_KEY = ("Sagens data er krypteret med nøglen med id '{key_id}', som denne maskine ikke har. Tilføj den "
               "til FASTHOLD_PAYLOAD_PREVIOUS_KEYS ({key_id}=<nøglen>); se driftsvejledningen om nøgleskift.")
KEY_MISMATCH = ("Sagens data er krypteret med en anden nøgle end denne maskines nøgle med samme id '{key_id}'. "
                "Alle processer skal have den samme FASTHOLD_PAYLOAD_KEY (en tom nøgle giver hver maskine sin egen).")


def format_state(state: CaseState) -> str:
    lines = [f"Sag {state.reference} (kommune {state.municipality})",
             f"  Fase:               {labels.phase(state.phase)}",
             f"  Spor:               {labels.track(state.track)} ({state.triage_reason or '-'})",
             f"  Regelsæt:           {state.rule_set or '-'}"]
    if state.caseworker:
        lines.append(f"  Sagsbehandler:      {state.caseworker.name} <{state.caseworker.email}>")
    if state.first_meeting_due:
        lines.append(f"  Frist 1. samtale:   {state.first_meeting_due.isoformat()} (seneste arbejdsdag "
                     f"{state.latest_meeting_day.isoformat()})")
    if state.deadlines:
        d = state.deadlines
        kind = (f"lovfrist ({d.first_meeting_source})" if d.first_meeting_kind == "statutory"
                else "modellens mål (Sammen om fastholdelse), ikke en lovfrist")
        lines.append(f"  1. samtale er:      {kind}")
        if d.first_conversation_due:
            lines.append(f"  Lovens minimum:     1. samtale senest {d.first_conversation_due.isoformat()} "
                         "(inden for seks måneder)")
        lines.append(f"  Revurdering (§ 24): senest {d.reassessment_due.isoformat()}")
    if state.deadline_breached:
        lines.append("  FRISTEN ER OVERSKREDET")
    for kind in state.breaches:
        lines.append(f"  Lovfrist overskredet: {labels.DEADLINE_KIND.get(kind, kind)}")
    for kind in state.missed_targets:
        lines.append(f"  Modellens mål ikke nået: {labels.DEADLINE_KIND.get(kind, kind)}")
    for m in state.meetings:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(m.responses.items())) or "ingen svar endnu"
        lines.append(f"  Møde {m.number}: {danish_time(m.start)} {m.location} [{m.status}] ({answers})")
    if state.fast_track:
        lines.append(f"  Tidlig opfølgning:  anmodet af {state.fast_track.requested_by} {state.fast_track.requested_on}, "
                     f"samtale senest {state.fast_track.due}")
    request = state.fast_track_request
    if request is not None and not state.fast_track:
        lines.append(f"  Tidlig opfølgning:  anmodet af {request.requested_by} {request.requested_on}, samtykke: "
                     f"{labels.consent(request.consent)}"
                     + (f" (frist {request.consent_due})" if request.pending and request.consent_due else ""))
    for change in state.partial_recoveries:
        lines.append(f"  Delvis raskmeldt:   {change.hours_per_week:g} timer om ugen fra {change.from_date}")
    for pause in state.benefit_pauses:
        lines.append(f"  Uden sygedagpenge:  {pause.start} til {pause.end}" + (f" ({pause.reason})" if pause.reason else ""))
    if state.risk is not None:
        lines.append(f"  Beslutningsstøtte:  {reform_labels.risk_line(state.risk)}")
    for period in state.earlier_benefit:
        lines.append(f"  Tidligere dagpenge: {period.start} til {period.end} ({reform_labels.SOURCE[period.source]}"
                     + (f", {period.note}" if period.note else "") + ") tæller med i § 24")
    if state.info_form_sent_on:
        lines.append(f"  Oplysningsskema:    {info_form_line(state)}")
    for measure in state.measures:
        lines.append(f"  Indsats:            {measure.kind} fra {measure.start_date}"
                     + (" (inden uge 13)" if measure.before_week_13 else " (efter uge 13)"))
    for task in state.open_tasks:
        lines.append(f"  Åben opgave:        {task.title} (frist {task.due})")
    if state.end_type:
        lines.append(f"  Afsluttet:          {state.end_type} {state.end_date}"
                     + (f", afgang: {state.outcome}" if state.outcome else ""))
    lines.append("  Forløb (dansk tid):")
    lines += [f"    {danish_time(e.at)}  {e.event}  {e.detail}" for e in state.timeline]
    return printable("\n".join(lines))   # what attendees wrote is in it: no escape sequence reaches a terminal


def danish_time(at: datetime) -> str:
    """A moment as a person in the municipality reads it: local Danish time, to the minute (the workflow keeps UTC)."""
    return at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def danish_today() -> date:
    """Today in Denmark, whatever the machine's time zone: a case's dates are Danish dates, and just after
    midnight in Copenhagen a UTC machine would still say yesterday (and an answer would seem older than its form)."""
    return datetime.now(LOCAL_TZ).date()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "ukendt"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _local_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)") from None
    return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)


ARGPARSE_DANISH = (
    ("the following arguments are required", "disse argumenter mangler"),
    ("invalid choice", "ugyldigt valg"), ("choose from", "vælg mellem"), ("invalid int value", "ikke et helt tal"),
    ("unrecognized arguments", "ukendte argumenter"), ("expected one argument", "mangler en værdi"),
    ("invalid float value", "ikke et tal"), ("invalid _date value", "ikke en dato"),
    ("argument", "argument"),
)


class DanishArgumentParser(argparse.ArgumentParser):
    """argparse with its error messages in Danish, as every other message of the command line."""

    def error(self, message: str):
        for english, danish in ARGPARSE_DANISH:
            message = message.replace(english, danish)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fejl: {message}\n")


def _global_options(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--kommune", default=default, help="kommunekode (standard fra konfigurationen)")
    parser.add_argument("--bruger", default=default, help="hvem der handler, til sagens log (standard: dit brugernavn)")


def parser() -> argparse.ArgumentParser:
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
    s = sub.add_parser("svar", help="registrér et svar på en mødeindkaldelse")
    s.add_argument("reference")
    s.add_argument("--email", required=True)
    s.add_argument("--svar", required=True, choices=sorted(PARTSTAT))
    s.add_argument("--moede", type=int, default=1)
    s = sub.add_parser("samtale", help="registrér om en samtale blev holdt")
    s.add_argument("reference")
    s.add_argument("--moede", type=int, default=1)
    s.add_argument("--holdt", required=True, choices=sorted(YES_NO))
    s.add_argument("--arbejdsgiver-deltog", required=True, choices=sorted(YES_NO))
    s.add_argument("--sted", required=True, choices=sorted(LOCATIONS))
    s.add_argument("--tidspunkt", type=_local_datetime, default=None,
                   help="hvis samtalen blev holdt på et andet aftalt tidspunkt: ÅÅÅÅ-MM-DDTTT:MM")
    s = sub.add_parser("afslut", help="afslut en sag")
    s.add_argument("reference")
    s.add_argument("--type", required=True, choices=sorted(END_TYPES))
    s.add_argument("--dato", type=_date, default=None, help="ÅÅÅÅ-MM-DD (standard: i dag)")
    s = sub.add_parser("arbejdsgiver", help="registrér om arbejdsgiveren vil lægge lokaler til samtalen")
    s.add_argument("reference")
    s.add_argument("--vaert", required=True, choices=sorted(YES_NO), help="holdes samtalen på arbejdspladsen?")
    s.add_argument("--begrundelse", default="", help="påkrævet, når svaret er nej")
    s = sub.add_parser("varighed", help="registrér en ny forventet varighed af fraværet")
    s.add_argument("reference")
    s.add_argument("--uger", type=int, required=True, help="medarbejderens forventning i uger")
    s.add_argument("--arbejdsgiver-uger", type=int, default=None, help="arbejdsgiverens forventning i uger")
    s = sub.add_parser("hurtigspor", help="registrér en anmodning om tidlig opfølgning")
    s.add_argument("reference")
    s.add_argument("--fra", required=True, choices=sorted(REQUESTERS))
    s.add_argument("--dato", type=_date, default=None, help="ÅÅÅÅ-MM-DD (standard: i dag)")
    s = sub.add_parser("indsats", help="registrér en virksomhedsrettet indsats")
    s.add_argument("reference")
    s.add_argument("--type", required=True, choices=sorted(MEASURES))
    s.add_argument("--start", type=_date, required=True, help="ÅÅÅÅ-MM-DD")
    s = sub.add_parser("omfordel", help="giv sagen til en anden sagsbehandler")
    s.add_argument("reference")
    s.add_argument("--begrundelse", required=True)
    s.add_argument("--sagsbehandler", default=None, help="id fra roster (standard: den mindst belastede)")
    s = sub.add_parser("flyt", help="flyt et planlagt møde til et nyt tidspunkt")
    s.add_argument("reference")
    s.add_argument("--moede", type=int, default=1)
    s.add_argument("--tidspunkt", type=_local_datetime, required=True, help="ÅÅÅÅ-MM-DDTTT:MM")
    s.add_argument("--bekraeft", action="store_true",
                   help="flyt også uden for arbejdstiden, på en lukkedag eller efter fristen")
    s = sub.add_parser("delvis", help="registrér en delvis raskmelding (sagen fortsætter)")
    s.add_argument("reference")
    s.add_argument("--timer", type=float, required=True, help="timer om ugen medarbejderen arbejder fra datoen")
    s.add_argument("--fra", type=_date, default=None, help="ÅÅÅÅ-MM-DD (standard: i dag)")
    s.add_argument("--note", default="", help="fx aftale om opgaver")
    s = sub.add_parser("samtykke", help="registrér medarbejderens svar på arbejdsgiverens anmodning om tidlig opfølgning")
    s.add_argument("reference")
    s.add_argument("--svar", required=True, choices=sorted(YES_NO))
    s.add_argument("--dato", type=_date, default=None, help="hvornår medarbejderen svarede, ÅÅÅÅ-MM-DD (standard: i dag)")
    s.add_argument("--sent-accepteret", action="store_true",
                   help="kommunen fortsætter den tidlige opfølgning, selv om ja'et kom efter fristen")
    s = sub.add_parser("pause", help="registrér en periode uden sygedagpenge (flytter revurderingen)")
    s.add_argument("reference")
    s.add_argument("--fra", type=_date, required=True, help="første dag uden sygedagpenge, ÅÅÅÅ-MM-DD")
    s.add_argument("--til", type=_date, required=True, help="sidste dag uden sygedagpenge, ÅÅÅÅ-MM-DD")
    s.add_argument("--begrundelse", default="")
    s = sub.add_parser("opfoelgning", help="registrér din beslutning om en overvåget sag med høj risiko")
    s.add_argument("reference")
    s.add_argument("--indkald", required=True, choices=sorted(YES_NO), help="ja: medarbejderen indkaldes")
    s.add_argument("--begrundelse", required=True)
    s = sub.add_parser("tidligere", help="registrér sygedagpenge i en tidligere sag (tæller med i § 24)")
    s.add_argument("reference")
    s.add_argument("--fra", type=_date, required=True, help="første dag med sygedagpenge, ÅÅÅÅ-MM-DD")
    s.add_argument("--til", type=_date, required=True, help="sidste dag med sygedagpenge, ÅÅÅÅ-MM-DD")
    s.add_argument("--note", default="", help="fx den kommune, der udbetalte")
    s = sub.add_parser("oplysningsskema", help="registrér at oplysningsskemaet (§ 11) er sendt eller besvaret")
    s.add_argument("reference")
    s.add_argument("--besvaret", type=_date, default=None, help="ÅÅÅÅ-MM-DD (standard: i dag)")
    s.add_argument("--sendt", type=_date, default=None,
                   help="dagen skemaet blev sendt, ÅÅÅÅ-MM-DD (registrerer afsendelsen i stedet for svaret)")
    s.add_argument("--via", choices=sorted(INFO_FORM_VIA_WORDS), default="digital-post",
                   help="digital-post, eller arbejdsgiver: sendt automatisk med arbejdsgiverens anmeldelse")
    s.add_argument("--svarfrist", type=_date, default=None, help="en senere svarfrist aftalt med medarbejderen")
    s = sub.add_parser("udfald", help="registrér afgang en måned efter sagens afslutning")
    s.add_argument("reference")
    s.add_argument("--udfald", required=True, choices=sorted(OUTCOMES))
    add_report_parser(sub)
    add_compare_parser(sub)
    add_evaluation_parser(sub)
    sub.add_parser("regelsaet", help="lad alle kørende sager se på regelsættene igen (et nyt regelsæt i konfigurationen)")
    sub.add_parser("skema", help="udskriv JSON-skemaet for en sygemelding")
    s = sub.add_parser("historik", help="(drift) gem en sags historik, som Temporal har den (krypteret)")
    s.add_argument("reference")
    s.add_argument("--fil", type=Path, required=True, help="hvor historikken gemmes (JSON)")
    s = sub.add_parser("genafspil", help="(drift) genafspil en gemt historik med denne kode og disse nøgler")
    s.add_argument("fil", type=Path)
    sub.add_parser("opdater-lister", help="(drift) én gang efter opgraderingen: sæt åbne sager ind i arbejdsbordets "
                                          "lister (sager, der blev oprettet før listernes læsemodel)")
    s = sub.add_parser("genbehandl", help="(drift) vis de afviste svar, postindgangen har gemt, eller "
                                          "genbehandl ét, når årsagen er rettet")
    s.add_argument("fil", nargs="?", help="det gemte svars filnavn i inbox/refused/ (uden fil: vis listen)")
    add_simulation_parser(sub)
    add_model_parser(sub)
    return p


def action_from_args(args, actor: str):
    """The typed command a subcommand asks for: the command line only translates words into it."""
    today = danish_today()
    if args.command == "svar":
        return AnswerOnBehalf(args.moede, args.email, PARTSTAT[args.svar], actor=actor)
    if args.command == "samtale":
        return MeetingOutcome(args.moede, YES_NO[args.holdt], YES_NO[args.arbejdsgiver_deltog], LOCATIONS[args.sted],
                              args.tidspunkt, actor=actor)
    if args.command == "arbejdsgiver":
        return EmployerAnswer(YES_NO[args.vaert], args.begrundelse, actor=actor)
    if args.command == "varighed":
        return ExpectedDuration(args.uger, args.arbejdsgiver_uger, actor=actor)
    if args.command == "hurtigspor":
        return FastTrackRequest(REQUESTERS[args.fra], args.dato or today, actor=actor)
    if args.command == "indsats":
        return MeasureStart(MEASURES[args.type], args.start, actor=actor)
    if args.command == "omfordel":
        return Reassignment(args.begrundelse, args.sagsbehandler, actor=actor)
    if args.command == "flyt":
        return MeetingMove(args.moede, args.tidspunkt, actor=actor, confirmed=args.bekraeft)
    if args.command == "udfald":
        return OutcomeReport(OUTCOMES[args.udfald], actor=actor)
    if args.command == "afslut":
        if END_TYPES[args.type] == "partial_recovery":
            raise UserError(PARTIAL_RECOVERY_IS_NO_END.format(reference=args.reference))
        return CaseEnd(END_TYPES[args.type], args.dato or today, actor=actor)
    if args.command == "delvis":
        return PartialRecovery(args.timer, args.fra or today, args.note, actor=actor)
    if args.command == "samtykke":
        return FastTrackConsent(YES_NO[args.svar], args.dato or today, args.sent_accepteret, actor=actor)
    if args.command == "pause":
        return BenefitPause(args.fra, args.til, args.begrundelse, actor=actor)
    if args.command == "opfoelgning":
        return FollowUpDecision(YES_NO[args.indkald], args.begrundelse, actor=actor)
    if args.command == "tidligere":
        return EarlierBenefit(args.fra, args.til, "caseworker", args.note, actor=actor)
    if args.command == "oplysningsskema":
        if args.sendt is not None or args.svarfrist is not None:
            if args.besvaret is not None:
                raise UserError("Brug enten --sendt (afsendelsen) eller --besvaret (svaret), ikke begge.")
            return InfoFormSent(args.sendt or today, INFO_FORM_VIA_WORDS[args.via], args.svarfrist, actor=actor)
        return InfoFormAnswer(args.besvaret or today, actor=actor)
    raise UserError(f"Ukendt kommando {args.command}")


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


def save_history(history, path: Path) -> str:
    """The history as Temporal stores it (payloads still encrypted): for `genafspil`, or tests/histories/."""
    try:
        path.write_text(history.to_json(), encoding="utf-8")
    except OSError as err:
        raise UserError(f"Kan ikke skrive filen {path}: {err.strerror}.") from None
    return f"Historikken for {history.workflow_id} ({len(history.events)} hændelser) er gemt i {path}."


def format_refreshed(results) -> str:
    """One line per running case: the rule set it follows now, or the switch ahead of it."""
    from domain.reform_labels import rules_refreshed

    lines = [f"{reference}: {'afvist: ' + r.message if isinstance(r, CaseRefusal) else rules_refreshed(r)}"
             for reference, r in results]
    return "\n".join(lines + [f"{len(results)} kørende sager har set på regelsættene igen."])


def info_form_line(state: CaseState) -> str:
    """The information form as the caseworker reads it: sent (how, and whether the date is only intake's), its
    answer date (agreed or the law's), and answered in time, late, or not yet."""
    from domain.reform_labels import info_form_status

    return info_form_status(state)


def history_payloads(history) -> list:
    """Every payload in a history, wherever it sits (inputs, results, update arguments, failures)."""
    from google.protobuf.message import Message
    from temporalio.api.common.v1 import Payload

    found = []

    def walk(message) -> None:
        if isinstance(message, Payload):
            found.append(message)
            return
        for _, value in message.ListFields():
            if isinstance(value, Message):
                walk(value)
            elif not isinstance(value, (str, bytes, int, float, bool)):  # repeated fields and maps
                for item in (value.values() if hasattr(value, "values") else value):
                    if isinstance(item, Message):
                        walk(item)

    for event in history.events:
        walk(event)
    return found


async def replay_history(path: Path, settings: Settings) -> str:
    """Replay a saved history against this code with this process's keys (the runbook's replay step): the
    same sandbox and holiday calendar warm-up as the worker, and a missing key named before replaying."""
    from temporalio.client import WorkflowHistory
    from temporalio.runtime import Runtime, TelemetryConfig
    from temporalio.worker import Replayer

    from engine.client import data_converter
    from engine.codec import codec_from_settings
    from worker import SANDBOX, warm_holiday_calendar
    from workflows.case_workflow import CaseWorkflow

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise UserError(f"Kan ikke læse filen {path}: {err.strerror}.") from None
    try:
        data = json.loads(text)
        history = WorkflowHistory.from_json(path.stem.split("--")[-1], data)
    except (ValueError, TypeError, KeyError) as err:
        raise UserError(f"{path} er ikke en historik fra `fasthold historik` eller "
                        f"`temporal workflow show --output json` ({type(err).__name__}).") from None
    # Every payload decrypted first: a missing or different key is named here, not deep in a replay failure.
    codec = codec_from_settings(settings)
    for payload in history_payloads(history):
        await codec.decode([payload])
    warm_holiday_calendar()
    # The SDK logs a failing activation with its traceback; the failure is reported below, in one message.
    logging.getLogger("temporalio").setLevel(logging.CRITICAL)
    quiet = Runtime(telemetry=TelemetryConfig(logging=None, metrics=None))
    replayer = Replayer(workflows=[CaseWorkflow], workflow_runner=SANDBOX, data_converter=data_converter(settings),
                        runtime=quiet)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    if result.replay_failure is not None:
        raise UserError(f"Historikken kan ikke genafspilles med denne kode: {result.replay_failure}\n"
                        "En ændring i sagens forløb skal beskyttes med workflow.patched(...).")
    return f"Historikken i {path} ({len(history.events)} hændelser) genafspilles uden fejl med denne kode."


async def reprocess_reply(name: str | None, settings: Settings, actor: str, client: Client | None = None) -> str:
    """The runbook's "reprocess a kept reply": on the gateway's machine, with the gateway's settings."""
    from case_service.replies import Processor, SenderTrust
    from case_service.reprocess import ReprocessRefused, answer_text, find, listing, reprocess
    from mailing.inbox import Inbox
    from register.db import Register

    if not (settings.data_path / "inbox" / "refused").is_dir():
        raise UserError(f"Her er ingen postindgang: {settings.data_path / 'inbox'} findes ikke. Kør kommandoen, hvor "
                        "postindgangen kører, med dens indstillinger (FASTHOLD_DATA_DIR).")
    register = Register(settings.resolved_database_url)
    try:
        inbox = Inbox(settings.data_path / "inbox")
        processor = Processor(CaseService(client, settings), register, inbox, trust=SenderTrust.from_settings(settings))
        if name is None:
            return listing(processor)
        try:
            if why := find(processor, name).why_not():  # before connecting: Temporal is not needed to say no
                raise ReprocessRefused(why)
            if client is None:
                processor.cases = CaseService(await _connect(settings), settings)
            outcome, filed = await reprocess(processor, name, actor=actor)
        except ReprocessRefused as err:
            raise UserError(str(err)) from None
        return answer_text(outcome, filed)
    finally:
        register.dispose()


async def _connect(settings: Settings) -> Client:
    from engine.client import ConnectionSettingsError, connect, connect_options

    try:  # the settings first: a file that cannot be read is not an engine that is down
        connect_options(settings)
    except ConnectionSettingsError as err:
        raise UserError(err.danish) from None
    except ValueError as err:
        raise UserError(f"Indstillingerne kan ikke bruges: {err}") from None
    try:
        return await connect(settings)
    except Exception:
        raise UserError(f"Kan ikke forbinde til Temporal på {settings.temporal_address}. Kører motoren? "
                        "Start den med: bash scripts/run.sh") from None


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


if __name__ == "__main__":
    entry()
