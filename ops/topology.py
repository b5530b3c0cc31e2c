"""The production topology as data: which of the project's processes run, with which settings and ports.

Why a module: docker-compose.yml cannot be run on the build machines (no container engine), so the same
topology is proven by tests/e2e/test_topology.py, which starts these processes as separate OS processes with
the environment this module gives them. tests/unit/test_compose.py checks that docker-compose.yml starts the
same processes with the same environment, ports and health checks. Change the topology here first; both
tests then say what else must follow.

Settings reach a process three ways:
  - wiring (`Process.wiring`): where the other processes are and where to listen; written out in
    docker-compose.yml, with the compose service names, and computed for loopback in the test;
  - the env file (`Process.reads`, not secret): the municipality's own settings, from `fasthold.env` (example:
    config/fasthold.env.example), each service naming only those it reads;
  - secrets (`Process.reads`, in SECRETS): compose secrets made from `fasthold.env`, mounted as files only in
    the services that read them, and read through FASTHOLD_<KEY>_FILE (config/settings.py). No container
    gets the whole env file; docker-compose.yml holds no secret.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

SECRETS = frozenset(
    {
        "FASTHOLD_DATABASE_URL",
        "FASTHOLD_PAYLOAD_KEY",
        "FASTHOLD_PAYLOAD_PREVIOUS_KEYS",
        "FASTHOLD_CODEC_TOKEN",
        "FASTHOLD_SMTP_PASSWORD",
        "FASTHOLD_TEMPORAL_API_KEY",
        "FASTHOLD_WEB_SECRET",
        "FASTHOLD_OIDC_CLIENT_SECRET",
    }
)

TEMPORAL = (
    "FASTHOLD_TEMPORAL_NAMESPACE",
    "FASTHOLD_TEMPORAL_TLS",
    "FASTHOLD_TEMPORAL_TLS_CA_FILE",
    "FASTHOLD_TEMPORAL_TLS_CERT_FILE",
    "FASTHOLD_TEMPORAL_TLS_KEY_FILE",
    "FASTHOLD_TEMPORAL_TLS_SERVER_NAME",
    "FASTHOLD_TEMPORAL_API_KEY",
)
KEYS = ("FASTHOLD_PAYLOAD_KEY", "FASTHOLD_PAYLOAD_KEY_ID", "FASTHOLD_PAYLOAD_PREVIOUS_KEYS")
LOGS = ("FASTHOLD_LOG_LEVEL",)
# The worker writes links into mails (the employer's signed reply link, task links) that the web app reads.
LINKS = ("FASTHOLD_PUBLIC_BASE_URL", "FASTHOLD_WEB_SECRET", "FASTHOLD_EMPLOYER_LINK_DAYS")
SMTP = (
    "FASTHOLD_SMTP_HOST",
    "FASTHOLD_SMTP_PORT",
    "FASTHOLD_SMTP_STARTTLS",
    "FASTHOLD_SMTP_USERNAME",
    "FASTHOLD_SMTP_PASSWORD",
    "FASTHOLD_SMTP_CA_FILE",
    "FASTHOLD_MAIL_FROM",
    "FASTHOLD_ORGANIZER_EMAIL",
)


@dataclass(frozen=True)
class Process:
    name: str  # the compose service
    command: tuple[str, ...]  # argv after `python` in the project's image
    reads: tuple[str, ...]  # settings from the env file
    ports: tuple[str, ...] = ()  # settings naming the ports it listens on
    health: str = ""  # "http <port setting> <path>" | "smtp <port setting>" | "" (one-shot)
    replicas: int = 1
    oneshot: bool = False  # runs to completion before the others start (migrations, search attributes)
    wiring: tuple[str, ...] = field(default=())


PROCESSES: tuple[Process, ...] = (
    Process(
        "setup",
        ("-m", "ops.setup"),
        reads=("FASTHOLD_DATABASE_URL", "FASTHOLD_TASK_QUEUE", *TEMPORAL, *KEYS, *LOGS),
        oneshot=True,
        wiring=("FASTHOLD_TEMPORAL_ADDRESS", "FASTHOLD_LOG_FORMAT"),
    ),
    Process(
        "worker",
        ("worker.py",),
        reads=(
            "FASTHOLD_DATABASE_URL",
            "FASTHOLD_TASK_QUEUE",
            *LINKS,
            "FASTHOLD_HISTORY_EVENT_LIMIT",
            "FASTHOLD_DEADLINE_RISK_WORKING_DAYS",
            "FASTHOLD_CASE_METRICS_REFRESH_SECONDS",
            "FASTHOLD_CASE_METRICS_TASK_QUERIES",
            *TEMPORAL,
            *KEYS,
            *SMTP,
            *LOGS,
        ),
        ports=("FASTHOLD_METRICS_PORT", "FASTHOLD_CASE_METRICS_PORT"),
        health="http FASTHOLD_METRICS_PORT /metrics",
        replicas=2,
        wiring=(
            "FASTHOLD_TEMPORAL_ADDRESS",
            "FASTHOLD_LOG_FORMAT",
            "FASTHOLD_DATA_DIR",
            "FASTHOLD_METRICS_HOST",
            "FASTHOLD_METRICS_PORT",
            "FASTHOLD_CASE_METRICS_PORT",
        ),
    ),
    Process(
        "gateway",
        ("gateway.py",),
        reads=(
            "FASTHOLD_DATABASE_URL",
            "FASTHOLD_ORGANIZER_EMAIL",
            "FASTHOLD_GATEWAY_TRUSTED_AUTHSERV_IDS",
            "FASTHOLD_GATEWAY_AUTH_METHODS",
            "FASTHOLD_GATEWAY_RELAY_NETWORKS",
            "FASTHOLD_GATEWAY_VERIFY_DKIM",
            "FASTHOLD_GATEWAY_DNS_SERVER",
            "FASTHOLD_GATEWAY_CONCURRENCY",
            *TEMPORAL,
            *KEYS,
            *LOGS,
        ),
        ports=("FASTHOLD_GATEWAY_PORT",),
        health="smtp FASTHOLD_GATEWAY_PORT",
        wiring=(
            "FASTHOLD_TEMPORAL_ADDRESS",
            "FASTHOLD_LOG_FORMAT",
            "FASTHOLD_DATA_DIR",
            "FASTHOLD_GATEWAY_HOST",
            "FASTHOLD_GATEWAY_PORT",
        ),
    ),
    Process(
        "codec",
        ("-m", "ops.codec_server"),
        reads=(
            "FASTHOLD_TEMPORAL_NAMESPACE",
            "FASTHOLD_CODEC_TOKEN",
            "FASTHOLD_CODEC_ALLOWED_ORIGIN",
            "FASTHOLD_CODEC_COOKIE_SECURE",
            *KEYS,
            *LOGS,
        ),
        ports=("FASTHOLD_CODEC_PORT",),
        health="http FASTHOLD_CODEC_PORT /health",
        wiring=("FASTHOLD_LOG_FORMAT", "FASTHOLD_CODEC_HOST", "FASTHOLD_CODEC_PORT"),
    ),
)
# Operations' page of kept replies (web, Afviste svar) reprocesses them as the gateway decides: it reads the
# gateway's inbox (the same volume) and trusts senders by the gateway's settings.
REPROCESSING = (
    "FASTHOLD_ORGANIZER_EMAIL",
    "FASTHOLD_GATEWAY_TRUSTED_AUTHSERV_IDS",
    "FASTHOLD_GATEWAY_AUTH_METHODS",
    "FASTHOLD_GATEWAY_VERIFY_DKIM",
    "FASTHOLD_GATEWAY_DNS_SERVER",
)
PROCESSES = PROCESSES + (
    Process(
        "web",
        ("-m", "web"),
        reads=(
            "FASTHOLD_DATABASE_URL",
            "FASTHOLD_TASK_QUEUE",
            "FASTHOLD_MUNICIPALITY",
            *LINKS,
            "FASTHOLD_OIDC_ISSUER",
            "FASTHOLD_OIDC_CLIENT_ID",
            "FASTHOLD_OIDC_CLIENT_SECRET",
            "FASTHOLD_OIDC_USER_CLAIM",
            "FASTHOLD_LOCAL_PASSWORD",
            *REPROCESSING,
            *TEMPORAL,
            *KEYS,
            *LOGS,
        ),
        ports=("FASTHOLD_WEB_PORT",),
        health="http FASTHOLD_WEB_PORT /sundhed",
        wiring=(
            "FASTHOLD_TEMPORAL_ADDRESS",
            "FASTHOLD_LOG_FORMAT",
            "FASTHOLD_DATA_DIR",
            "FASTHOLD_WEB_HOST",
            "FASTHOLD_WEB_PORT",
        ),
    ),
)

# Where things are inside the compose network.
COMPOSE_PORTS = {
    "FASTHOLD_METRICS_PORT": 9464,
    "FASTHOLD_CASE_METRICS_PORT": 9465,
    "FASTHOLD_GATEWAY_PORT": 2525,
    "FASTHOLD_CODEC_PORT": 8081,
    "FASTHOLD_WEB_PORT": 8235,
}
COMPOSE_TEMPORAL = "temporal:7233"
COMPOSE_DATA_DIR = "/var/lib/fasthold"


def by_name(name: str) -> Process:
    for process in PROCESSES:
        if process.name == name:
            return process
    raise KeyError(name)


def env_file_keys() -> list[str]:
    """Every setting some process reads from the env file (config/fasthold.env.example lists exactly these)."""
    return sorted({key for process in PROCESSES for key in process.reads})


def wiring(process: Process, *, temporal: str, ports: dict[str, int], bind_host: str, data_dir: str) -> dict[str, str]:
    """The wiring environment of one process: the same function for compose and for the local test."""
    values = {
        "FASTHOLD_TEMPORAL_ADDRESS": temporal,
        "FASTHOLD_LOG_FORMAT": "json",
        "FASTHOLD_DATA_DIR": data_dir,
        "FASTHOLD_METRICS_HOST": bind_host,
        "FASTHOLD_GATEWAY_HOST": bind_host,
        "FASTHOLD_CODEC_HOST": bind_host,
        "FASTHOLD_WEB_HOST": bind_host,
        **{key: str(port) for key, port in ports.items()},
    }
    return {key: values[key] for key in process.wiring}


def compose_wiring(process: Process) -> dict[str, str]:
    return wiring(
        process, temporal=COMPOSE_TEMPORAL, ports=COMPOSE_PORTS, bind_host="0.0.0.0", data_dir=COMPOSE_DATA_DIR
    )


def healthcheck(process: Process, ports: dict[str, int]) -> list[str]:
    """The health check command (argv); in compose it runs inside the container, in the test on loopback."""
    if not process.health:
        return []
    kind, port_setting, *rest = process.health.split()
    port = ports[port_setting]
    if kind == "http":
        code = f"import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}{rest[0]}', timeout=3)"
    else:  # an SMTP server greets with 220
        code = (
            f"import socket; s = socket.create_connection(('127.0.0.1', {port}), 3); "
            "assert s.recv(64).startswith(b'220')"
        )
    return ["python", "-c", code]


def compose_healthcheck(process: Process) -> list[str]:
    return ["CMD", *healthcheck(process, COMPOSE_PORTS)] if process.health else []


def command_line(process: Process) -> str:
    return shlex.join(["python", *process.command])


def secret_name(key: str) -> str:
    """The compose secret that carries a secret setting: FASTHOLD_PAYLOAD_KEY -> payload_key."""
    return key.removeprefix("FASTHOLD_").lower()


def compose_environment(process: Process) -> dict[str, str | None]:
    """A service's environment in docker-compose.yml: its wiring, the settings it reads from the env file (a
    null value: compose passes the env file's value, or nothing when it is not set), and for each secret it
    reads the file the secret is mounted as."""
    environment: dict[str, str | None] = dict(compose_wiring(process))
    for key in process.reads:
        if key in SECRETS:
            environment[f"{key}_FILE"] = f"/run/secrets/{secret_name(key)}"
        else:
            environment[key] = None
    return environment


def compose_secrets(process: Process) -> list[str]:
    return sorted(secret_name(key) for key in process.reads if key in SECRETS)
