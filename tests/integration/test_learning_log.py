"""The learning log in the register, on SQLite and PostgreSQL: entries linked to a case only by those
who may see it, listed by tag and period, audited, and exported with the case pseudonymised and a linked text
left out unless its author marked it clear of personal data."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from domain.learning_log import Entry
from register.learning_log import CaseNotVisible, add_entry, list_entries
from register.models import AuditEvent
from reporting.evaluation import case_key
from reporting.learning_log_export import learning_log_csv
from tests.integration.test_evaluation_dataset import nine  # noqa: F401 - the fixture

ANNA = dict(author_id="cw-anna", author_role="caseworker", teams=("team-nord",), actor="cw-anna (web)")
JONAS = dict(author_id="cw-jonas", author_role="caseworker", teams=("team-syd",), actor="cw-jonas (web)")
LEAD = dict(
    author_id="lise.holm@jobcenter.example.dk",
    author_role="team_lead",
    teams=("team-nord",),
    actor="lise.holm@jobcenter.example.dk (web)",
)


def at(y, m, d, h=12) -> datetime:
    return datetime(y, m, d, h, tzinfo=timezone.utc)


@pytest.fixture
def log(nine):  # noqa: F811
    register, settings = nine
    with register.session() as s:
        add_entry(
            s,
            "101",
            Entry("worked", ("employer_dialogue",), "Ringede til lederen før mødet: godt.", "", False),
            now=at(2026, 3, 2),
            **ANNA,
        )
        add_entry(
            s,
            "101",
            Entry("did_not_work", ("method", "visitation"), "Mødet lå for sent i forløbet.", "P1", False),
            now=at(2026, 3, 10),
            **ANNA,
        )
        add_entry(
            s,
            "101",
            Entry("challenge", ("health_advice",), "Lægens attest kom sent; vi ventede.", "P3", True),
            now=at(2026, 4, 1),
            **LEAD,
        )
        add_entry(
            s,
            "101",
            Entry("idea", ("method",), "Tjekliste til rundbordssamtalen.", "", False),
            now=at(2026, 3, 31, 22),
            **LEAD,
        )  # 1 April 00:00 in Denmark (summer time, UTC+2)
    return register


def test_listed_by_tag_and_period_newest_first(log):
    with log.session() as s:
        march = list_entries(s, "101", date(2026, 3, 1), date(2026, 3, 31))
        assert [(e.kind, e.case_reference) for e in march] == [("did_not_work", "P1"), ("worked", "")]
        # 2026-03-31 22:00 UTC is 1 April 00:00 in Denmark (summer time): April's.
        april = list_entries(s, "101", date(2026, 4, 1), date(2026, 4, 30))
        assert [e.kind for e in april] == ["challenge", "idea"] and april[1].written_on == date(2026, 4, 1)
        method = list_entries(s, "101", date(2026, 1, 1), date(2026, 12, 31), tag="method")
        assert [e.kind for e in method] == ["idea", "did_not_work"]
        assert list_entries(s, "102", date(2026, 1, 1), date(2026, 12, 31)) == []


def test_only_a_case_the_author_may_see_can_be_linked(log):
    with log.session() as s:
        with pytest.raises(CaseNotVisible):  # P1 is Anna's; Jonas may not link it
            add_entry(s, "101", Entry("idea", ("method",), "Tekst.", "P1", False), now=at(2026, 5, 1), **JONAS)
        with pytest.raises(CaseNotVisible):
            add_entry(s, "101", Entry("idea", ("method",), "Tekst.", "FINDES-IKKE", False), now=at(2026, 5, 1), **ANNA)


def test_every_entry_is_audited(log):
    with log.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "learning_log_written")).all()
    assert len(events) == 4 and {e.actor for e in events} == {ANNA["actor"], LEAD["actor"]}


def test_the_export_pseudonymises_the_case_and_leaves_unmarked_linked_text_out(log):
    with log.session() as s:
        text = learning_log_csv(s, "101", date(2026, 1, 1), date(2026, 12, 31), "nøgle").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["kind"] for r in rows] == ["worked", "did_not_work", "idea", "challenge"]  # oldest first
    by = {r["kind"]: r for r in rows}
    assert by["did_not_work"]["case_key"] == case_key("nøgle", "101", "P1")
    assert by["did_not_work"]["text"] == "" and by["did_not_work"]["text_left_out"] == "true"
    assert (
        by["challenge"]["text"] == "Lægens attest kom sent; vi ventede." and by["challenge"]["text_left_out"] == "false"
    )
    assert by["worked"]["text"] == "Ringede til lederen før mødet: godt." and by["worked"]["case_key"] == ""
    assert "P1" not in text and "P3" not in text and "cw-anna" not in text and "lise.holm" not in text
    assert by["did_not_work"]["tags"] == "visitation|method"


def test_retention_erases_a_linked_note_unless_it_was_marked_clear(log):
    from register.learning_log import list_entries
    from register.models import CaseRow
    from register.retention import ERASED, erase_ended_before

    with log.session() as s:
        for reference in ("P1", "P3"):  # P1's note is unmarked, P3's marked clear
            case = s.scalars(select(CaseRow).where(CaseRow.reference == reference)).one()
            case.closed_at = at(2026, 6, 1)
    assert erase_ended_before(log, at(2029, 7, 1), at(2029, 7, 1)).cases >= 2
    with log.session() as s:
        by = {e.case_reference or e.kind: e.text for e in list_entries(s, "101", date(2026, 1, 1), date(2026, 12, 31))}
    assert by["P1"] == ERASED
    assert by["P3"] == "Lægens attest kom sent; vi ventede."
    assert by["worked"] == "Ringede til lederen før mødet: godt."  # not linked to a case: not the case's data
