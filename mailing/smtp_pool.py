"""A few SMTP connections kept open between messages, so a burst of mail does not pay a TCP connection, EHLO,
STARTTLS handshake and AUTH for every message.

A connection is used by one message at a time. It is not reused when it has been idle longer than
`idle_seconds` (relays drop quiet clients after a minute or a few; a dropped connection shows only when the
next command fails) or when it has carried `messages_per_connection` messages (relays cap that too). If a
reused connection turns out to be closed by the server, the message is sent once more on a fresh connection:
the server had not taken it, or, in the rare case it had and the answer was lost, the copy carries the same
Message-ID, which is the promise the mail activity makes for every retry.

Bound to the event loop it first sends on (the worker's): aiosmtplib's connections belong to one loop.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field
from email.message import EmailMessage

import aiosmtplib


def _gone(err: BaseException) -> bool:
    """The connection is gone (closed by the server, or closing: 421), as opposed to "the message is refused"."""
    if isinstance(err, (aiosmtplib.SMTPServerDisconnected, ConnectionError)):
        return True
    return isinstance(err, aiosmtplib.SMTPResponseException) and err.code == 421


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    start_tls: bool = False
    tls_context: ssl.SSLContext | None = None
    username: str | None = None
    password: str | None = None
    timeout: float = 30


@dataclass
class _Connection:
    smtp: aiosmtplib.SMTP
    messages: int = 0
    idle_since: float = field(default_factory=time.monotonic)


class SmtpPool:
    def __init__(self, target: SmtpTarget, size: int = 4, idle_seconds: float = 30, messages_per_connection: int = 100):
        self.target, self.size = target, max(1, size)
        self.idle_seconds, self.messages_per_connection = idle_seconds, messages_per_connection
        self._idle: list[_Connection] = []
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self.opened = 0  # connections opened so far (for tests and benchmarks)

    async def send(self, message: EmailMessage) -> None:
        """Send one message; raises aiosmtplib's errors as a one-off `aiosmtplib.send` would."""
        self._bind_to_loop()
        async with self._slots:
            conn, reused = await self._take()
            try:
                await self._send_on(conn, message)
            except Exception as err:
                if not (reused and _gone(err)):
                    raise
                await self._send_on(await self._open(), message)

    async def _send_on(self, conn: _Connection, message: EmailMessage) -> None:
        try:
            await conn.smtp.send_message(message)
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as err:
            # aiosmtplib has reset the transaction: the connection can carry the next message, unless the
            # server said it is closing it (421).
            if _gone(err) or not conn.smtp.is_connected:
                await self._close(conn)
            else:
                await self._give_back(conn)
            raise
        except BaseException:
            await self._close(conn)  # in an unknown state: never reuse it
            raise
        conn.messages += 1
        await self._give_back(conn)

    async def close(self) -> None:
        while self._idle:
            await self._close(self._idle.pop())

    def _bind_to_loop(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # first use, or a new loop (tests): connections of another loop are unusable
            self._loop, self._idle = loop, []
            self._slots = asyncio.Semaphore(self.size)

    async def _take(self) -> tuple[_Connection, bool]:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if conn.smtp.is_connected and now - conn.idle_since < self.idle_seconds:
                return conn, True
            await self._close(conn)
        return await self._open(), False

    async def _open(self) -> _Connection:
        t = self.target
        smtp = aiosmtplib.SMTP(
            hostname=t.host,
            port=t.port,
            start_tls=t.start_tls,
            tls_context=t.tls_context,
            username=t.username,
            password=t.password,
            timeout=t.timeout,
        )
        try:
            await smtp.connect()  # with STARTTLS and AUTH when the target asks for them
        except BaseException:
            smtp.close()
            raise
        self.opened += 1
        return _Connection(smtp)

    async def _give_back(self, conn: _Connection) -> None:
        if conn.messages >= self.messages_per_connection:
            await self._close(conn)
            return
        conn.idle_since = time.monotonic()
        self._idle.append(conn)

    @staticmethod
    async def _close(conn: _Connection) -> None:
        try:
            await conn.smtp.quit(timeout=5)
        except Exception:
            conn.smtp.close()
