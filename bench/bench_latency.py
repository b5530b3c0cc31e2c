"""Latency under a steady load: cases arrive at RATE per second for SECONDS; for each, the time from its start
to the employer's request arriving at the SMTP server, by the server's own clock (no queries into the worker).
In the same run, on a fresh dev server of the same kind: a bare workflow with the same activities before one
real e-mail to the same kind of SMTP server, at the same rate.

    .venv/bin/python bench/bench_latency.py [--rate 2] [--seconds 180]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid

from common import a_case, engine_settings, engine_worker, machine, reference_worker, start_sink, summary, wait_for
from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from bench.reference import ReferenceInput, ReferenceWorkflow
from case_service import CaseService
from engine.search_attributes import ALL
from localrun.binaries import find_binary
from tests.conftest import free_port


async def dev_server() -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_binary("temporal"), search_attributes=ALL, dev_server_log_level="error"
    )


async def paced(rate: float, seconds: float, start_one) -> dict[str, float]:
    """Start one every 1/rate seconds (on a fixed schedule, not after the previous); returns key -> start time."""
    started: dict[str, float] = {}
    began, n, tasks = time.monotonic(), 0, []
    while n < rate * seconds:
        await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
        tasks.append(asyncio.create_task(start_one(n, started)))
        n += 1
    await asyncio.gather(*tasks)
    return started


def latencies(started: dict[str, float], arrivals) -> tuple[list[float], int]:
    first: dict[str, float] = {}
    for at, key, _, _ in arrivals:
        first.setdefault(key, at)
    found = [first[k] - s for k, s in started.items() if k in first]
    return found, len(started) - len(found)


async def engine_run(rate: float, seconds: float) -> tuple[list[float], int, int]:
    settings = engine_settings()
    controller, sink = start_sink(settings.smtp_port)
    env = await dev_server()
    try:
        async with engine_worker(env.client, settings) as (client, _):
            service = CaseService(client, settings)
            warm = a_case(0, tag="W")
            await service.start_case(warm)
            await wait_for(lambda: sink.count("employer_request") > 0, 60)
            history = await client.get_workflow_handle(warm.workflow_id).fetch_history()
            before = 0
            for e in history.events:
                if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                    if e.activity_task_scheduled_event_attributes.activity_type.name == "send_mail":
                        break
                    before += 1
            await asyncio.sleep(2)

            async def start_one(n: int, started: dict[str, float]) -> None:
                case = a_case(n + 1, tag="L")
                started[case.reference] = time.time()
                await service.start_case(case)

            started = await paced(rate, seconds, start_one)
            await wait_for(lambda: sink.count("employer_request") >= len(started) + 1, 120)
            found, missing = latencies(started, sink.of("employer_request"))
    finally:
        await env.shutdown()
        controller.stop()
    return found, missing, before


async def reference_run(rate: float, seconds: float, activities: int) -> tuple[list[float], int]:
    port = free_port()
    controller, sink = start_sink(port)
    env = await dev_server()
    queue = f"ref-{uuid.uuid4().hex[:6]}"
    try:
        async with reference_worker(env.client, queue) as client:

            async def start_one(n: int, started: dict[str, float]) -> None:
                key = f"R{n:05d}"
                started[key] = time.time()
                await client.start_workflow(
                    ReferenceWorkflow.run,
                    ReferenceInput(activities, "127.0.0.1", port, key),
                    id=f"{queue}-{key}",
                    task_queue=queue,
                )

            started = await paced(rate, seconds, start_one)
            await wait_for(lambda: sink.count("reference") >= len(started), 120)
            return latencies(started, sink.of("reference"))
    finally:
        await env.shutdown()
        controller.stop()


async def main(rate: float, seconds: float) -> None:
    print(f"machine: {machine()}")
    engine, engine_missing, before = await engine_run(rate, seconds)
    reference, reference_missing = await reference_run(rate, seconds, before)
    print(
        f"arrivals: {rate:g}/s for {seconds:g} s ({int(rate * seconds)} each); "
        f"{before} activities before the employer's e-mail"
    )
    print(
        f"case engine, start -> employer e-mail at SMTP server: {summary(engine)}"
        f"{f'  ({engine_missing} never arrived)' if engine_missing else ''}   (goal p95 <= 2 s)"
    )
    print(
        f"reference,   start -> e-mail at SMTP server:          {summary(reference)}"
        f"{f'  ({reference_missing} never arrived)' if reference_missing else ''}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=180.0)
    args = parser.parse_args()
    asyncio.run(main(args.rate, args.seconds))
