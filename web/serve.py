"""Serving the workbench with uvicorn inside another program's event loop (the local runner), or on its own
(`python -m web`)."""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn

from config.settings import Settings
from web.app import create_app


class EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handlers: the program that embeds it decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


async def start_web(settings: Settings, client) -> tuple[EmbeddedServer, asyncio.Task]:
    """Start serving on settings.web_host:web_port; returns once it listens. Stop with `stop_web`."""
    config = uvicorn.Config(
        create_app(settings, client),
        host=settings.web_host,
        port=settings.web_port,
        log_level="warning",
        access_log=False,
        lifespan="on",
    )
    server = EmbeddedServer(config)
    task = asyncio.create_task(server.serve(), name="web")
    while not server.started:
        if task.done():
            task.result()  # raises what stopped it (the port is taken, say)
            raise RuntimeError("the web workbench stopped at start")
        await asyncio.sleep(0.05)
    return server, task


async def stop_web(server: EmbeddedServer, task: asyncio.Task) -> None:
    server.should_exit = True
    with contextlib.suppress(Exception):
        await asyncio.wait_for(task, timeout=10)
