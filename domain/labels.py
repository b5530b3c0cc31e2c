"""The Danish words the engine shows people: names of phases, tracks, roles and ends, and the texts of the
caseworker's tasks and the team lead's escalations.

One module, so a text is changed in one place and the process code reads as the process. Mail bodies live in
`templates/`; the report's own labels in `reporting/labels.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from domain.localtime import LOCAL_TZ
from domain.model import EndType, Phase, Role
from domain.triage import Track

ROLE = {
    Role.EMPLOYER: "Arbejdsgiveren",
    Role.EMPLOYEE: "Medarbejderen",
    Role.CASEWORKER: "Sagsbehandleren",
    Role.TEAM_LEAD: "Teamlederen",
}
END_TYPE = {
    EndType.FULL_RECOVERY: "raskmelding",
    EndType.PARTIAL_RECOVERY: "delvis raskmelding",
    EndType.DISMISSAL: "opsigelse",
    EndType.MOVED: "flytning til en anden kommune",
    EndType.BENEFIT_ENDED: "ophør af sygedagpenge",
    EndType.DEATH: "dødsfald",
}
TRACK: dict[str, str] = {  # keyed by Track; its members are the strings a state holds
    Track.WORKPLACE: "samtale på arbejdspladsen",
    Track.EXEMPT: "undtaget (samtale på jobcentret)",
    Track.WATCH: "overvåges",
    Track.OUTSIDE: "uden for målgruppen (samtale på jobcentret)",
    Track.EMPLOYER_ESTIMATE_NEEDED: "afventer arbejdsgiverens forventede varighed",
}
PHASE: dict[str, str] = {
    Phase.INTAKE: "modtaget",
    Phase.EMPLOYER_CONTACT: "kontakt til arbejdsgiver",
    Phase.BOOKING: "booking af samtale",
    Phase.MEETING_BOOKED: "samtale booket",
    Phase.FOLLOW_UP: "opfølgning",
    Phase.WATCH: "overvåges",
    Phase.CLOSED: "afsluttet",
}
DEADLINE_KIND = {
    "first_meeting": "første opfølgningssamtale",
    "fast_track": "samtale efter anmodning om tidlig opfølgning",
    "first_conversation": "første opfølgningssamtale inden for seks måneder (lovens minimum)",
}
CONSENT = {
    "not_needed": "ikke nødvendigt (medarbejderens egen anmodning)",
    "pending": "afventer medarbejderens svar",
    "given": "givet",
    "refused": "afslået: den almindelige frist gælder",
    "lapsed": "ikke givet i tide: den almindelige frist gælder",
}
# fmt: off
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")
# fmt: on


def role(value: str) -> str:
    """'Arbejdsgiveren', 'Medarbejderen', ... for a role code; 'En deltager' for anyone else."""
    try:
        return ROLE[Role(value)]
    except ValueError:
        return "En deltager"


def end_type(value: str) -> str:
    return END_TYPE[EndType(value)]


def track(value: str | None) -> str:
    return TRACK.get(value, value or "-") if value else "-"


def phase(value: str) -> str:
    return PHASE.get(value, value)


def local_time(instant: datetime) -> str:
    return instant.astimezone(LOCAL_TZ).strftime("%d.%m.%Y kl. %H.%M")


def long_date(day: date) -> str:
    """'30. september 2026': the way a date is written to people."""
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def consent(value: str) -> str:
    return CONSENT.get(value, value)


@dataclass(frozen=True)
class TaskText:
    title: str
    what: str


def call_employer(employer_name: str) -> TaskText:
    return TaskText(
        "Ring til arbejdsgiveren",
        f"Arbejdsgiveren ({employer_name}) er bedt om at lægge lokaler til første opfølgningssamtale. "
        "Ring til kontaktpersonen, og bekræft tid og sted.",
    )


def record_meeting(number: int) -> TaskText:
    return TaskText(
        f"Registrér møde {number}",
        "Registrér om samtalen blev holdt, om arbejdsgiveren deltog, og hvor den blev holdt.",
    )


def consider_measure(measure_weeks: int) -> TaskText:
    return TaskText(
        "Overvej en virksomhedsrettet indsats",
        "Modellens mål er en virksomhedsrettet indsats (fx gradvis tilbagevenden, virksomhedspraktik, "
        f"løntilskud eller mentor) inden udgangen af uge {measure_weeks}.",
    )


def prepare_reassessment(reassessment_weeks: int, due: date) -> TaskText:
    return TaskText(
        "Forbered revurdering",
        "Efter sygedagpengeloven § 24 stopper sygedagpengene ved udgangen af den kalendermåned, hvor de "
        f"har været udbetalt i mere end {reassessment_weeks} uger inden for de seneste 9 måneder. "
        f"Revurdér sagen senest {long_date(due)}, og vurdér om en forlængelsesregel (§ 27) kan anvendes.",
    )


def ask_for_estimate(employer_name: str) -> TaskText:
    return TaskText(
        "Indhent arbejdsgiverens forventning til fraværet",
        f"Medarbejderen forventer at være sygemeldt under 26 uger. Efter reglerne fra 1. juli 2026 "
        f"indkaldes medarbejderen som udgangspunkt ikke, når BÅDE medarbejderen og arbejdsgiveren "
        f"forventer under 26 uger. Arbejdsgiveren ({employer_name}) er bedt om sin forventning; "
        "ring, hvis svaret ikke kommer, og registrér det.",
    )


def info_form_send() -> TaskText:
    return TaskText(
        "Send oplysningsskemaet",
        "Send oplysningsskemaet (sygedagpengeloven § 11) til medarbejderen i dag via Digital Post. "
        "Skemaet indeholder helbredsoplysninger og sendes derfor ikke med almindelig e-mail. "
        "Svarfristen er 8 dage fra afsendelsen; motoren minder medarbejderen om den.",
    )


def info_form_missing(due: date) -> TaskText:
    return TaskText(
        "Oplysningsskemaet er ikke besvaret",
        f"Svarfristen for oplysningsskemaet var {long_date(due)} (sygedagpengeloven § 11), og der er ikke "
        "registreret et svar. Kontakt medarbejderen, og vurdér om manglende medvirken har betydning for "
        "retten til sygedagpenge. Registrér svaret, når det kommer.",
    )


def fast_track_consent_lapsed(consent_due: date) -> TaskText:
    return TaskText(
        "Tidlig opfølgning: intet samtykke",
        f"Medarbejderen har ikke givet samtykke til arbejdsgiverens anmodning om tidlig opfølgning "
        f"senest {long_date(consent_due)}. Den almindelige frist for første opfølgningssamtale gælder. "
        "Orientér arbejdsgiveren. Kommer et ja senere, kan kommunen vælge at fortsætte den tidlige "
        "opfølgning.",
    )


def follow_return() -> TaskText:
    return TaskText(
        "Følg op på tilbagevenden",
        "Medarbejderen forventedes tilbage nu. Følg op, og meld raskmelding eller ny varighed.",
    )


def record_outcome() -> TaskText:
    return TaskText(
        "Registrér afgang en måned efter sagens afslutning",
        "Registrér om personen er i arbejde, i uddannelse eller andet.",
    )


def counter_proposal(role_code: str, number: int, start: datetime, comment: str) -> TaskText:
    return TaskText(
        "Et andet mødetidspunkt er foreslået",
        f"{role(role_code)} foreslår at flytte møde {number} til {local_time(start)}"
        + (f" med bemærkningen: {comment}" if comment else "")
        + ". Aftal tidspunktet, og flyt mødet, hvis det passer; ellers fastholdes det planlagte møde.",
    )


# --- what the team lead (and the caseworker) is told -----------------------------------------------
# (What a person is told when the engine has done what they asked is declared with each command, in
# case_service/registry.py; a move refused for want of time is told here.)
NO_FREE_TIME_FOR_MOVE = "Møde {number} kunne ikke flyttes: der er ingen ledig tid. Teamlederen er orienteret."

EMPLOYER_SILENT = "Arbejdsgiveren har ikke svaret på henvendelsen om første opfølgningssamtale."
FIRST_MEETING_AT_RISK = "Første opfølgningssamtale er ikke booket og accepteret, og fristen nærmer sig."


def no_free_time(latest_iso: str) -> str:
    return f"Der er ingen ledig tid til et møde inden {latest_iso}. Sagsbehandlerens kalender skal ses igennem."


def no_free_time_to_move(number: int) -> str:
    return f"Møde {number} skal flyttes, men der er ingen ledig tid inden fristen."


def deadline_missed(kind: str, due_iso: str) -> str:
    """A statutory deadline passed unmet: a breach of the law."""
    return f"Lovfristen {due_iso} for {DEADLINE_KIND.get(kind, kind)} er overskredet."


def target_missed(kind: str, due_iso: str) -> str:
    """The model's own target passed unmet: not a breach of the law, but the municipality's standard."""
    return (
        f"Modellens mål er ikke nået: {DEADLINE_KIND.get(kind, kind)} senest {due_iso} (kommunens eget mål "
        'efter "Sammen om fastholdelse", ikke en lovfrist). Samtalen skal stadig holdes.'
    )


EMPLOYER_ESTIMATE_SILENT = (
    "Arbejdsgiveren har ikke oplyst, hvor længe fraværet forventes at vare. Uden svaret kan "
    "sagen ikke visiteres efter reglerne fra 1. juli 2026."
)


def address_refused(role_code: str, kind: str) -> str:
    return (
        f"Mailserveren afviste adressen for {role(role_code).lower()} ({kind}). "
        "Ret adressen, og kontakt personen direkte."
    )


def case_closed(end_type_code: str) -> str:
    return f"Sagen er afsluttet ({end_type(end_type_code)})."


MEETING_TAKEN_OVER = "Mødet overtages af en anden sagsbehandler."
MEETING_HELD_EARLIER = "Samtalen er allerede holdt, før det planlagte tidspunkt."


def move_breaks(broken: tuple[str, ...], work_start: str, work_end: str, deadline: date | None) -> str:
    """Why a meeting time named by hand needs the caseworker's confirmation (a clause, as validators give)."""
    why = {
        "outside_hours": f"uden for sagsbehandlerens arbejdstid ({work_start.replace(':', '.')}-"
        f"{work_end.replace(':', '.')} på arbejdsdage)",
        "closed_day": "på en dag, hvor jobcentret har lukket (weekend, helligdag eller lukkedag)",
        "past_deadline": f"efter fristen {deadline:%d.%m.%Y}" if deadline else "efter fristen",
    }
    return (
        "tidspunktet ligger "
        + " og ".join(why[b] for b in broken)
        + ". Vælg et andet tidspunkt, eller bekræft, at mødet skal flyttes alligevel"
    )


