"""Small helpers for driving a case in tests: start it, wait for a state, read the mails and the register."""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from case_service import CaseService
from domain.localtime import local_date
from domain.model import CaseState
from domain.sick_report import parse_sick_report
from workflows.case_workflow import CaseWorkflow


async def server_today(h) -> date:
    return local_date(await h.env.get_current_time())


async def start(h, report: dict, *, absent_days: int | None = 14):
    """Start a case; its first day of absence is `absent_days` before the test server's today.

    The time-skipping server's clock is shared by the session and moves ahead as tests skip time, so cases
    are dated from it, not from the wall clock.
    """
    today = await server_today(h)
    if absent_days is not None:
        report = {**report, "first_day_of_absence": (today - timedelta(days=absent_days)).isoformat()}
    case = parse_sick_report(report, today=today)
    started = await CaseService(h.client, h.settings).start_case(case)
    handle = h.client.get_workflow_handle_for(CaseWorkflow.run, started.workflow_id)
    h.started.append(handle)
    return case, handle


async def wait_for(handle, predicate, timeout: float = 30.0) -> CaseState:
    """Poll the query until the state satisfies the predicate (activities run in real time)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        state = await handle.query(CaseWorkflow.state_now)
        if predicate(state):
            return state
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"state never matched; last phase {state.phase}, timeline "
                                 f"{[e.event for e in state.timeline]}")
        await asyncio.sleep(0.1)


async def wait_for_mail(sink, count: int, timeout: float = 15.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while len(sink.messages) < count:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"expected {count} mails, got {len(sink.messages)}: "
                                 f"{[str(m['Subject']) for m in sink.messages]}")
        await asyncio.sleep(0.05)


async def finish(h, handle, days: int = 75):
    """Skip past the month-long wait for the outcome, then take the case's final state."""
    await h.env.sleep(timedelta(days=days))
    return await handle.result()


def calendar_part(message: EmailMessage):
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


def rows(register, model, *where):
    with register.session() as session:
        return list(session.scalars(select(model).where(*where)))


async def mail_to(sink, address: str, predicate, timeout: float = 15.0) -> EmailMessage:
    """The first mail to `address` that satisfies `predicate`, waiting for it: a step's mails go out after the
    state a test waits for has changed, so counting the mails already there is a race."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [m for m in sink.to(address) if predicate(m)]
        if found:
            return found[0]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no such mail to {address}: {[str(m['Subject']) for m in sink.to(address)]}")
        await asyncio.sleep(0.05)


def subject_has(text: str):
    return lambda message: text in str(message["Subject"])


def body_has(*texts: str):
    return lambda message: all(t in message.get_body(("plain",)).get_content() for t in texts)


async def quiet(handle, timeout: float = 15.0) -> None:
    """Wait until the case has had no activity running for a moment."""
    loop = asyncio.get_running_loop()
    deadline, calm = loop.time() + timeout, 0
    while calm < 3 and loop.time() < deadline:
        try:
            description = await handle.describe()
        except Exception:  # a closed case (its search attributes may not even decode): nothing runs
            return
        calm = calm + 1 if not description.raw_description.pending_activities else 0
        await asyncio.sleep(0.1)
