"""Database fixtures for the register tests (a real SQLite file and a real, throw-away PostgreSQL server), and the
cases a gateway test started, ended after it.

`register_url` is parametrised, so every test that asks for it runs once on each database.
"""

from __future__ import annotations

import pytest
import pytest_asyncio
from temporalio.service import RPCError

from tests.helpers import quiet


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'register.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def register_url(request):
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest_asyncio.fixture
async def cases(env):
    """Cases a test started, terminated at its end: the time-skipping server is shared by the session, and a
    case left waiting on timers without its worker would hold back the clock for the tests after it."""
    handles: list = []
    yield handles
    for handle in handles:
        # Let what an answer set off (a decline moves the meeting) finish first: the test server does not skip
        # time past an activity cut off by a termination.
        await quiet(handle)
        try:
            await handle.terminate(reason="test finished")
        except RPCError:
            pass  # already closed
