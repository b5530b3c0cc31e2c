"""`fasthold status` and `fasthold regelsaet`: a case and the rule sets' answers as a caseworker reads them."""

from __future__ import annotations

from datetime import datetime

from case_service.refusal import CaseRefusal
from domain import labels, reform_labels
from domain.localtime import LOCAL_TZ
from domain.model import CaseState
from domain.plain_text import printable


def format_state(state: CaseState) -> str:
    lines = [
        f"Sag {state.reference} (kommune {state.municipality})",
        f"  Fase:               {labels.phase(state.phase)}",
        f"  Spor:               {labels.track(state.track)} ({state.triage_reason or '-'})",
        f"  Regelsæt:           {state.rule_set or '-'}",
    ]
    if state.caseworker:
        lines.append(f"  Sagsbehandler:      {state.caseworker.name} <{state.caseworker.email}>")
    if state.first_meeting_due:
        lines.append(
            f"  Frist 1. samtale:   {state.first_meeting_due.isoformat()} (seneste arbejdsdag "
            f"{state.latest_meeting_day.isoformat()})"
        )
    if state.deadlines:
        d = state.deadlines
        kind = (
            f"lovfrist ({d.first_meeting_source})"
            if d.first_meeting_kind == "statutory"
            else "modellens mål (Sammen om fastholdelse), ikke en lovfrist"
        )
        lines.append(f"  1. samtale er:      {kind}")
        if d.first_conversation_due:
            lines.append(
                f"  Lovens minimum:     1. samtale senest {d.first_conversation_due.isoformat()} "
                "(inden for seks måneder)"
            )
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
        lines.append(
            f"  Tidlig opfølgning:  anmodet af {state.fast_track.requested_by} {state.fast_track.requested_on}, "
            f"samtale senest {state.fast_track.due}"
        )
    request = state.fast_track_request
    if request is not None and not state.fast_track:
        lines.append(
            f"  Tidlig opfølgning:  anmodet af {request.requested_by} {request.requested_on}, samtykke: "
            f"{labels.consent(request.consent)}"
            + (f" (frist {request.consent_due})" if request.pending and request.consent_due else "")
        )
    for change in state.partial_recoveries:
        lines.append(f"  Delvis raskmeldt:   {change.hours_per_week:g} timer om ugen fra {change.from_date}")
    for pause in state.benefit_pauses:
        lines.append(
            f"  Uden sygedagpenge:  {pause.start} til {pause.end}" + (f" ({pause.reason})" if pause.reason else "")
        )
    if state.risk is not None:
        lines.append(f"  Beslutningsstøtte:  {reform_labels.risk_line(state.risk)}")
    for period in state.earlier_benefit:
        lines.append(
            f"  Tidligere dagpenge: {period.start} til {period.end} ({reform_labels.SOURCE[period.source]}"
            + (f", {period.note}" if period.note else "")
            + ") tæller med i § 24"
        )
    if state.info_form_sent_on:
        lines.append(f"  Oplysningsskema:    {info_form_line(state)}")
    for measure in state.measures:
        lines.append(
            f"  Indsats:            {measure.kind} fra {measure.start_date}"
            + (" (inden uge 13)" if measure.before_week_13 else " (efter uge 13)")
        )
    for task in state.open_tasks:
        lines.append(f"  Åben opgave:        {task.title} (frist {task.due})")
    if state.end_type:
        lines.append(
            f"  Afsluttet:          {state.end_type} {state.end_date}"
            + (f", afgang: {state.outcome}" if state.outcome else "")
        )
    lines.append("  Forløb (dansk tid):")
    lines += [f"    {danish_time(e.at)}  {e.event}  {e.detail}" for e in state.timeline]
    return printable("\n".join(lines))  # what attendees wrote is in it: no escape sequence reaches a terminal


def danish_time(at: datetime) -> str:
    """A moment as a person in the municipality reads it: local Danish time, to the minute (the workflow keeps UTC)."""
    return at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def format_refreshed(results) -> str:
    """One line per running case: the rule set it follows now, or the switch ahead of it."""
    from domain.reform_labels import rules_refreshed

    lines = [
        f"{reference}: {'afvist: ' + r.message if isinstance(r, CaseRefusal) else rules_refreshed(r)}"
        for reference, r in results
    ]
    return "\n".join(lines + [f"{len(results)} kørende sager har set på regelsættene igen."])


def info_form_line(state: CaseState) -> str:
    """The information form as the caseworker reads it: sent (how, and whether the date is only intake's), its
    answer date (agreed or the law's), and answered in time, late, or not yet."""
    from domain.reform_labels import info_form_status

    return info_form_status(state)
