"""The team lead's lists: each case under one heading (breach, missed target, at risk), the most urgent first,
counted before filtering by kind, filtered by caseworker, a page at a time."""
from __future__ import annotations

from datetime import date, timedelta

from web.present import CaseRow, TaskRow
from web.team_view import PAGE_SIZE, team_lists

DAY = date(2026, 12, 4)


def row(ref: str, worker: str = "cw-anna", *, at_risk=False, missed=False, breached=False, days_left=None,
        missed_due=None) -> CaseRow:
    return CaseRow(reference=ref, employer="Firma", phase="Samtale booket", track="Arbejdspladsen",
                   caseworker=worker, caseworker_id=worker, next_deadline=DAY + timedelta(days=days_left or 0),
                   week=8, breached=breached, at_risk=at_risk, open_tasks=0, overdue_tasks=0, closed=False,
                   missed_target=missed, missed_due=missed_due, days_left=days_left)


def task(ref: str, days_left: int) -> TaskRow:
    return TaskRow(ref, "k", "Ring", "", DAY + timedelta(days=days_left), days_left, False)


def test_a_case_whose_target_passed_is_listed_as_missed_not_at_risk():
    rows = [row("A", at_risk=True, missed=True, missed_due=date(2026, 11, 20)),
            row("B", at_risk=True, breached=True, missed_due=date(2026, 11, 1)),
            row("C", at_risk=True, days_left=3)]
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
    tasks = [(task("A", -2), "cw-anna", "Anna"), (task("A", -9), "cw-anna", "Anna"), (task("A", 4), "cw-anna", "Anna"),
             (task("B", -1), "cw-sara", "Sara")]
    lists = team_lists(rows, tasks, kind="opgaver", caseworker="cw-anna", page=1)
    assert lists.counts["maal"] == 1 and lists.counts["opgaver"] == 2
    assert [t.days_left for t, _ in lists.rows] == [-9, -2]
