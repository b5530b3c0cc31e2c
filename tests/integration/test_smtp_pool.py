"""The SMTP connection pool against a real SMTP server (aiosmtpd on loopback): connections are reused, a
connection the server has dropped is replaced without losing the message, a refused recipient does not spoil
the connection, and a relay with STARTTLS and AUTH sees one login for many messages."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from temporalio.testing import ActivityEnvironment

from activities.mail import MailActivities
from localrun.mailsink import MailSink
from mailing.smtp_pool import SmtpPool, SmtpTarget
from tests.conftest import free_port
from tests.eventually import eventually_async
from tests.integration.test_mail_transport import relay, task_mail  # noqa: F401  (the relay fixture)


class CountingSink(MailSink):
    """Keeps each message and the client address:port (one per connection) it came over; refuses one address."""

    def __init__(self, directory):
        super().__init__(directory)
        self.peers: list[tuple] = []
        self.closing_after_first: bool = False
        self.mails_per_session: dict[int, int] = {}
        self.dropped: list[tuple] = []  # the client address:port of each connection that ended

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        n = self.mails_per_session[id(session)] = self.mails_per_session.get(id(session), 0) + 1
        if self.closing_after_first and n > 1:
            return "421 4.3.2 Service shutting down, closing transmission channel"
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("ukendt@"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)


class DropCounting(SMTP):
    """The server side of one connection, which tells the sink when the connection ends (the server dropped it)."""

    def connection_lost(self, error):
        if self.session is not None:
            self.event_handler.dropped.append(self.session.peer)
        super().connection_lost(error)


class CountingController(Controller):
    def factory(self):
        return DropCounting(self.handler, **self.SMTP_kwargs)


@pytest.fixture
def server(tmp_path):
    sink = CountingSink(tmp_path / "mail")
    port = free_port()
    # The server drops a client after 1 s without a command, as relays do after a minute or more.
    controller = CountingController(sink, hostname="127.0.0.1", port=port, timeout=1)
    controller.start()
    yield sink, port
    controller.stop()


def message(n: int, to: str = "modtager@example.dk") -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"], m["Message-ID"] = "afsender@example.dk", to, f"Besked {n}", f"<m{n}@test>"
    m.set_content(f"Besked nummer {n}")
    return m


async def test_many_messages_share_a_few_connections(server):
    sink, port = server
    pool = SmtpPool(SmtpTarget("127.0.0.1", port), size=3)
    await asyncio.gather(*(pool.send(message(n)) for n in range(30)))
    await pool.close()
    assert sorted(str(m["Subject"]) for m in sink.messages) == sorted(f"Besked {n}" for n in range(30))
    assert pool.opened == len(set(sink.peers)) <= 3


async def test_a_connection_the_server_dropped_is_replaced_and_the_message_sent_once(server):
    sink, port = server
    pool = SmtpPool(SmtpTarget("127.0.0.1", port), size=1, idle_seconds=60)
    await pool.send(message(1))
    # The server closes the idle connection; the pool still holds it.
    await eventually_async(
        lambda: sink.peers[0] in sink.dropped, timeout=10, what="the server dropping the idle connection"
    )
    await pool.send(message(2))
    await pool.close()
    assert [str(m["Subject"]) for m in sink.messages] == ["Besked 1", "Besked 2"]
    assert pool.opened == 2 and len(set(sink.peers)) == 2


async def test_a_connection_the_server_closes_at_the_next_message_is_replaced(server):
    sink, port = server
    sink.closing_after_first = True  # 421 to a second transaction on the same connection
    pool = SmtpPool(SmtpTarget("127.0.0.1", port), size=1, idle_seconds=60)
    for n in range(3):
        await pool.send(message(n))
    await pool.close()
    assert [str(m["Subject"]) for m in sink.messages] == ["Besked 0", "Besked 1", "Besked 2"]
    assert pool.opened == 3


async def test_a_connection_idle_too_long_is_not_reused(server):
    sink, port = server
    # Idle for any time at all is too long here, so the second message needs no wait: the connection is still
    # open (the server keeps it for a second), and only the pool's own rule keeps it from being reused.
    pool = SmtpPool(SmtpTarget("127.0.0.1", port), size=1, idle_seconds=0)
    await pool.send(message(1))
    await pool.send(message(2))
    await pool.close()
    assert pool.opened == 2 and len(sink.messages) == 2


async def test_a_refused_recipient_leaves_the_connection_usable(server):
    sink, port = server
    pool = SmtpPool(SmtpTarget("127.0.0.1", port), size=1)
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
        await pool.send(message(1, to="ukendt@example.dk"))
    await pool.send(message(2))
    await pool.close()
    assert [str(m["Subject"]) for m in sink.messages] == ["Besked 2"] and pool.opened == 1


async def test_a_server_that_is_down_is_an_error_not_a_hang():
    pool = SmtpPool(SmtpTarget("127.0.0.1", free_port(), timeout=5), size=1)
    with pytest.raises((aiosmtplib.SMTPConnectError, ConnectionError, OSError)):
        await pool.send(message(1))


async def test_a_relay_with_starttls_and_login_sees_one_login_for_many_messages(relay, settings, register):  # noqa: F811
    good = settings.replace(
        smtp_port=relay.port,
        smtp_starttls=True,
        smtp_username="jobcenter",
        smtp_password="hemmelig",
        smtp_ca_file=str(relay.cert),
        smtp_connections=1,
    )
    sender = MailActivities(good, register)
    environment = ActivityEnvironment()
    for n in range(5):
        assert await environment.run(sender.send_mail, task_mail(f"case/task/pool-{n}")) == "sent"
    assert len(relay.sink.messages) == 5 and relay.logins == ["jobcenter"]
    await sender.smtp.close()
