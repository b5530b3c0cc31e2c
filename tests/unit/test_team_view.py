"""The team lead's lists: each case under one heading (breach, missed target, at risk), the most urgent first,
counted before filtering by kind, filtered by caseworker, a page at a time."""

from __future__ import annotations

from datetime import date, timedelta

from web.present import CaseRow, TaskRow
from web.team_view import PAGE_SIZE, team_lists
from web.watch_view import WatchRow

DAY = date(2026, 12, 4)


def row(
    ref: str, worker: str = "cw-anna", *, at_risk=False, missed=False, breached=False, days_left=None, missed_due=None
) -> CaseRow:
    return CaseRow(
        reference=ref,
        employer="Firma",
        phase="Samtale booket",
        track="Arbejdspladsen",
        caseworker=worker,
        caseworker_id=worker,
        next_deadline=DAY + timedelta(days=days_left or 0),
        week=8,
        breached=breached,
        at_risk=at_risk,
        open_tasks=0,
        overdue_tasks=0,
        closed=False,
        missed_target=missed,
        missed_due=missed_due,
        days_left=days_left,
    )


def task(ref: str, days_left: int) -> TaskRow:
    return TaskRow(ref, "k", "Ring", "", DAY + timedelta(days=days_left), days_left, False)


def test_a_case_whose_target_passed_is_listed_as_missed_not_at_risk():
    rows = [
        row("A", at_risk=True, missed=True, missed_due=date(2026, 11, 20)),
        row("B", at_risk=True, breached=True, missed_due=date(2026, 11, 1)),
        row("C", at_risk=True, days_left=3),
    ]
    lists = team_lists(rows, [], kind="", caseworker="", page=1)
    assert lists.counts == {"brud": 1, "maal": 1, "risiko": 1, "opgaver": 0}
    assert lists.kind == "brud"  # the most serious list first
    assert [r.reference for r in team_lists(rows, [], kind="risiko", caseworker="", page=1).rows] == ["C"]


def test_at_risk_is_sorted_by_days_left_and_paged():
    rows = [row(f"R{n:03}", at_risk=True, days_left=(n * 7) % 60) for n in range(60)]
    first = team_lists(rows, [], kind="risiko", caseworker="", page=1)
    assert first.total == 60 and first.pages == 3 and len(first.rows) == PAGE_SIZE
    days = [r.days_left for p in (1, 2, 3) for r in team_lists(rows, [], kind="risiko", caseworker="", page=p).rows]
    assert days == sorted(days) and len(days) == 60
    assert team_lists(rows, [], kind="risiko", caseworker="", page=99).page == 3


def test_filter_by_caseworker_counts_only_hers_and_overdue_tasks_are_listed_most_overdue_first():
    rows = [row("A", "cw-anna", missed=True), row("B", "cw-sara", missed=True)]
    tasks = [
        (task("A", -2), "cw-anna", "Anna"),
        (task("A", -9), "cw-anna", "Anna"),
        (task("A", 4), "cw-anna", "Anna"),
        (task("B", -1), "cw-sara", "Sara"),
    ]
    lists = team_lists(rows, tasks, kind="opgaver", caseworker="cw-anna", page=1)
    assert lists.counts["maal"] == 1 and lists.counts["opgaver"] == 2
    assert [t.days_left for t, _ in lists.rows] == [-9, -2]


def watch(ref: str, worker: str = "cw-anna", *, p: float | None, week: int = 5, decision: str = "–") -> WatchRow:
    band = "" if p is None else ("lav" if p < 0.1 else "middel" if p < 0.2 else "høj")
    return WatchRow(ref, worker, worker, week, p, band, "Arbejdsgiverens skøn" if p is not None else "", True, decision)


def test_the_watch_track_is_listed_by_estimate_filtered_by_band_and_caseworker_and_sorted_as_asked():
    watched = [
        watch(
            f"W{n:03}",
            "cw-anna" if n % 3 else "cw-sara",
            p=(n * 37 % 100) / 100,
            week=n % 20 + 1,
            decision="Afventer sagsbehandleren" if n % 5 == 0 else "–",
        )
        for n in range(60)
    ]
    watched.append(watch("UDEN", p=None))
    lists = team_lists([], [], kind="skoen", caseworker="", page=1, watched=watched)
    assert lists.counts["skoen"] == 61 and lists.pages == 3 and len(lists.rows) == PAGE_SIZE
    shown = [
        r for p in (1, 2, 3) for r in team_lists([], [], kind="skoen", caseworker="", page=p, watched=watched).rows
    ]
    estimates = [r.probability for r in shown[:-1]]
    assert estimates == sorted(estimates, reverse=True) and shown[-1].reference == "UDEN"  # no estimate last
    high = team_lists([], [], kind="skoen", caseworker="cw-sara", page=1, watched=watched, band="høj")
    assert high.rows and all(r.band == "høj" and r.caseworker_id == "cw-sara" for r in high.rows)
    assert high.total == sum(1 for w in watched if w.band == "høj" and w.caseworker_id == "cw-sara")
    weeks = [r.week for r in team_lists([], [], kind="skoen", caseworker="", page=1, watched=watched, sort="uge").rows]
    assert weeks == sorted(weeks, reverse=True)
    waiting = team_lists([], [], kind="skoen", caseworker="", page=1, watched=watched, sort="beslutning").rows
    assert [r.decision for r in waiting[:12]] == ["Afventer sagsbehandleren"] * 12


def test_without_decision_support_there_is_no_watch_list():
    lists = team_lists([row("A", at_risk=True, days_left=2)], [], kind="skoen", caseworker="", page=1)
    assert "skoen" not in lists.counts and lists.kind == "risiko"


def test_the_watch_count_is_every_watched_case_whatever_band_is_shown():
    watched = [watch("A", p=0.5), watch("B", p=0.05), watch("C", p=0.15)]
    lists = team_lists([], [], kind="skoen", caseworker="", page=1, watched=watched, band="høj")
    assert lists.counts["skoen"] == 3 and lists.total == 1 and [r.reference for r in lists.rows] == ["A"]
