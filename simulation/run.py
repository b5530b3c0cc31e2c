"""One simulated year for one roster size: the real CaseWorkflow on the time-skipping test server.

What is real: the workflow code, the time-skipping Temporal server, the register (a SQLite file written by the
real register activities, with the simulated clock stamping its rows), booking and planning (the real
`reserve_slot` and `free_slots`, with the caseworkers' holidays added), the service layer through which the
simulated people act. What stands in: `send_mail`, which counts each message once per key and hands it to the
simulated people instead of an SMTP server. The activities run as local activities (`CaseInput.local_activities`):
the same calls in the same order with the same retry policy, inside the workflow task instead of a round trip
through the server for each, because the time-skipping server's round trips are what bound a simulation.

The time-skipping server does not continue as new, so the cases get a history limit far beyond a year's
events; it also hangs when many `result()` calls are awaited at once, so the driver never awaits results: it
sleeps the server's clock forward to the next thing that happens, at most `STEP` at a time (so people's acts,
planned while the clock moves, are late by at most that). The engine's own dated steps fire at 08:00, so the
clock also stops at 08:05 every day; arrivals and acts fall on the hour, so one move of the clock serves many.
"""

from __future__ import annotations

import asyncio
import time as wallclock
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from temporalio import activity
from temporalio.client import Client
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.mail import OutgoingMail
from activities.planning import PlanningActivities, SlotRequest
from activities.register import RegisterActivities, ReserveRequest
from case_service import CaseService
from config.settings import load_settings
from domain.localtime import LOCAL_TZ, local_date
from domain.model import CaseInput, Employee, Employer
from domain.rulesets import load_rulesets
from engine.payloads import SharedCachePayloadConverter
from engine.search_setup import register_search_attributes
from localrun.binaries import find_binary
from register.db import Register, upgrade
from register.roster import sync_roster
from reporting.report import Report, build_report
from simulation.people import World, per_caseworker
from simulation.scenario import Arrival, Scenario, ScenarioError
from worker import SANDBOX, case_activities, warm_holiday_calendar
from workflows.case_workflow import CaseWorkflow

STEP = timedelta(hours=6)  # the longest the clock moves before the people look at their mail again
CONCURRENT_ACTS = 16  # people acting at the same simulated moment, at once
SIM_HISTORY_LIMIT = 10_000_000  # no continue-as-new on the time-skipping server
SIM_CACHED_WORKFLOWS = 1000  # open cases kept in memory (about 0.4 MB each); the rest replay when woken
MORNING_STOP = time(8, 5)  # just after the engine's dated steps (08:00) have gone out


@dataclass(frozen=True)
class CaseworkerFigures:
    id: str
    cases: int
    week_8: float | None
    escalations: int
    breaches: int


@dataclass(frozen=True)
class RosterResult:
    caseworkers: int
    arrivals: int
    report: Report
    per_caseworker: tuple[CaseworkerFigures, ...]
    escalations: int
    mails: dict[str, int]
    acts: dict[str, int]
    refused: dict[str, int]
    wall_seconds: float
    register_url: str
    history_sample: tuple[float, float] = (0.0, 0.0)  # activities and timers per case, from sampled histories

    @property
    def week_8(self) -> float | None:
        return self.report.overall.first_meeting_by_week_8.value


def _case(scenario: Scenario, arrival: Arrival) -> CaseInput:
    n = arrival.number
    return CaseInput(
        reference=f"SIM-{n:05d}",
        municipality=scenario.municipality,
        first_day=arrival.first_day,
        expected_weeks=arrival.expected_weeks,
        employer_expected_weeks=arrival.expected_weeks,
        seriously_ill=arrival.seriously_ill,
        history_event_limit=SIM_HISTORY_LIMIT,
        local_activities=True,
        employee=Employee(f"Medarbejder {n}", f"medarbejder{n}@borger.example.dk"),
        employer=Employer(
            f"Virksomhed {n % 400} ApS",
            "12345674",
            f"Erhvervsvej {n % 400}, 2100 København Ø",
            f"Kontakt {n}",
            f"kontakt{n}@virksomhed.example.dk",
        ),
    )


