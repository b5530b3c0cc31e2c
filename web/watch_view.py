"""The team lead follows the cases the law stops following (the 2026 track "watch": both estimates
under 26 weeks) by decision support's estimate, on the Team page: the highest estimate first, with the band,
the factor that weighs most, the caseworker's decision, and filters by band and caseworker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.deadlines import week_of_absence
from domain.model import CaseView, Phase
from domain.triage import Track

BANDS = ("høj", "middel", "lav")
SORTS = {"skoen": "Højeste skøn først", "uge": "Længst fravær først", "beslutning": "Uden beslutning først"}


@dataclass(frozen=True)
class WatchRow:
    reference: str
    caseworker: str
    caseworker_id: str
    week: int | None
    probability: float | None  # None: no estimate (no validated model when the case was triaged)
    band: str
    factor: str  # the factor that weighs most for this case, in Danish
    synthetic: bool
    decision: str  # Danish: the caseworker's latest decision on the estimate, or what is missing


def watch_rows(views: list[CaseView], today: date) -> list[WatchRow]:
    rows = []
    for v in views:
        s = v.state
        if s.track != Track.WATCH or s.phase == Phase.CLOSED:
            continue
        risk = s.risk
        if s.follow_up_decisions:
            decision = "Indkaldes" if s.follow_up_decisions[-1].call_in else "Indkaldes ikke"
        elif any(t.key.startswith("consider_follow_up/") for t in s.open_tasks):
            decision = "Afventer sagsbehandleren"
        else:
            decision = "–"
        rows.append(
            WatchRow(
                s.reference,
                s.caseworker.name if s.caseworker else "-",
                s.caseworker.id if s.caseworker else "",
                week_of_absence(v.case.first_day, today) if today >= v.case.first_day else None,
                risk.probability if risk else None,
                risk.band if risk else "",
                risk.factors[0][0] if risk and risk.factors else "",
                bool(risk and risk.synthetic),
                decision,
            )
        )
    return rows


def ordered(rows: list[WatchRow], *, band: str, sort: str) -> list[WatchRow]:
    if band in BANDS:
        rows = [r for r in rows if r.band == band]
    by_estimate = sorted(rows, key=lambda r: (-(r.probability if r.probability is not None else -1), r.reference))
    if sort == "uge":
        return sorted(by_estimate, key=lambda r: -(r.week or 0))  # stable: ties keep the highest estimate first
    if sort == "beslutning":
        return sorted(by_estimate, key=lambda r: r.decision != "Afventer sagsbehandleren")
    return by_estimate
