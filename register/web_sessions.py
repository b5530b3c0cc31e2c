"""The workbench's sessions in the register: started at sign-in, ended at sign-out or after being idle.

The cookie carries a random session id; the register keeps its hash, whom it belongs to, when it was last used
and when it ended. A cookie is only as good as its session here, so a copy of it stops working when its owner
signs out, from whichever tab.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from register.db import Register
from register.models import WebSession

# Writing "last seen" on every page would queue every page behind the worker's writes: once a minute is enough
# to measure an idle timeout of many minutes.
TOUCH_EVERY = timedelta(minutes=1)


def _key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # SQLite returns naive UTC


class WebSessions:
    def __init__(self, register: Register, idle: timedelta):
        self.register, self.idle = register, idle

    def start(self, user_email: str, now: datetime | None = None) -> str:
        now = now or datetime.now(timezone.utc)
        session_id = secrets.token_urlsafe(32)
        with self.register.session() as session:
            session.add(WebSession(id=_key(session_id), user_email=user_email, started_at=now, last_seen=now))
        return session_id

    def alive(self, session_id: str, user_email: str, now: datetime | None = None) -> bool:
        """Whether the session is still on (and is this user's); an idle one is ended here."""
        if not session_id:
            return False
        now = now or datetime.now(timezone.utc)
        with self.register.session() as session:
            row = session.get(WebSession, _key(session_id))
            if row is None or row.ended_at is not None or row.user_email != user_email:
                return False
            if now - _aware(row.last_seen) > self.idle:
                row.ended_at = now
                return False
            if now - _aware(row.last_seen) > TOUCH_EVERY:
                row.last_seen = now
            return True

    def end(self, session_id: str, now: datetime | None = None) -> None:
        if not session_id:
            return
        with self.register.session() as session:
            row = session.get(WebSession, _key(session_id))
            if row is not None and row.ended_at is None:
                row.ended_at = now or datetime.now(timezone.utc)