def _stand_ins(
    world: World, registry: RegisterActivities, planning: PlanningActivities, holidays: dict[str, list]
) -> list:
    """`send_mail` counted; booking and planning real, with each caseworker's holidays as times she is away."""

    def away(caseworker_id: str, earliest: datetime, latest_day) -> tuple[datetime, ...]:
        days = [d for d in holidays.get(caseworker_id, ()) if local_date(earliest) <= d <= latest_day]
        return tuple(
            datetime.combine(d, datetime.min.time(), tzinfo=LOCAL_TZ) + timedelta(minutes=30 * i)
            for d in days
            for i in range(12, 42)
        )  # 06:00-20:30: the whole working day is taken

    @activity.defn(name="send_mail")
    async def send_mail(mail: OutgoingMail) -> str:
        first = world.on_mail(mail, activity.info().current_attempt_scheduled_time)
        return "sent" if first else "already_sent"

    @activity.defn(name="reserve_slot")
    def reserve_slot(request: ReserveRequest) -> datetime | None:
        extra = away(request.caseworker.id, request.earliest, request.latest_day)
        return registry.reserve_slot(ReserveRequest(**{**request.__dict__, "avoid": request.avoid + extra}))

    @activity.defn(name="free_slots")
    def free_slots(request: SlotRequest) -> list[datetime]:
        extra = away(request.caseworker.id, request.earliest, request.latest_day)
        return planning.free_slots(SlotRequest(**{**request.__dict__, "avoid": request.avoid + extra}))

    return case_activities(registry, planning, send_mail, reserve_slot=reserve_slot, free_slots=free_slots)


async def run_roster(
    scenario: Scenario, size: int, out_dir: Path, *, progress: bool = True, sample_histories: int = 0
) -> RosterResult:
    """Simulate the scenario with `size` caseworkers; the register is kept in `out_dir`."""
    from tqdm import tqdm

    warm_holiday_calendar()
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / f"register-{size}.db"
    db.unlink(missing_ok=True)
    roster = scenario.roster(size)
    roster_file = out_dir / f"roster-{size}.yaml"
    roster_file.write_text(yaml.safe_dump(roster, allow_unicode=True, sort_keys=False), encoding="utf-8")
    url = f"sqlite:///{db}"
    settings = load_settings(env={}).replace(
        data_dir=str(out_dir / "data"),
        database_url=url,
        roster_file=str(roster_file),
        history_event_limit=SIM_HISTORY_LIMIT,
        task_queue=f"sim-{uuid.uuid4().hex[:8]}",
    )
    upgrade(url)
    register = Register(url)
    with register.session() as session:
        sync_roster(session, roster)
    started = wallclock.monotonic()
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=find_binary("temporal-test-server"))
    try:
        await register_search_attributes(env.client, env.client.namespace)
        converter = DataConverter(payload_converter_class=SharedCachePayloadConverter)
        client = Client(**{**env.client.config(), "data_converter": converter})
        service = CaseService(client, settings)
        world = World(scenario, service)
        start = await begin(env, scenario)
        arrivals = scenario.arrivals(start)
        holidays = {w["id"]: scenario.holidays(i, local_date(start)) for i, w in enumerate(roster["caseworkers"])}
        registry = RegisterActivities(register, roster, clock=lambda: activity.info().current_attempt_scheduled_time)
        planning = PlanningActivities(load_rulesets(settings.rulesets_path), registry)
        horizon = start + timedelta(weeks=scenario.arrival_weeks + scenario.tail_weeks)
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with Worker(
                client,
                task_queue=settings.task_queue,
                workflows=[CaseWorkflow],
                activities=_stand_ins(world, registry, planning, holidays),
                workflow_runner=SANDBOX,
                activity_executor=executor,
                max_concurrent_activities=8,
                max_cached_workflows=SIM_CACHED_WORKFLOWS,
                max_concurrent_workflow_tasks=10,
            ):
                bar = tqdm(
                    total=(horizon - start).days,
                    unit="dag",
                    desc=f"{size} sagsbehandlere",
                    disable=not progress,
                    leave=False,
                )
                await _drive(env, service, world, arrivals, start, horizon, bar)
                bar.close()
                sample = await _history_sample(client, scenario, arrivals[:sample_histories])
        today = local_date(horizon)
        with register.session() as session:
            report = build_report(
                session,
                scenario.municipality,
                min(a.first_day for a in arrivals),
                max(a.first_day for a in arrivals),
                today,
            )
    finally:
        await env.shutdown()
        register.dispose()
    escalations = per_caseworker(world, roster)
    figures = tuple(
        CaseworkerFigures(
            s.scope.id,
            s.figures.cases,
            s.figures.first_meeting_by_week_8.value,
            escalations.get(s.scope.id, 0),
            s.figures.breaches,
        )
        for s in report.by_caseworker
    )
    return RosterResult(
        size,
        len(arrivals),
        report,
        figures,
        sum(escalations.values()),
        dict(world.mails),
        dict(world.acts),
        dict(world.refused),
        wallclock.monotonic() - started,
        url,
        sample,
    )


