"""How long the success report takes on a busy register: builds N cases (default 5,000) in a fresh SQLite file
(or the database URL given) and prints the time to compute the report and to render each format.

    .venv/bin/python bench/bench_report.py [--cases 5000] [--url sqlite:////tmp/bench.db]

Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from register.db import Register, upgrade  # noqa: E402
from register.models import CaseRow, CaseworkerRow, DeadlineBreach, MeasureRow, MeetingRow, Team  # noqa: E402
from reporting.render import render  # noqa: E402
from reporting.report import build_report  # noqa: E402

START, END, TODAY = date(2025, 1, 1), date(2025, 12, 31), date(2026, 6, 1)


def populate(register: Register, n: int, seed: int = 6) -> None:
    rnd = random.Random(seed)
    teams = [
        {
            "id": f"team-{i}",
            "name": f"Team {i}",
            "municipality": "101",
            "lead_name": f"Leder {i}",
            "lead_email": f"leder{i}@jobcenter.example.dk",
        }
        for i in range(4)
    ]
    workers = [
        {
            "id": f"cw-{i:02d}",
            "name": f"Sagsbehandler {i:02d}",
            "email": f"sb{i}@jobcenter.example.dk",
            "phone": "",
            "team_id": f"team-{i % 4}",
            "active": True,
        }
        for i in range(24)
    ]
    cases, meetings, measures, breaches = [], [], [], []
    for i in range(1, n + 1):
        first_day = START + timedelta(days=rnd.randrange(365 + 120)) - timedelta(days=60)
        track = rnd.choices(["workplace", "exempt", "watch", "outside", None], [70, 8, 10, 10, 2])[0]
        due = first_day + timedelta(days=55) if track == "workplace" else None
        opened = datetime.combine(
            first_day + timedelta(days=rnd.randrange(3, 30)), datetime.min.time(), tzinfo=timezone.utc
        ) + timedelta(hours=rnd.randrange(7, 16))
        closed = rnd.random() < 0.6
        end_day = first_day + timedelta(days=rnd.randrange(20, 300))
        cases.append(
            {
                "id": i,
                "reference": f"SAG-{i:06d}",
                "municipality": "101" if rnd.random() < 0.95 else "102",
                "workflow_id": f"case-101-SAG-{i:06d}",
                "first_day": first_day,
                "expected_weeks": 30,
                "employee_name": "x",
                "employee_email": "x@example.com",
                "employer_name": "x",
                "employer_cvr": "12345674",
                "workplace_address": "x",
                "contact_name": "x",
                "contact_email": "x@example.com",
                "contact_phone": "",
                "seriously_ill": False,
                "workplace_is_cause": False,
                "track": track,
                "caseworker_id": rnd.choice(workers)["id"] if rnd.random() < 0.99 else None,
                "phase": "follow_up",
                "first_meeting_due": due,
                "deadline_breached": False,
                "opened_at": opened,
                "closed_at": datetime.combine(end_day, datetime.min.time(), tzinfo=timezone.utc) if closed else None,
                "end_date": end_day if closed else None,
                "end_type": rnd.choice(["full_recovery", "partial_recovery", "dismissal", "benefit_ended"])
                if closed
                else None,
                "outcome": rnd.choice(["work", "education", "other", None]) if closed else None,
            }
        )
        if track == "workplace" and rnd.random() < 0.9:
            start = opened + timedelta(days=rnd.randrange(7, 60))
            status = rnd.choices(["held", "no_show", "cancelled"], [85, 10, 5])[0]
            meetings.append(
                {
                    "case_id": i,
                    "number": 1,
                    "uid": f"m-{i}",
                    "sequence": 0,
                    "caseworker_id": workers[0]["id"],
                    "start": start,
                    "end": start + timedelta(hours=1),
                    "location": "x",
                    "expected_location": "workplace",
                    "actual_location": rnd.choices(["workplace", "jobcenter", "phone"], [70, 25, 5])[0]
                    if status == "held"
                    else None,
                    "status": status,
                    "employer_took_part": rnd.random() < 0.8 if status == "held" else None,
                    "held_at": start if status == "held" and rnd.random() < 0.3 else None,
                }
            )
            if due and start.date() > due and rnd.random() < 0.8:
                breaches.append(
                    {
                        "case_id": i,
                        "kind": "first_meeting",
                        "due": due,
                        "recorded_at": datetime.combine(due, datetime.min.time(), tzinfo=timezone.utc),
                    }
                )
        if track == "workplace" and rnd.random() < 0.4:
            start_date = first_day + timedelta(days=rnd.randrange(20, 150))
            measures.append(
                {
                    "case_id": i,
                    "kind": "work_trial",
                    "start_date": start_date,
                    "before_week_13": (start_date - first_day).days < 84,
                    "registered_at": datetime.combine(start_date, datetime.min.time(), tzinfo=timezone.utc),
                }
            )
    with register.session() as session:
        for model, rows in (
            (Team, teams),
            (CaseworkerRow, workers),
            (CaseRow, cases),
            (MeetingRow, meetings),
            (MeasureRow, measures),
            (DeadlineBreach, breaches),
        ):
            if rows:
                session.execute(insert(model), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--url", default="")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        register = Register(url)
        t0 = time.perf_counter()
        populate(register, args.cases)
        print(f"built {args.cases} cases in {time.perf_counter() - t0:.2f} s ({register.engine.dialect.name})")
        timings = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            with register.session() as session:
                report = build_report(session, "101", START, END, TODAY)
            timings.append(time.perf_counter() - t0)
        f = report.overall
        print(
            f"report over {f.cases} cases in the period ({f.target_cases} in the target group, "
            f"{len(report.by_caseworker)} caseworkers, {len(report.breaches)} breaches): "
            f"best {min(timings) * 1000:.0f} ms, median {sorted(timings)[len(timings) // 2] * 1000:.0f} ms "
            f"of {args.repeat}"
        )
        for fmt in ("tabel", "csv", "html"):
            t0 = time.perf_counter()
            text = render(report, fmt)
            print(f"render {fmt:5}: {(time.perf_counter() - t0) * 1000:6.1f} ms, {len(text.encode()):,} bytes")
        register.dispose()


if __name__ == "__main__":
    main()
