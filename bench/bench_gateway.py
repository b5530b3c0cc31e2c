"""How fast the gateway reads and matches answers: parse_inbound + decide per client fixture, and per message
the register look-up of a UID among many meetings (SQLite). Prints its figures; asserts nothing about time.

    .venv/bin/python bench/bench_gateway.py [rounds]
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mailing.imip import parse_inbound  # noqa: E402
from mailing.reply_policy import MeetingMatch, decide, message_key  # noqa: E402
from register.db import Register, upgrade  # noqa: E402
from register.models import CaseRow, CaseworkerRow, MeetingAttendee, MeetingRow, Team  # noqa: E402
from register.replies import meeting_match  # noqa: E402
from tests.fixtures.replies import load  # noqa: E402

UID = "fasthold-bench-meeting@fastholdelse"
REPLIES = (
    "outlook_accept.eml",
    "outlook_counter.eml",
    "gmail_decline.eml",
    "apple_tentative.eml",
    "thunderbird_accept.eml",
)
MEETINGS = 5_000


def bench_parse_and_decide(rounds: int) -> None:
    meeting = MeetingMatch(
        uid=UID,
        case_id=1,
        reference="SAG-1",
        workflow_id="case-101-SAG-1",
        sequence=0,
        status="invited",
        attendees=frozenset({"lars.jensen@example.com", "mette.hansen@example.com"}),
    )
    print(f"parse_inbound + decide, {rounds} rounds per fixture")
    for name in REPLIES:
        raw = load(name, uid=UID, sequence=0)
        started = time.perf_counter()
        for _ in range(rounds):
            message_key(raw)
            mail = parse_inbound(raw)
            for reply in mail.replies:
                decision = decide(reply, mail.sender, meeting, verified=True)
        elapsed = time.perf_counter() - started
        print(
            f"  {name:24} {len(raw):6d} bytes  {rounds / elapsed:8.0f} msg/s  "
            f"{elapsed / rounds * 1e6:7.0f} µs/msg  -> {decision.reason or type(decision.update).__name__}"
        )


def bench_lookup(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/register.db"
        upgrade(url)
        register = Register(url)
        now = datetime.now(timezone.utc)
        with register.session() as session:
            session.add(Team(id="t", name="Team", municipality="101", lead_name="L", lead_email="l@example.com"))
            session.flush()
            session.add(CaseworkerRow(id="cw", name="C", email="c@example.com", team_id="t"))
            for n in range(MEETINGS):
                case = CaseRow(
                    reference=f"B-{n}",
                    municipality="101",
                    workflow_id=f"case-101-B-{n}",
                    first_day=date(2026, 1, 5),
                    expected_weeks=10,
                    employee_name="E",
                    employee_email=f"e{n}@example.com",
                    employer_name="A",
                    employer_cvr="12345678",
                    workplace_address="Vej 1",
                    contact_name="K",
                    contact_email=f"k{n}@example.com",
                    opened_at=now,
                )
                session.add(case)
                session.flush()
                meeting = MeetingRow(
                    case_id=case.id,
                    number=1,
                    uid=f"case-101-B-{n}-meeting-1@fastholdelse",
                    caseworker_id="cw",
                    start=now + timedelta(days=n % 30),
                    end=now + timedelta(days=n % 30, hours=1),
                    location="Vej 1",
                    expected_location="workplace",
                )
                session.add(meeting)
                session.flush()
                for email in (f"e{n}@example.com", f"k{n}@example.com", "c@example.com"):
                    session.add(MeetingAttendee(meeting_id=meeting.id, email=email, role="x"))
        started = time.perf_counter()
        for i in range(rounds):
            assert meeting_match(register, f"case-101-B-{(i * 7919) % MEETINGS}-meeting-1@fastholdelse") is not None
        elapsed = time.perf_counter() - started
        register.dispose()
    print(
        f"register look-up of a UID among {MEETINGS} meetings (SQLite): {rounds / elapsed:8.0f} look-ups/s  "
        f"{elapsed / rounds * 1e6:7.0f} µs each"
    )


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    bench_parse_and_decide(rounds)
    bench_lookup(rounds)
