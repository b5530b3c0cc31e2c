"""The gateway's limits before parsing, and its bounded parse (a 127 KB message held the live gateway
for 26 s, 228 KB of encoded words took it to 1.3 GB)."""

from __future__ import annotations

import pytest

from mailing.bounded_parse import parse_bounded
from mailing.imip import ImipError
from mailing.message_shape import shape_problem
from tests.fixtures.replies import FIXTURE_DIR
from tests.hostile_shapes import shapes

HOSTILE = shapes()
FIXTURES = sorted(p for p in FIXTURE_DIR.glob("*.eml"))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_hostile_shape_is_refused_before_parsing(name):
    assert shape_problem(HOSTILE[name]), name


@pytest.mark.parametrize("path", FIXTURES, ids=[p.name for p in FIXTURES])
def test_real_clients_replies_are_within_the_limits(path):
    assert shape_problem(path.read_bytes()) is None


@pytest.mark.parametrize("name", sorted(shapes(40)))
def test_small_versions_of_the_same_shapes_pass(name):
    assert shape_problem(shapes(40)[name]) is None


def test_the_bounded_parse_reads_a_real_reply():
    mail = parse_bounded((FIXTURE_DIR / "outlook_accept.eml").read_bytes(), 2_000_000)
    assert len(mail.replies) == 1 and mail.replies[0].partstat


def test_the_bounded_parse_passes_on_the_parsers_own_refusal():
    with pytest.raises(ImipError) as refused:
        parse_bounded(b"From: a@b.example\r\nSubject: x\r\n\r\nno calendar\r\n", 2_000_000)
    assert refused.value.code == "not_calendar"


def test_a_parse_past_its_time_is_killed_and_refused():
    # The parse of the largest shape, allowed far less time than it needs (the child is killed).
    with pytest.raises(ImipError) as refused:
        parse_bounded(HOSTILE["content_type_parameters"], 2_000_000, seconds=0.05)
    assert refused.value.code == "too_complex"


def test_a_parse_past_its_memory_is_refused_not_fatal():
    with pytest.raises(ImipError) as refused:
        parse_bounded((FIXTURE_DIR / "outlook_accept.eml").read_bytes(), 2_000_000, memory=20 * 1024 * 1024)
    assert refused.value.code == "too_complex"
