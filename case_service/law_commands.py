"""The commands about the law's events of a case (fast track and consent, the expected duration, partial
recovery, periods without benefit, the information form, measures), each declared once; `case_service/registry.py`
puts them in `COMMANDS` in the order people see them."""

from __future__ import annotations

from case_service.command_fields import MEASURES, REQUESTERS, TODAY, day, outcome
from case_service.command_spec import YES_NO, Command, Field
from domain import labels
from domain.payloads import (
    BenefitPause,
    ExpectedDuration,
    FastTrackConsent,
    FastTrackRequest,
    InfoFormAnswer,
    MeasureStart,
    PartialRecovery,
)
from domain.refusals import Refusal as R
from workflows.case_workflow import CaseWorkflow as W

LAW_COMMANDS: tuple[Command, ...] = (
    Command(
        "hurtigspor",
        FastTrackRequest,
        "Anmodning om tidlig opfølgning",
        "registrér en anmodning om tidlig opfølgning",
        "Registrér anmodningen",
        (
            Field("requested_by", "Hvem anmoder?", "select", REQUESTERS, option="--fra"),
            Field("requested_on", "Dato for anmodningen", "date", option="--dato", today=True, help=TODAY),
        ),
        W.request_fast_track,
        "request_fast_track",
        lambda r, s: (
            "Arbejdsgiverens anmodning er registreret. Medarbejderen skal give samtykke senest "
            f"{day(r.value)}; indtil da gælder den almindelige frist."
            if r.kind == "consent_due"
            else f"Anmodningen er registreret. Samtalen skal holdes senest {day(r.value)}."
        ),
        (R.ALREADY_HELD, R.ALREADY_REQUESTED, R.BAD_REQUESTER, R.BAD_REQUEST_DATE, R.TOO_LATE),
    ),
    Command(
        "varighed",
        ExpectedDuration,
        "Ny forventet varighed",
        "registrér en ny forventet varighed af fraværet",
        "Registrér varigheden",
        (
            Field(
                "employee_weeks",
                "Medarbejderens forventning (uger)",
                "number",
                option="--uger",
                help="medarbejderens forventning i uger",
            ),
            Field(
                "employer_weeks",
                "Arbejdsgiverens forventning (uger)",
                "number",
                required=False,
                option="--arbejdsgiver-uger",
                help="arbejdsgiverens forventning i uger",
            ),
        ),
        W.new_expected_duration,
        "new_expected_duration",
        lambda r, s: f"Den forventede varighed er registreret. Sagens spor er nu: {labels.track(r.value)}.",
        (R.ALREADY_RECORDED, R.BAD_DURATION),
    ),
    Command(
        "samtykke",
        FastTrackConsent,
        "Medarbejderens svar på arbejdsgiverens anmodning om tidlig opfølgning",
        "registrér medarbejderens svar på arbejdsgiverens anmodning om tidlig opfølgning",
        "Registrér svaret",
        (
            Field("agrees", "Siger medarbejderen ja?", "radio", YES_NO, option="--svar"),
            Field(
                "answered_on",
                "Dato for svaret",
                "date",
                option="--dato",
                today=True,
                help="hvornår medarbejderen svarede, ÅÅÅÅ-MM-DD (standard: i dag)",
            ),
            Field(
                "accept_late",
                "Tag et sent ja med alligevel?",
                "radio",
                YES_NO,
                required=False,
                option="--sent-accepteret",
                flag=True,
                hint="Kun hvis medarbejderen svarede ja efter fristen på 2 bankdage.",
                help="kommunen fortsætter den tidlige opfølgning, selv om ja'et kom efter fristen",
            ),
        ),
        W.answer_fast_track_consent,
        "fast_track_consent",
        lambda r, s: (
            f"Samtykket er registreret. Samtalen skal holdes senest {day(r.value)}."
            if r.kind == "given"
            else f"Svaret er registreret ({labels.consent(outcome(r))})."
        ),
        (R.ALREADY_HELD, R.BAD_ANSWER_DATE, R.NO_CONSENT_AWAITED),
    ),
    Command(
        "delvis",
        PartialRecovery,
        "Delvis raskmelding",
        "registrér en delvis raskmelding (sagen fortsætter)",
        "Registrér den delvise raskmelding",
        (
            Field(
                "hours_per_week",
                "Timer om ugen, medarbejderen arbejder",
                "decimal",
                option="--timer",
                help="timer om ugen medarbejderen arbejder fra datoen",
            ),
            Field("from_date", "Fra dato", "date", option="--fra", today=True, help=TODAY),
            Field("note", "Bemærkning", "textarea", required=False, option="--note", help="fx aftale om opgaver"),
        ),
        W.record_partial_recovery,
        "partial_recovery",
        lambda r, s: (
            "Den delvise raskmelding er registreret. Sagen fortsætter med opfølgning "
            f"({r.value.replace('.', ',')} timer om ugen)."
        ),
        (R.ALREADY_RECORDED, R.BAD_FROM_DATE, R.BAD_HOURS),
    ),
    Command(
        "pause",
        BenefitPause,
        "Periode uden sygedagpenge",
        "registrér en periode uden sygedagpenge (flytter revurderingen)",
        "Registrér perioden",
        (
            Field("start", "Fra dato", "date", option="--fra", help="første dag uden sygedagpenge, ÅÅÅÅ-MM-DD"),
            Field("end", "Til og med dato", "date", option="--til", help="sidste dag uden sygedagpenge, ÅÅÅÅ-MM-DD"),
            Field("reason", "Begrundelse", "textarea", required=False, option="--begrundelse"),
        ),
        W.record_benefit_pause,
        "benefit_pause",
        lambda r, s: f"Perioden uden sygedagpenge er registreret. Revurderingen skal nu ske senest {day(r.value)}.",
        (R.BAD_PERIOD, R.PERIOD_OVERLAPS),
    ),
    Command(
        "oplysningsskema",
        InfoFormAnswer,
        "Oplysningsskemaet er besvaret",
        "registrér at oplysningsskemaet (§ 11) er sendt eller besvaret",
        "Registrér svaret",
        (Field("answered_on", "Dato for svaret", "date", option="--besvaret", today=True, help=TODAY),),
        W.record_info_form_answer,
        "info_form_answer",
        lambda r, s: (
            "Svaret på oplysningsskemaet er registreret" + (" (efter svarfristen)." if outcome(r) == "late" else ".")
        ),
        (R.ALREADY_RECORDED, R.BAD_ANSWER_DATE, R.NO_INFO_FORM),
    ),
    Command(
        "indsats",
        MeasureStart,
        "Virksomhedsrettet indsats",
        "registrér en virksomhedsrettet indsats",
        "Registrér indsatsen",
        (
            Field("kind", "Indsats", "select", MEASURES, option="--type"),
            Field("start_date", "Startdato", "date", option="--start", help="ÅÅÅÅ-MM-DD"),
        ),
        W.start_measure,
        "start_measure",
        lambda r, s: (
            "Indsatsen er registreret" + (" (inden uge 13)." if outcome(r) == "before_week_13" else " (efter uge 13).")
        ),
        (R.ALREADY_RECORDED, R.BAD_MEASURE, R.BAD_MEASURE_DATE),
    ),
)
