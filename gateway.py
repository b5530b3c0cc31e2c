"""The inbound mail gateway on its own, for production: answers to meeting invitations arrive here by SMTP.

    python gateway.py        # config/defaults.yaml and FASTHOLD_* environment variables; Ctrl-C stops it

Point the mail exchanger for the organizer address (FASTHOLD_ORGANIZER_EMAIL) at FASTHOLD_GATEWAY_HOST and
FASTHOLD_GATEWAY_PORT. It needs the same FASTHOLD_TEMPORAL_ADDRESS, FASTHOLD_DATABASE_URL and
FASTHOLD_PAYLOAD_KEY as the worker. Received mail is kept under <data_dir>/inbox/.
"""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from config.settings import Settings, load_settings
from engine.client import connect
from engine.logs import configure_logging, set_workflow_id_resolver, workflow_id_resolver
from mailing.gateway import start_gateway
from register.db import Register, upgrade

log = logging.getLogger("fasthold.gateway")


async def run(settings: Settings) -> None:
    url = settings.resolved_database_url
    upgrade(url)  # a no-op when the worker has migrated the register already
    register = Register(url)
    set_workflow_id_resolver(workflow_id_resolver(register))  # log lines name a case's workflow id too
    gateway = None
    try:
        try:
            client = await connect(settings)
        except RuntimeError:
            raise RuntimeError(f"Temporal svarer ikke på {settings.temporal_address}") from None
        gateway = start_gateway(settings, client, register)
        print(f"Postindgangen kører: svar på invitationer modtages på smtp://{settings.gateway_host}:"
              f"{settings.gateway_port} og gemmes i {gateway.inbox.root}. Stop med Ctrl-C.", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        print("Stopper ...", flush=True)
    finally:
        if gateway is not None:
            await gateway.aclose()
        register.dispose()
    print("Stoppet.", flush=True)


def main() -> int:
    try:
        settings = load_settings()
        configure_logging(settings, "gateway")
        asyncio.run(run(settings))
    except KeyboardInterrupt:
        pass
    except Exception as err:  # start-up problems are one line; the details go to the debug log
        log.debug("start-up failed", exc_info=True)
        print(f"Postindgangen kunne ikke starte: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    code = main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: once a Temporal client has existed it can abort there with "Fatal Python
    # error: PyGILState_Release" (temporalio/sdk-python#300). Everything is closed and flushed by now.
    os._exit(code)
