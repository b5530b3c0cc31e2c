"""Faults survived, with real parts: the SMTP server down and then deferring (4xx), the register locked, and
events that come twice, late or out of order. Nothing is lost, nothing is half-written, every duplicate of a
mail carries the same Message-ID, and the case goes on."""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from temporalio.client import Client

from case_service import CaseRefusal, CaseService
from case_service.commands import CaseRef
from domain.model import CaseEnd, EmployerAnswer
from domain.refusals import Refusal
from domain.sick_report import parse_sick_report
from engine.client import data_converter
from localrun.mailsink import MailSink
from register.models import CaseRow, CitizenIdentity, MessageRow
from register.roster import load_roster
from tests import reliability
from tests.conftest import sick_report
from tests.eventually import eventually_async
from tests.helpers import finish, rows, server_today, start, wait_for
from worker import build_worker, prepare_register
from workflows.case_workflow import CaseWorkflow

OPENING_MAILS = 6  # the employer's request, three invitations, the caseworker's two tasks (call, information form)


class DeferringSink(MailSink):
    """A real SMTP server that answers 451 (try again later) to the first `defer` messages."""

    def __init__(self, directory, defer: int):
        super().__init__(directory)
        self.defer = defer
        self.deferred = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.deferred < self.defer:
            self.deferred += 1
            return "451 4.3.0 Prøv igen senere"
        return await super().handle_DATA(server, session, envelope)


def delivered_per_message_id(register, sink) -> tuple[int, int, int]:
    """(lost, duplicates with the same Message-ID, duplicates with a different one) against the register."""
    with register.session() as session:
        sent = session.execute(MessageRow.__table__.select().where(MessageRow.direction == "out")).all()
    got = Counter(str(m["Message-ID"]) for m in sink.messages)
    expected = {row.message_id for row in sent}
    lost = len(expected - set(got))
    same = sum(n - 1 for n in got.values() if n > 1)
    # One mail is one (case, purpose, recipient, subject): a caseworker gets two different tasks at the opening.
    per_purpose = Counter(
        (str(m["X-Fasthold-Case"]), str(m["X-Fasthold-Purpose"]), str(m["To"]).lower(), str(m["Subject"]))
        for m in sink.messages
    )
    different = sum(n - 1 for key, n in per_purpose.items() if n > 1) - same
    return lost, same, max(0, different)


async def failed_sends(handle) -> list:
    """The case's mail activities that have failed at least once and wait for their next attempt."""
    described = await handle.describe()
    return [
        a
        for a in described.raw_description.pending_activities
        if "mail" in a.activity_type.name.lower() and a.HasField("last_failure")
    ]


@pytest.fixture
def worker_env(time_env, settings):
    """A real worker on the time-skipping server whose SMTP server the test starts (or not) itself."""
    register, roster = prepare_register(settings)
    client = Client(**{**time_env.client.config(), "data_converter": data_converter(settings)})
    yield time_env, client, settings, register
    register.dispose()


async def test_the_mail_server_down_then_deferring_loses_nothing(worker_env, tmp_path):
    time_env, client, settings, register = worker_env
    cases = CaseService(client, settings)
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(client, settings, register, load_roster(settings.roster_path), executor):
            today = (await time_env.get_current_time()).date()
            case = parse_sick_report(
                sick_report(first_day_of_absence=(today - timedelta(days=14)).isoformat()), today=today
            )
            await cases.start_case(case)
            handle = client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
            await eventually_async(
                lambda: failed_sends(handle),
                timeout=60,
                what="a mail refused (nothing listens on the SMTP port yet) and being retried",
            )
            reliability.add(faults_injected=2, cases=1)
            sink = DeferringSink(tmp_path / "mail", defer=3)  # then the server is up but defers (451)
            controller = Controller(sink, hostname=settings.smtp_host, port=settings.smtp_port)
            controller.start()
            try:
                state = await wait_for(
                    handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline), timeout=120
                )
                await eventually_async(
                    lambda: len(sink.messages),
                    until=lambda n: n >= OPENING_MAILS,
                    timeout=120,
                    every=0.2,
                    what=f"the {OPENING_MAILS} opening mails",
                )
                assert sink.deferred == 3 and len(sink.messages) == OPENING_MAILS
                lost, same, different = delivered_per_message_id(register, sink)
                assert (lost, different) == (0, 0)
                reliability.add(
                    faults_survived=2,
                    mails_expected=OPENING_MAILS,
                    mails_delivered=len(sink.messages),
                    mails_lost=lost,
                    dup_same_id=same,
                    dup_different_id=different,
                )
                assert not state.deadline_breached
            finally:
                await handle.terminate("test done")
                controller.stop()


async def test_a_locked_register_is_waited_out_and_no_case_is_half_written(worker_env, tmp_path):
    time_env, client, settings, register = worker_env
    from localrun.mailsink import start_mail_sink

    controller, sink = start_mail_sink(tmp_path / "mail", settings.smtp_host, settings.smtp_port)
    db = settings.resolved_database_url.removeprefix("sqlite:///")
    lock = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")  # another program holds the register: every write waits
    released = threading.Timer(8.0, lambda: lock.execute("COMMIT"))
    released.start()
    reliability.add(faults_injected=1, cases=1)
    try:
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with build_worker(client, settings, register, load_roster(settings.roster_path), executor):
                today = (await time_env.get_current_time()).date()
                case = parse_sick_report(
                    sick_report(first_day_of_absence=(today - timedelta(days=14)).isoformat()), today=today
                )
                await CaseService(client, settings).start_case(case)
                handle = client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
                await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline), timeout=120)
                [row] = rows(register, CaseRow, CaseRow.reference == case.reference)
                assert row.caseworker_id and rows(register, CitizenIdentity, CitizenIdentity.case_id == row.id)
                reliability.add(faults_survived=1)
                await handle.terminate("test done")
    finally:
        released.join()
        lock.close()
        controller.stop()


async def test_events_twice_late_or_out_of_order_are_handled_and_recorded(env):
    cases = CaseService(env.client, env.settings)
    # Recovery before any meeting was held: the case ends, what was planned is cancelled.
    case, handle = await start(env, sick_report())
    await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    ref = CaseRef(case.municipality, case.reference)
    await cases.act(ref, CaseEnd("full_recovery", await server_today(env)))
    closed = await wait_for(handle, lambda s: s.phase == "closed")
    assert closed.meetings[0].status == "cancelled" and closed.end_type == "full_recovery"
    # An action on a closed case is refused, and says so; the same end twice too.
    for action in (EmployerAnswer(True), CaseEnd("dismissal", await server_today(env))):
        with pytest.raises(CaseRefusal) as refused:
            await cases.act(ref, action)
        assert refused.value.reason == Refusal.CASE_CLOSED
    reliability.add(cases=1, faults_injected=3, faults_survived=3)
    final = await finish(env, handle)
    assert [e.event for e in final.timeline].count("case_closed") == 1
