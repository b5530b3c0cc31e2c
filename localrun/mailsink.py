"""A local SMTP server that keeps every message it receives as an .eml file, so a new user can open the mails.

Used by the run command (embedded defaults) and by the tests, which read the same files and messages.
"""

from __future__ import annotations

import email
import email.policy
import itertools
import re
import threading
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class MailSink:
    """aiosmtpd handler: writes each message to <directory>/<time>-<n>-<recipient>.eml and keeps it in memory."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.messages: list[EmailMessage] = []
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            n = next(self._counter)
            self.messages.append(message)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        recipient = re.sub(r"[^A-Za-z0-9@._-]", "_", envelope.rcpt_tos[0] if envelope.rcpt_tos else "unknown")
        (self.directory / f"{stamp}-{n:05d}-{recipient}.eml").write_bytes(raw)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in str(m["To"]).lower()]


def start_mail_sink(directory: Path, host: str = "127.0.0.1", port: int = 8025) -> tuple[Controller, MailSink]:
    sink = MailSink(directory)
    controller = Controller(sink, hostname=host, port=port)
    controller.start()
    return controller, sink


def main(argv: list[str] | None = None) -> int:
    """Run on its own, as the test topology's mail catcher (Mailpit's place in docker-compose.yml).

    python -m localrun.mailsink DIRECTORY [--host 127.0.0.1] [--port 8025]
    """
    import argparse
    import signal

    parser = argparse.ArgumentParser(prog="python -m localrun.mailsink")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args(argv)
    controller, _ = start_mail_sink(args.directory, args.host, args.port)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    print(f"mail sink on {args.host}:{args.port} writing to {args.directory}", flush=True)
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