def handover_refused(reference: str, new_name: str) -> str:
    """A handover that did not happen: the case and its meetings stay with the caseworker who has it."""
    return (
        f"Sag {reference} er ikke givet til {new_name}: et planlagt møde kolliderer med {new_name}s kalender, "
        "og der er ingen ledig tid inden fristen. Sagen og mødet er uændret. Vælg en anden kollega, eller "
        "aftal et tidspunkt efter fristen."
    )


def operations_alert(step: str, attempts: int) -> str:
    return (
        f"Driftsfejl: sagen venter, fordi trinnet '{step}' er fejlet {attempts} gange i træk. Motoren prøver "
        "igen hver time. Kontakt it-driften, så fejlen bliver rettet."
    )


# --- the case's timeline, as people read it -----------------------------------------------------------

EVENT = {
    "case_registered": "Sagen er oprettet",
    "caseworker_assigned": "Sagsbehandler tildelt",
    "triaged": "Visiteret",
    "triage_kept": "Ny vurdering, forløbet fortsætter",
    "employer_contacted": "Arbejdsgiveren kontaktet",
    "employer_reminded": "Arbejdsgiveren rykket",
    "employer_hosts": "Arbejdsgiveren lægger lokaler til",
    "employer_declined_hosting": "Arbejdsgiveren kan ikke",
    "caseworker_task": "Opgave til sagsbehandleren",
    "meeting_booked": "Møde booket",
    "meeting_moved": "Møde flyttet",
    "meeting_reminders_sent": "Påmindelser sendt",
    "meeting_recorded": "Møde registreret",
    "rsvp": "Svar på invitation",
    "counter_proposal": "Andet tidspunkt foreslået",
    "slot_taken": "Tidspunktet blev optaget",
    "escalated": "Teamlederen orienteret",
    "mail_refused": "E-mail afvist",
    "deadline_breached": "Frist overskredet",
    "expected_duration": "Ny forventet varighed",
    "fast_track_requested": "Anmodning om tidlig opfølgning",
    "measure_started": "Indsats startet",
    "caseworker_reassigned": "Ny sagsbehandler",
    "case_closed": "Sagen afsluttet",
    "outcome_recorded": "Afgang registreret",
    "handover_no_time": "Omfordeling ikke mulig",
    "benefit_pause": "Periode uden sygedagpenge",
    "employer_estimate_reminded": "Arbejdsgiveren rykket for skøn",
    "employer_estimate_requested": "Arbejdsgiverens skøn efterspurgt",
    "fast_track_consent": "Medarbejderens svar om tidlig opfølgning",
    "fast_track_in_force": "Tidlig opfølgning gælder",
    "fast_track_lapsed": "Anmodning om tidlig opfølgning bortfaldet",
    "info_form_answered": "Oplysningsskema besvaret",
    "info_form_reminded": "Påmindelse om oplysningsskema",
    "info_form_sent": "Oplysningsskema sendt",
    "operations_alert": "Driftsfejl",
    "partial_recovery": "Delvis raskmelding",
    "reply_for_review": "Svar til kontrol",
    "target_missed": "Modellens mål ikke nået",
    "rule_set_changed": "Nyt regelsæt",
    "risk_high": "Høj risiko for langt forløb",
    "follow_up_decision": "Beslutning om opfølgning",
    "earlier_benefit": "Tidligere sygedagpenge",
}


