"""The success report over a register with known cases, on SQLite and PostgreSQL, and through the real workflow.

The hand-built register covers every figure and edge case; the expected figures are worked out in the
comments beside each case (today = 2026-06-20, period = first day of absence in 2026-01-01 .. 2026-03-31).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event

from config.settings import CONFIG_DIR, load_settings
from domain.localtime import LOCAL_TZ, local_date
from domain.model import CaseEnd, MeasureStart, MeetingOutcome, OutcomeReport, RsvpReceived
from domain.results import done
from register.db import Register, upgrade
from register.models import (
    CaseRow,
    CaseworkerRow,
    CitizenIdentity,
    DeadlineBreach,
    MeasureRow,
    MeetingRow,
    MissedTarget,
)
from register.roster import load_roster, sync_roster
from reporting.report import Breach, Median, Share, build_report
from reporting.report_command import ReportError, report_command
from tests.conftest import sick_report
from tests.helpers import finish, rows, server_today, start, wait_for
from workflows.case_workflow import CaseWorkflow

TODAY = date(2026, 6, 20)
START, END = date(2026, 1, 1), date(2026, 3, 31)
CPR = "0101801234"
UTC = timezone.utc


def utc(y, mo, d, h=10, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def local(y, mo, d, h=10, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LOCAL_TZ)


class Builder:
    """Adds cases, meetings, measures and breaches as plain rows: the register as the engine leaves it."""

    def __init__(self, session):
        self.session = session
        self.n = 0

    def case(
        self,
        reference: str,
        first_day: date,
        *,
        caseworker: str | None,
        track: str | None = "workplace",
        opened_at: datetime | None = None,
        municipality: str = "101",
        closed_on: date | None = None,
        end_type: str | None = None,
        outcome: str | None = None,
    ) -> CaseRow:
        self.n += 1
        row = CaseRow(
            reference=reference,
            municipality=municipality,
            workflow_id=f"case-{municipality}-{reference}",
            first_day=first_day,
            expected_weeks=30 if track == "workplace" else 4,
            employee_name=f"Borger {self.n}",
            employee_email=f"borger{self.n}@example.com",
            employer_name="Bageriet Kornet ApS",
            employer_cvr="12345674",
            workplace_address="Nørrebrogade 10",
            contact_name="Henrik Lund",
            contact_email="henrik.lund@example.com",
            track=track,
            caseworker_id=caseworker,
            opened_at=opened_at or utc(*(first_day + timedelta(days=7)).timetuple()[:3]),
            first_meeting_due=first_day + timedelta(days=55) if track == "workplace" else None,
            phase="closed" if closed_on else "follow_up",
            closed_at=utc(*closed_on.timetuple()[:3], 12) if closed_on else None,
            end_date=closed_on,
            end_type=end_type,
            outcome=outcome,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add(CitizenIdentity(case_id=row.id, cpr=CPR))
        return row

    def meeting(
        self,
        case: CaseRow,
        *,
        start: datetime,
        status: str = "held",
        location: str | None = "workplace",
        employer: bool | None = True,
        held_at: datetime | None = None,
        number: int = 1,
    ) -> None:
        self.session.add(
            MeetingRow(
                case_id=case.id,
                number=number,
                uid=f"{case.workflow_id}-m{number}",
                caseworker_id=case.caseworker_id or "cw-anna",
                start=start,
                end=start + timedelta(hours=1),
                location="Nørrebrogade 10",
                expected_location="workplace",
                actual_location=location if status == "held" else None,
                status=status,
                employer_took_part=employer if status == "held" else None,
                held_at=held_at,
            )
        )

    def measure(self, case: CaseRow, start_date: date, before_week_13: bool, kind: str = "gradual_return") -> None:
        self.session.add(
            MeasureRow(
                case_id=case.id,
                kind=kind,
                start_date=start_date,
                before_week_13=before_week_13,
                registered_at=utc(*start_date.timetuple()[:3]),
            )
        )

    def breach(self, case: CaseRow) -> None:
        self.session.add(
            DeadlineBreach(
                case_id=case.id,
                kind="first_meeting",
                due=case.first_meeting_due,
                recorded_at=utc(*(case.first_meeting_due + timedelta(days=1)).timetuple()[:3]),
            )
        )


def build_known_register(session) -> None:
    sync_roster(session, load_roster(CONFIG_DIR / "roster.yaml"))  # cw-anna (Team Nord), cw-jonas (Team Syd)
    session.add(
        CaseworkerRow(id="cw-mads", name="Mads Krog", email="mads.krog@jobcenter.example.dk", team_id="team-syd")
    )
    b = Builder(session)
    # --- Anna Berg, Team Nord
    # A1: at the workplace, employer there, on time; opened 23:30 UTC = 00:30 local next day -> 29 days.
    a1 = b.case(
        "A1",
        date(2026, 1, 5),
        caseworker="cw-anna",
        opened_at=utc(2026, 1, 11, 23, 30),
        closed_on=date(2026, 4, 1),
        end_type="full_recovery",
        outcome="work",
    )
    b.meeting(a1, start=local(2026, 2, 10))
    b.measure(a1, date(2026, 2, 20), True)
    b.measure(a1, date(2026, 3, 1), True, kind="mentor")  # two measures, one case
    # A2: first meeting at the job centre, employer absent, held_at on time (42 days); a later meeting at the
    #     workplace does not count; its measure started after week 13.
    a2 = b.case("A2", date(2026, 1, 12), caseworker="cw-anna")
    b.meeting(a2, start=local(2026, 2, 27), location="jobcenter", employer=False, held_at=utc(2026, 3, 2, 8))
    b.meeting(a2, start=local(2026, 4, 20), number=2)
    b.measure(a2, date(2026, 4, 20), False)
    # A3: held late (due 2026-03-29, held 2026-04-07, 57 days), breach recorded by the engine.
    a3 = b.case(
        "A3",
        date(2026, 2, 2),
        caseworker="cw-anna",
        closed_on=date(2026, 5, 1),
        end_type="partial_recovery",
        outcome="education",
    )
    b.meeting(a3, start=local(2026, 4, 7))
    b.breach(a3)
    # A4: no first meeting at all, due 2026-04-12 has passed: a breach nobody recorded.
    b.case("A4", date(2026, 2, 16), caseworker="cw-anna")
    # A5: outside the target group (expected back within 8 weeks), closed.
    b.case(
        "A5",
        date(2026, 1, 20),
        caseworker="cw-anna",
        track="outside",
        closed_on=date(2026, 2, 15),
        end_type="full_recovery",
        outcome="work",
    )
    # N1: not triaged yet.
    b.case("N1", date(2026, 3, 31), caseworker="cw-anna", track=None)
    # --- Jonas Friis, Team Syd
    # J1: held at the booked start (no held_at) on 2026-02-20 (37 days), employer absent; a breach row exists
    #     although the dates show it on time; closed with no outcome recorded.
    j1 = b.case(
        "J1",
        date(2026, 1, 7),
        caseworker="cw-jonas",
        opened_at=utc(2026, 1, 14),
        closed_on=date(2026, 4, 10),
        end_type="dismissal",
    )
    b.meeting(j1, start=local(2026, 2, 20, 9), employer=False)
    b.measure(j1, date(2026, 3, 15), True)
    b.breach(j1)
    # J2: first meeting not held (no-show), due passed; breach recorded.
    j2 = b.case("J2", date(2026, 1, 26), caseworker="cw-jonas")
    b.meeting(j2, start=local(2026, 3, 10), status="no_show")
    b.breach(j2)
    # J3: exempt (seriously ill).
    b.case("J3", date(2026, 2, 5), caseworker="cw-jonas", track="exempt")
    # --- Mads Krog, Team Syd
    # M1: week 13 not over (ends 2026-06-28) but a measure before week 13 already: counted; 48 days.
    m1 = b.case(
        "M1",
        date(2026, 3, 30),
        caseworker="cw-mads",
        opened_at=utc(2026, 4, 2),
        closed_on=date(2026, 6, 1),
        end_type="full_recovery",
        outcome="other",
    )
    b.meeting(m1, start=local(2026, 5, 20))
    b.measure(m1, date(2026, 5, 1), True)
    # M2: ended 2026-03-20, before its due date 2026-04-26, without a meeting: owed none; week 13 over.
    b.case("M2", date(2026, 3, 2), caseworker="cw-mads", closed_on=date(2026, 3, 20), end_type="full_recovery")
    # M3: week 13 not over (ends 2026-06-23), no measure: not yet counted; held on time, 46 days.
    m3 = b.case("M3", date(2026, 3, 25), caseworker="cw-mads", opened_at=utc(2026, 3, 27))
    b.meeting(m3, start=local(2026, 5, 12))
    # --- no caseworker
    b.case("U1", date(2026, 3, 16), caseworker=None)  # due 2026-05-10 passed, nothing held
    # --- outside the report: before the period, after it, another municipality
    x1 = b.case("X1", date(2025, 12, 31), caseworker="cw-anna")
    b.meeting(x1, start=local(2026, 2, 1))
    b.case("X2", date(2026, 4, 1), caseworker="cw-anna")
    x3 = b.case("X3", date(2026, 2, 1), caseworker="cw-anna", municipality="102")
    b.meeting(x3, start=local(2026, 3, 1), location="jobcenter")
    b.breach(x3)


@pytest.fixture
def known_register(register_url):
    upgrade(register_url)
    register = Register(register_url)
    with register.session() as session:
        build_known_register(session)
    yield register
    register.dispose()


def report_of(register, municipality="101", start=START, end=END, today=TODAY):
    with register.session() as session:
        return build_report(session, municipality, start, end, today)


def test_every_figure_for_the_municipality(known_register):
    r = report_of(known_register)
    f = r.overall
    assert (f.cases, f.target_cases) == (13, 10)
    assert f.workplace_first_meeting == Share(5, 6)  # A1 A3 J1 M1 M3 of A1 A2 A3 J1 M1 M3
    assert f.first_meeting_by_week_8 == Share(5, 9)  # A1 A2 J1 M1 M3 of those + A3 A4 J2 U1 (not M2)
    # Week-13 base: target cases whose absence lasted through week 13 (first day + 90 passed, not ended by
    # then): A2 A4 J1 J2 U1; not A1 (ended 04-01, week 13 ended 04-05), A3 (05-01 / 05-03), M2 (ended 03-20),
    # M1 and M3 (week 13 not over). With a measure before week 13: J1.
    assert f.measure_before_week_13 == Share(1, 5)
    assert f.employer_took_part == Share(4, 6)  # A1 A3 M1 M3
    assert f.outcomes == {
        "work": Share(1, 5),
        "education": Share(1, 5),
        "other": Share(1, 5),
        "unknown": Share(2, 5),
        "not_yet_due": Share(0, 5),
    }
    # A1 A3 M1 J1 M2 (A5 is outside the target group); J1 and M2 ended months ago: unknown, not "not yet due".
    assert f.by_track == {"workplace": 10, "exempt": 1, "watch": 0, "outside": 1, "none": 1}
    assert f.by_end_type == {
        "full_recovery": 4,
        "partial_recovery": 1,
        "dismissal": 1,
        "moved_municipality": 0,
        "benefit_ended": 0,
        "death": 0,
        "open": 7,
    }
    assert f.median_days_to_first_meeting == Median(44.0, 6)  # 29 37 42 46 48 57
    assert f.breaches == 5
    assert round(f.workplace_first_meeting.value, 4) == 0.8333
    assert r.goal_workplace_share == 0.70


def test_every_breach_with_its_case_reference(known_register):
    r = report_of(known_register)
    assert r.breaches == (
        Breach(
            "J1",
            "cw-jonas",
            "Jonas Friis",
            "team-syd",
            "Team Syd",
            date(2026, 1, 7),
            date(2026, 3, 3),
            date(2026, 2, 20),
            "recorded",
            True,
        ),
        Breach(
            "J2",
            "cw-jonas",
            "Jonas Friis",
            "team-syd",
            "Team Syd",
            date(2026, 1, 26),
            date(2026, 3, 22),
            None,
            "not_held",
            True,
        ),
        Breach(
            "A3",
            "cw-anna",
            "Anna Berg",
            "team-nord",
            "Team Nord",
            date(2026, 2, 2),
            date(2026, 3, 29),
            date(2026, 4, 7),
            "held_late",
            True,
        ),
        Breach(
            "A4",
            "cw-anna",
            "Anna Berg",
            "team-nord",
            "Team Nord",
            date(2026, 2, 16),
            date(2026, 4, 12),
            None,
            "not_held",
            False,
        ),
        Breach("U1", "", "", "", "", date(2026, 3, 16), date(2026, 5, 10), None, "not_held", False),
    )


def test_every_figure_per_caseworker(known_register):
    by = {s.scope.id: s for s in report_of(known_register).by_caseworker}
    assert [(s.scope.kind, s.scope.id, s.scope.name) for s in report_of(known_register).by_caseworker] == [
        ("caseworker", "cw-anna", "Anna Berg"),
        ("caseworker", "cw-jonas", "Jonas Friis"),
        ("caseworker", "cw-mads", "Mads Krog"),
        ("caseworker", "", ""),
    ]
    anna, jonas, mads, nobody = by["cw-anna"].figures, by["cw-jonas"].figures, by["cw-mads"].figures, by[""].figures
    assert (anna.cases, anna.target_cases, jonas.cases, jonas.target_cases) == (6, 4, 3, 2)
    assert (mads.cases, mads.target_cases, nobody.cases, nobody.target_cases) == (3, 3, 1, 1)
    assert [
        anna.workplace_first_meeting,
        jonas.workplace_first_meeting,
        mads.workplace_first_meeting,
        nobody.workplace_first_meeting,
    ] == [Share(2, 3), Share(1, 1), Share(2, 2), Share(0, 0)]
    assert nobody.workplace_first_meeting.value is None
    assert [
        anna.first_meeting_by_week_8,
        jonas.first_meeting_by_week_8,
        mads.first_meeting_by_week_8,
        nobody.first_meeting_by_week_8,
    ] == [Share(2, 4), Share(1, 2), Share(2, 2), Share(0, 1)]
    assert [
        anna.measure_before_week_13,
        jonas.measure_before_week_13,
        mads.measure_before_week_13,
        nobody.measure_before_week_13,
    ] == [Share(0, 2), Share(1, 2), Share(0, 0), Share(0, 1)]
    assert [anna.employer_took_part, jonas.employer_took_part, mads.employer_took_part, nobody.employer_took_part] == [
        Share(2, 3),
        Share(0, 1),
        Share(2, 2),
        Share(0, 0),
    ]
    assert anna.outcomes == {
        "work": Share(1, 2),
        "education": Share(1, 2),
        "other": Share(0, 2),
        "unknown": Share(0, 2),
        "not_yet_due": Share(0, 2),
    }
    assert jonas.outcomes == {
        "work": Share(0, 1),
        "education": Share(0, 1),
        "other": Share(0, 1),
        "unknown": Share(1, 1),
        "not_yet_due": Share(0, 1),
    }
    assert mads.outcomes == {
        "work": Share(0, 2),
        "education": Share(0, 2),
        "other": Share(1, 2),
        "unknown": Share(1, 2),
        "not_yet_due": Share(0, 2),
    }
    assert nobody.outcomes == {o: Share(0, 0) for o in ("work", "education", "other", "unknown", "not_yet_due")}
    assert [
        anna.median_days_to_first_meeting,
        jonas.median_days_to_first_meeting,
        mads.median_days_to_first_meeting,
        nobody.median_days_to_first_meeting,
    ] == [Median(42.0, 3), Median(37.0, 1), Median(47.0, 2), Median(None, 0)]
    assert [anna.breaches, jonas.breaches, mads.breaches, nobody.breaches] == [2, 2, 0, 1]
    assert anna.by_track == {"workplace": 4, "exempt": 0, "watch": 0, "outside": 1, "none": 1}
    assert jonas.by_track == {"workplace": 2, "exempt": 1, "watch": 0, "outside": 0, "none": 0}
    assert mads.by_track == {"workplace": 3, "exempt": 0, "watch": 0, "outside": 0, "none": 0}
    assert anna.by_end_type == {
        "full_recovery": 2,
        "partial_recovery": 1,
        "dismissal": 0,
        "moved_municipality": 0,
        "benefit_ended": 0,
        "death": 0,
        "open": 3,
    }
    assert jonas.by_end_type == {
        "full_recovery": 0,
        "partial_recovery": 0,
        "dismissal": 1,
        "moved_municipality": 0,
        "benefit_ended": 0,
        "death": 0,
        "open": 2,
    }
    assert mads.by_end_type == {
        "full_recovery": 2,
        "partial_recovery": 0,
        "dismissal": 0,
        "moved_municipality": 0,
        "benefit_ended": 0,
        "death": 0,
        "open": 1,
    }


def test_every_figure_per_team(known_register):
    teams = report_of(known_register).by_team
    assert [(s.scope.kind, s.scope.id, s.scope.name) for s in teams] == [
        ("team", "team-nord", "Team Nord"),
        ("team", "team-syd", "Team Syd"),
        ("team", "", ""),
    ]
    nord, syd, none = (s.figures for s in teams)
    assert nord == {s.scope.id: s for s in report_of(known_register).by_caseworker}["cw-anna"].figures
    assert (syd.cases, syd.target_cases) == (6, 5)
    assert syd.workplace_first_meeting == Share(3, 3)
    assert syd.first_meeting_by_week_8 == Share(3, 4)
    assert syd.measure_before_week_13 == Share(1, 2)  # J1 of J1 J2
    assert syd.employer_took_part == Share(2, 3)
    assert syd.outcomes == {
        "work": Share(0, 3),
        "education": Share(0, 3),
        "other": Share(1, 3),
        "unknown": Share(2, 3),
        "not_yet_due": Share(0, 3),
    }
    assert syd.median_days_to_first_meeting == Median(46.0, 3)
    assert syd.breaches == 2
    assert syd.by_track == {"workplace": 5, "exempt": 1, "watch": 0, "outside": 0, "none": 0}
    assert syd.by_end_type == {
        "full_recovery": 2,
        "partial_recovery": 0,
        "dismissal": 1,
        "moved_municipality": 0,
        "benefit_ended": 0,
        "death": 0,
        "open": 3,
    }
    assert (none.cases, none.first_meeting_by_week_8, none.breaches) == (1, Share(0, 1), 1)


def test_today_decides_what_is_settled(known_register):
    # A4 is due 2026-04-12 and A2's week 13 ends that day: on the 12th neither is settled, on the 13th both are.
    # U1 (due 2026-05-10) is not yet a breach on either day; held meetings count whenever they were held.
    on_12th = report_of(known_register, today=date(2026, 4, 12))
    assert on_12th.overall.first_meeting_by_week_8 == Share(5, 7)  # A1 A2 J1 M1 M3 of those + A3 J2
    assert [(b.reference, b.reason) for b in on_12th.breaches] == [
        ("J1", "recorded"),
        ("J2", "not_held"),
        ("A3", "held_late"),
    ]
    assert on_12th.overall.measure_before_week_13 == Share(1, 1)  # J1 (lasted past 04-07); A1 ended before
    on_13th = report_of(known_register, today=date(2026, 4, 13))
    assert on_13th.overall.first_meeting_by_week_8 == Share(5, 8)  # + A4
    assert [b.reference for b in on_13th.breaches] == ["J1", "J2", "A3", "A4"]
    assert on_13th.overall.measure_before_week_13 == Share(1, 2)  # + A2


def test_other_municipality_and_empty_period(known_register):
    other = report_of(known_register, municipality="102")
    assert (other.overall.cases, other.overall.workplace_first_meeting) == (1, Share(0, 1))
    assert [b.reference for b in other.breaches] == ["X3"]
    empty = report_of(known_register, start=date(2030, 1, 1), end=date(2030, 12, 31))
    assert empty.overall.cases == 0 and empty.by_team == () and empty.by_caseworker == () and empty.breaches == ()
    assert empty.overall.workplace_first_meeting == Share(0, 0)
    assert empty.overall.median_days_to_first_meeting == Median(None, 0)


def test_the_report_never_reads_cpr_or_citizen_names(known_register):
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(known_register.engine, "before_cursor_execute", capture)
    try:
        report = report_of(known_register)
    finally:
        event.remove(known_register.engine, "before_cursor_execute", capture)
    assert statements and not any("citizen_identities" in s or "employee_" in s for s in statements)
    from reporting.render import render

    for fmt in ("tabel", "csv", "html"):
        text = render(report, fmt)
        assert CPR not in text and "Borger" not in text and "Bageriet" not in text


def test_csv_has_every_figure_and_split(known_register):
    from reporting.report_csv import read_csv, render_csv

    text = render_csv(report_of(known_register))
    assert text.splitlines()[0] == "\ufeffNøgletal;Opdeling;Navn;Tæller;Nævner;Værdi;Kode;Id"
    parsed = [r.__dict__ for r in read_csv(text)]
    assert list(parsed[0]) == ["figure", "scope", "scope_id", "numerator", "denominator", "value"]
    index = {(r["figure"], r["scope"], r["scope_id"]): r for r in parsed}
    assert index[("workplace_first_meeting", "all", "")] | {} == {
        "figure": "workplace_first_meeting",
        "scope": "all",
        "scope_id": "",
        "numerator": "5",
        "denominator": "6",
        "value": "0.8333",
    }
    assert (
        index[("first_meeting_by_week_8", "team", "team-syd")]["numerator"],
        index[("first_meeting_by_week_8", "team", "team-syd")]["denominator"],
    ) == ("3", "4")
    assert index[("workplace_first_meeting", "caseworker", "")]["value"] == "–"
    assert index[("median_days_to_first_meeting", "caseworker", "cw-mads")]["value"] == "47"
    assert index[("median_days_to_first_meeting", "all", "")]["denominator"] == "6"
    assert index[("outcome_unknown", "all", "")]["numerator"] == "2"
    assert index[("track_none", "all", "")]["numerator"] == "1"
    assert index[("end_type_open", "team", "team-nord")]["numerator"] == "3"
    assert index[("first_meeting_breaches", "all", "")]["numerator"] == "5"
    scopes = {(r["scope"], r["scope_id"]) for r in parsed}
    assert scopes == {
        ("all", ""),
        ("team", "team-nord"),
        ("team", "team-syd"),
        ("team", ""),
        ("caseworker", "cw-anna"),
        ("caseworker", "cw-jonas"),
        ("caseworker", "cw-mads"),
        ("caseworker", ""),
    }
    per_scope = len(parsed) // len(scopes)
    assert len(parsed) == per_scope * len(scopes)  # every split has every figure


def test_report_command_writes_each_format(known_register, tmp_path):
    settings = load_settings(env={}).replace(database_url=known_register.url, data_dir=str(tmp_path))
    table = report_command(settings, "101", START, END, "tabel", None, today=TODAY)
    assert "1. samtale på arbejdspladsen" in table and "83,3 %" in table and "5/6" in table
    assert "A4" in table and "ikke holdt" in table
    out = tmp_path / "ud" / "rapport.html"
    message = report_command(settings, "101", START, END, "html", out, today=TODAY)
    assert message == f"Rapporten er skrevet til {out} (html)."
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "A3" in html
    csv_text = report_command(settings, "101", START, END, "csv", None, today=TODAY)
    assert csv_text.splitlines()[0] == "\ufeffNøgletal;Opdeling;Navn;Tæller;Nævner;Værdi;Kode;Id"
    with pytest.raises(ReportError, match="Perioden er tom"):
        report_command(settings, "101", END, START, "tabel", None, today=TODAY)


def test_report_command_on_a_missing_register(tmp_path):
    settings = load_settings(env={}).replace(data_dir=str(tmp_path / "ingen"))
    with pytest.raises(ReportError, match="Sagsregistret findes ikke"):
        report_command(settings, "101", START, END, "tabel", None, today=TODAY)


# --------------------------------------------------------------------------- through the real workflow


def reference() -> str:
    # Eight hex digits: never ten digits in a row, which the sick report refuses as a possible CPR number.
    return f"R-{uuid.uuid4().hex[:8]}"


async def test_report_on_cases_run_through_the_workflow(env):
    today = await server_today(env)  # the time-skipping server's clock runs ahead of the wall clock
    first, first_handle = await start(env, sick_report(case_reference=reference()))  # absent for 14 days
    first_state = await wait_for(first_handle, lambda s: s.phase == "meeting_booked")
    second, second_handle = await start(env, sick_report(case_reference=reference()), absent_days=20)
    second_state = await wait_for(second_handle, lambda s: s.phase == "meeting_booked")
    # A case outside the target group (expected back within 8 weeks): only counted by track and end type.
    third, third_handle = await start(
        env, sick_report(case_reference=reference(), expected_absence_weeks=4, employer_expected_absence_weeks=4)
    )
    third_state = await wait_for(third_handle, lambda s: s.caseworker is not None and s.track != "")
    assert third_state.track != "workplace"

    # Time passes past both meetings. The first is held at the workplace with the employer, the second at the
    # job centre without.
    last_end = max(first_state.meetings[0].end, second_state.meetings[0].end)
    await env.env.sleep(last_end - await env.env.get_current_time() + timedelta(minutes=5))
    for case, handle, state, outcome in (
        (first, first_handle, first_state, MeetingOutcome(1, True, True, "workplace")),
        (second, second_handle, second_state, MeetingOutcome(1, True, False, "jobcenter")),
    ):
        meeting = state.meetings[0]
        for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
            await handle.execute_update(CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, 0, address, "ACCEPTED"))
        assert await handle.execute_update(CaseWorkflow.record_meeting, outcome) == done("held")
    # The first case gets a workplace-based measure now (well before week 13), then ends; its outcome is work.
    assert await first_handle.execute_update(
        CaseWorkflow.start_measure, MeasureStart("work_trial", await server_today(env))
    ) == done("before_week_13")
    end_day = await server_today(env)
    await first_handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", end_day))
    await first_handle.execute_update(CaseWorkflow.record_outcome, OutcomeReport("work"))
    for handle in (second_handle, third_handle):
        await handle.execute_update(CaseWorkflow.report_end, CaseEnd("dismissal", end_day))
    # A month on, nobody recorded the second case's outcome: unknown.
    for handle in (first_handle, second_handle, third_handle):
        await finish(env, handle)
    report_day = await server_today(env)

    [row1] = rows(env.register, CaseRow, CaseRow.reference == first.reference)
    [row2] = rows(env.register, CaseRow, CaseRow.reference == second.reference)
    days = sorted(
        (local_date(state.meetings[0].start) - local_date(_aware(row.opened_at))).days
        for state, row in ((first_state, row1), (second_state, row2))
    )
    with env.register.session() as session:
        r = build_report(session, first.municipality, today - timedelta(days=30), today, report_day)
    f = r.overall
    assert (f.cases, f.target_cases) == (3, 2)
    assert f.workplace_first_meeting == Share(1, 2)
    assert f.first_meeting_by_week_8 == Share(2, 2)  # both held before the end of week 8
    assert f.employer_took_part == Share(1, 2)
    # Both cases ended long before their week 13 was over: neither is in the week-13 base (jobindsats).
    assert f.measure_before_week_13 == Share(0, 0)
    assert report_day > second.first_day + timedelta(days=90)
    assert f.outcomes == {
        "work": Share(1, 2),
        "education": Share(0, 2),
        "other": Share(0, 2),
        "unknown": Share(1, 2),
        "not_yet_due": Share(0, 2),
    }
    assert f.by_track["workplace"] == 2 and f.by_track[third_state.track] == 1
    assert f.by_end_type["full_recovery"] == 1 and f.by_end_type["dismissal"] == 2 and f.by_end_type["open"] == 0
    assert f.median_days_to_first_meeting == Median((days[0] + days[1]) / 2, 2)
    assert f.breaches == 0 and r.breaches == ()
    # The split follows the caseworkers the engine chose.
    by_worker = {s.scope.id: s.figures for s in r.by_caseworker}
    assert set(by_worker) == {first_state.caseworker.id, second_state.caseworker.id, third_state.caseworker.id}
    assert sum(s.figures.cases for s in r.by_caseworker) == sum(s.figures.cases for s in r.by_team) == 3
    assert {s.scope.name for s in r.by_team} <= {"Team Nord", "Team Syd"}
    assert first_state.caseworker.id != second_state.caseworker.id  # the least loaded caseworker gets a new case
    assert by_worker[first_state.caseworker.id].workplace_first_meeting == Share(1, 1)
    assert by_worker[first_state.caseworker.id].outcomes["work"] == Share(1, 1)
    assert by_worker[second_state.caseworker.id].workplace_first_meeting == Share(0, 1)
    assert by_worker[second_state.caseworker.id].employer_took_part == Share(0, 1)
    by_team = {s.scope.id: s.figures for s in r.by_team}
    assert by_team[first_state.caseworker.team_id].measure_before_week_13 == Share(0, 0)  # ended before week 13
    assert by_team[first_state.caseworker.team_id].workplace_first_meeting.numerator == 1


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def test_rapport_subcommand_parses_danish_options(capsys):
    import argparse

    from reporting.report_command import add_report_parser

    parser = argparse.ArgumentParser(prog="fasthold")
    add_report_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        ["rapport", "--fra", "2026-01-01", "--til", "2026-03-31", "--format", "html", "--fil", "rapport.html"]
    )
    assert (args.command, args.fra, args.til, args.format, str(args.fil)) == (
        "rapport",
        START,
        END,
        "html",
        "rapport.html",
    )
    defaults = parser.parse_args(["rapport"])
    assert defaults.format == "tabel" and defaults.fil is None and defaults.fra.month == 1 and defaults.fra.day == 1
    with pytest.raises(SystemExit):
        parser.parse_args(["rapport", "--fra", "1. januar"])
    assert "er ikke en dato (ÅÅÅÅ-MM-DD)" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parser.parse_args(["rapport", "--help"])
    help_text = capsys.readouterr().out
    assert "--format {tabel,csv,html}" in help_text and "første dag i perioden" in help_text


# --------------------------------------------------------------------------- the law and the model, apart


def build_law_register(session) -> None:
    """Cases on both sides of 1 July 2026 (today = 2026-12-20, period = first day in 2026-05-01 .. 2026-10-31)."""
    sync_roster(session, load_roster(CONFIG_DIR / "roster.yaml"))
    b = Builder(session)
    # S1: 2025 rules, week 8 is § 13 b: due 2026-07-05 passed without a meeting -> a breach of the law.
    b.case("S1", date(2026, 5, 11), caseworker="cw-anna")
    # T1: 2026 rules, week 8 is the model's target: held late (due 2026-09-27, held 2026-10-06), recorded by
    #     the engine as a missed target -> a missed target, not a breach.
    t1 = b.case("T1", date(2026, 8, 3), caseworker="cw-anna")
    t1.first_meeting_kind = "model_target"
    b.meeting(t1, start=local(2026, 10, 6))
    session.add(
        MissedTarget(case_id=t1.id, kind="first_meeting", due=t1.first_meeting_due, recorded_at=utc(2026, 9, 28))
    )
    # T2: 2026 rules, not held and due 2026-10-04 passed, nothing recorded: a missed target by the dates alone;
    #     the six-month minimum (due 2027-02-09) is not yet passed. A partial recovery: an exit to work.
    t2 = b.case("T2", date(2026, 8, 10), caseworker="cw-jonas")
    t2.first_meeting_kind, t2.partial_recovery_on, t2.partial_recovery_hours = "model_target", date(2026, 11, 2), 20
    # T3: 2026 rules, the engine recorded a breach of the legal minimum (one conversation within six months).
    t3 = b.case("T3", date(2026, 7, 1), caseworker="cw-jonas")
    t3.first_meeting_kind = "model_target"
    session.add(
        DeadlineBreach(case_id=t3.id, kind="first_conversation", due=date(2026, 12, 31), recorded_at=utc(2027, 1, 1))
    )
    b.meeting(t3, start=local(2026, 8, 20), location="jobcenter")  # on time for week 8, at the job centre
    # C1: category 1 (2025 rules) on the workplace track, first meeting at the job centre: outside the 70 % goal.
    c1 = b.case("C1", date(2026, 5, 4), caseworker="cw-anna")
    c1.category = 1
    b.meeting(c1, start=local(2026, 6, 10), location="jobcenter")
    # C2: category 2, first meeting at the workplace, on time; ended in full recovery.
    c2 = b.case("C2", date(2026, 5, 18), caseworker="cw-anna", closed_on=date(2026, 9, 1), end_type="full_recovery")
    c2.category = 2
    b.meeting(c2, start=local(2026, 6, 20))
    session.flush()


def test_statutory_breaches_and_missed_model_targets_are_separate_rows(register_url):
    from reporting.report_csv import read_csv, render_csv
    from reporting.report_html import render_html
    from reporting.report_table import render_table

    upgrade(register_url)
    register = Register(register_url)
    try:
        with register.session() as session:
            build_law_register(session)
        with register.session() as session:
            r = build_report(session, "101", date(2026, 5, 1), date(2026, 10, 31), date(2026, 12, 20))
    finally:
        register.dispose()
    f = r.overall
    assert [(b.reference, b.kind, b.reason) for b in r.breaches] == [
        ("S1", "first_meeting", "not_held"),
        ("T3", "first_conversation", "recorded"),
    ]
    assert [(b.reference, b.reason, b.recorded) for b in r.missed_targets] == [
        ("T1", "held_late", True),
        ("T2", "not_held", False),
    ]
    assert (f.breaches, f.missed_targets) == (2, 2)
    # The 70 % goal counts categories 2 and 3, and cases without a category (2026): C2, T1, T3 -- not C1.
    assert f.workplace_first_meeting == Share(2, 3)
    assert f.exits_to_work == Share(2, 6)  # C2 (full recovery) and T2 (partial recovery) of six target cases
    table = render_table(r)
    breaches = table[table.index("Lovfristoverskridelser (2)") : table.index("Modellens mål ikke nået (2)")]
    targets = table[table.index("Modellens mål ikke nået (2)") :]
    assert "S1" in breaches and "T3" in breaches and "T1" not in breaches and "T2" not in breaches
    assert "T1" in targets and "T2" in targets and "S1" not in targets
    assert "lovens minimum" in breaches
    index = {(row.figure, row.scope, row.scope_id): row.__dict__ for row in read_csv(render_csv(r))}
    assert index[("first_meeting_breaches", "all", "")]["numerator"] == "2"
    assert index[("missed_model_targets", "all", "")]["numerator"] == "2"
    assert index[("missed_model_targets", "caseworker", "cw-jonas")]["numerator"] == "1"
    assert (index[("exits_to_work", "all", "")]["numerator"], index[("exits_to_work", "all", "")]["denominator"]) == (
        "2",
        "6",
    )
    html = render_html(r)
    assert "<h2>Lovfristoverskridelser (2)</h2>" in html and "<h2>Modellens mål ikke nået (2)</h2>" in html


@pytest.mark.start_day(date(2035, 9, 4))
@pytest.mark.reform_from(date(2035, 7, 1))
async def test_report_keeps_a_breach_and_a_missed_target_apart_through_the_workflow(env):
    # The server's clock cannot go back to 2026, so the 2026 reform is moved to 1 July 2035 (the mark).
    today = await server_today(env)
    assert today == date(2035, 9, 4)
    # 2026 rules (first day 60 days ago, 6 July 2035): week 8 is the model's target, passed when the case opens.
    target, target_handle = await start(env, sick_report(case_reference=reference()), absent_days=60)
    # 2025 rules (first day Monday 4 June 2035): week 8 is § 13 b's deadline, passed Sunday 29 July 2035.
    law, law_handle = await start(
        env, sick_report(case_reference=reference()), absent_days=(today - date(2035, 6, 4)).days
    )
    await wait_for(target_handle, lambda s: s.missed_targets == ["first_meeting"])
    await wait_for(law_handle, lambda s: s.breaches == ["first_meeting"])
    with env.register.session() as session:
        r = build_report(session, target.municipality, date(2035, 6, 1), today, today)
    assert [b.reference for b in r.breaches] == [law.reference]
    assert [b.reference for b in r.missed_targets] == [target.reference]
    assert (r.overall.breaches, r.overall.missed_targets) == (1, 1)
