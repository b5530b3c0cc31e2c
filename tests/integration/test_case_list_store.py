"""The read model's store on SQLite and PostgreSQL: a publication is kept once, an older version (a late retry,
or `opdater-lister` racing the workflow) never overwrites a newer one, and the reader filters by holder,
municipality and running, re-parsing a view only when its version changed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from domain.model import CaseState, CaseView
from domain.sick_report import parse_sick_report
from register.case_list import CaseList, PublishedView, publish
from register.db import Register, upgrade
from tests.conftest import sick_report


def published(reference: str, caseworker: str, version: int, *, municipality="101", running=True, phase="intake"):
    case = parse_sick_report(
        sick_report(case_reference=reference, first_day_of_absence="2026-02-16"), today=date(2026, 3, 2)
    ).without_cpr()
    view = CaseView(case, CaseState(reference=reference, municipality=municipality, phase=phase))
    return PublishedView(
        f"case-{municipality}-{reference}", municipality, reference, caseworker, running, version, view
    )


def test_newest_view_wins_and_the_reader_filters(register_url):
    upgrade(register_url)
    register = Register(register_url)
    try:
        publish(register, published("R-1", "cw-anna", 5, phase="meeting_booked"))
        publish(register, published("R-1", "cw-anna", 3, phase="intake"))  # late: ignored
        publish(register, published("R-1", "cw-anna", 5, phase="meeting_booked"))  # again: no change
        publish(register, published("R-2", "cw-jonas", 1))
        publish(register, published("R-3", "cw-anna", 1, running=False, phase="closed"))
        publish(register, published("R-4", "cw-anna", 1, municipality="102"))
        reader = CaseList(register)
        [one] = reader.views("101", ["cw-anna"])
        assert one.state.reference == "R-1" and one.state.phase == "meeting_booked"
        assert {v.state.reference for v in reader.views("101", ["cw-anna"], include_closed=True)} == {"R-1", "R-3"}
        assert {v.state.reference for v in reader.views("101", None)} == {"R-1", "R-2"}
        assert reader.views("101", []) == []
        # A newer version is read again; the unchanged one is the very object parsed before.
        publish(register, published("R-1", "cw-anna", 9, phase="follow_up"))
        kept = reader.views("101", None)
        assert {v.state.reference: v.state.phase for v in kept} == {"R-1": "follow_up", "R-2": "intake"}
        assert [v for v in kept if v.state.reference == "R-2"][0] is [
            v for v in reader.views("101", None) if v.state.reference == "R-2"
        ][0]
        # Handed to another caseworker: it leaves her list.
        publish(register, replace(published("R-1", "cw-jonas", 10)))
        assert reader.views("101", ["cw-anna"]) == []
    finally:
        register.dispose()
