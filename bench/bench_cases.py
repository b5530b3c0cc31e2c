"""How fast the engine opens cases: starts N cases (default 100) on a real dev server with one worker, a local
mail server and a SQLite register, and prints the time from start to "meeting booked and invitations sent"
(p50, p95, max) and the cases per second. Every case sends five mails and writes its rows.

    PYTHONPATH=. .venv/bin/python bench/bench_cases.py [--cases 100] [--concurrency 20]

Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from temporalio.client import Client  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from case_service import CaseService  # noqa: E402
from config.settings import load_settings  # noqa: E402
from domain.sick_report import parse_sick_report  # noqa: E402
from engine.client import data_converter  # noqa: E402
from engine.search_attributes import ALL  # noqa: E402
from localrun.binaries import find_binary  # noqa: E402
from localrun.mailsink import start_mail_sink  # noqa: E402
from tests.conftest import free_port, sick_report  # noqa: E402
from worker import build_worker, prepare_register  # noqa: E402
from workflows.case_workflow import CaseWorkflow  # noqa: E402


async def open_one(client, settings, n: int) -> float:
    report = sick_report(case_reference=f"B{n:05d}-{uuid.uuid4().hex[:6]}")
    report["first_day_of_absence"] = (date.today() - timedelta(days=n % 40)).isoformat()
    report["employee"]["email"] = f"medarbejder{n}@example.com"
    case = parse_sick_report(report, today=date.today())
    began = time.perf_counter()
    await CaseService(client, settings).start_case(case)
    handle = client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
    while True:
        state = await handle.query(CaseWorkflow.state_now)
        if any(e.event == "meeting_booked" for e in state.timeline):
            return time.perf_counter() - began
        await asyncio.sleep(0.05)


async def main(cases: int, concurrency: int) -> None:
    settings = load_settings(env={}).replace(
        data_dir=tempfile.mkdtemp(prefix="bench-cases-"), smtp_port=free_port(), task_queue="bench"
    )
    controller, sink = start_mail_sink(settings.mail_path, settings.smtp_host, settings.smtp_port)
    register, roster = prepare_register(settings)
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_binary("temporal"), search_attributes=ALL, dev_server_log_level="error"
    )
    client = Client(**{**env.client.config(), "data_converter": data_converter(settings)})
    gate = asyncio.Semaphore(concurrency)

    async def limited(n: int) -> float:
        async with gate:
            return await open_one(client, settings, n)

    try:
        with ThreadPoolExecutor(max_workers=16) as executor:
            async with build_worker(client, settings, register, roster, executor):
                began = time.perf_counter()
                latencies = sorted(await asyncio.gather(*(limited(n) for n in range(cases))))
                elapsed = time.perf_counter() - began
    finally:
        await env.shutdown()
        controller.stop()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    print(f"cases opened:        {cases} (concurrency {concurrency})")
    print(f"wall time:           {elapsed:.1f} s  ->  {cases / elapsed:.1f} cases/s")
    print(f"start -> booked:     p50 {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s")
    print(f"mails received:      {len(sink.messages)} ({len(sink.messages) / cases:.1f} per case)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.cases, arguments.concurrency))
