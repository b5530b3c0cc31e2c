"""Database fixtures for the register tests: a real SQLite file and a real, throw-away PostgreSQL server.

`register_url` is parametrised, so every test that asks for it runs once on each database.
"""
from __future__ import annotations

import uuid

import pytest

from tests.pg import throwaway_postgres


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole session; it fails (never skips) when the binaries are missing."""
    with throwaway_postgres() as server:
        yield server


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's server, dropped after the test."""
    name = f"fasthold_{uuid.uuid4().hex[:12]}"
    url = pg_server.create_database(name)
    yield url
    pg_server.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'register.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def register_url(request):
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
