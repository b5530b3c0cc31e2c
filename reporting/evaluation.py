"""The evaluation dataset for the external evaluator (STAR 2017: implementation and effect evaluation): one row
per case, pseudonymised, with the monitoring fields and durations; and its data dictionary in Danish and
English.

Pseudonymisation: `case_key` is HMAC-SHA256 over "municipality:reference" with the municipality's secret
evaluation key (FASTHOLD_EVALUATION_KEY, or one generated once into the data directory). The same key gives the
same case_key in every export, so exports can be joined; without the key a case_key cannot be traced back to
a reference, and a reference cannot be checked against it. No CPR number, no names, no addresses, no e-mail
addresses, no employer, no free text is read: the queries below name the columns they read, and none of those.
Dates are given as whole days from the case's first day of absence; the only calendar information is the
month of the first day (needed to place a case in a baseline or pilot period).

Return to work (the effect evaluation's event): the first of a partial recovery (cases.partial_recovery_on) and
an end in full recovery (end type full_recovery, or the old partial_recovery). A case still open is censored on
`today`; a case that ended otherwise (dismissal, a move, end of benefit, death) is censored on its end day.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.deadlines import same_date_months_later
from domain.localtime import local_date
from domain.model import MeetingStatus
from register.models import CaseRow, DeadlineBreach, MeasureRow, MeetingRow, MissedTarget
from reporting.report import first_meeting_of

RECOVERY_ENDS = ("full_recovery", "partial_recovery")
PLACE_GROUPS = ("workplace", "jobcenter", "other", "none")  # where the first meeting was held


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # string | integer | boolean
    da: str
    en: str


COLUMNS = (
    Column(
        "case_key",
        "string",
        "Pseudonym for sagen: HMAC-SHA256 af kommune og sagsnummer med kommunens hemmelige "
        "nøgle. Samme sag har samme nøgle i alle udtræk.",
        "Pseudonym of the case: HMAC-SHA256 of municipality and case reference under the municipality's secret "
        "key. The same case has the same key in every export.",
    ),
    Column("municipality", "string", "Kommunekode.", "Municipality code."),
    Column(
        "first_day_month",
        "string",
        "Måned for første fraværsdag (ÅÅÅÅ-MM).",
        "Month of the first day of absence (YYYY-MM).",
    ),
    Column(
        "track",
        "string",
        "Spor efter visitation: workplace (modellen), exempt, watch, outside, tom = ikke visiteret.",
        "Track after triage: workplace (the model), exempt, watch, outside, empty = not triaged.",
    ),
    Column("triage_reason", "string", "Visitationens begrundelse (kode).", "The triage's reason (code)."),
    Column("rule_set", "string", "Regelsæt efter første fraværsdag.", "Rule set by the first day of absence."),
    Column(
        "category",
        "integer",
        "Visitationskategori (1-3); tom fra 1. juli 2026 eller ukendt.",
        "Visitation category (1-3); empty from 1 July 2026 or unknown.",
    ),
    Column(
        "first_meeting_kind",
        "string",
        "Uge 8-fristens art: statutory (lovens frist) eller model_target (modellens mål).",
        "Kind of the week-8 deadline: statutory (the law) or model_target (the model).",
    ),
    Column(
        "expected_weeks",
        "integer",
        "Forventet fravær i uger (sygemeldingen).",
        "Expected absence in weeks (the sick report).",
    ),
    Column(
        "employer_expected_weeks",
        "integer",
        "Arbejdsgiverens skøn over fraværet i uger.",
        "The employer's estimate of the absence in weeks.",
    ),
    Column(
        "days_to_sick_report",
        "integer",
        "Dage fra første fraværsdag til sygemeldingen nåede jobcentret.",
        "Days from the first day of absence to the sick report reaching the job centre.",
    ),
    Column(
        "fast_track_requested_by",
        "string",
        "Hvem bad om hurtigspor (employee/employer); tom = ingen.",
        "Who asked for fast track (employee/employer); empty = nobody.",
    ),
    Column(
        "fast_track_day",
        "integer",
        "Dag (fra første fraværsdag) for anmodning om hurtigspor.",
        "Day (from the first day of absence) of the fast-track request.",
    ),
    Column(
        "first_meeting_due_day",
        "integer",
        "Dag for fristen for 1. samtale (udgangen af uge 8).",
        "Day of the first meeting's deadline (end of week 8).",
    ),
    Column(
        "first_meeting_number",
        "integer",
        "Nummer på den første holdte samtale (ellers den første bookede).",
        "Number of the first meeting held (else the first booked).",
    ),
    Column("first_meeting_held", "boolean", "Den første samtale er holdt.", "The first meeting was held."),
    Column("first_meeting_day", "integer", "Dag for den første holdte samtale.", "Day of the first meeting held."),
    Column(
        "first_meeting_expected_place",
        "string",
        "Planlagt sted for 1. samtale (workplace/jobcenter/...).",
        "Planned place of the first meeting (workplace/jobcenter/...).",
    ),
    Column(
        "first_meeting_actual_place",
        "string",
        "Faktisk sted for 1. samtale; tom = ikke holdt.",
        "Actual place of the first meeting; empty = not held.",
    ),
    Column(
        "first_meeting_place_group",
        "string",
        "Gruppe i effektevalueringen: workplace, jobcenter, other "
        "(telefon eller andet sted), none (ingen samtale holdt).",
        "Group in the effect evaluation: workplace, jobcenter, other (phone or elsewhere), none (no meeting held).",
    ),
    Column(
        "employer_took_part",
        "boolean",
        "Arbejdsgiveren deltog i 1. samtale.",
        "The employer took part in the first meeting.",
    ),
    Column(
        "first_meeting_on_time",
        "boolean",
        "1. samtale holdt senest på fristdagen.",
        "First meeting held on or before its deadline.",
    ),
    Column("meetings_booked", "integer", "Antal bookede samtaler i alt.", "Number of meetings booked in all."),
    Column("meetings_held", "integer", "Antal holdte samtaler.", "Number of meetings held."),
    Column("no_shows", "integer", "Antal samtaler med udeblivelse.", "Number of meetings with a no-show."),
    Column("measures", "integer", "Antal virksomhedsrettede indsatser.", "Number of workplace-based measures."),
    Column("measure_kinds", "string", "Indsatsernes typer, adskilt af |.", "The measures' kinds, separated by |."),
    Column("first_measure_day", "integer", "Dag for første indsats.", "Day of the first measure."),
    Column("measure_before_week_13", "boolean", "En indsats startede før uge 13.", "A measure started before week 13."),
    Column(
        "partial_recovery_day", "integer", "Dag for første delvise raskmelding.", "Day of the first partial recovery."
    ),
    Column(
        "partial_recovery_hours",
        "integer",
        "Timer om ugen ved seneste delvise raskmelding (afrundet).",
        "Hours per week at the latest partial recovery (rounded).",
    ),
    Column("ended", "boolean", "Sagen er afsluttet.", "The case has ended."),
    Column(
        "end_type",
        "string",
        "Afslutningens art (full_recovery, dismissal, moved_municipality, benefit_ended, death); tom = åben.",
        "How the case ended (full_recovery, dismissal, moved_municipality, benefit_ended, death); empty = open.",
    ),
    Column("end_day", "integer", "Dag for afslutningen.", "Day of the end."),
    Column(
        "outcome",
        "string",
        "Afgang en måned efter afslutning: work, education, other, unknown, not_yet_due; tom = åben.",
        "Outcome a month after the end: work, education, other, unknown, not_yet_due; empty = open.",
    ),
    Column(
        "breaches",
        "string",
        "Lovfrister overskredet (arter, adskilt af |).",
        "Statutory deadlines breached (kinds, separated by |).",
    ),
    Column(
        "missed_targets",
        "string",
        "Modellens mål ikke nået (arter, adskilt af |).",
        "The model's targets missed (kinds, separated by |).",
    ),
    Column(
        "return_to_work",
        "boolean",
        "Tilbage i arbejde (hel eller delvis raskmelding) observeret.",
        "Return to work (full or partial recovery) observed.",
    ),
    Column(
        "days_to_return_or_censoring",
        "integer",
        "Dage fra første fraværsdag til tilbagevenden, ellers til "
        "censurering (udtrækkets dag for åbne sager, afslutningen for andre afslutninger).",
        "Days from the first day of absence to the return to work, else to censoring (the export's day for "
        "open cases, the end for other ends).",
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


def case_key(secret: str, municipality: str, reference: str) -> str:
    return hmac.new(secret.encode(), f"{municipality}:{reference}".encode(), hashlib.sha256).hexdigest()


def _local(value: datetime) -> date:
    return local_date(value if value.tzinfo else value.replace(tzinfo=timezone.utc))


def _place_group(held: bool, place: str | None) -> str:
    if not held:
        return "none"
    return place if place in ("workplace", "jobcenter") else "other"


def evaluation_rows(
    session: Session, municipality: str, start: date, end: date, today: date, secret: str
) -> list[dict]:
    """One row per case of `municipality` whose first day is in [start, end], as of `today`."""
    in_period = (
        select(CaseRow.id).where(
            CaseRow.municipality == municipality, CaseRow.first_day >= start, CaseRow.first_day <= end
        )
    ).scalar_subquery()
    meetings: dict[int, list] = defaultdict(list)
    for m in session.execute(
        select(
            MeetingRow.case_id,
            MeetingRow.number,
            MeetingRow.status,
            MeetingRow.held_at,
            MeetingRow.start,
            MeetingRow.expected_location,
            MeetingRow.actual_location,
            MeetingRow.employer_took_part,
        )
        .where(MeetingRow.case_id.in_(in_period))
        .order_by(MeetingRow.case_id, MeetingRow.number)
    ):
        meetings[m.case_id].append(m)
    measures: dict[int, list] = defaultdict(list)
    for m in session.execute(
        select(MeasureRow.case_id, MeasureRow.kind, MeasureRow.start_date, MeasureRow.before_week_13)
        .where(MeasureRow.case_id.in_(in_period))
        .order_by(MeasureRow.start_date)
    ):
        measures[m.case_id].append(m)
    breaches: dict[int, list[str]] = defaultdict(list)
    for b in session.execute(
        select(DeadlineBreach.case_id, DeadlineBreach.kind)
        .where(DeadlineBreach.case_id.in_(in_period))
        .order_by(DeadlineBreach.kind)
    ):
        breaches[b.case_id].append(b.kind)
    missed: dict[int, list[str]] = defaultdict(list)
    for t in session.execute(
        select(MissedTarget.case_id, MissedTarget.kind)
        .where(MissedTarget.case_id.in_(in_period))
        .order_by(MissedTarget.kind)
    ):
        missed[t.case_id].append(t.kind)
    rows = []
    for c in session.execute(
        select(
            CaseRow.id,
            CaseRow.reference,
            CaseRow.first_day,
            CaseRow.track,
            CaseRow.triage_reason,
            CaseRow.rule_set,
            CaseRow.category,
            CaseRow.first_meeting_kind,
            CaseRow.expected_weeks,
            CaseRow.employer_expected_weeks,
            CaseRow.opened_at,
            CaseRow.fast_track_requested_by,
            CaseRow.fast_track_requested_on,
            CaseRow.first_meeting_due,
            CaseRow.closed_at,
            CaseRow.end_date,
            CaseRow.end_type,
            CaseRow.outcome,
            CaseRow.partial_recovery_on,
            CaseRow.partial_recovery_hours,
        )
        .where(CaseRow.id.in_(in_period))
        .order_by(CaseRow.first_day, CaseRow.id)
    ):
        day = lambda d: None if d is None else (d - c.first_day).days  # noqa: E731, B023 - used in this pass only
        case_meetings = meetings.get(c.id, [])
        first = first_meeting_of(case_meetings)
        held = first is not None and first.status == MeetingStatus.HELD
        held_on = _local(first.held_at or first.start) if held else None
        ended_on = c.end_date or (_local(c.closed_at) if c.closed_at else None)
        ended = c.closed_at is not None
        case_measures = measures.get(c.id, [])
        recovered_on = [d for d in (c.partial_recovery_on, ended_on if c.end_type in RECOVERY_ENDS else None) if d]
        returned = min(recovered_on) if recovered_on else None
        # Never before the first day: a register whose clock ran ahead of `today` (a simulation) stays sane.
        censored_on = max(ended_on if ended and ended_on else today, c.first_day)
        rows.append(
            {
                "case_key": case_key(secret, municipality, c.reference),
                "municipality": municipality,
                "first_day_month": c.first_day.strftime("%Y-%m"),
                "track": c.track,
                "triage_reason": c.triage_reason,
                "rule_set": c.rule_set,
                "category": c.category,
                "first_meeting_kind": c.first_meeting_kind,
                "expected_weeks": c.expected_weeks,
                "employer_expected_weeks": c.employer_expected_weeks,
                "days_to_sick_report": day(_local(c.opened_at)),
                "fast_track_requested_by": c.fast_track_requested_by,
                "fast_track_day": day(c.fast_track_requested_on),
                "first_meeting_due_day": day(c.first_meeting_due),
                "first_meeting_number": first.number if first is not None else None,
                "first_meeting_held": held,
                "first_meeting_day": day(held_on),
                "first_meeting_expected_place": first.expected_location if first is not None else None,
                "first_meeting_actual_place": first.actual_location if held else None,
                "first_meeting_place_group": _place_group(held, first.actual_location if held else None),
                "employer_took_part": bool(first.employer_took_part) if held else None,
                "first_meeting_on_time": (held_on <= c.first_meeting_due) if held and c.first_meeting_due else None,
                "meetings_booked": len(case_meetings),
                "meetings_held": sum(m.status == MeetingStatus.HELD for m in case_meetings),
                "no_shows": sum(m.status == MeetingStatus.NO_SHOW for m in case_meetings),
                "measures": len(case_measures),
                "measure_kinds": "|".join(m.kind for m in case_measures) or None,
                "first_measure_day": day(case_measures[0].start_date) if case_measures else None,
                "measure_before_week_13": any(m.before_week_13 for m in case_measures),
                "partial_recovery_day": day(c.partial_recovery_on),
                "partial_recovery_hours": round(c.partial_recovery_hours)
                if c.partial_recovery_hours is not None
                else None,
                "ended": ended,
                "end_type": c.end_type,
                "end_day": day(ended_on) if ended else None,
                "outcome": _outcome(c.outcome, ended_on, today) if ended else None,
                "breaches": "|".join(breaches.get(c.id, [])) or None,
                "missed_targets": "|".join(missed.get(c.id, [])) or None,
                "return_to_work": returned is not None and returned <= censored_on,
                "days_to_return_or_censoring": day(
                    returned if returned is not None and returned <= censored_on else censored_on
                ),
            }
        )
    return rows


def _outcome(outcome: str | None, ended_on: date | None, today: date) -> str:
    if outcome in ("work", "education", "other"):
        return outcome
    if ended_on is not None and today < same_date_months_later(ended_on, 1):
        return "not_yet_due"
    return "unknown"
