"""The dev server's client for the end-to-end tests (the server itself is `dev_env` in tests/conftest.py)."""

from __future__ import annotations

import pytest_asyncio
from temporalio.client import Client

from engine.client import data_converter


@pytest_asyncio.fixture
async def dev_client(dev_env, settings):
    yield Client(**{**dev_env.client.config(), "data_converter": data_converter(settings)})
