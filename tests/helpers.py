"""Small helpers for driving a case in tests: start it, wait for a state, read the mails and the register."""

from __future__ import annotations

from datetime import date, timedelta
from email.message import EmailMessage

from sqlalchemy import select

from case_service import CaseService
from domain.localtime import local_date
from domain.model import CaseState
from domain.sick_report import parse_sick_report
from tests.eventually import eventually_async
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
    """Ask the case's query until its state satisfies the predicate (activities run in real time)."""
    return await eventually_async(
        lambda: handle.query(CaseWorkflow.state_now),
        until=predicate,
        timeout=timeout,
        what=f"a state of {handle.id} that satisfies {_name(predicate)}",
        show=lambda s: f"phase {s.phase}, timeline {[e.event for e in s.timeline]}",
    )


async def wait_for_mail(sink, count: int, timeout: float = 15.0) -> None:
    await eventually_async(
        lambda: [str(m["Subject"]) for m in sink.messages],
        until=lambda got: len(got) >= count,
        timeout=timeout,
        every=0.05,
        what=f"{count} mails",
    )


def _name(predicate) -> str:
    name = getattr(predicate, "__name__", "")
    return "the predicate" if name in ("", "<lambda>") else name


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
    found = await eventually_async(
        lambda: [m for m in sink.to(address) if predicate(m)],
        timeout=timeout,
        every=0.05,
        what=lambda: (
            f"a mail to {address} that satisfies {_name(predicate)} "
            f"(mails to it: {[str(m['Subject']) for m in sink.to(address)]})"
        ),
    )
    return found[0]


def subject_has(text: str):
    return lambda message: text in str(message["Subject"])


def body_has(*texts: str):
    return lambda message: all(t in message.get_body(("plain",)).get_content() for t in texts)


async def quiet(handle, timeout: float = 15.0) -> None:
    """Wait until the case has had no activity running for three looks in a row; fail if it never settles."""
    calm = 0

    async def settled() -> bool:
        nonlocal calm
        try:
            description = await handle.describe()
        except Exception:  # a closed case (its search attributes may not even decode): nothing runs
            return True
        pending = description.raw_description.pending_activities
        calm = 0 if pending else calm + 1
        return calm >= 3

    await eventually_async(settled, timeout=timeout, what=f"{handle.id} with no activity running")
