"""Alembic migrations on SQLite and PostgreSQL: an empty database to head, a database at the previous revision
(holding a case) to head without losing it, and models that match what the migrations build."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from register.db import alembic_config, upgrade
from register.models import Base

SCRIPT = ScriptDirectory.from_config(alembic_config("sqlite://"))
# Every revision before head, oldest first: a database left at any of them upgrades without losing its cases.
EARLIER = [r.revision for r in SCRIPT.walk_revisions()][:0:-1]


def head() -> str:
    return SCRIPT.get_current_head()


def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def test_revisions_form_one_line_from_0001_to_head():
    revisions = [r.revision for r in SCRIPT.walk_revisions()]
    assert revisions[-1] == "0001" and revisions[0] == head() and len(SCRIPT.get_heads()) == 1
    assert EARLIER[0] == "0001" and SCRIPT.get_revision(head()).down_revision == EARLIER[-1]


def test_empty_database_upgrades_to_head(register_url):
    assert current_revision(register_url) is None
    upgrade(register_url)
    assert current_revision(register_url) == head()
    engine = create_engine(register_url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables
    upgrade(register_url)  # a second upgrade is a no-op
    assert current_revision(register_url) == head()


@pytest.mark.parametrize("previous", EARLIER)
def test_database_at_previous_revision_keeps_its_case(register_url, previous):
    upgrade(register_url, previous)
    assert current_revision(register_url) == previous
    engine = create_engine(register_url)
    try:
        with engine.begin() as conn:
            # Plain SQL with the columns of revision 0001 only, as an old engine wrote them.
            assert ("measures" in inspect(conn).get_table_names()) == (previous != "0001")
            conn.execute(
                text(
                    "INSERT INTO teams (id, name, municipality, lead_name, lead_email) "
                    "VALUES ('team-nord', 'Team Nord', '101', 'Lise Holm', 'lise.holm@jobcenter.example.dk')"
                )
            )
            conn.execute(
                text(
                    "INSERT INTO caseworkers (id, name, email, phone, team_id, active) "
                    "VALUES ('cw-anna', 'Anna Berg', 'anna.berg@jobcenter.example.dk', '', 'team-nord', :yes)"
                ),
                {"yes": True},
            )
            conn.execute(
                text(
                    "INSERT INTO cases (reference, municipality, workflow_id, first_day, expected_weeks, "
                    "employee_name, employee_email, employer_name, employer_cvr, workplace_address, contact_name, "
                    "contact_email, "
                    "contact_phone, seriously_ill, workplace_is_cause, track, caseworker_id, phase, first_meeting_due, "
                    "deadline_breached, opened_at) VALUES ('SAG-1', '101', 'case-101-SAG-1', :first_day, 30, 'M', "
                    "'m@example.com', 'Bageriet', '12345674', 'Nørrebrogade 10', 'Henrik', 'h@example.com', '', "
                    ":no, :no, 'workplace', 'cw-anna', 'meeting_booked', :due, :no, :opened)"
                ),
                {"first_day": "2026-01-05", "due": "2026-03-01", "no": False, "opened": "2026-01-12 10:00:00+00:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO citizen_identities (case_id, cpr) "
                    "SELECT id, '0101801234' FROM cases WHERE reference = 'SAG-1'"
                )
            )
        upgrade(register_url)
        assert current_revision(register_url) == head()
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT reference, track, caseworker_id, phase, category, fast_track_requested_by, "
                    "fast_track_requested_on, outcome_recorded_at, first_meeting_kind, partial_recovery_on, "
                    "partial_recovery_hours FROM cases"
                )
            ).one()
            assert tuple(row) == (
                "SAG-1",
                "workplace",
                "cw-anna",
                "meeting_booked",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            )
            assert conn.execute(text("SELECT cpr FROM citizen_identities")).scalar_one() == "0101801234"
            # The new tables are there and take rows for the old case.
            case_id = conn.execute(text("SELECT id FROM cases")).scalar_one()
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO measures (case_id, kind, start_date, before_week_13, registered_at) "
                    "VALUES (:id, 'work_trial', '2026-02-01', :yes, '2026-02-01 09:00:00+00:00')"
                ),
                {"id": case_id, "yes": True},
            )
            conn.execute(
                text(
                    "INSERT INTO deadline_breaches (case_id, kind, due, recorded_at) "
                    "VALUES (:id, 'first_meeting', '2026-03-01', '2026-03-02 09:00:00+00:00')"
                ),
                {"id": case_id},
            )
            conn.execute(
                text(
                    "INSERT INTO missed_targets (case_id, kind, due, recorded_at) "
                    "VALUES (:id, 'first_meeting', '2026-03-01', '2026-03-02 09:00:00+00:00')"
                ),
                {"id": case_id},
            )
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM measures")).scalar_one() == 1
            assert conn.execute(text("SELECT count(*) FROM missed_targets")).scalar_one() == 1
    finally:
        engine.dispose()


def test_models_match_the_migrations(register_url):
    upgrade(register_url)
    engine = create_engine(register_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
