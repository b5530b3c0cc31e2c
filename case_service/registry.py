"""Every command a person gives about a case, each declared once (see `case_service/command_spec.py`).

The command line's subcommands (`cli/case_commands.py`), the workbench's forms (`web/forms.py`), the update
map below and the Danish confirmations are all derived from `COMMANDS`. Adding a command: CONTRIBUTING.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from case_service.command_fields import END_TYPES, LOCATIONS, MEETING, OUTCOMES, PARTSTATS, TODAY, VIA, day, outcome
from case_service.command_spec import YES_NO, Choice, Command, Field, Said
from case_service.commands import AnswerOnBehalf
from case_service.law_commands import LAW_COMMANDS
from domain.payloads import (
    CaseEnd,
    CounterProposal,
    EarlierBenefit,
    EmployerAnswer,
    FollowUpDecision,
    InfoFormSent,
    MeetingMove,
    MeetingOutcome,
    OutcomeReport,
    Reassignment,
    ReplyReview,
    RsvpReceived,
)
from domain.reform_labels import follow_up_decided, info_form_sent
from domain.refusals import Refusal as R
from domain.results import UpdateResult, from_legacy
from workflows.case_workflow import CaseWorkflow as W

COMMANDS: tuple[Command, ...] = (
    Command(
        "arbejdsgiver",
        EmployerAnswer,
        "Arbejdsgiverens svar om stedet",
        "registrér om arbejdsgiveren vil lægge lokaler til samtalen",
        "Registrér svaret",
        (
            Field(
                "hosts_at_workplace",
                "Holdes samtalen på arbejdspladsen?",
                "radio",
                YES_NO,
                option="--vaert",
                help="holdes samtalen på arbejdspladsen?",
            ),
            Field(
                "reason",
                "Begrundelse, hvis nej",
                "textarea",
                required=False,
                option="--begrundelse",
                hint="Skal udfyldes, når samtalen ikke kan holdes på arbejdspladsen.",
                help="påkrævet, når svaret er nej",
            ),
        ),
        W.employer_answer,
        "employer_answer",
        lambda r, s: (
            "Samtalen holdes på arbejdspladsen."
            if outcome(r) == "workplace"
            else "Samtalen flyttes til jobcentret; deltagerne får en ny invitation."
        ),
        (R.NOT_WORKPLACE_TRACK, R.REASON_REQUIRED),
    ),
    Command(
        "samtale",
        MeetingOutcome,
        "Registrér en samtale",
        "registrér om en samtale blev holdt",
        "Registrér samtalen",
        (
            MEETING,
            Field("held", "Blev samtalen holdt?", "radio", YES_NO, option="--holdt"),
            Field("employer_took_part", "Deltog arbejdsgiveren?", "radio", YES_NO, option="--arbejdsgiver-deltog"),
            Field("location", "Hvor blev den holdt?", "select", LOCATIONS, option="--sted"),
            Field(
                "held_at",
                "Tidspunkt, hvis et andet end det planlagte",
                "datetime",
                required=False,
                option="--tidspunkt",
                help="hvis samtalen blev holdt på et andet aftalt tidspunkt: ÅÅÅÅ-MM-DDTTT:MM",
            ),
        ),
        W.record_meeting,
        "record_meeting",
        lambda r, s: f"Møde {s.meeting_number} er registreret ({'holdt' if outcome(r) == 'held' else 'ikke holdt'}).",
        (R.ALREADY_RECORDED, R.BAD_HELD_AT, R.BAD_LOCATION, R.MEETING_IN_FUTURE, R.NO_SUCH_MEETING),
    ),
    Command(
        "svar",
        AnswerOnBehalf,
        "Registrér et svar på en invitation",
        "registrér et svar på en mødeindkaldelse",
        "Registrér svaret",
        (
            MEETING,
            Field("attendee_email", "Deltager", "select", option="--email"),
            Field("partstat", "Svar", "select", PARTSTATS, option="--svar"),
        ),
        W.record_rsvp,
        "answer",
        lambda r, s: f"Svaret er registreret for møde {s.meeting_number}.",
        (R.BAD_PARTSTAT, R.NO_SUCH_MEETING, R.NOT_AN_ATTENDEE),
    ),
    Command(
        "flyt",
        MeetingMove,
        "Flyt et møde",
        "flyt et planlagt møde til et nyt tidspunkt",
        "Flyt mødet",
        (
            MEETING,
            Field("start", "Nyt tidspunkt", "datetime", option="--tidspunkt", help="ÅÅÅÅ-MM-DDTTT:MM"),
            Field(
                "confirmed",
                "Bekræft tidspunktet",
                "radio",
                (Choice(True, "Ja, flyt mødet alligevel", ("ja",)),),
                required=False,
                option="--bekraeft",
                flag=True,
                hint="Kun når tidspunktet ligger uden for arbejdstiden, på en lukkedag eller efter fristen.",
                help="flyt også uden for arbejdstiden, på en lukkedag eller efter fristen",
            ),
        ),
        W.move_meeting_to,
        "move_meeting",
        lambda r, s: f"Møde {s.meeting_number} er flyttet; deltagerne får en opdateret invitation.",
        (
            R.ALREADY_RECORDED,
            R.MEETING_NOT_PLANNED,
            R.NEEDS_CONFIRMATION,
            R.NO_SUCH_MEETING,
            R.START_IN_PAST,
            R.START_TOO_FAR,
            R.NO_FREE_TIME,
        ),
    ),
    *LAW_COMMANDS,
    Command(
        "omfordel",
        Reassignment,
        "Giv sagen til en anden sagsbehandler",
        "giv sagen til en anden sagsbehandler",
        "Omfordel sagen",
        (
            Field("reason", "Begrundelse", "textarea", option="--begrundelse"),
            Field(
                "caseworker_id",
                "Ny sagsbehandler",
                "select",
                required=False,
                option="--sagsbehandler",
                hint="Vælger du ingen, får den mindst belastede kollega sagen.",
                help="id fra roster (standard: den mindst belastede)",
            ),
        ),
        W.reassign,
        "reassign",
        lambda r, s: f"Sagen er givet til {r.value}. Den nye sagsbehandler har fået de åbne opgaver.",
        (R.REASON_REQUIRED, R.SAME_CASEWORKER, R.UNKNOWN_CASEWORKER, R.NO_TIME_FOR_HANDOVER),
    ),
    Command(
        "afslut",
        CaseEnd,
        "Afslut sagen",
        "afslut en sag",
        "Afslut sagen",
        (
            Field("end_type", "Hvordan sluttede sagen?", "select", END_TYPES, option="--type"),
            Field("end_date", "Slutdato", "date", option="--dato", today=True, help=TODAY),
        ),
        W.report_end,
        "report_end",
        lambda r, s: f"Sagen {s.reference} afsluttes nu.",
        (R.BAD_END_DATE, R.BAD_END_TYPE, R.NOT_AN_END),
    ),
    # The information form's real sending shares the command line's `oplysningsskema` (with --sendt); on the
    # workbench it is a form of its own.
    Command(
        "oplysningsskema-sendt",
        InfoFormSent,
        "Oplysningsskemaet er sendt",
        "registrér at oplysningsskemaet (§ 11) er sendt",
        "Registrér afsendelsen",
        (
            Field(
                "sent_on",
                "Dato for afsendelsen",
                "date",
                option="--sendt",
                today=True,
                help="dagen skemaet blev sendt, ÅÅÅÅ-MM-DD (registrerer afsendelsen i stedet for svaret)",
            ),
            Field(
                "via",
                "Hvordan blev det sendt?",
                "select",
                VIA,
                option="--via",
                cli_default="digital-post",
                help="digital-post, eller arbejdsgiver: sendt automatisk med arbejdsgiverens anmeldelse",
            ),
            Field(
                "answer_due",
                "Aftalt senere svarfrist",
                "date",
                required=False,
                option="--svarfrist",
                hint="Kun hvis I har aftalt en senere frist end 8 dage efter afsendelsen.",
                help="en senere svarfrist aftalt med medarbejderen",
            ),
        ),
        W.record_info_form_sent,
        "info_form_sent",
        lambda r, s: info_form_sent(r.value),
        (R.ALREADY_RECORDED, R.BAD_AGREED_DUE, R.BAD_SENT_DATE, R.NO_INFO_FORM),
        cli="oplysningsskema",
        cli_when=("sent_on", "answer_due"),
        cli_conflict="Brug enten --sendt (afsendelsen) eller --besvaret (svaret), ikke begge.",
    ),
    Command(
        "tidligere",
        EarlierBenefit,
        "Sygedagpenge i en tidligere sag",
        "registrér sygedagpenge i en tidligere sag (tæller med i § 24)",
        "Registrér perioden",
        (
            Field("start", "Fra dato", "date", option="--fra", help="første dag med sygedagpenge, ÅÅÅÅ-MM-DD"),
            Field("end", "Til og med dato", "date", option="--til", help="sidste dag med sygedagpenge, ÅÅÅÅ-MM-DD"),
            Field(
                "note",
                "Hvem udbetalte (fx en anden kommune)",
                "textarea",
                required=False,
                option="--note",
                help="fx den kommune, der udbetalte",
            ),
        ),
        W.record_earlier_benefit,
        "earlier_benefit",
        lambda r, s: (
            f"Den tidligere periode med sygedagpenge er registreret. Revurderingen skal nu ske senest {day(r.value)}."
        ),
        (R.BAD_PERIOD, R.PERIOD_OVERLAPS),
        fixed={"source": "caseworker"},
    ),
    Command(
        "opfoelgning",
        FollowUpDecision,
        "Beslutning om opfølgning",
        "registrér din beslutning om en overvåget sag med høj risiko",
        "Registrér beslutningen",
        (
            Field(
                "call_in",
                "Skal medarbejderen indkaldes?",
                "radio",
                YES_NO,
                option="--indkald",
                help="ja: medarbejderen indkaldes",
            ),
            Field("reason", "Begrundelse", "textarea", option="--begrundelse"),
        ),
        W.record_follow_up_decision,
        "follow_up_decision",
        lambda r, s: follow_up_decided(outcome(r)),
        (R.ALREADY_RECORDED, R.NOT_WATCHED, R.REASON_REQUIRED),
    ),
    Command(
        "udfald",
        OutcomeReport,
        "Afgang en måned efter afslutningen",
        "registrér afgang en måned efter sagens afslutning",
        "Registrér afgangen",
        (Field("outcome", "Hvad laver personen nu?", "select", OUTCOMES, option="--udfald"),),
        W.record_outcome,
        "record_outcome",
        lambda r, s: "Afgangen er registreret.",
        (R.ALREADY_RECORDED, R.BAD_OUTCOME, R.CASE_OPEN),
        # a closed case's only form, until the outcome is recorded (a form offered and refused says something untrue)
        offered=lambda state: state.phase == "closed" and state.outcome is None,
    ),
)
BY_NAME = {c.name: c for c in COMMANDS}
BY_PAYLOAD = {c.payload: c for c in COMMANDS}

# What the mail gateway and the employer's page deliver: answers of the case's attendees, not a person's
# command typed in, so they have no form, subcommand or confirmation of their own.
ANSWER_UPDATES: dict[type, tuple[Callable[..., Any], str]] = {
    RsvpReceived: (W.record_rsvp, "answer"),
    CounterProposal: (W.propose_time, "counter_proposal"),
    ReplyReview: (W.reply_for_review, "reply_for_review"),
}


def updates_of(commands: tuple[Command, ...]) -> dict[type, tuple[Callable[..., Any], str]]:
    """Each command's payload, the workflow update that carries it, and the action's name."""
    return {c.payload: (c.update, c.action) for c in commands}


# Each payload, the workflow update that carries it, and the action's name (for confirmations and logs).
UPDATES = {**ANSWER_UPDATES, **updates_of(COMMANDS)}


NOTHING_SAID = Said()


def confirmation(command: Command, result: UpdateResult | str, said: Said = NOTHING_SAID) -> str:
    """What a person is told when the case has done what they asked, in Danish, from the case's typed answer
    (a workflow that still answers with a string is read through `domain.results.from_legacy`)."""
    return command.confirm(result if isinstance(result, UpdateResult) else from_legacy(result), said)
