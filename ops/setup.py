"""One-shot setup before the long-running processes start: migrate the register, load the roster, register
the search attributes on the Temporal namespace.

Why apart from the worker: several worker replicas starting at once would race to migrate an empty
database and to insert the roster. docker-compose.yml runs this first (`service_completed_successfully`);
tests/e2e/test_topology.py does the same. Safe to run again: every step is idempotent.

    python -m ops.setup
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time

from config.settings import Settings, load_settings

log = logging.getLogger("fasthold.setup")


async def setup(settings: Settings, wait_seconds: float = 120) -> None:
    from engine.client import connect
    from engine.search_setup import register_search_attributes
    from register.prepare import prepare_register

    register, _ = prepare_register(settings)
    register.dispose()
    log.info("register migrated and roster loaded")
    deadline = time.monotonic() + wait_seconds
    while True:  # Temporal may still be starting (its own schema setup takes a while on first start)
        try:
            client = await connect(settings)
            break
        except Exception as err:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Temporal did not answer on {settings.temporal_address}") from err
            await asyncio.sleep(2)
    added = await register_search_attributes(client, settings.temporal_namespace)
    from case_service.retention import ensure_retention_schedule

    await ensure_retention_schedule(client, settings)
    from case_service.retrain import ensure_retrain_schedule  # decision support, retrained weekly

    await ensure_retrain_schedule(client, settings)
    log.info("retention schedule in place: personal data erased %s days after a case ends", settings.retention_days)
    log.info(
        "search attributes registered on namespace %s: %s",
        settings.temporal_namespace,
        ", ".join(added) or "all there already",
    )


def main() -> int:
    from observability.logs import configure_logging

    settings = load_settings()
    configure_logging(settings, "setup")
    try:
        asyncio.run(setup(settings))
        code = 0
    except Exception as err:
        log.error("setup failed: %s: %s", type(err).__name__, err)
        code = 1
    logging.shutdown()
    sys.stderr.flush()
    os._exit(code)  # as gateway.py: skip interpreter teardown once a Temporal client existed (sdk-python#300)


if __name__ == "__main__":
    main()
