"""The mail gateway's lines about a case carry its reference and workflow id as fields (and in the text
format), whatever the line says: applied, refused, a duplicate, a case that did not answer in time. Lines
about no case (an unknown meeting) carry neither. Real SMTP, register, workflow and Temporal server."""

from __future__ import annotations

import json
import logging

import pytest_asyncio

from gateway import start_gateway
from observability.logs import JsonFormatter, TextFormatter, set_workflow_id_resolver
from tests.conftest import free_port
from tests.eventually import eventually_async
from tests.integration.test_gateway import booked, fixture_reply, fresh, send


class Lines(logging.Handler):
    """The gateway's log lines as the JSON format writes them, and as the text format does."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.json, self.text = [], []

    def emit(self, record: logging.LogRecord) -> None:
        self.json.append(json.loads(JsonFormatter().format(record)))
        self.text.append(TextFormatter().format(record))


@pytest_asyncio.fixture
async def lines():
    logger = logging.getLogger("fasthold.gateway")
    handler, level = Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)
    set_workflow_id_resolver(None)


def about(lines: Lines, words: str) -> list[tuple[dict, str]]:
    return [(j, t) for j, t in zip(lines.json, lines.text, strict=True) if words in j["msg"]]


async def test_every_gateway_line_about_a_case_names_its_reference_and_workflow(env, cases, lines):
    gw = start_gateway(env.settings.replace(gateway_port=free_port()), env.client, env.register, trust_loopback=True)
    try:
        b = await booked(env, cases)
        reference, workflow_id = b.case.reference, b.handle.id
        organizer = env.settings.organizer_email
        accept = fixture_reply("outlook_accept.eml", b, b.employer, organizer=organizer)
        await send(gw, accept, b.employer, organizer)  # applied
        await send(gw, accept, b.employer, organizer)  # a duplicate
        stale = fixture_reply(
            "apple_tentative.eml", b, b.employee, sequence=b.meeting.sequence + 1, organizer=organizer
        )
        await send(gw, stale, b.employee, organizer)  # refused, for review
        unknown = fixture_reply(
            "outlook_accept.eml", b, b.employer, uid="fasthold-unknown@example.invalid", organizer=organizer
        )
        await send(gw, fresh(unknown), b.employer, organizer)  # about no case
    finally:
        await gw.aclose()

    applied = about(lines, "applied to case")
    refused = about(lines, "inbound message refused")
    assert len(applied) == 1 and len(refused) == 3
    for line, text in applied + [r for r in refused if "unknown_uid" not in r[0]["msg"]]:
        assert (line["case_reference"], line["workflow_id"]) == (reference, workflow_id), line
        assert f"[sag {reference} workflow {workflow_id}]" in text
    [(nothing, text)] = [r for r in refused if "unknown_uid" in r[0]["msg"]]
    assert "case_reference" not in nothing and "workflow_id" not in nothing and "[sag" not in text


async def test_a_case_that_does_not_answer_in_time_is_named_on_the_waiting_line(env, cases, lines):
    # The case is asked with a timeout too short for any answer: the message waits for a retry, and the line
    # saying so names the case, although its text does not.
    gw = start_gateway(
        env.settings.replace(gateway_port=free_port()),
        env.client,
        env.register,
        trust_loopback=True,
        update_timeout=0.000001,
    )
    try:
        b = await booked(env, cases)
        organizer = env.settings.organizer_email
        await send_and_wait_for(
            gw, fixture_reply("outlook_accept.eml", b, b.employer, organizer=organizer), b.employer, organizer, lines
        )
    finally:
        await gw.aclose(timeout=0)
    [(line, text), *_] = about(lines, "waits: temporal timeout")
    assert "case " not in line["msg"]
    assert (line["case_reference"], line["workflow_id"]) == (b.case.reference, b.handle.id)
    assert f"[sag {b.case.reference} workflow {b.handle.id}]" in text


async def send_and_wait_for(gw, raw: bytes, sender: str, recipient: str, lines: Lines) -> None:

    import aiosmtplib

    await aiosmtplib.send(raw, sender=sender, recipients=[recipient], hostname=gw.hostname, port=gw.port)
    await eventually_async(
        lambda: about(lines, "waits:"), timeout=10, every=0.02, what=lambda: f"a waiting line in the log: {lines.json}"
    )
