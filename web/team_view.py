"""The team lead's overview at a real caseload: counts first, then one list at a time (at risk, the model's
target missed, a statutory deadline breached, overdue tasks), each sorted by urgency with the working days
left, filtered by caseworker and shown a page at a time. Missed targets and breaches are listed apart, as the
report counts them: a missed target of the model is not a breach of the law."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from web.present import CaseRow, TaskRow
from web.watch_view import WatchRow, ordered

PAGE_SIZE = 25
KINDS = {  # the list's key in the address, and its Danish name
    "risiko": "Første samtale i fare",
    "maal": "Modellens mål ikke nået",
    "brud": "Lovfrist overskredet",
    "opgaver": "Opgaver over frist",
    "skoen": "Kun fulgt, efter skøn",  # the watch track by decision support's estimate
}


@dataclass(frozen=True)
class TeamLists:
    counts: dict[str, int]
    kind: str
    caseworker: str
    rows: list  # CaseRow, (TaskRow, caseworker name) for "opgaver", WatchRow for "skoen"
    page: int
    pages: int
    total: int
    band: str = ""  # "skoen" only: the band shown ("" all)
    sort: str = "skoen"  # "skoen" only: the order


def classify(rows: list[CaseRow]) -> dict[str, list[CaseRow]]:
    """Each case under one heading: a breach before a missed target before at risk (a case whose target has
    passed is no longer "at risk" of missing it)."""
    breached = [r for r in rows if r.breached]
    missed = [r for r in rows if r.missed_target and not r.breached]
    at_risk = [r for r in rows if r.at_risk and not r.breached and not r.missed_target]
    return {
        "brud": sorted(breached, key=_passed_first),
        "maal": sorted(missed, key=_passed_first),
        "risiko": sorted(at_risk, key=lambda r: (r.days_left if r.days_left is not None else 10**6, r.reference)),
    }


def _passed_first(r: CaseRow):
    return (r.missed_due or r.next_deadline, r.reference)


def team_lists(
    rows: list[CaseRow],
    tasks: list[tuple[TaskRow, str, str]],
    *,
    kind: str,
    caseworker: str,
    page: int,
    watched: list[WatchRow] | None = None,
    band: str = "",
    sort: str = "skoen",
) -> TeamLists:
    """`tasks`: (task, caseworker id, caseworker name) for every open task of the team's cases; `watched`: the
    watch track's rows, None when decision support is off (then there is no such list)."""
    if caseworker:
        rows = [r for r in rows if r.caseworker_id == caseworker]
        tasks = [t for t in tasks if t[1] == caseworker]
        watched = None if watched is None else [w for w in watched if w.caseworker_id == caseworker]
    lists = classify(rows)
    lists["opgaver"] = sorted(
        ((t, name) for t, _, name in tasks if t.days_left < 0), key=lambda pair: (pair[0].days_left, pair[0].reference)
    )
    if watched is not None:
        lists["skoen"] = ordered(watched, band=band, sort=sort)
    counts = {k: len(v) for k, v in lists.items()}
    if watched is not None:
        counts["skoen"] = len(watched)  # every watched case; the band filter narrows only the list shown
    kind = kind if kind in lists else next((k for k in ("brud", "maal", "risiko") if counts[k]), "risiko")
    chosen = lists[kind]
    pages = max(1, ceil(len(chosen) / PAGE_SIZE))
    page = min(max(1, page), pages)
    return TeamLists(
        counts,
        kind,
        caseworker,
        chosen[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        page,
        pages,
        len(chosen),
        band,
        sort,
    )
