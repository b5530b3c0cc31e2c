"""The caseworker's action forms: what each asks for, in Danish, and how a submitted form becomes the typed
command the service layer takes. Field names are the command's own, so a refusal from the case (which names
the field it concerns) is shown next to the right input.

Translation only: whether a value is allowed is for the workflow's validators to say; here a value is only
refused when it cannot be read at all (not a date, not a number).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from case_service.commands import AnswerOnBehalf
from domain.localtime import LOCAL_TZ
from domain.model import (BenefitPause, CaseEnd, EmployerAnswer, ExpectedDuration, FastTrackConsent, FastTrackRequest,
                          InfoFormAnswer, MeasureStart, MeetingMove, MeetingOutcome, OutcomeReport, PartialRecovery,
                          Reassignment)
from domain.model import EarlierBenefit, FollowUpDecision, InfoFormSent

YES_NO = (("ja", "Ja"), ("nej", "Nej"))
LOCATIONS = (("workplace", "På arbejdspladsen"), ("jobcenter", "På jobcentret"), ("phone", "Telefonisk"),
             ("elsewhere", "Et andet sted"))
PARTSTATS = (("ACCEPTED", "Ja, deltager"), ("DECLINED", "Nej, kan ikke"), ("TENTATIVE", "Måske"))
REQUESTERS = (("employer", "Arbejdsgiveren"), ("employee", "Medarbejderen"))
MEASURES = (("gradual_return", "Gradvis tilbagevenden"), ("work_trial", "Virksomhedspraktik"),
            ("wage_subsidy", "Løntilskud"), ("mentor", "Mentor"), ("other", "Andet"))
END_TYPES = (("full_recovery", "Raskmeldt"), ("dismissal", "Opsagt"), ("moved_municipality", "Flyttet kommune"),
             ("benefit_ended", "Sygedagpenge ophørt"), ("death", "Død"))
OUTCOMES = (("work", "Beskæftigelse"), ("education", "Uddannelse"), ("other", "Andet"))


@dataclass(frozen=True)
class Field:
    name: str                       # the command's field name
    label: str
    kind: str = "text"              # text | textarea | number | date | datetime | radio | select
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = True
    hint: str = ""


@dataclass(frozen=True)
class ActionForm:
    slug: str
    title: str
    button: str
    fields: tuple[Field, ...]
    build: object                   # (values: dict[str, object], actor: str) -> command


class FormErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Parsed:
    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _yes(value: object) -> bool:
    return value == "ja"


FORMS: dict[str, ActionForm] = {f.slug: f for f in (
    ActionForm("arbejdsgiver", "Arbejdsgiverens svar om stedet", "Registrér svaret", (
        Field("hosts_at_workplace", "Holdes samtalen på arbejdspladsen?", "radio", YES_NO),
        Field("reason", "Begrundelse, hvis nej", "textarea", required=False,
              hint="Skal udfyldes, når samtalen ikke kan holdes på arbejdspladsen."),
    ), lambda v, actor: EmployerAnswer(_yes(v["hosts_at_workplace"]), v.get("reason") or "", actor=actor)),
    ActionForm("samtale", "Registrér en samtale", "Registrér samtalen", (
        Field("meeting_number", "Møde", "select"),
        Field("held", "Blev samtalen holdt?", "radio", YES_NO),
        Field("employer_took_part", "Deltog arbejdsgiveren?", "radio", YES_NO),
        Field("location", "Hvor blev den holdt?", "select", LOCATIONS),
        Field("held_at", "Tidspunkt, hvis et andet end det planlagte", "datetime", required=False),
    ), lambda v, actor: MeetingOutcome(v["meeting_number"], _yes(v["held"]), _yes(v["employer_took_part"]),
                                       v["location"], v.get("held_at"), actor=actor)),
    ActionForm("svar", "Registrér et svar på en invitation", "Registrér svaret", (
        Field("meeting_number", "Møde", "select"),
        Field("attendee_email", "Deltager", "select"),
        Field("partstat", "Svar", "select", PARTSTATS),
    ), lambda v, actor: AnswerOnBehalf(v["meeting_number"], v["attendee_email"], v["partstat"], actor=actor)),
    ActionForm("flyt", "Flyt et møde", "Flyt mødet", (
        Field("meeting_number", "Møde", "select"),
        Field("start", "Nyt tidspunkt", "datetime"),
        Field("confirmed", "Bekræft tidspunktet", "radio", (("ja", "Ja, flyt mødet alligevel"),), required=False,
              hint="Kun når tidspunktet ligger uden for arbejdstiden, på en lukkedag eller efter fristen."),
    ), lambda v, actor: MeetingMove(v["meeting_number"], v["start"], actor=actor,
                                    confirmed=v.get("confirmed") == "ja")),
    ActionForm("hurtigspor", "Anmodning om tidlig opfølgning", "Registrér anmodningen", (
        Field("requested_by", "Hvem anmoder?", "select", REQUESTERS),
        Field("requested_on", "Dato for anmodningen", "date"),
    ), lambda v, actor: FastTrackRequest(v["requested_by"], v["requested_on"], actor=actor)),
    ActionForm("varighed", "Ny forventet varighed", "Registrér varigheden", (
        Field("employee_weeks", "Medarbejderens forventning (uger)", "number"),
        Field("employer_weeks", "Arbejdsgiverens forventning (uger)", "number", required=False),
    ), lambda v, actor: ExpectedDuration(v["employee_weeks"], v.get("employer_weeks"), actor=actor)),
    ActionForm("samtykke", "Medarbejderens svar på arbejdsgiverens anmodning om tidlig opfølgning",
               "Registrér svaret", (
        Field("agrees", "Siger medarbejderen ja?", "radio", YES_NO),
        Field("answered_on", "Dato for svaret", "date"),
        Field("accept_late", "Tag et sent ja med alligevel?", "radio", YES_NO, required=False,
              hint="Kun hvis medarbejderen svarede ja efter fristen på 2 bankdage."),
    ), lambda v, actor: FastTrackConsent(_yes(v["agrees"]), v["answered_on"], _yes(v.get("accept_late")),
                                         actor=actor)),
    ActionForm("delvis", "Delvis raskmelding", "Registrér den delvise raskmelding", (
        Field("hours_per_week", "Timer om ugen, medarbejderen arbejder", "decimal"),
        Field("from_date", "Fra dato", "date"),
        Field("note", "Bemærkning", "textarea", required=False),
    ), lambda v, actor: PartialRecovery(v["hours_per_week"], v["from_date"], v.get("note") or "", actor=actor)),
    ActionForm("pause", "Periode uden sygedagpenge", "Registrér perioden", (
        Field("start", "Fra dato", "date"),
        Field("end", "Til og med dato", "date"),
        Field("reason", "Begrundelse", "textarea", required=False),
    ), lambda v, actor: BenefitPause(v["start"], v["end"], v.get("reason") or "", actor=actor)),
    ActionForm("oplysningsskema", "Oplysningsskemaet er besvaret", "Registrér svaret", (
        Field("answered_on", "Dato for svaret", "date"),
    ), lambda v, actor: InfoFormAnswer(v["answered_on"], actor=actor)),
    ActionForm("indsats", "Virksomhedsrettet indsats", "Registrér indsatsen", (
        Field("kind", "Indsats", "select", MEASURES),
        Field("start_date", "Startdato", "date"),
    ), lambda v, actor: MeasureStart(v["kind"], v["start_date"], actor=actor)),
    ActionForm("omfordel", "Giv sagen til en anden sagsbehandler", "Omfordel sagen", (
        Field("reason", "Begrundelse", "textarea"),
        Field("caseworker_id", "Ny sagsbehandler", "select", required=False,
              hint="Vælger du ingen, får den mindst belastede kollega sagen."),
    ), lambda v, actor: Reassignment(v["reason"], v.get("caseworker_id") or None, actor=actor)),
    ActionForm("afslut", "Afslut sagen", "Afslut sagen", (
        Field("end_type", "Hvordan sluttede sagen?", "select", END_TYPES),
        Field("end_date", "Slutdato", "date"),
    ), lambda v, actor: CaseEnd(v["end_type"], v["end_date"], actor=actor)),
    # The reform's work: the information form's real dates, benefit in earlier cases, the decision on a high estimate
    ActionForm("oplysningsskema-sendt", "Oplysningsskemaet er sendt", "Registrér afsendelsen", (
        Field("sent_on", "Dato for afsendelsen", "date"),
        Field("via", "Hvordan blev det sendt?", "select", (("digital_post", "Med Digital Post"),
                                                           ("employer_report", "Automatisk med arbejdsgiverens anmeldelse"))),
        Field("answer_due", "Aftalt senere svarfrist", "date", required=False,
              hint="Kun hvis I har aftalt en senere frist end 8 dage efter afsendelsen."),
    ), lambda v, actor: InfoFormSent(v["sent_on"], v["via"], v.get("answer_due"), actor=actor)),
    ActionForm("tidligere", "Sygedagpenge i en tidligere sag", "Registrér perioden", (
        Field("start", "Fra dato", "date"),
        Field("end", "Til og med dato", "date"),
        Field("note", "Hvem udbetalte (fx en anden kommune)", "textarea", required=False),
    ), lambda v, actor: EarlierBenefit(v["start"], v["end"], "caseworker", v.get("note") or "", actor=actor)),
    ActionForm("opfoelgning", "Beslutning om opfølgning", "Registrér beslutningen", (
        Field("call_in", "Skal medarbejderen indkaldes?", "radio", YES_NO),
        Field("reason", "Begrundelse", "textarea"),
    ), lambda v, actor: FollowUpDecision(_yes(v["call_in"]), v["reason"], actor=actor)),
    ActionForm("udfald", "Afgang en måned efter afslutningen", "Registrér afgangen", (
        Field("outcome", "Hvad laver personen nu?", "select", OUTCOMES),
    ), lambda v, actor: OutcomeReport(v["outcome"], actor=actor)),
)}


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
    return form.build(parse(form, data), actor)


def offered(state) -> dict[str, ActionForm]:
    """The forms that can do something now: an open case has every action but the outcome; a closed one only
    the outcome, until it is recorded (a form offered and then refused says something untrue)."""
    if state.phase == "closed":
        return {"udfald": FORMS["udfald"]} if state.outcome is None else {}
    return {slug: f for slug, f in FORMS.items() if slug != "udfald"}
