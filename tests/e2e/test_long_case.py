"""A long case stays under Temporal's history limits by continuing as new, carrying its whole state.

Runs on the real dev server: the time-skipping test server does not support continue-as-new.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus

from case_service import CaseService
from domain.model import CaseEnd, RsvpReceived
from domain.sick_report import parse_sick_report
from engine.search_attributes import CASE_PHASE
from register.roster import load_roster
from tests import dates
from tests.conftest import sick_report
from tests.helpers import wait_for
from worker import build_worker
from workflows.case_workflow import CaseWorkflow


async def test_hundreds_of_events_continue_as_new_with_the_state_carried(dev_client, settings, mail, register):
    settings = settings.replace(history_event_limit=200)
    case = parse_sick_report(sick_report(case_reference=f"L-{uuid.uuid4().hex[:8]}"), today=dates.today())
    with ThreadPoolExecutor(max_workers=8) as executor:
        async with build_worker(dev_client, settings, register, load_roster(settings.roster_path), executor):
            await CaseService(dev_client, settings).start_case(case)
            handle = dev_client.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)  # the latest run
            state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
            meeting = state.meetings[0]
            answers = ["TENTATIVE", "ACCEPTED"]
            for i in range(120):  # hundreds of history events: each answer is an update, an activity and tasks
                await handle.execute_update(
                    CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, 0, case.employer.contact_email, answers[i % 2])
                )
            first_run = state
            state = await wait_for(handle, lambda s: s.runs >= 3)
            # The new runs carry everything: the meeting with its answers, the timeline, the deadlines.
            assert state.meetings[0].uid == meeting.uid
            assert state.meetings[0].responses[case.employer.contact_email] == "ACCEPTED"
            assert sum(e.event == "rsvp" for e in state.timeline) == 120
            assert state.first_meeting_due == first_run.first_meeting_due == case.first_day + timedelta(days=55)
            assert state.caseworker == first_run.caseworker and state.phase == "meeting_booked"
            assert state.done == first_run.done or set(first_run.done) <= set(state.done)
            description = await handle.describe()
            assert description.run_id != description.raw_description.workflow_execution_info.first_run_id
            assert description.typed_search_attributes.get(CASE_PHASE) == "meeting_booked"
            history = await handle.fetch_history()
            assert len(history.events) < 400
            await handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", dates.today()))
            final = await wait_for(handle, lambda s: s.phase == "closed")
            assert final.end_type == "full_recovery" and final.runs == state.runs
            await handle.terminate("test finished: not waiting a month for the outcome")
            assert (await handle.describe()).status == WorkflowExecutionStatus.TERMINATED
