"""The inbound mail gateway: answers to meeting invitations (iMIP REPLY / COUNTER) received over SMTP.

    python gateway.py        # config/defaults.yaml and FASTHOLD_* environment variables; Ctrl-C stops it

    SMTP (aiosmtpd, own thread)            event loop of the Temporal client
    RCPT: organizer address? else 550      queue ──► case_service.replies.Processor ──► the case
    DATA: over the limit? 552 (aiosmtpd)
          keep in inbox/new/, 250 ─────────►

This module is the SMTP entry point only: what is done with a kept message is `case_service.replies`, which
policy decides `mailing.reply_policy`, where it is kept `mailing.inbox`.

The gateway is never the internet-facing mail exchanger. The municipality's mail server (the relay) receives
mail for the organizer address (FASTHOLD_ORGANIZER_EMAIL), checks SPF/DKIM/DMARC, strips inbound
Authentication-Results headers carrying its own authserv-id, adds its own on top, and forwards to
FASTHOLD_GATEWAY_HOST:FASTHOLD_GATEWAY_PORT. Only the relay's addresses (FASTHOLD_GATEWAY_RELAY_NETWORKS) may
connect; anyone else gets 554 when the connection opens. It needs the same FASTHOLD_TEMPORAL_ADDRESS,
FASTHOLD_DATABASE_URL and
FASTHOLD_PAYLOAD_KEY as the worker. Received mail is kept under <data_dir>/inbox/.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
from datetime import datetime, timezone

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from temporalio.client import Client

from case_service.inbox_retention import sweep_inbox
from case_service.replies import UPDATE_TIMEOUT, Processor, SenderTrust, Transient
from case_service.service import CaseService
from config.settings import Settings, load_settings
from engine.client import connect
from mailing.imip import normalise_address
from mailing.inbox import Inbox, Received
from mailing.relays import RelayNetworks
from mailing.reply_policy import CALENDAR_LIMIT, organizer_addresses
from observability.logs import configure_logging, set_workflow_id_resolver, workflow_id_resolver
from register.db import Register, upgrade

__all__ = ["GatewayController", "start_gateway", "SMTP_LIMIT", "CALENDAR_LIMIT"]

log = logging.getLogger("fasthold.gateway")

SMTP_LIMIT = 10_000_000  # bytes; above this aiosmtpd answers 552 and nothing is received


class _Handler:
    """aiosmtpd hooks, run on the SMTP thread: accept organizer addresses, keep the message, hand it over."""

    def __init__(self, addresses: frozenset[str], inbox: Inbox, hand_over):
        self.addresses, self.inbox, self.hand_over = addresses, inbox, hand_over

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if normalise_address(address) not in self.addresses:
            log.info("inbound recipient refused (550): not an organizer address")
            return "550 5.1.1 Modtageren findes ikke her (recipient not accepted)"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        try:
            peer = session.peer[0] if isinstance(session.peer, tuple) and session.peer else ""
            item = self.inbox.keep(raw, list(envelope.rcpt_tos), peer=str(peer))
        except OSError as exc:
            log.error("inbound message could not be kept (%s): deferred", type(exc).__name__)
            return "451 4.3.0 Temporary failure, please try again later"
        self.hand_over(item)
        return "250 2.0.0 Message accepted"


class _SMTP(SMTP):
    """aiosmtpd's server, refusing any machine but the relays when the connection opens, and logging what it
    refuses for size (it receives nothing of such a message to keep)."""

    def __init__(self, handler, *, relays: RelayNetworks, **kwargs):
        super().__init__(handler, **kwargs)
        self.relays = relays
        self._refused_peer = False

    def connection_made(self, transport):
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        if self._original_transport is None and not self.relays.allows(address):
            # Before the greeting: a sender that is not our relay never gets to hand over a message, so no
            # header it writes can pose as the relay's verdict.
            self._refused_peer = True
            log.warning(
                "inbound connection refused: %s is not a configured relay (gateway_relay_networks)",
                address or "unknown peer",
            )
            transport.write(b"554 5.7.1 Forbindelse afvist: kun kommunens mailserver kan aflevere post her\r\n")
            transport.close()
            return
        super().connection_made(transport)

    def connection_lost(self, error):
        if self._refused_peer:
            return
        super().connection_lost(error)

    async def push(self, status: str):
        if status.startswith("552"):
            log.warning(
                "inbound message refused at SMTP level: too_large (over %s bytes, not kept)", self.data_size_limit
            )
        return await super().push(status)


class _Controller(Controller):
    def __init__(self, handler, *, relays: RelayNetworks, **kwargs):
        super().__init__(handler, **kwargs)
        self.relays = relays

    def factory(self):
        return _SMTP(self.handler, relays=self.relays, **self.SMTP_kwargs)


class GatewayController:
    """The running gateway: the SMTP server on its thread and the processing task on the client's loop."""

    def __init__(
        self,
        settings: Settings,
        client: Client,
        register: Register,
        *,
        addresses: frozenset[str] | None = None,
        smtp_limit: int = SMTP_LIMIT,
        calendar_limit: int = CALENDAR_LIMIT,
        update_timeout: float = UPDATE_TIMEOUT,
        trust_loopback: bool | None = None,
    ):
        self.hostname, self.port = settings.gateway_host, settings.gateway_port
        self.trust = SenderTrust.from_settings(settings, loopback=trust_loopback)
        self.relays = RelayNetworks.parse(settings.gateway_relay_networks)
        self.addresses = addresses or organizer_addresses(settings)
        self.inbox = Inbox(settings.data_path / "inbox")
        self.processor = Processor(
            CaseService(client, settings),
            register,
            self.inbox,
            calendar_limit=calendar_limit,
            update_timeout=update_timeout,
            trust=self.trust,
        )
        self.smtp = _Controller(
            _Handler(self.addresses, self.inbox, self._hand_over),
            relays=self.relays,
            hostname=self.hostname,
            port=self.port,
            data_size_limit=smtp_limit,
            server_hostname="fasthold-gateway",
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Received] | None = None
        self._task: asyncio.Task | None = None
        self._tasks: list[asyncio.Task] = []
        self.concurrency = max(1, settings.gateway_concurrency)
        self.retention_days = settings.retention_days
        self._pending = 0
        self._lock = threading.Lock()
        self._listening = False

    def start(self) -> GatewayController:
        """Call from the event loop that owns the Temporal client."""
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        set_workflow_id_resolver(workflow_id_resolver(self.processor.register))  # lines naming a case by reference
        smtp_log = logging.getLogger("mail.log")  # aiosmtpd logs every sender and recipient at INFO
        if smtp_log.level == logging.NOTSET:
            smtp_log.setLevel(logging.WARNING)
        for item in self.inbox.waiting():  # left by a stop or a crash: process them first
            self._count(+1)
            self._queue.put_nowait(item)
        # Several messages at once: a slow one (up to its parse bound) never holds a genuine reply behind it.
        self._tasks = [self._loop.create_task(self._work(), name=f"mail-gateway-{n}") for n in range(self.concurrency)]
        self._task = self._tasks[0]
        self._tasks.append(self._loop.create_task(self._sweep_daily(), name="mail-gateway-retention"))
        self.smtp.start()
        self._listening = True
        log.info("mail gateway listening on %s:%s", self.hostname, self.port)
        return self

    def stop(self) -> None:
        """Stop receiving and processing; a message being processed stays in new/ for the next start."""
        self._stop_smtp()
        if self._task is not None and self._loop is not None and not self._loop.is_closed():
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            for task in self._tasks:
                if running is self._loop:
                    task.cancel()
                else:
                    self._loop.call_soon_threadsafe(task.cancel)
        self._task = None
        self._tasks = []

    async def aclose(self, timeout: float = 10.0) -> None:
        """Stop receiving, let what has been received be processed (up to ``timeout``), then stop."""
        self._stop_smtp()
        try:
            await self.idle(timeout)
        except TimeoutError:
            pass
        self.stop()

    def _stop_smtp(self) -> None:
        if self._listening:
            self._listening = False
            self.smtp.stop(no_assert=True)

    @property
    def pending(self) -> int:
        """Messages received but not yet filed in accepted/ or refused/ (including ones waiting for a retry)."""
        with self._lock:
            return self._pending

    async def idle(self, timeout: float = 30.0) -> None:
        """Wait until every received message has been filed."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.pending:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{self.pending} inbound message(s) still being processed")
            await asyncio.sleep(0.02)

    def _count(self, delta: int) -> None:
        with self._lock:
            self._pending += delta

    def _hand_over(self, item: Received) -> None:
        """From the SMTP thread: counted before the 250 is sent, so idle() never misses it."""
        self._count(+1)
        self._loop.call_soon_threadsafe(self._queue.put_nowait, item)

    async def sweep_inbox(self) -> int:
        """Erase kept messages whose case's personal data is erased, or that belong to no case and are older
        than the retention period (case_service.inbox_retention)."""
        return await asyncio.to_thread(
            sweep_inbox, self.inbox, self.processor.register, self.retention_days, datetime.now(timezone.utc)
        )

    async def _sweep_daily(self) -> None:
        while True:
            try:
                removed = await self.sweep_inbox()
                if removed:
                    log.info("retention: %s kept inbound message(s) erased", removed)
            except Exception as exc:  # the register unreachable: the next round tries again
                log.warning("retention of kept messages failed: %s", type(exc).__name__)
            await asyncio.sleep(6 * 3600)

    async def _work(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self.processor.process(item)
            except Transient as exc:
                item.attempt += 1
                delay = min(300.0, 2.0**item.attempt)
                log.warning(
                    "inbound message %s waits: %s; next try in %.0f s", item.path.stem, exc, delay, extra=exc.case
                )
                self._loop.call_later(delay, self._queue.put_nowait, item)
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # filing failed (disk?): it stays in new/ for the next start
                log.error("inbound message %s left in new/: %s", item.path.stem, type(exc).__name__)
                log.debug("filing failed", exc_info=True)
            self._count(-1)


def trust_line(trust: SenderTrust, relays: RelayNetworks | None = None) -> str:
    """What the gateway believes about senders, said at start so nobody runs it trusting more than they think."""
    if relays is not None:
        return f"Postindgangen tager kun imod post fra: {relays}. " + trust_line(trust)
    if trust.loopback:
        return (
            "Postindgangen stoler på svar, der afleveres fra denne maskine (127.0.0.1), uden kontrol af "
            "afsenderen. Det er kun til lokal brug."
        )
    if trust.own is not None:
        return (
            "Postindgangen kontrollerer selv afsenderens DKIM-signatur (afstemt med afsenderdomænets DMARC)"
            + (f" og stoler på mailserveren {', '.join(sorted(trust.authserv_ids))}" if trust.authserv_ids else "")
            + "; andre svar bliver en opgave til sagsbehandleren."
        )
    if trust.authserv_ids:
        return (
            f"Postindgangen stoler kun på afsendere, som mailserveren {', '.join(sorted(trust.authserv_ids))} "
            f"har bekræftet ({', '.join(sorted(trust.methods))}); andre svar bliver en opgave til "
            "sagsbehandleren."
        )
    return (
        "Postindgangen har ingen betroet mailserver (gateway_trusted_authserv_ids): ingen svar registreres "
        "automatisk; hvert svar bliver en opgave til sagsbehandleren."
    )


def start_gateway(settings: Settings, client: Client, register: Register, **options) -> GatewayController:
    """Start the gateway in-process on ``settings.gateway_host:gateway_port``; call ``stop()`` (or ``aclose()``).

    Must be called from the event loop that owns ``client``. Options: ``addresses`` (default: the organizer
    address(es) in the settings), ``smtp_limit``, ``calendar_limit``, ``update_timeout``, ``trust_loopback``
    (default: the setting ``gateway_trust_loopback``).
    """
    return GatewayController(settings, client, register, **options).start()


async def run(settings: Settings) -> None:
    url = settings.resolved_database_url
    upgrade(url)  # a no-op when the worker has migrated the register already
    register = Register(url)
    gateway = None
    try:
        try:
            client = await connect(settings)
        except RuntimeError:
            raise RuntimeError(f"Temporal svarer ikke på {settings.temporal_address}") from None
        gateway = start_gateway(settings, client, register)
        print(
            f"Postindgangen kører: svar på invitationer modtages på smtp://{settings.gateway_host}:"
            f"{settings.gateway_port} og gemmes i {gateway.inbox.root}. Stop med Ctrl-C.",
            flush=True,
        )
        print(trust_line(gateway.trust, gateway.relays), flush=True)
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
