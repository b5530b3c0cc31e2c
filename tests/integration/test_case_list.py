"""The list pages' read model (register/case_list.py) is kept current by each case's own workflow: the view in
the register equals the workflow's own query after the process moves, after an update, and at the end (when
the row says the workflow no longer runs). Real worker, time-skipping server, real SQLite register."""

from __future__ import annotations

import asyncio

from case_service.access import roster_users
from case_service.lists import CaseLists
from domain.model import CaseEnd, MeetingOutcome, OutcomeReport, RsvpReceived
from register.case_list import CaseList
from register.roster import load_roster
from tests.conftest import sick_report
from tests.eventually import eventually_async
from tests.helpers import finish, server_today, start, wait_for
from workflows.case_workflow import CaseWorkflow


async def published_equals_query(env, handle, *, running: bool = True, timeout: float = 20.0):
    """Wait until the register's view of the case is the workflow's own view; return it."""
    read = CaseList(env.register)

    async def published():
        truth = await handle.query(CaseWorkflow.case_view) if running else None
        views = {
            (v.state.municipality, v.state.reference): v
            for v in await asyncio.to_thread(read.views, "101", None, include_closed=not running)
        }
        found = [v for key, v in views.items() if handle.id.endswith(key[1])]
        return found[0] if found and (truth is None or found[0] == truth) else None

    return await eventually_async(published, timeout=timeout, what="the register's view to match the workflow's")


async def test_the_register_holds_each_cases_current_view(env):
    case, handle = await start(env, sick_report())
    state = await wait_for(handle, lambda s: s.phase == "meeting_booked")
    booked = await published_equals_query(env, handle)
    assert booked.state.phase == "meeting_booked" and booked.state.meetings
    # An answer to the invitation changes no phase and wakes no step: the list still shows it.
    meeting = state.meetings[0]
    await handle.execute_update(CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, 0, case.employee.email, "ACCEPTED"))
    answered = await published_equals_query(env, handle)
    assert answered.state.meetings[0].responses
    # What the caseworker's list shows comes from the register, and it is her case.
    users = roster_users(load_roster(env.settings.roster_path))
    holder = next(u for u in users.values() if u.id == state.caseworker.id)
    listed = await CaseLists(env.register, load_roster(env.settings.roster_path)).visible(holder)
    assert any(v.state.reference == case.reference for v in listed)
    # Held, ended, a month on: the row says the workflow has finished, and the open lists leave it out.
    await env.env.sleep(meeting.end - await env.env.get_current_time())
    await handle.execute_update(CaseWorkflow.record_meeting, MeetingOutcome(1, True, True, "workplace"))
    await handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", await server_today(env)))
    await handle.execute_update(CaseWorkflow.record_outcome, OutcomeReport("work"))
    final = await finish(env, handle)
    done = await published_equals_query(env, handle, running=False)
    assert done.state.phase == final.phase == "closed" and done.state.outcome == final.outcome
    listed = await CaseLists(env.register, load_roster(env.settings.roster_path)).visible(holder)
    assert all(v.state.reference != case.reference for v in listed)
