"""Database fixtures for the register tests: a real SQLite file and a real, throw-away PostgreSQL server.

`register_url` is parametrised, so every test that asks for it runs once on each database.
"""
from __future__ import annotations

import pytest


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'register.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def register_url(request):
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
