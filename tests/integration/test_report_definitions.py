"""The report's definitions on a hand-made register of nine cases, on SQLite and PostgreSQL.

Each case is built to tell one definition apart from a wrong one; the expected figures are worked by hand below,
with what the report said before the definitions were fixed, so each assertion can fail.

today = 2026-06-20; period = first day of absence in 2026-01-01 .. 2026-03-31; every case on the workplace
track, 2025 rules (week 8 is § 13 b's deadline), no visitation category (counts toward the 70 % goal).
Week-8 due = first day + 55 days; last day of week 13 = first day + 90 days. The sick report reaches the engine
at first day + 7 days (the Builder's default), so "days to first meeting" = held on - (first day + 7).

case first day  due    meetings (number: status, place, date)           end                      other
P1   01-05      03-01  1: no-show 02-10; 2: held workplace 02-17, AG   open
P2   01-05      03-01  1: held workplace 02-20, AG                     full recovery 05-01, work measure 02-25
P3   01-12      03-08  1: held job centre 03-02, no AG                 dismissal 05-15          partial 03-20
P4   01-19      03-15  1: held workplace 03-25 (late), AG              full recovery 06-01      breach row
P5   02-02      03-29  1: held workplace 02-25, AG                     open                     fast-track breach
                                                                                                 row, due 02-20
P6   02-09      04-05  none                                            full recovery 03-20, educ.
P7   02-16      04-12  none                                            open
P8   03-02      04-26  1: no-show 04-10; 2: held workplace 04-20, AG   open   measure 05-01, partial 05-15
P9   03-23      05-17  1: booked 05-12, never recorded as held         open

First meeting = first HELD (any number), else first booked:
  held: P1(m2) P2 P3 P4 P5 P8 = 6; at the workplace P1 P2 P4 P5 P8 = 5           -> 70 % goal 5/6
  (meeting number 1 only: P1 and P8 "not held" -> 3/4)
Week 8: settled = the 6 held + P7 and P9 (due passed, not held); P6 ended 03-20 before its due: owed none = 8;
  on time: P1 02-17, P2, P3 03-02<=03-08, P5, P8 04-20<=04-26 = 5 (P4 late)        -> 5/8 (number 1 only: 3/8)
Breaches (cases): P4 held late (recorded), P7 not held, P9 not held, P5 fast track (recorded) = 4
  (number 1 only and first-meeting kinds only: P1 P4 P7 P8 P9 = 5, P5 missing)
  listed by due: P5 fast_track 02-20, P4 03-15, P7 04-12, P9 05-17.
Exits to work by final state: P2 (full), P4 (full), P6 (full), P8 (open, partial) = 4 of 9
  (P3's partial recovery ended in dismissal: counting it gave 5/9)
Measure before week 13, base = lasted through week 13 (today > first day + 90 and not ended by then):
  P1 (04-05, open) P2 (04-05, ended 05-01) P3 (04-12, ended 05-15) P4 (04-19, ended 06-01) P5 (05-03, open)
  P7 (05-17, open) P8 (05-31, open) = 7; not P6 (ended 03-20 before 05-10), not P9 (week 13 ends 06-21).
  With a measure: P2, P8                                                            -> 2/7 (old base: 2/8)
Employer took part: held 6, employer there P1 P2 P4 P5 P8                         -> 5/6
Outcome a month after the end, closed target cases P2 P3 P4 P6 = 4:
  P2 work, P6 education, P3 ended 05-15 -> 06-15 has passed: unknown,
  P4 ended 06-01 -> 07-01 has not: not yet due                  -> 1/4 each (old: unknown 2/4, no "not yet due")
Median days to first meeting: P5 16 (02-25 - 02-09), P1 36 (02-17 - 01-12), P2 39, P3 42 (03-02 - 01-19),
  P8 42 (04-20 - 03-09), P4 58 (03-25 - 01-26)                                     -> (39 + 42) / 2 = 40.5
"""

from __future__ import annotations

from datetime import date

import pytest

from config.settings import CONFIG_DIR
from register.db import Register, upgrade
from register.models import DeadlineBreach
from register.roster import load_roster, sync_roster
from reporting.report import Median, Share, build_report
from tests.integration.test_report import Builder, local, utc

TODAY = date(2026, 6, 20)
START, END = date(2026, 1, 1), date(2026, 3, 31)


