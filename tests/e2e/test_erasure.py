"""Erasure that erases, with real parts: the dev server, the worker, the gateway and the register.
A case is started, its invitation answered through the gateway with a comment, the case ended; the retention
job runs (retention 0 days); then the register (every table, every column), the gateway's inbox and Temporal
(the case's history, its runs, the search by reference) are searched for the CPR number, the names, the e-mail
addresses, the phone number and the address of the sick report. None may be found."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import aiosmtplib
from sqlalchemy import MetaData, select
from temporalio.service import RPCError, RPCStatusCode

from activities.retention import RetentionRequest
from case_service import CaseService
from case_service.commands import CaseRef
from domain.model import CaseEnd
from domain.sick_report import parse_sick_report
from gateway import start_gateway
from localrun.mailsink import start_mail_sink
from register.roster import load_roster
from tests import dates
from tests.conftest import free_port, sick_report
from tests.eventually import eventually_async
from tests.itip import itip_reply
from workflows.case_workflow import CaseWorkflow
from workflows.retention import RetentionWorkflow


async def decoded_history(client, settings, workflow_id: str) -> str:
    """Every payload of the case's history (input, activity inputs and results, updates), decrypted, as text."""
    from temporalio.api.common.v1 import Payload

    from engine.client import data_converter

    history = await client.get_workflow_handle(workflow_id).fetch_history()
    found: list[Payload] = []

    def collect(message) -> None:
        for field, value in message.ListFields():
            if field.message_type is None:
                continue
            if hasattr(value, "ListFields"):
                values = [value]
            elif hasattr(value, "values") and callable(value.values):  # a map field
                values = list(value.values())
            else:
                values = list(value)
            for item in values:
                if isinstance(item, Payload):
                    found.append(item)
                elif hasattr(item, "ListFields"):
                    collect(item)

    for event in history.events:
        collect(event)
    decoded = await data_converter(settings).payload_codec.decode(found)
    return "\n".join(p.data.decode("utf-8", "replace") for p in decoded)


def register_text(register) -> str:
    """Every row of every table, as text."""
    metadata = MetaData()
    metadata.reflect(register.engine)
    lines = []
    with register.engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                lines.append(f"{table.name}: " + json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(lines)


async def test_a_case_ended_and_erased_leaves_no_personal_data(dev_client, settings, register, tmp_path):
    from worker import build_worker

    settings = settings.replace(retention_days=0, gateway_port=free_port())
    report = sick_report()
    report["employee"]["cpr"] = "0101804321"
    case = parse_sick_report(report, today=dates.today())
    personal = {
        report["employee"]["cpr"],
        report["employee"]["name"],
        report["employee"]["email"],
        report["employer"]["contact"]["name"],
        report["employer"]["contact"]["email"],
        report["employer"]["contact"]["phone"],
        report["employer"]["workplace_address"],
        "diagnose: rygskade",
    }  # what an attendee wrote in the reply
    mail_controller, sink = start_mail_sink(tmp_path / "mail", "127.0.0.1", settings.smtp_port)
    gateway = None
    try:
        with ThreadPoolExecutor(max_workers=8) as executor:
            async with build_worker(dev_client, settings, register, load_roster(settings.roster_path), executor):
                gateway = start_gateway(settings, dev_client, register, trust_loopback=True)
                service = CaseService(dev_client, settings)
                started = await service.start_case(case)
                handle = dev_client.get_workflow_handle_for(CaseWorkflow.run, started.workflow_id)
                ref = CaseRef(case.municipality, case.reference)

                async def invitation():
                    return next(
                        (
                            m
                            for m in sink.to(case.employee.email)
                            if any(p.get_content_type() == "text/calendar" for p in m.walk())
                        ),
                        None,
                    )

                sent = await eventually_async(invitation, what="the employee's invitation", timeout=60, every=0.3)
                await aiosmtplib.send(
                    itip_reply(sent, case.employee.email, comment="Jeg kommer. diagnose: rygskade"),
                    sender=case.employee.email,
                    recipients=[settings.organizer_email],
                    hostname=gateway.hostname,
                    port=gateway.port,
                )
                await gateway.idle()

                async def answered():
                    state = await handle.query(CaseWorkflow.state_now)
                    return state.meetings and state.meetings[0].responses.get(case.employee.email) == "ACCEPTED"

                await eventually_async(answered, what="the accepted answer", timeout=60, every=0.3)
                assert list(gateway.inbox.accepted.glob("*.eml")), "the reply was kept"

                await service.act(
                    ref, CaseEnd("full_recovery", dates.today(), actor="test"), update_id=f"end-{uuid.uuid4().hex}"
                )

                async def closed():
                    with register.session() as s:
                        from register.models import CaseRow

                        return s.scalar(select(CaseRow.closed_at).where(CaseRow.reference == case.reference))

                await eventually_async(closed, what="the case closed in the register", timeout=60, every=0.3)
                assert any(value in register_text(register) for value in personal)  # the search can find
                # The CPR number went to the register directly: the workflow's history never held it.
                history_text = await decoded_history(dev_client, settings, started.workflow_id)
                assert case.employee.email in history_text  # the decoding works: the history is read
                assert report["employee"]["cpr"] not in history_text

                done = await dev_client.execute_workflow(
                    RetentionWorkflow.run,
                    RetentionRequest(0),
                    id=f"retention-{uuid.uuid4().hex[:8]}",
                    task_queue=settings.task_queue,
                )
                assert done.cases == 1 and done.histories == 1
                assert await gateway.sweep_inbox() >= 1
    finally:
        if gateway is not None:
            await gateway.aclose()
        mail_controller.stop()

    text = register_text(register)
    assert not [value for value in personal if value.lower() in text.lower()], "personal data left in the register"
    inbox_text = "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in gateway.inbox.root.rglob("*") if p.is_file()
    )
    assert not [value for value in personal if value.lower() in inbox_text.lower()], "left in the inbox"

    async def history_gone():  # Temporal deletes asynchronously, soon after the request
        try:
            await dev_client.get_workflow_handle(started.workflow_id).describe()
            return False
        except RPCError as err:
            assert err.status == RPCStatusCode.NOT_FOUND, err
            return True

    await eventually_async(history_gone, what="the case's history deleted from Temporal", timeout=60, every=0.3)

    async def unlisted():
        found = [w async for w in dev_client.list_workflows(f"WorkflowId = '{started.workflow_id}'")]
        return not found

    await eventually_async(unlisted, what="the case gone from Temporal's visibility", timeout=60, every=0.3)
