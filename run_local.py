"""Run the whole engine on embedded defaults in one terminal; Ctrl-C stops all of it.

Starts the Temporal dev server (with its Web UI, persisting to <data_dir>/temporal.db, the project's search
attributes registered), a local SMTP server that keeps every mail as an .eml file, the mail gateway, the codec
server, the web workbench and the worker.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from case_service.retention import ensure_retention_schedule
from case_service.retrain import ensure_retrain_schedule
from config.settings import Settings, load_settings
from engine.client import connect
from engine.search_attributes import cli_flags
from gateway import start_gateway, trust_line
from localrun.binaries import find_binary
from localrun.local_secrets import local_password
from localrun.mailsink import start_mail_sink
from observability.runtime import make_runtime
from ops.codec_server import from_settings as codec_server_from_settings
from web.serve import start_web, stop_web
from worker import build_worker, prepare_register
from worker_support.case_metrics import CaseMetrics

log = logging.getLogger("fasthold.run")


def start_dev_server(settings: Settings) -> subprocess.Popen:
    host, _, port = settings.temporal_address.rpartition(":")
    settings.data_path.mkdir(parents=True, exist_ok=True)
    command = [
        find_binary("temporal"),
        "server",
        "start-dev",
        "--ip",
        host or "127.0.0.1",
        "--port",
        port,
        "--ui-port",
        str(settings.temporal_ui_port),
        "--db-filename",
        str(settings.data_path / "temporal.db"),
        "--namespace",
        settings.temporal_namespace,
        "--log-level",
        "error",
        *cli_flags(),
        # The UI decrypts payloads through our codec server, so operators can read a case's state.
        "--ui-codec-endpoint",
        f"http://{settings.codec_host}:{settings.codec_port}",
    ]
    log_file = open(settings.data_path / "temporal-server.log", "ab")
    # Its own process group: Ctrl-C reaches us, and we stop the server after the worker has drained. It dies
    # with us (kill -9 included), so no orphan is left for the next start to find.
    return subprocess.Popen(
        command, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent
    )


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to send SIGTERM when the process that started it dies."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the port check below still refuses an orphan
        pass


def refuse_a_server_we_did_not_start(settings: Settings) -> None:
    """A Temporal server already on our address (an orphan of a killed run, or someone else's) is not ours:
    attaching to it would run cases on a server whose data, settings and lifetime we do not control."""
    host, _, port = settings.temporal_address.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1):
            pass
    except OSError:
        return
    raise RuntimeError(
        f"der kører allerede noget på {settings.temporal_address} (måske en Temporal-server fra en "
        "tidligere start, der blev afbrudt). Stop den, eller vælg en anden adresse med "
        "FASTHOLD_TEMPORAL_ADDRESS"
    )


def gateway_trusts_loopback(settings: Settings) -> bool:
    """The embedded run's gateway trusts mail handed over on this machine unless told otherwise: there is no
    mail server here to vouch for senders. FASTHOLD_GATEWAY_TRUST_LOOPBACK=false is honoured (the default
    setting is false for production, so only an explicit setting can tell the two apart)."""
    if "FASTHOLD_GATEWAY_TRUST_LOOPBACK" in os.environ:
        return settings.gateway_trust_loopback
    return True


async def wait_for_client(settings: Settings, server: subprocess.Popen, seconds: float = 60.0, **options):
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        if server.poll() is not None:
            raise RuntimeError(
                f"Temporal dev server stopped (exit {server.returncode}); see "
                f"{settings.data_path / 'temporal-server.log'}"
            )
        try:
            return await connect(settings, **options)
        except Exception:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def run(settings: Settings) -> None:
    refuse_a_server_we_did_not_start(settings)
    register, roster = prepare_register(settings)
    server = start_dev_server(settings)
    controller = gateway = codec_server = web = metrics = None
    try:
        host = settings.temporal_address.rpartition(":")[0] or "127.0.0.1"
        codec_server = codec_server_from_settings(settings).start()
        runtime = make_runtime(settings)  # Prometheus when FASTHOLD_METRICS_PORT is set
        client = await wait_for_client(settings, server, **({"runtime": runtime} if runtime else {}))
        metrics = CaseMetrics(
            register,
            client,
            risk_working_days=settings.deadline_risk_working_days,
            task_queries=settings.case_metrics_task_queries,
        )
        if settings.case_metrics_port:
            metrics.start(settings.metrics_host, settings.case_metrics_port, settings.case_metrics_refresh_seconds)
        controller, _ = start_mail_sink(settings.mail_path, settings.smtp_host, settings.smtp_port)
        # It says below what it trusts. Production trusts only its mail servers' verdicts.
        gateway = start_gateway(settings, client, register, trust_loopback=gateway_trusts_loopback(settings))
        # The workbench's reprocessing of kept replies (Afviste svar) trusts senders as this run's gateway does.
        web = await start_web(settings.replace(gateway_trust_loopback=gateway.trust.loopback), client)
        await ensure_retention_schedule(client, settings)
        await ensure_retrain_schedule(client, settings)  # decision support, retrained weekly
        print(
            "\nFastholdelsesmotoren kører.\n"
            f"  Arbejdsbord:       {settings.base_url} (log ind med en e-mail fra config/roster.yaml og "
            f"adgangskoden {local_password(settings)})\n"
            f"  Temporal Web UI:   http://{host}:{settings.temporal_ui_port}\n"
            + (
                f"  Log ind på kodeserveren: http://{settings.codec_host}:{settings.codec_port}/login\n"
                if settings.codec_token
                else ""
            )
            + f"  Sendte mails:      {settings.mail_path} (.eml-filer)\n"
            f"  Svar på invitationer: smtp://{settings.gateway_host}:{settings.gateway_port}\n"
            f"  Sagsregister:      {settings.resolved_database_url}\n"
            f"  Start en sag:      .venv/bin/fasthold opret examples/sygemelding.json\n"
            f"  Se en sag:         .venv/bin/fasthold status SAG-2026-0001\n"
            f"  {trust_line(gateway.trust)}\n"
            "Stop alt med Ctrl-C.\n",
            flush=True,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        with ThreadPoolExecutor(max_workers=16) as executor:
            worker = build_worker(client, settings, register, roster, executor, metrics)
            async with worker:
                await stop.wait()
                print("Stopper ...", flush=True)
    finally:
        if web is not None:
            await stop_web(*web)
        if metrics is not None:
            metrics.stop()
        if codec_server is not None:
            codec_server.stop()
        if gateway is not None:
            gateway.stop()  # a message being processed stays in <data_dir>/inbox/new/ for the next start
        if controller is not None:
            controller.stop()
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        register.dispose()
        print("Stoppet.", flush=True)


def main() -> int:
    from observability.logs import configure_logging

    try:
        settings = load_settings()
        # The console is the operator's screen: warnings only, unless FASTHOLD_LOG_LEVEL asks for more (or less).
        configure_logging(settings, "run", level=None if "FASTHOLD_LOG_LEVEL" in os.environ else "WARNING")
        asyncio.run(run(settings))
    except KeyboardInterrupt:
        pass
    except Exception as err:  # start-up problems are shown as one line, with the details in the log
        log.debug("start-up failed", exc_info=True)
        print(f"Motoren kunne ikke starte: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