def build_nine_cases(session) -> None:
    sync_roster(session, load_roster(CONFIG_DIR / "roster.yaml"))
    b = Builder(session)
    cw = "cw-anna"
    p1 = b.case("P1", date(2026, 1, 5), caseworker=cw)
    b.meeting(p1, start=local(2026, 2, 10), status="no_show")
    b.meeting(p1, start=local(2026, 2, 17), number=2)
    p2 = b.case(
        "P2", date(2026, 1, 5), caseworker=cw, closed_on=date(2026, 5, 1), end_type="full_recovery", outcome="work"
    )
    b.meeting(p2, start=local(2026, 2, 20))
    b.measure(p2, date(2026, 2, 25), True)
    p3 = b.case("P3", date(2026, 1, 12), caseworker=cw, closed_on=date(2026, 5, 15), end_type="dismissal")
    p3.partial_recovery_on, p3.partial_recovery_hours = date(2026, 3, 20), 15
    b.meeting(p3, start=local(2026, 3, 2), location="jobcenter", employer=False)
    p4 = b.case("P4", date(2026, 1, 19), caseworker=cw, closed_on=date(2026, 6, 1), end_type="full_recovery")
    b.meeting(p4, start=local(2026, 3, 25))
    b.breach(p4)
    p5 = b.case("P5", date(2026, 2, 2), caseworker=cw)
    b.meeting(p5, start=local(2026, 2, 25))
    session.add(DeadlineBreach(case_id=p5.id, kind="fast_track", due=date(2026, 2, 20), recorded_at=utc(2026, 2, 21)))
    b.case(
        "P6",
        date(2026, 2, 9),
        caseworker=cw,
        closed_on=date(2026, 3, 20),
        end_type="full_recovery",
        outcome="education",
    )
    b.case("P7", date(2026, 2, 16), caseworker=cw)
    p8 = b.case("P8", date(2026, 3, 2), caseworker=cw)
    p8.partial_recovery_on, p8.partial_recovery_hours = date(2026, 5, 15), 20
    b.meeting(p8, start=local(2026, 4, 10), status="no_show")
    b.meeting(p8, start=local(2026, 4, 20), number=2)
    b.measure(p8, date(2026, 5, 1), True)
    p9 = b.case("P9", date(2026, 3, 23), caseworker=cw)
    b.meeting(p9, start=local(2026, 5, 12), status="invited")
    session.flush()


@pytest.fixture
def nine_cases(register_url):
    upgrade(register_url)
    register = Register(register_url)
    with register.session() as session:
        build_nine_cases(session)
    yield register
    register.dispose()


def report(register, today=TODAY):
    with register.session() as session:
        return build_report(session, "101", START, END, today)


def test_the_first_meeting_is_the_first_held_whatever_its_number(nine_cases):
    f = report(nine_cases).overall
    assert (f.cases, f.target_cases) == (9, 9)
    assert f.workplace_first_meeting == Share(5, 6)
    assert f.first_meeting_by_week_8 == Share(5, 8)
    assert f.employer_took_part == Share(5, 6)
    assert f.median_days_to_first_meeting == Median(40.5, 6)


def test_every_kind_of_statutory_breach_is_counted_and_listed(nine_cases):
    r = report(nine_cases)
    assert r.overall.breaches == 4
    assert [(b.reference, b.kind, b.reason, b.due) for b in r.breaches] == [
        ("P5", "fast_track", "recorded", date(2026, 2, 20)),
        ("P4", "first_meeting", "held_late", date(2026, 3, 15)),
        ("P7", "first_meeting", "not_held", date(2026, 4, 12)),
        ("P9", "first_meeting", "not_held", date(2026, 5, 17)),
    ]
    assert r.missed_targets == ()


def test_exits_to_work_follow_the_final_state(nine_cases):
    assert report(nine_cases).overall.exits_to_work == Share(4, 9)


def test_week_13_base_is_the_cases_that_lasted_through_week_13(nine_cases):
    assert report(nine_cases).overall.measure_before_week_13 == Share(2, 7)
    # One day later P9's week 13 (ends 2026-06-21) is still not over; two days later it is: 2/8.
    assert report(nine_cases, today=date(2026, 6, 22)).overall.measure_before_week_13 == Share(2, 8)


