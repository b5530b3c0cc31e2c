"""Workbench sessions kept in the register (SQLite and PostgreSQL): a session lives while it is used, ends after
`web_idle_minutes` without use or at sign-out, and once ended it stays ended; only a hash of its id is kept."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from register.db import Register, upgrade
from register.models import WebSession
from register.web_sessions import WebSessions

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=timezone.utc)
ANNA = "anna.berg@jobcenter.example.dk"


@pytest.fixture
def sessions(register_url):
    upgrade(register_url)
    register = Register(register_url)
    yield WebSessions(register, idle=timedelta(minutes=30))
    register.dispose()


def test_a_session_in_use_lives_and_an_idle_one_ends_for_good(sessions):
    sid = sessions.start(ANNA, now=T0)
    assert sessions.alive(sid, ANNA, now=T0 + timedelta(minutes=29))
    assert sessions.alive(sid, ANNA, now=T0 + timedelta(minutes=58))  # used at 29: idle only 29 minutes
    assert not sessions.alive(sid, ANNA, now=T0 + timedelta(minutes=89))  # 31 minutes idle
    assert not sessions.alive(sid, ANNA, now=T0 + timedelta(minutes=90))


def test_sign_out_ends_the_session_and_a_session_is_its_owners_only(sessions):
    sid = sessions.start(ANNA, now=T0)
    assert not sessions.alive(sid, "lise.holm@jobcenter.example.dk", now=T0)
    assert not sessions.alive("gættet", ANNA, now=T0) and not sessions.alive("", ANNA, now=T0)
    sessions.end(sid, now=T0 + timedelta(minutes=1))
    assert not sessions.alive(sid, ANNA, now=T0 + timedelta(minutes=2))
    with sessions.register.session() as session:
        ids = session.scalars(select(WebSession.id)).all()
    assert ids and sid not in ids  # the cookie's id is not in the register, only its hash
