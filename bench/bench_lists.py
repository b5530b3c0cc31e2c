"""Mine opgaver, Mine sager and Team at a real caseload, read from the register's read model: 5,000 open cases
in the municipality, 500 of them one caseworker's, her team of five caseworkers holding 900. The workbench runs
under uvicorn over a real SQLite register; pages are fetched over HTTP by a signed-in caseworker and team lead.

    .venv/bin/python bench/bench_lists.py [--cases 5000] [--mine 500] [--loads 40] [--churn 5]

Before each timed load `--churn` of the caseworker's cases are published anew (as their workflows would after a
change), so every load re-reads and re-parses changed views; the first load after start parses all (printed
apart, "cold"). The reference from the same run is the sign-in page, fetched the same way: the server's floor
for one request that does no case work. Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
import yaml  # noqa: E402

from config.settings import load_settings  # noqa: E402
from domain.deadlines import compute_deadlines  # noqa: E402
from domain.localtime import LOCAL_TZ  # noqa: E402
from domain.model import (  # noqa: E402
    CaseState,
    CaseView,
    Caseworker,
    Location,
    Meeting,
    MeetingStatus,
    OpenTask,
    Phase,
    TimelineEntry,
    Track,
)
from domain.rulesets import load_rulesets, ruleset_for  # noqa: E402
from domain.sick_report import parse_sick_report  # noqa: E402
from localrun.local_secrets import local_password  # noqa: E402
from register.case_list import PublishedView, publish  # noqa: E402
from register.db import Register, upgrade  # noqa: E402
from tests.conftest import sick_report  # noqa: E402
from tests.ports import free_port  # noqa: E402

MUNICIPALITY = "101"
TEAM_SIZE = 5


class NoTemporal:
    """The list pages must not need Temporal: any use of the client fails the run."""

    def __getattr__(self, name):
        raise AssertionError(f"a list page reached for Temporal ({name})")


def roster(workers: int) -> dict:
    teams = [
        {
            "id": f"team-{t}",
            "name": f"Team {t}",
            "municipality": MUNICIPALITY,
            "municipality_name": "Bench",
            "office": "Jobcentret, Gade 1, 1000 By",
            "lead": {"name": f"Leder {t}", "email": f"leder{t}@bench.dk"},
        }
        for t in range((workers + TEAM_SIZE - 1) // TEAM_SIZE)
    ]
    caseworkers = [
        {
            "id": f"cw-{w:02d}",
            "name": f"Sagsbehandler {w:02d}",
            "email": f"sb{w:02d}@bench.dk",
            "phone": "",
            "team": f"team-{w // TEAM_SIZE}",
            "working_hours": {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "15:00"},
        }
        for w in range(workers)
    ]
    return {"teams": teams, "caseworkers": caseworkers}


def view(i: int, worker: dict, today: date, rnd: random.Random, rulesets) -> CaseView:
    """An open case as the workflow would show it: deadlines, a meeting, 0-3 open tasks, a timeline."""
    first_day = today - timedelta(days=rnd.randrange(10, 220))
    case = parse_sick_report(
        {**sick_report(), "case_reference": f"B-{i:05d}", "first_day_of_absence": first_day.isoformat()}, today=today
    ).without_cpr()
    rules = ruleset_for(first_day, rulesets)
    deadlines = compute_deadlines(first_day, rules)
    team = worker["team"]
    cw = Caseworker(worker["id"], worker["name"], worker["email"], "", team, team, "Leder", "leder@bench.dk")
    start = datetime.combine(first_day + timedelta(days=rnd.randrange(20, 60)), clock(10), tzinfo=LOCAL_TZ)
    meeting = Meeting(
        1,
        f"uid-{i}",
        start,
        start + timedelta(hours=1),
        "Arbejdspladsen",
        Location.WORKPLACE,
        status=MeetingStatus.HELD if start.date() < today else MeetingStatus.INVITED,
    )
    tasks = [
        OpenTask(
            f"{kind}/{i}",
            "Ring til arbejdsgiveren",
            "Arbejdsgiveren har ikke svaret.",
            today + timedelta(days=rnd.randrange(-10, 20)),
        )
        for kind in rnd.sample(["call_employer", "record_meeting", "measure"], rnd.randrange(0, 4))
    ]
    late = rnd.random() < 0.1
    state = CaseState(
        reference=case.reference,
        municipality=MUNICIPALITY,
        phase=Phase.FOLLOW_UP if meeting.status == MeetingStatus.HELD else Phase.MEETING_BOOKED,
        track=Track.WORKPLACE,
        triage_reason="forventet lang",
        rule_set=rules.name,
        caseworker=cw,
        first_meeting_due=deadlines.first_meeting_due,
        latest_meeting_day=deadlines.latest_meeting_day,
        meetings=[meeting],
        expected_weeks=case.expected_weeks,
        deadlines=deadlines,
        rules=rules,
        open_tasks=tasks,
        deadline_breached=late,
        breaches=["first_meeting"] if late else [],
        timeline=[
            TimelineEntry(
                datetime.combine(first_day, clock(8), tzinfo=LOCAL_TZ) + timedelta(days=d), "note", f"trin {d}"
            )
            for d in range(15)
        ],
    )
    return CaseView(case, state)


def serve(settings):
    from web.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings, client=NoTemporal()), host="127.0.0.1", port=port, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def signed_in(base: str, email: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=120)
    client.post("/login", data={"username": email, "password": password})
    return client


def timed(client: httpx.Client, path: str, expect: str) -> float:
    began = time.perf_counter()
    response = client.get(path)
    took = time.perf_counter() - began
    assert response.status_code == 200 and expect in response.text, (path, response.status_code)
    return took * 1000


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--mine", type=int, default=500)
    parser.add_argument("--workers", type=int, default=46)
    parser.add_argument("--loads", type=int, default=40)
    parser.add_argument("--churn", type=int, default=5)
    args = parser.parse_args()

    rnd = random.Random(20)
    today = datetime.now(LOCAL_TZ).date()
    work = Path(tempfile.mkdtemp(prefix="bench-lists-"))
    people = roster(args.workers)
    (work / "roster.yaml").write_text(yaml.safe_dump(people, allow_unicode=True), encoding="utf-8")
    settings = load_settings(env={}).replace(
        data_dir=str(work), database_url=f"sqlite:///{work / 'register.db'}", roster_file=str(work / "roster.yaml")
    )
    upgrade(settings.resolved_database_url)
    register = Register(settings.resolved_database_url)
    rulesets = load_rulesets()
    began = time.perf_counter()
    mine = []
    others = people["caseworkers"][1:]
    for i in range(args.cases):
        worker = people["caseworkers"][0] if i < args.mine else others[i % len(others)]
        v = view(i, worker, today, rnd, rulesets)
        published = PublishedView(
            f"case-{MUNICIPALITY}-{v.state.reference}", MUNICIPALITY, v.state.reference, worker["id"], True, 1, v
        )
        publish(register, published)
        if i < args.mine:
            mine.append(published)
    print(
        f"register: {args.cases} open cases published in {time.perf_counter() - began:.1f} s "
        f"({args.mine} held by cw-00; {args.workers} caseworkers in teams of {TEAM_SIZE})"
    )

    server, base = serve(settings)
    password = local_password(settings)
    caseworker = signed_in(base, "sb00@bench.dk", password)
    lead = signed_in(base, "leder0@bench.dk", password)
    team_cases = args.mine + sum(1 for i in range(args.mine, args.cases) if others[i % len(others)]["team"] == "team-0")
    my_tasks = sum(len(p.view.state.open_tasks) for p in mine)
    # Each page must show all of them (the counts at its top), not merely answer quickly.
    pages = [
        ("Mine opgaver", caseworker, "/opgaver", f'id="antal-opgaver">{my_tasks}<'),
        ("Mine sager", caseworker, "/sager", f'id="antal-sager">{args.mine}<'),
        ("Mine sager, alle", caseworker, "/sager?vis=alle&side=3", "Mine sager"),
        (f"Team ({team_cases} sager)", lead, "/team", "Teamets overblik"),
        ("Team, opgaver over frist", lead, "/team?vis=opgaver", "Teamets overblik"),
    ]
    cold = {name: timed(client, path, expect) for name, client, path, expect in pages}
    times: dict[str, list[float]] = {name: [] for name, *_ in pages}
    reference: list[float] = []
    version = 1
    for _ in range(args.loads):
        version += 1
        for published in rnd.sample(mine, args.churn):
            publish(register, replace(published, version=version))
        for name, client, path, expect in pages:
            times[name].append(timed(client, path, expect))
        reference.append(timed(caseworker, "/login", "adgangskode"))
    server.should_exit = True

    print(
        f"\n{'page':34} {'cold ms':>8} {'p50 ms':>8} {'p95 ms':>8}   ({args.loads} loads, {args.churn} of "
        f"cw-00's cases changed before each)"
    )
    for name, values in times.items():
        print(f"{name:34} {cold[name]:8.0f} {statistics.median(values):8.0f} {p95(values):8.0f}")
    print(f"{'reference: sign-in page (no cases)':34} {'':8} {statistics.median(reference):8.0f} {p95(reference):8.0f}")


if __name__ == "__main__":
    main()