def test_outcome_not_yet_due_is_apart_from_unknown(nine_cases):
    f = report(nine_cases).overall
    assert f.outcomes == {
        "work": Share(1, 4),
        "education": Share(1, 4),
        "other": Share(0, 4),
        "unknown": Share(1, 4),
        "not_yet_due": Share(1, 4),
    }
    # On 2026-07-01 P4's month has passed and nothing was recorded: unknown.
    later = report(nine_cases, today=date(2026, 7, 1)).overall
    assert later.outcomes["unknown"] == Share(2, 4) and later.outcomes["not_yet_due"] == Share(0, 4)


def test_each_definition_is_in_the_footnote(nine_cases):
    from reporting.report_csv import render_csv
    from reporting.report_html import render_html

    html = render_html(report(nine_cases))
    for words in (
        "uanset nummer",
        "hurtigsporets samtale",
        "endelige status",
        "jobindsats.dk",
        "endnu ikke opgjort",
        "Hurtigspor: 1. samtale inden for to uger",
    ):
        assert words in html, words
    text = render_csv(report(nine_cases))
    assert (
        "Afgang en måned efter afslutning: Endnu ikke opgjort;Hele kommunen;Hele kommunen;1;4;0,2500;"
        "outcome_not_yet_due;" in text
    )


# --------------------------------------------------------------------------- baseline and pilot


def add_baseline_cases(session) -> None:
    """Two cases of 2025 for the baseline period 2025-01-01 .. 2025-12-31, both open and past week 13:
    B1 met at the job centre, no measure; B2 met at the workplace, a measure before week 13.
    Baseline: workplace 1/2, measure 1/2. Pilot (the nine cases): workplace 5/6 = 83.3 % (goal 70 %: met),
    measure 2/7 = 28.6 %, difference 28.6 - 50.0 = -21.4 pp (goal +10 pp: not met)."""
    b = Builder(session)
    b1 = b.case("B1", date(2025, 3, 3), caseworker="cw-anna")
    b.meeting(b1, start=local(2025, 4, 1), location="jobcenter")
    b2 = b.case("B2", date(2025, 3, 10), caseworker="cw-anna")
    b.meeting(b2, start=local(2025, 4, 2))
    b.measure(b2, date(2025, 4, 20), True)
    session.flush()


def test_baseline_and_pilot_from_the_command(nine_cases, tmp_path):
    import csv
    import io

    from config.settings import load_settings
    from reporting.report_command import ReportError, compare_command

    with nine_cases.session() as session:
        add_baseline_cases(session)
    settings = load_settings(env={}).replace(database_url=nine_cases.url, data_dir=str(tmp_path))
    base = (date(2025, 1, 1), date(2025, 12, 31))
    table = compare_command(settings, "101", base, (START, END), "tabel", None, today=TODAY)
    lines = {line.split("  ")[0]: line for line in table.splitlines()}
    assert "50,0 % (1/2)" in lines["1. samtale på arbejdspladsen"]
    assert "83,3 % (5/6)" in lines["1. samtale på arbejdspladsen"]
    assert "Opfyldt" in lines["1. samtale på arbejdspladsen"]
    measure = lines["Virksomhedsrettet indsats før uge 13"]
    assert "28,6 % (2/7)" in measure and "−21,4 procentpoint" in measure and "Ikke opfyldt" in measure
    out = tmp_path / "sammenligning.csv"
    assert (
        compare_command(settings, "101", base, (START, END), "csv", out, today=TODAY)
        == f"Sammenligningen er skrevet til {out} (csv)."
    )
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert {r["Kriterium"]: r["Status"] for r in rows}["Virksomhedsrettet indsats før uge 13"] == "Ikke opfyldt"
    with pytest.raises(ReportError, match="--basis-fra 2025-12-31 ligger efter --basis-til 2025-01-01"):
        compare_command(settings, "101", (base[1], base[0]), (START, END), "tabel", None, today=TODAY)


def test_sammenlign_subcommand_parses_danish_options():
    import argparse

    from reporting.report_command import add_compare_parser

    parser = argparse.ArgumentParser(prog="fasthold")
    add_compare_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(
        [
            "sammenlign",
            "--basis-fra",
            "2025-01-01",
            "--basis-til",
            "2025-12-31",
            "--fra",
            "2026-01-01",
            "--til",
            "2026-03-31",
            "--format",
            "csv",
        ]
    )
    assert (args.basis_fra, args.basis_til, args.fra, args.til, args.format) == (
        date(2025, 1, 1),
        date(2025, 12, 31),
        START,
        END,
        "csv",
    )


