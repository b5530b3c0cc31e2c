"""Every refusal names a field the caller actually sent: the web workbench shows the message next to it."""

from __future__ import annotations

import dataclasses

from case_service.commands import AnswerOnBehalf
from case_service.registry import UPDATES
from domain.refusals import REFUSAL_FIELD, Refusal, refusal_field


def payload_fields() -> set[str]:
    fields = {f.name for f in dataclasses.fields(AnswerOnBehalf)}
    for payload in UPDATES:
        fields |= {f.name for f in dataclasses.fields(payload)}
    return fields


def test_every_refusal_field_is_a_field_of_a_command():
    unknown = {reason: name for reason, name in REFUSAL_FIELD.items() if name not in payload_fields()}
    assert unknown == {}


def test_the_laws_refusals_point_at_their_fields():
    assert refusal_field(Refusal.NOT_AN_END) == "end_type"
    assert refusal_field(Refusal.BAD_HOURS) == "hours_per_week"
    assert refusal_field(Refusal.PERIOD_OVERLAPS) == "start"
    assert refusal_field(Refusal.NO_CONSENT_AWAITED) == "agrees"
    assert refusal_field(Refusal.CASE_CLOSED) == ""  # the request as a whole
