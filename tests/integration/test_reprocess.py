"""Reprocessing a kept reply (case_service.reprocess) with real parts: replies over SMTP to the gateway, a real
register and case workflow. What the runbook script does end to end is in tests/e2e/test_runbook.py; here,
what it must refuse, and that two operators at once still reach the case once."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import update

from case_service.reprocess import ReprocessRefused, kept_replies, listing, reprocess
from register.models import AuditEvent, MeetingRow
from tests.helpers import rows, wait_for
from tests.integration.test_gateway import (  # noqa: F401
    STRANGER,
    answered,
    booked,
    fixture_reply,
    gateway,
    inbound,
    kept,
    rsvp_events,
    send,
    with_headers,
)
from workflows.case_workflow import CaseWorkflow


def forget_meeting(env, uid: str, forget: bool) -> None:
    """A register that lacks the meeting (restored from an older backup), and the same register fixed."""
    old, new = (uid, f"{uid}-missing") if forget else (f"{uid}-missing", uid)
    with env.register.session() as session:
        assert session.execute(update(MeetingRow).where(MeetingRow.uid == old).values(uid=new)).rowcount == 1


async def test_two_operators_at_once_reach_the_case_once(env, cases, gateway):  # noqa: F811 - the fixture imported above
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    forget_meeting(env, b.meeting.uid, True)
    await send(gateway, fixture_reply("outlook_accept.eml", b, b.employer, organizer=organizer), b.employer, organizer)
    [(name, record)] = kept(gateway, "refused")
    assert record["reason"] == "unknown_uid" and record["peer"] == "127.0.0.1"
    forget_meeting(env, b.meeting.uid, False)

    results = await asyncio.gather(
        *(reprocess(gateway.processor, name, actor=who) for who in ("ab", "cd")), return_exceptions=True
    )

    done = [r for r in results if not isinstance(r, Exception)]
    assert done and all(outcome.status == "received" for outcome, _ in done)
    # The other is refused: while the first is at work ("samtidig"), or, on a slow machine, once it has finished.
    assert all(
        isinstance(r, ReprocessRefused) and ("samtidig" in str(r) or "allerede registreret" in str(r))
        for r in results
        if r not in done
    ), results
    state = await wait_for(b.handle, answered(b.meeting.uid, b.employer, "ACCEPTED"))
    assert len(rsvp_events(state)) == 1  # the same update id: applied once
    [row] = inbound(env)
    assert (row.status, row.detail) == ("received", "ACCEPTED")
    assert kept(gateway, "refused") == [] and len(kept(gateway, "accepted")) == 1
    with pytest.raises(ReprocessRefused, match="allerede registreret"):
        await reprocess(gateway.processor, name, actor="ab")
    audit = rows(env.register, AuditEvent, AuditEvent.action == "reply_reprocessed")
    assert {a.actor for a in audit} <= {"ab", "cd"} and all(
        a.detail["earlier"]["reason"] == "unknown_uid" for a in audit
    )


async def test_what_a_caseworker_decides_and_duplicates_are_not_reprocessed(env, cases, gateway):  # noqa: F811 - the fixture imported above
    b = await booked(env, cases)
    organizer = env.settings.organizer_email
    # A forwarder answering for the employer: refused, and given to the caseworker as a task.
    forwarded = with_headers(
        fixture_reply("gmail_decline.eml", b, b.employer, organizer=organizer), From=f"Fremmed <{STRANGER}>"
    )
    await send(gateway, forwarded, STRANGER, organizer)
    accept = fixture_reply("outlook_accept.eml", b, b.employer, organizer=organizer)
    await send(gateway, accept, b.employer, organizer)
    await send(gateway, accept, b.employer, organizer)  # the same Message-ID again: a duplicate
    by_reason = {record["reason"]: name for name, record in kept(gateway, "refused")}
    assert set(by_reason) == {"sender_mismatch", "duplicate"}
    before = {r.message_key: (r.status, r.detail) for r in inbound(env)}

    with pytest.raises(ReprocessRefused, match="givet til sagsbehandleren som opgave"):
        await reprocess(gateway.processor, by_reason["sender_mismatch"], actor="ab")
    with pytest.raises(ReprocessRefused, match="gentagelse"):
        await reprocess(gateway.processor, by_reason["duplicate"], actor="ab")
    with pytest.raises(ReprocessRefused, match="intet gemt svar"):
        await reprocess(gateway.processor, "../../register.db", actor="ab")

    assert {r.message_key: (r.status, r.detail) for r in inbound(env)} == before  # nothing changed
    assert rows(env.register, AuditEvent, AuditEvent.action == "reply_reprocessed") == []
    assert len(rsvp_events(await b.handle.query(CaseWorkflow.state_now))) == 1
    text = listing(gateway.processor)
    assert text.count("(kan ikke genbehandles)") == 2 and len(kept_replies(gateway.processor)) == 2
    assert (
        json.loads((gateway.inbox.refused / by_reason["duplicate"]).with_suffix(".json").read_text())["reason"]
        == "duplicate"
    )