def event(code: str) -> str:
    return EVENT.get(code, code.replace("_", " "))


# --- the timeline's details, as people read them --------------------------------------------------------

# The workflow notes details as short text with its own codes in it; shown to people, each code is a word.
DETAIL_WORDS = {
    **{e.value: text for e, text in END_TYPE.items()},
    "gradual_return": "gradvis tilbagevenden",
    "work_trial": "virksomhedspraktik",
    "wage_subsidy": "løntilskud",
    "mentor": "mentor",
    "workplace": "arbejdspladsen",
    "jobcenter": "jobcentret",
    "phone": "telefonisk",
    "elsewhere": "et andet sted",
    "in_target_group": "i målgruppen",
    "seriously_ill": "alvorligt syg",
    "workplace_is_cause": "arbejdspladsen er årsagen",
    "employer_estimate_needed": "afventer arbejdsgiverens skøn",
    "watch": "overvåges",
    "exempt": "undtaget",
    "outside": "uden for målgruppen",
    "called_in_on_estimate": "indkaldt efter skøn",
    "ACCEPTED": "deltager",
    "DECLINED": "kan ikke",
    "TENTATIVE": "måske",
    "held": "holdt",
    "no_show": "ikke holdt",
    "employer": "arbejdsgiveren",
    "employee": "medarbejderen",
    "caseworker": "sagsbehandleren",
    "first_meeting": "første opfølgningssamtale",
    "fast_track": "tidlig opfølgning",
    "before_week_13": "inden uge 13",
    "after_week_13": "efter uge 13",
    "None": "ikke oplyst",
    "digital_post": "med Digital Post",
    "employer_report": "med arbejdsgiverens anmeldelse",
}
_ISO_INSTANT = re.compile(r"\b(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:[.,]\d+)?)?([+-]\d{2}:\d{2}|Z)?")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_CODE = re.compile(r"\b[A-Za-z][A-Za-z_0-9]*\b")
_UNDER_WEEKS = re.compile(r"\b(employee|both)_expect(?:s)?_under_(\d+)_weeks\b")


