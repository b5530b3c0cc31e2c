"""The team lead's tasks in the register, on SQLite and PostgreSQL: made once per job and case however often the
activity runs, listed per team while open, claimed by one attempt at a time (the same attempt may go on), and
closed for good; and which cases the read model says changed hands or closed."""

from __future__ import annotations

from domain.model import CaseState, CaseView
from domain.sick_report import parse_sick_report
from register import lead_tasks
from register.case_list import PublishedView, publish
from register.db import Register, upgrade
from tests import dates
from tests.conftest import sick_report


def task(register: Register, reference: str, *, team="team-nord", source="omfordeling-101-cw-anna-x") -> None:
    lead_tasks.add(
        register,
        municipality="101",
        team_id=team,
        kind=lead_tasks.HANDOVER_REFUSED,
        source=source,
        reference=reference,
        caseworker_id="cw-anna",
        detail=f"Sag {reference} er ikke givet videre.",
        request_reason="Fratrådt",
    )


def test_tasks_are_made_once_claimed_once_and_closed_for_good(register_url):
    upgrade(register_url)
    register = Register(register_url)
    try:
        for _ in range(3):  # the activity retried: one task
            task(register, "R-1")
        lead_tasks.add(
            register,
            municipality="101",
            team_id="team-nord",
            kind=lead_tasks.HANDOVER_REFUSED,
            source="omfordeling-101-cw-anna-x",
            reference="R-1",
            caseworker_id="cw-anna",
            detail="Sidste forsøg.",
            request_reason="Fratrådt",
        )  # the newest result's reason stands
        task(register, "R-2")
        task(register, "R-3", team="team-syd")
        task(register, "R-1", source="omfordeling-101-cw-anna-y")  # another job: its own task
        nord = lead_tasks.open_tasks(register, "101", ["team-nord"])
        assert [t.reference for t in nord] == ["R-1", "R-2", "R-1"]
        assert lead_tasks.open_tasks(register, "102", ["team-nord"]) == []
        first = nord[0].id
        assert nord[0].detail == "Sidste forsøg."
        assert lead_tasks.claim(register, first, "a") and lead_tasks.claim(register, first, "a")  # a reload
        assert not lead_tasks.claim(register, first, "b")  # a second tab
        lead_tasks.release(register, first, "a")
        assert lead_tasks.claim(register, first, "b")
        lead_tasks.resolve(register, [first], actor="lise (web)", resolution="Sagen er givet til Mikkel Krogh.")
        lead_tasks.resolve(register, [first], actor="other", resolution="later")  # closed stays as it was
        assert not lead_tasks.claim(register, first, "b")
        done = lead_tasks.get(register, first)
        assert (done.resolved_by, done.resolution) == ("lise (web)", "Sagen er givet til Mikkel Krogh.")
        assert done.resolved_at is not None and done.resolved_at.tzinfo is not None
        assert [t.reference for t in lead_tasks.open_tasks(register, "101", ["team-nord"])] == ["R-2", "R-1"]
    finally:
        register.dispose()


def test_holders_come_from_the_read_model(register_url):
    upgrade(register_url)
    register = Register(register_url)
    try:
        for reference, holder, running in (("R-1", "cw-mikkel", True), ("R-2", "cw-anna", False)):
            case = parse_sick_report(sick_report(case_reference=reference), today=dates.today()).without_cpr()
            publish(
                register,
                PublishedView(
                    f"case-101-{reference}",
                    "101",
                    reference,
                    holder,
                    running,
                    1,
                    CaseView(case, CaseState(reference=reference, municipality="101")),
                ),
            )
        assert lead_tasks.holders(register, "101", ["R-1", "R-2", "R-9"]) == {
            "R-1": ("cw-mikkel", True),
            "R-2": ("cw-anna", False),
        }
    finally:
        register.dispose()