def test_the_readme_command_line_runs(nine_cases, tmp_path):
    """`fasthold sammenlign` exactly as README.md writes it, as a process, on this register."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    with nine_cases.session() as session:
        add_baseline_cases(session)
    fasthold = Path(sys.executable).parent / "fasthold"
    env = {**os.environ, "FASTHOLD_DATABASE_URL": nine_cases.url, "FASTHOLD_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [
            str(fasthold),
            "sammenlign",
            "--basis-fra",
            "2025-01-01",
            "--basis-til",
            "2025-12-31",
            "--fra",
            "2026-01-01",
            "--til",
            "2026-12-31",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "basisperiode og pilotperiode" in done.stdout and "83,3 % (5/6)" in done.stdout


# --------------------------------------------------------------------------- through the real workflow


async def test_a_rebooked_first_meeting_after_a_no_show_counts_through_the_workflow(env):
    """On the time-skipping server: meeting 1 is a no-show, the workflow books meeting 2, which is held at the
    workplace in time. The report counts it as the first meeting: at the workplace and by the end of week 8."""
    import uuid
    from datetime import timedelta

    from domain.model import MeetingOutcome, RsvpReceived
    from domain.results import done
    from tests.conftest import sick_report
    from tests.helpers import server_today, start, wait_for
    from workflows.case_workflow import CaseWorkflow

    case, handle = await start(env, sick_report(case_reference=f"R-{uuid.uuid4().hex[:8]}"), absent_days=14)
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    await env.env.sleep(state.meetings[0].end + timedelta(minutes=5) - await env.env.get_current_time())
    await handle.execute_update(CaseWorkflow.record_meeting, MeetingOutcome(1, False, False, "workplace"))
    state = await wait_for(handle, lambda s: len(s.meetings) == 2 and s.meetings[1].status == "invited")
    second = state.meetings[1]
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        await handle.execute_update(
            CaseWorkflow.record_rsvp, RsvpReceived(second.uid, second.sequence, address, "ACCEPTED")
        )
    await env.env.sleep(second.end + timedelta(minutes=5) - await env.env.get_current_time())
    assert await handle.execute_update(CaseWorkflow.record_meeting, MeetingOutcome(2, True, True, "workplace")) == done(
        "held"
    )
    today = await server_today(env)
    with env.register.session() as session:
        r = build_report(session, case.municipality, case.first_day, case.first_day, today)
    f = r.overall
    assert f.target_cases == 1
    assert f.workplace_first_meeting == Share(1, 1)  # meeting number 1 only: 0/0 (it was not held)
    assert f.first_meeting_by_week_8 == Share(1, 1)  # meeting number 1 only: 0/0, and 0/1 after the due date
    assert f.employer_took_part == Share(1, 1)
    assert r.breaches == () and r.missed_targets == ()


async def test_a_fast_track_breach_recorded_by_the_workflow_is_in_the_report(env):
    """On the time-skipping server: the employee asks for fast track; nobody accepts the moved meeting, so the
    two-week deadline passes unmet and the workflow records a breach of kind fast_track (§ 13 b, stk. 2). The
    report counts and lists it (it read only first-meeting and six-month breaches before)."""
    import uuid
    from datetime import datetime, timedelta

    from domain.localtime import LOCAL_TZ
    from domain.model import FastTrackRequest
    from tests.conftest import sick_report
    from tests.helpers import server_today, start, wait_for
    from workflows.case_workflow import CaseWorkflow

    case, handle = await start(env, sick_report(case_reference=f"R-{uuid.uuid4().hex[:8]}"), absent_days=3)
    await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    due = date.fromisoformat(
        (
            await handle.execute_update(
                CaseWorkflow.request_fast_track, FastTrackRequest("employee", await server_today(env))
            )
        ).value
    )
    later = datetime.combine(due + timedelta(days=3), datetime.min.time(), LOCAL_TZ)
    await env.env.sleep(later - await env.env.get_current_time())
    await wait_for(handle, lambda s: "fast_track" in s.breaches)
    with env.register.session() as session:
        r = build_report(session, case.municipality, case.first_day, case.first_day, await server_today(env))
    assert [(b.reference, b.kind, b.due) for b in r.breaches] == [(case.reference, "fast_track", due)]
    assert r.overall.breaches == 1
