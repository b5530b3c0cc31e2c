"""Parse an inbound message with a time and a memory bound, in a process of its own.

Whatever shape the limits (``mailing.message_shape``) do not foresee, the parse cannot hold the gateway, nor
grow the process that holds the Temporal client (in the embedded run, the worker's): it runs in a fresh child
interpreter (`python -m mailing.bounded_parse`, nothing inherited: no threads, no Temporal runtime) that sets
its own RLIMIT_AS before reading the message, and is killed when its time is up. The answer comes back as the
parser's result or its own ImipError; an exceeded bound is the ImipError ``too_complex``. A child costs a
start of the interpreter (tens of milliseconds; bench/bench_gateway_hostile.py prints it), which a gateway
receiving replies to invitations can afford many times over.
"""

from __future__ import annotations

import errno
import os
import pickle
import resource
import subprocess
import sys
from pathlib import Path

from mailing.imip import ImipError, InboundMail, parse_inbound

__all__ = ["parse_bounded", "PARSE_SECONDS", "PARSE_MEMORY_BYTES"]

PARSE_SECONDS = 5.0
PARSE_MEMORY_BYTES = 768 * 1024 * 1024  # address space of the child, interpreter included
_ROOT = str(Path(__file__).resolve().parents[1])


def parse_bounded(
    raw: bytes, calendar_limit: int, *, seconds: float = PARSE_SECONDS, memory: int = PARSE_MEMORY_BYTES
) -> InboundMail:
    """parse_inbound in a child process; raises ImipError only (``too_complex`` past a bound). Blocking: call
    it from a thread (asyncio.to_thread)."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": _ROOT, "PYTHONHASHSEED": "0"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mailing.bounded_parse", str(calendar_limit), str(memory)],
            input=raw,
            capture_output=True,
            timeout=seconds,
            env=env,
            cwd=_ROOT,
        )
    except subprocess.TimeoutExpired:
        raise ImipError("too_complex", f"parsing took over {seconds:g} s") from None
    try:
        result = pickle.loads(done.stdout)
    except Exception:
        raise ImipError("too_complex", f"the parser stopped (exit {done.returncode}; out of memory?)") from None
    if result[0] == "ok":
        return result[1]
    raise ImipError(result[1], result[2])


def _out_of_memory(error: BaseException) -> bool:
    """True when the bound caused the error somewhere down its chain (MemoryError, or ENOMEM from the OS)."""
    seen = error
    while seen is not None:
        if isinstance(seen, MemoryError) or (isinstance(seen, OSError) and seen.errno == errno.ENOMEM):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _child() -> None:
    calendar_limit, memory = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    raw = sys.stdin.buffer.read()
    try:
        result = ("ok", parse_inbound(raw, calendar_limit))
    except ImipError as err:
        if _out_of_memory(err):  # the bound, met inside a library (a lazy import, a file read): not the mail's fault
            result = ("error", "too_complex", "parsing needed more memory than allowed")
        else:
            result = ("error", err.code, err.args[0])
    except MemoryError:
        result = ("error", "too_complex", "parsing needed more memory than allowed")
    sys.stdout.buffer.write(pickle.dumps(result))


if __name__ == "__main__":
    _child()
