"""Record histories on the real dev server for the replay test:

    PYTHONPATH=. .venv/bin/python tests/histories/record_on_dev_server.py

Most paths are recorded on the time-skipping server by the integration tests (FASTHOLD_RECORD_HISTORIES=1);
this one records a case with answers, a decline and a move on the real server, as a production history looks.
File names carry the workflow id after "--": meeting UIDs derive from it, so a replay must use the same id.
"""
from __future__ import annotations

import asyncio
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from case_service import CaseService
from config.settings import load_settings
from domain.model import CaseEnd, MeetingOutcome, RsvpReceived
from domain.sick_report import parse_sick_report
from localrun.binaries import find_binary
from engine.client import data_converter
from localrun.mailsink import start_mail_sink
from tests import dates
from tests.conftest import TEST_PAYLOAD_KEY, free_port, sick_report
from tests.helpers import wait_for
from worker import build_worker, prepare_register
from workflows.case_workflow import CaseWorkflow
from engine.search_attributes import ALL

HERE = Path(__file__).resolve().parent


async def accept_then_decline(client, settings):
    case = parse_sick_report(sick_report(), today=dates.today())
    started = await CaseService(client, settings).start_case(case)
    handle = client.get_workflow_handle_for(CaseWorkflow.run, started.workflow_id)
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    meeting = state.meetings[0]
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        await handle.execute_update(CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, 0, address, "ACCEPTED"))
    await handle.execute_update(CaseWorkflow.record_rsvp,
                                RsvpReceived(meeting.uid, 0, case.employee.email, "DECLINED"))
    state = await wait_for(handle, lambda s: any(e.event == "meeting_moved" for e in s.timeline))
    for address in (case.employer.contact_email, case.employee.email, state.caseworker.email):
        await handle.execute_update(CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, 1, address, "ACCEPTED"))
    # Held earlier by agreement, so it can be recorded now (two days before its time is still ahead when the
    # meeting was booked after a weekend).
    held_at = min(state.meetings[0].start - timedelta(days=2),
                  datetime.now(timezone.utc) - timedelta(minutes=5))  # real now: the dev server's clock is real
    await handle.execute_update(CaseWorkflow.record_meeting, MeetingOutcome(1, True, True, "workplace", held_at))
    await handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", dates.today()))
    await wait_for(handle, lambda s: s.phase == "closed")
    return handle


async def main() -> None:
    tmp = tempfile.mkdtemp()
    settings = load_settings(env={}).replace(data_dir=tmp, smtp_port=free_port(), payload_key=TEST_PAYLOAD_KEY,
                                             task_queue="record")
    controller, _ = start_mail_sink(settings.mail_path, settings.smtp_host, settings.smtp_port)
    register, roster = prepare_register(settings)
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=find_binary("temporal"), search_attributes=ALL)
    client = Client(**{**env.client.config(), "data_converter": data_converter(settings)})
    try:
        with ThreadPoolExecutor(8) as executor:
            async with build_worker(client, settings, register, roster, executor):
                handle = await accept_then_decline(client, settings)
                history = await handle.fetch_history()
        (HERE / f"dev_rsvp_accept_then_decline--{handle.id}.json").write_text(history.to_json(), encoding="utf-8")
    finally:
        await env.shutdown()
        controller.stop()


if __name__ == "__main__":
    asyncio.run(main())
