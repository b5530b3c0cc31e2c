"""Log lines carry the case they are about and never an e-mail address or a CPR number."""

from __future__ import annotations

import json
import logging

from config.settings import load_settings
from observability.logs import JsonFormatter, TextFormatter, scrub, set_workflow_id_resolver


def record(msg: str, *args, **extra) -> logging.LogRecord:
    r = logging.LogRecord("fasthold.test", logging.INFO, __file__, 1, msg, args, None)
    r.__dict__.update(extra)
    return r


def test_sdk_context_becomes_fields():
    line = json.loads(
        JsonFormatter().format(
            record(
                "sent %s for case %s to %s",
                "invitation",
                "SAG-2026-0001",
                "employer",
                temporal_activity={"workflow_id": "case-101-SAG-2026-0001", "activity_type": "send_mail", "attempt": 2},
            )
        )
    )
    assert line["workflow_id"] == "case-101-SAG-2026-0001" and line["case_reference"] == "SAG-2026-0001"
    assert line["municipality"] == "101" and line["attempt"] == 2 and line["level"] == "info"


def test_a_reference_in_the_message_is_resolved_to_its_workflow():
    set_workflow_id_resolver(lambda ref: {"T-1a2b": "case-101-T-1a2b"}.get(ref))
    try:
        line = json.loads(JsonFormatter().format(record("inbound rsvp applied to case %s: ACCEPTED", "T-1a2b")))
        assert (line["case_reference"], line["workflow_id"]) == ("T-1a2b", "case-101-T-1a2b")
        plain = json.loads(JsonFormatter().format(record("case metrics refresh failed: %s", "OperationalError")))
        assert "case_reference" not in plain
    finally:
        set_workflow_id_resolver(None)


def test_addresses_and_cpr_numbers_are_scrubbed():
    assert scrub("til mette.sorensen@example.com, cpr 010180-1234 og 0101801234") == "til [e-mail], cpr [cpr] og [cpr]"
    assert scrub("port 12345, id 20261128T215034328555-4bbbd8fd") == "port 12345, id 20261128T215034328555-4bbbd8fd"
    text = TextFormatter().format(record("sent to %s", "a@b.dk", temporal_workflow={"workflow_id": "case-101-X-1"}))
    assert "[e-mail]" in text and "a@b.dk" not in text and "[sag X-1 workflow case-101-X-1]" in text
    assert load_settings(env={"FASTHOLD_LOG_FORMAT": "json"}).log_format == "json"


def test_a_case_given_explicitly_is_written_whatever_the_text_says():
    from observability.logs import about_case

    line = json.loads(JsonFormatter().format(record("message %s waits", "x", **about_case("T-9", "case-101-T-9"))))
    assert (line["case_reference"], line["workflow_id"], line["municipality"]) == ("T-9", "case-101-T-9", "101")
    set_workflow_id_resolver(lambda ref: {"T-8": "case-102-T-8"}.get(ref))
    try:
        line = json.loads(JsonFormatter().format(record("duplicate", **about_case("T-8"))))
        assert (line["case_reference"], line["workflow_id"]) == ("T-8", "case-102-T-8")
    finally:
        set_workflow_id_resolver(None)
    assert about_case("", None) == {}
    assert "case_reference" not in json.loads(JsonFormatter().format(record("refused", **about_case("", ""))))