def readable_detail(text: str, names: dict[str, str] | None = None) -> str:
    """A timeline detail in Danish: codes as words, ids as names (`names`, e.g. caseworker ids), ISO times as
    Danish local times and dates, decimal points as commas, "a -> b" as "a til b"."""

    def instant(m: re.Match[str]) -> str:
        if m.group(3) is None:
            return f"{m.group(1)[8:10]}.{m.group(1)[5:7]}.{m.group(1)[:4]} kl. {m.group(2).replace(':', '.')}"
        value = datetime.fromisoformat(m.group(0).replace("Z", "+00:00"))
        return local_time(value)

    text = re.sub(r"(?<![\d:.])(\d+)\.(\d+)(?![\d.])", r"\1,\2", text)  # 18.5 -> 18,5, not in ISO times
    text = _ISO_INSTANT.sub(instant, text)
    text = _ISO_DAY.sub(lambda m: f"{m.group(3)}.{m.group(2)}.{m.group(1)}", text)
    text = _UNDER_WEEKS.sub(
        lambda m: ("medarbejderen" if m.group(1) == "employee" else "begge") + f" forventer under {m.group(2)} uger",
        text,
    )
    text = text.replace(" -> ", " til ")
    names = names or {}
    text = re.sub(r"\bcw-[a-z0-9-]+\b", lambda m: names.get(m.group(0), m.group(0)), text)
    return _CODE.sub(lambda m: DETAIL_WORDS.get(m.group(0), m.group(0)), text)
