"""The 08:00 burst: N open cases whose employers stay silent, all contacted the same day, so every employer
reminder (and any meeting reminder of that day) comes due at the same 08:00. On the time-skipping server the
clock is moved to just before it; then the real worker (SQLite register, real SMTP server) drains the burst.
Prints the time to drain, messages/s, duplicates (Message-ID seen twice) and the latest step, by the SMTP
server's clock from the moment the clock reached 08:00. The reference, in the same run on a fresh server of
the same kind: N bare workflows waking at the same instant to send one real e-mail each.

    .venv/bin/python bench/bench_burst.py [--cases 1000]

Figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections import Counter
from datetime import timedelta

from common import a_case, engine_settings, engine_worker, machine, reference_worker, start_sink, wait_for
from temporalio.testing import WorkflowEnvironment

from bench.reference import ReferenceInput, ReferenceWorkflow
from case_service import CaseService
from domain.calendar_dk import add_working_days
from domain.localtime import at_morning
from engine.search_setup import register_search_attributes
from localrun.binaries import find_binary
from tests.conftest import free_port
from workflows.case_workflow import CaseWorkflow


async def time_server() -> WorkflowEnvironment:
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=find_binary("temporal-test-server"))
    await register_search_attributes(env.client, env.client.namespace)
    return env


async def skip(env: WorkflowEnvironment, duration: timedelta) -> None:
    """env.sleep with a long RPC timeout: the server moves its clock only once the burst's work is done."""
    from temporalio.api.testservice.v1 import SleepRequest

    request = SleepRequest()
    request.duration.FromTimedelta(duration)
    await env.client.test_service.unlock_time_skipping_with_sleep(request, timeout=timedelta(minutes=30))


def figures(arrivals, since: float, expected: int) -> dict:
    burst = [a for a in arrivals if a[0] >= since]
    ids = Counter(a[3] for a in arrivals if a[3])
    last = max((a[0] for a in burst), default=since)
    drain = last - since
    return {
        "messages": len(burst),
        "drain": drain,
        "rate": len(burst) / drain if drain > 0 else float("nan"),
        "duplicates": sum(n - 1 for n in ids.values() if n > 1),
        "latest": drain,
        "expected": expected,
    }


async def engine_run(cases: int) -> dict:
    settings = engine_settings()
    controller, sink = start_sink(settings.smtp_port)
    env = await time_server()
    try:
        async with engine_worker(env.client, settings) as (client, _):
            service = CaseService(client, settings)
            batch = [a_case(n, tag="U") for n in range(cases)]
            gate = asyncio.Semaphore(20)

            async def start(case):
                async with gate:
                    await service.start_case(case)

            opening = time.perf_counter()
            await asyncio.gather(*(start(c) for c in batch))
            await wait_for(lambda: sink.count("employer_request") >= cases, 3600, poll=0.5)
            await asyncio.sleep(2)
            opened_in = time.perf_counter() - opening
            state = await client.get_workflow_handle_for(CaseWorkflow.run, batch[0].workflow_id).query(
                CaseWorkflow.state_now
            )
            rules = state.rules
            due = at_morning(
                add_working_days(state.employer_contacted_on, rules.employer_reminder_working_days, rules.closed_days)
            )
            await skip(env, due - timedelta(minutes=1) - await env.get_current_time())
            before = sink.count("employer_request")
            since = time.time()
            await skip(env, timedelta(minutes=2))
            await wait_for(lambda: sink.count("employer_request") >= before + cases, 1800, poll=0.2)
            result = figures(sink.arrivals, since, cases)
            result["reminders"] = sink.count("employer_request") - before
            result["opened_in"] = opened_in
    finally:
        await env.shutdown()
        controller.stop()
    return result


async def reference_run(cases: int) -> dict:
    port = free_port()
    controller, sink = start_sink(port)
    env = await time_server()
    queue = f"ref-{uuid.uuid4().hex[:6]}"
    try:
        async with reference_worker(env.client, queue) as client:
            wake = await env.get_current_time() + timedelta(days=1)
            for n in range(cases):
                await client.start_workflow(
                    ReferenceWorkflow.run,
                    ReferenceInput(0, "127.0.0.1", port, f"R{n}", wake_at=wake, mails_after_wake=1),
                    id=f"{queue}-{n}",
                    task_queue=queue,
                )
            await asyncio.sleep(2)
            await skip(env, wake - timedelta(minutes=1) - await env.get_current_time())
            since = time.time()
            await skip(env, timedelta(minutes=2))
            await wait_for(lambda: sink.count("reference") >= cases, 1800, poll=0.2)
            return figures(sink.arrivals, since, cases)
    finally:
        await env.shutdown()
        controller.stop()


async def main(cases: int) -> None:
    print(f"machine: {machine()}")
    engine = await engine_run(cases)
    reference = await reference_run(cases)
    print(f"open cases due at the same 08:00: {cases} (opened in {engine['opened_in']:.0f} s beforehand)")
    for name, r in (("case engine", engine), ("reference  ", reference)):
        print(
            f"{name}: {r['messages']} messages in {r['drain']:.1f} s = {r['rate']:.1f} messages/s, "
            f"duplicates {r['duplicates']}, latest step {r['latest']:.1f} s after 08:00"
        )
    print(
        f"employer reminders sent: {engine['reminders']} of {cases}   (goal >= 50 messages/s, 0 duplicates, "
        f"latest <= 60 s)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    asyncio.run(main(parser.parse_args().cases))