async def _history_sample(client: Client, scenario: Scenario, arrivals: list[Arrival]) -> tuple[float, float]:
    """Activities and timers per case, averaged over a few cases' histories (for the speed benchmark)."""
    from temporalio.api.enums.v1 import EventType

    activities = timers = 0
    for arrival in arrivals:
        history = await client.get_workflow_handle(_case(scenario, arrival).workflow_id).fetch_history()
        activities += sum(
            e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
            or (
                e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED  # a local activity's record
                and e.marker_recorded_event_attributes.marker_name == "core_local_activity"
            )
            for e in history.events
        )
        timers += sum(e.event_type == EventType.EVENT_TYPE_TIMER_STARTED for e in history.events)
    return (activities / len(arrivals), timers / len(arrivals)) if arrivals else (0.0, 0.0)


async def _drive(
    env, service: CaseService, world: World, arrivals: list[Arrival], start: datetime, horizon: datetime, bar
) -> None:
    """Move the clock to the next arrival or act, start or carry out what is due, until the horizon."""
    now, pending, shown = start, list(arrivals), 0
    limit = asyncio.Semaphore(CONCURRENT_ACTS)

    async def bounded(coro):
        async with limit:
            return await coro

    while now < horizon:
        upcoming = [t for t in (pending[0].at if pending else None, world.next_at()) if t is not None]
        target = min([horizon, now + STEP, _after_morning(now), *upcoming])
        if target > now:
            await skip(env, target - now)
            now = max(target, await env.get_current_time())
        starting = []
        while pending and pending[0].at <= now:
            starting.append(pending.pop(0))
        if starting:
            await asyncio.gather(*(bounded(_start(service, world, a)) for a in starting))
        due = world.due(now)
        if due:
            await asyncio.gather(*(bounded(world.carry_out(e)) for e in due))
        days = (now - start).days
        if days > shown:
            bar.update(days - shown)
            shown = days


async def begin(env: WorkflowEnvironment, scenario: Scenario) -> datetime:
    """The simulation's first moment: 08:05 on the scenario's start day (its clock moved there), or the
    server's now when the scenario names no day. A fixed day makes a run repeatable on any later day: which
    deadlines meet holidays and closed days then depends on the scenario, not on when it is run."""
    if scenario.start is None:
        return await env.get_current_time()
    when = datetime.combine(scenario.start, MORNING_STOP, tzinfo=LOCAL_TZ)
    now = await env.get_current_time()
    if when < now:
        raise ScenarioError(
            f"start: {scenario.start.isoformat()} er passeret; simuleringens ur kan kun gå frem "
            f"fra i dag ({local_date(now).isoformat()}). Vælg en senere dag, eller udelad start."
        )
    await move_clock_to(env, when)
    return when


async def move_clock_to(env: WorkflowEnvironment, when: datetime) -> None:
    """Move a time-skipping server's clock forward to `when` (it cannot go back: the caller checks)."""
    now = await env.get_current_time()
    if when > now:
        await skip(env, when - now)


async def skip(env: WorkflowEnvironment, duration: timedelta) -> None:
    """env.sleep with a long RPC timeout: the server moves its clock only when the work due before the new
    moment is done, which on a busy morning takes longer than the client's default timeout."""
    from temporalio.api.testservice.v1 import SleepRequest

    request = SleepRequest()
    request.duration.FromTimedelta(duration)
    await env.client.test_service.unlock_time_skipping_with_sleep(request, timeout=timedelta(minutes=30))


def _after_morning(now: datetime) -> datetime:
    """08:05 local on the next day it has not yet passed: just after the engine's dated steps have gone out."""
    local = now.astimezone(LOCAL_TZ)
    stop = datetime.combine(local.date(), MORNING_STOP, tzinfo=LOCAL_TZ)
    return stop if stop > local else datetime.combine(local.date() + timedelta(days=1), MORNING_STOP, tzinfo=LOCAL_TZ)


async def _start(service: CaseService, world: World, arrival: Arrival) -> None:
    case = _case(world.scenario, arrival)
    await service.start_case(case)
    world.plan_end(arrival, case.reference)
