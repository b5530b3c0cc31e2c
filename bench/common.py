"""What the benchmarks share: a mail server that stamps each message with its own clock on arrival, the case
engine's worker and the reference worker on a given server, and small statistics. Figures only, no asserts."""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import email  # noqa: E402
import email.policy  # noqa: E402

from aiosmtpd.controller import Controller  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.worker import Worker  # noqa: E402

from bench.reference import ACTIVITIES, ReferenceWorkflow, TimedReferenceWorkflow  # noqa: E402
from config.settings import load_settings  # noqa: E402
from domain.sick_report import parse_sick_report  # noqa: E402
from engine.client import data_converter  # noqa: E402
from tests.conftest import free_port, sick_report  # noqa: E402
from worker import SANDBOX, build_worker, prepare_register  # noqa: E402

TEST_KEY = "dGVzdC1vbmx5LWtleS1mb3ItZmFzdGhvbGQtdGVzdHM="


class StampingSink:
    """An SMTP server's handler that keeps (arrival time by its own clock, case, purpose, Message-ID) per message."""

    def __init__(self):
        self.arrivals: list[tuple[float, str, str, str]] = []
        self.lock = threading.Lock()
        self.changed = asyncio.Event()

    async def handle_DATA(self, server, session, envelope) -> str:
        at = time.time()
        raw = envelope.original_content or envelope.content
        headers = email.message_from_bytes(raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n", policy=email.policy.default)
        with self.lock:
            self.arrivals.append(
                (
                    at,
                    str(headers.get("X-Fasthold-Case", "")),
                    str(headers.get("X-Fasthold-Purpose", "")),
                    str(headers.get("Message-ID", "")),
                )
            )
        return "250 OK"

    def count(self, purpose: str | None = None) -> int:
        with self.lock:
            return sum(1 for a in self.arrivals if purpose is None or a[2] == purpose)

    def of(self, purpose: str) -> list[tuple[float, str, str, str]]:
        with self.lock:
            return [a for a in self.arrivals if a[2] == purpose]


def start_sink(port: int) -> tuple[Controller, StampingSink]:
    sink = StampingSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, sink


def engine_settings(**changes):
    return load_settings(env={}).replace(
        data_dir=tempfile.mkdtemp(prefix="bench-"),
        smtp_port=free_port(),
        task_queue=f"bench-{uuid.uuid4().hex[:6]}",
        payload_key=TEST_KEY,
        **changes,
    )


def a_case(n: int, first_day: date | None = None, tag: str = ""):
    report = sick_report(case_reference=f"B{tag}{n:05d}-{uuid.uuid4().hex[:4]}")
    report["first_day_of_absence"] = (first_day or date.today() - timedelta(days=14)).isoformat()
    report["employee"]["email"] = f"medarbejder{n}@example.com"
    report["employer"]["contact"]["email"] = f"kontakt{n}@virksomhed.example.dk"
    return parse_sick_report(report, today=date.today())


@asynccontextmanager
async def engine_worker(env_client: Client, settings):
    """The case engine's worker, as worker.py builds it, with its register; yields (client, register)."""
    register, roster = prepare_register(settings)
    client = Client(**{**env_client.config(), "data_converter": data_converter(settings)})
    with ThreadPoolExecutor(max_workers=16) as executor:
        async with build_worker(client, settings, register, roster, executor):
            yield client, register
    register.dispose()


@asynccontextmanager
async def reference_worker(env_client: Client, task_queue: str):
    """The reference workflow's worker, with the same sandbox as the engine's."""
    async with Worker(
        env_client,
        task_queue=task_queue,
        workflows=[ReferenceWorkflow, TimedReferenceWorkflow],
        activities=ACTIVITIES,
        workflow_runner=SANDBOX,
    ):
        yield env_client


async def wait_for(predicate, timeout: float, poll: float = 0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        await asyncio.sleep(poll)
    return predicate()


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(p * len(ordered))) - 1))] if ordered else float("nan")


def summary(values: list[float]) -> str:
    if not values:
        return "-"
    return f"p50 {statistics.median(values):.2f} s, p95 {pct(values, 0.95):.2f} s, max {max(values):.2f} s"


def machine() -> str:
    cpus = os.cpu_count()
    load = os.getloadavg()
    return (
        f"{platform.node()}: {platform.processor() or platform.machine()}, {cpus} cores, Python "
        f"{platform.python_version()}, load average {load[0]:.1f} at the start (shared machine)"
    )


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
