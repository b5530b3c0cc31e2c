"""Free loopback ports for the servers tests start.

A port the kernel hands out for `bind(0)` comes from the ephemeral range, the same range it uses for the
source port of every outgoing connection. Between a test picking such a port and the server binding it,
any client connection (the dev server's own gRPC clients, a worker, a browser) may take it: CI once failed
on exactly that ("address already in use"). Ports below the ephemeral range are never handed out that way,
so they are picked from there, at random, and never twice in one test run."""

from __future__ import annotations

import random
import socket
from pathlib import Path

_handed_out: set[int] = set()


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_port() -> int:
    """A loopback port nobody listens on, outside the kernel's ephemeral range."""
    high = min(_ephemeral_start(), 32768)
    low = 20000 if high > 21000 else 1024
    for _ in range(1000):
        port = random.randrange(low, high)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free loopback port between {low} and {high}")
