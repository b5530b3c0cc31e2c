"""Rotating the payload key in the middle of a running case: the runbook's steps, on the real dev server.

Before: every process has key v1. After: the new key encrypts, v1 only decrypts (FASTHOLD_PAYLOAD_PREVIOUS_KEYS).
The case goes on across the change, its history holds payloads under both keys, the codec server reads all
of them, and the whole history still replays with the new settings.
"""

from __future__ import annotations

import base64
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from temporalio.client import Client
from temporalio.worker import Replayer

from case_service import CaseService
from domain.model import CaseEnd, RsvpReceived
from domain.results import done
from domain.sick_report import parse_sick_report
from engine.client import data_converter
from engine.codec import KEY_ID, UnknownKeyError, codec_from_settings
from register.roster import load_roster
from tests import dates
from tests.conftest import TEST_PAYLOAD_KEY, sick_report
from tests.helpers import wait_for
from worker import SANDBOX, build_worker
from workflows.case_workflow import CaseWorkflow


def payloads_of(history) -> list:
    """Every payload in a history, wherever it sits (inputs, results, update arguments, query answers)."""
    from google.protobuf.message import Message
    from temporalio.api.common.v1 import Payload

    found = []

    def walk(message):
        if isinstance(message, Payload):
            found.append(message)
            return
        for _, value in message.ListFields():
            if isinstance(value, Message):
                walk(value)
            elif isinstance(value, (str, bytes, int, float, bool)):
                continue
            else:  # repeated fields and maps
                for item in value.values() if hasattr(value, "values") else value:
                    if isinstance(item, Message):
                        walk(item)

    for event in history.events:
        walk(event)
    return found


async def test_the_key_is_rotated_while_a_case_runs(dev_env, settings, mail, register):
    roster = load_roster(settings.roster_path)
    old = settings  # key v1: the tests' fixed key, id fasthold-aesgcm-v1
    new_key = base64.b64encode(os.urandom(32)).decode()
    rotated = settings.replace(
        payload_key=new_key, payload_key_id="2026-12", payload_previous_keys=f"{KEY_ID.decode()}={TEST_PAYLOAD_KEY}"
    )
    case = parse_sick_report(sick_report(case_reference=f"K-{uuid.uuid4().hex[:8]}"), today=dates.today())

    def client(s):
        return Client(**{**dev_env.client.config(), "data_converter": data_converter(s)})

    with ThreadPoolExecutor(max_workers=8) as executor:
        before = client(old)
        async with build_worker(before, old, register, roster, executor):
            await CaseService(before, old).start_case(case)
            handle = before.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
            state = await wait_for(handle, lambda s: s.phase == "meeting_booked")
        meeting = state.meetings[0]

        # Every process restarts with the new key current and the old one listed as previous.
        after = client(rotated)
        async with build_worker(after, rotated, register, roster, executor):
            handle = after.get_workflow_handle_for(CaseWorkflow.run, case.workflow_id)
            assert await handle.execute_update(
                CaseWorkflow.record_rsvp,
                RsvpReceived(meeting.uid, meeting.sequence, case.employer.contact_email, "ACCEPTED"),
            ) == done("ACCEPTED")
            await handle.execute_update(CaseWorkflow.report_end, CaseEnd("full_recovery", dates.today()))
            final = await wait_for(handle, lambda s: s.phase == "closed")
            assert final.meetings[0].responses[case.employer.contact_email] == "ACCEPTED"
            history = await handle.fetch_history()
            await handle.terminate("test finished: not waiting a month for the outcome")

    encrypted = [p for p in payloads_of(history) if p.metadata.get("encoding") == b"binary/encrypted"]
    key_ids = {p.metadata["encryption-key-id"] for p in encrypted}
    assert key_ids == {KEY_ID, b"2026-12"}, key_ids
    # The codec server (same settings as the worker) reads the whole history; without the old key it cannot.
    await codec_from_settings(rotated).decode(encrypted)
    with pytest.raises(UnknownKeyError, match=KEY_ID.decode()):
        await codec_from_settings(rotated.replace(payload_previous_keys="")).decode(encrypted)
    # And the new settings replay the whole history, old payloads included.
    replayer = Replayer(workflows=[CaseWorkflow], workflow_runner=SANDBOX, data_converter=data_converter(rotated))
    await replayer.replay_workflow(history)
    # Mail went out before and after the rotation, once each.
    assert any(m["X-Fasthold-Purpose"] == "case_closed" for m in mail.messages)
