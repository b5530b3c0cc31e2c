"""What the pages show, computed from the service layer's views with the domain's own rules (no rule of the
web's own): a case's row, its deadlines, its tasks with the working days left and whether they are at risk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain import agenda, attention, labels
from domain.deadlines import week_of_absence
from domain.model import CaseView, MeetingStatus, Phase


@dataclass(frozen=True)
class CaseRow:
    reference: str
    employer: str
    phase: str
    track: str
    caseworker: str
    caseworker_id: str
    next_deadline: date | None
    week: int | None
    breached: bool
    at_risk: bool
    open_tasks: int
    overdue_tasks: int
    closed: bool
    missed_target: bool = False  # the model's own week-8 target passed (not a breach of the law)
    missed_due: date | None = None  # the deadline that was missed or breached
    days_left: int | None = None  # working days to next_deadline (negative: passed)
    missed_days_left: int | None = None  # working days to missed_due (negative: how long ago it passed)


@dataclass(frozen=True)
class TaskRow:
    reference: str
    key: str
    title: str
    what: str
    due: date
    days_left: int
    at_risk: bool
    action: str = ""  # the case page's form that does the task


# Which form does which task, by the task's key (the workflow names its tasks by these prefixes).
TASK_ACTION = (
    ("info_form_send", "oplysningsskema-sendt"),
    ("consider_follow_up", "opfoelgning"),  # the 2026 reform
    ("call_employer", "arbejdsgiver"),
    ("record_meeting/", "samtale"),
    ("counter/", "flyt"),
    ("measure", "indsats"),
    ("return_check/", "afslut"),
    ("outcome", "udfald"),
    ("info_form", "oplysningsskema"),
    ("employer_estimate", "varighed"),
    ("fast_track_lapsed", "samtykke"),
)


def action_for(key: str) -> str:
    return next((slug for prefix, slug in TASK_ACTION if key.startswith(prefix)), "")


@dataclass(frozen=True)
class DeadlineRow:
    name: str
    due: date
    kind: str
    met: str


def tasks(view: CaseView, today: date) -> list[TaskRow]:
    s = view.state
    closed = s.rules.closed_days if s.rules else ()
    risky = attention.case_at_risk(s, view.case, today)
    rows = []
    for t in s.open_tasks:
        left = attention.working_days_left(today, t.due, closed)
        rows.append(TaskRow(s.reference, t.key, t.title, t.what, t.due, left, left < 0 or risky, action_for(t.key)))
    return rows


def row(view: CaseView, today: date) -> CaseRow:
    s = view.state
    task_rows = tasks(view, today)
    week = week_of_absence(view.case.first_day, today) if today >= view.case.first_day else None
    return CaseRow(
        reference=s.reference,
        employer=view.case.employer.name,
        phase=labels.phase(s.phase),
        track=labels.track(s.track),
        caseworker=s.caseworker.name if s.caseworker else "-",
        caseworker_id=s.caseworker.id if s.caseworker else "",
        next_deadline=agenda.next_deadline(s) if s.deadlines else None,
        week=week if s.phase != Phase.CLOSED else None,
        breached=s.deadline_breached,
        at_risk=attention.case_at_risk(s, view.case, today) if s.deadlines else False,
        open_tasks=len(task_rows),
        overdue_tasks=sum(t.days_left < 0 for t in task_rows),
        closed=s.phase == Phase.CLOSED,
        missed_target=bool(s.missed_targets),
        missed_due=_missed_due(s),
        missed_days_left=attention.working_days_left(today, _missed_due(s), s.rules.closed_days)
        if _missed_due(s) and s.rules
        else None,
        days_left=attention.working_days_left(today, agenda.next_deadline(s), s.rules.closed_days)
        if s.deadlines and s.rules and agenda.next_deadline(s)
        else None,
    )


def _missed_due(s) -> date | None:
    if s.deadlines is None or not (s.missed_targets or s.breaches):
        return None
    if "fast_track" in s.breaches and s.fast_track:
        return s.fast_track.due
    return s.deadlines.first_meeting_due


def deadlines(view: CaseView) -> list[DeadlineRow]:
    s, d = view.state, view.state.deadlines
    if d is None:
        return []
    held = agenda.first_meeting_held(s)
    first_kind = "Lovkrav (sygedagpengeloven § 13 b)"
    if getattr(d, "first_meeting_kind", "statutory") != "statutory":
        first_kind = "Modellens mål (Sammen om fastholdelse)"
    rows = [
        DeadlineRow(
            "Første opfølgningssamtale (uge 8)",
            d.first_meeting_due,
            first_kind,
            "holdt"
            if held and agenda.deadline_met(s, d.first_meeting_due)
            else ("overskredet" if "first_meeting" in s.breaches else ""),
        )
    ]
    if s.fast_track:
        rows.append(
            DeadlineRow(
                "Samtale efter anmodning om tidlig opfølgning",
                s.fast_track.due,
                "Lovkrav (sygedagpengeloven § 13 b, stk. 2)",
                "overskredet" if "fast_track" in s.breaches else "",
            )
        )
    rows.append(
        DeadlineRow(
            "Virksomhedsrettet indsats (uge 13)", d.measure_due, "Modellens mål", "startet" if s.measures else ""
        )
    )
    rows.append(DeadlineRow("Revurdering", d.reassessment_due, "Lovkrav (sygedagpengeloven § 24)", ""))
    return rows


def meeting_answers(view: CaseView) -> dict[str, dict[str, str]]:
    """Per meeting UID: each attendee's role (in Danish) and answer (in Danish)."""
    roles = {view.case.employer.contact_email.lower(): "Arbejdsgiver", view.case.employee.email.lower(): "Medarbejder"}
    if view.state.caseworker:
        roles[view.state.caseworker.email.lower()] = "Sagsbehandler"
    answer = {"ACCEPTED": "deltager", "DECLINED": "kan ikke", "TENTATIVE": "måske"}
    return {
        m.uid: {role: answer.get(m.responses.get(email, ""), "intet svar endnu") for email, role in roles.items()}
        for m in view.state.meetings
    }


MEETING_STATUS = {
    MeetingStatus.INVITED: "planlagt",
    MeetingStatus.HELD: "holdt",
    MeetingStatus.CANCELLED: "aflyst",
    MeetingStatus.NO_SHOW: "ikke holdt",
}
