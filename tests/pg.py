"""A throw-away PostgreSQL server for the tests, built from Debian's server binaries.

    with throwaway_postgres() as server:
        url = server.create_database("fasthold")   # postgresql+psycopg://postgres@127.0.0.1:PORT/fasthold

The server lives in a temporary directory, listens only on 127.0.0.1 (and a unix socket inside that directory),
trusts local connections, and is stopped and removed at the end. initdb refuses to run as root, so as root the
server runs as the `postgres` OS user (Debian's package creates it). Missing binaries are an error, never a skip.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from tests.ports import free_port

INSTALL_HINT = (
    "PostgreSQL's server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin "
    "or on PATH. Install Debian's 'postgresql' package: bash scripts/postgres.sh"
)


class PostgresUnavailable(RuntimeError):
    pass


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb, or the directory of initdb on PATH."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in Path(p).parent.parent.name.split(".")],
    )
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    raise PostgresUnavailable(INSTALL_HINT)


class PostgresServer:
    def __init__(self, bin_dir: Path, root: Path, port: int, as_user: str | None):
        self.bin_dir, self.root, self.port, self.as_user = bin_dir, root, port, as_user
        self.data = root / "data"
        self.sockets = root / "sockets"
        self.log = root / "server.log"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise PostgresUnavailable(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()}\n{log}")
        return result

    def init(self) -> None:
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"
        )

    def start(self) -> None:
        # Durability is worthless for a throw-away server: turn off what makes writes slow.
        options = (
            f"-h 127.0.0.1 -p {self.port} -k {self.sockets} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _admin(self):
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres", autocommit=True)

    def create_database(self, name: str) -> str:
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _os_user_for_server() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "running as root, and there is no 'postgres' OS user to run the server as "
            "(initdb refuses root). " + INSTALL_HINT
        ) from None
    return "postgres"


@contextmanager
def throwaway_postgres() -> Iterator[PostgresServer]:
    bin_dir = find_bin_dir()
    as_user = _os_user_for_server()
    root = Path(tempfile.mkdtemp(prefix="fasthold-pg-"))
    server = None
    try:
        (root / "sockets").mkdir()
        if as_user:
            info = pwd.getpwnam(as_user)
            for path in (root, root / "sockets"):
                os.chown(path, info.pw_uid, info.pw_gid)
        for attempt in range(5):
            server = PostgresServer(bin_dir, root, free_port(), as_user)
            if attempt == 0:
                server.init()
            try:
                server.start()
                break
            except PostgresUnavailable:
                if attempt == 4:  # the port was taken between choosing it and binding it, five times: give up
                    raise
                time.sleep(0.2)
        yield server
    finally:
        try:
            if server is not None and (root / "data" / "postmaster.pid").exists():
                server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
