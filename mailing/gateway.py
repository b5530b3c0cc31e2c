"""The inbound mail gateway: answers to meeting invitations (iMIP REPLY / COUNTER) received over SMTP.

    SMTP (aiosmtpd, own thread)            event loop of the Temporal client
    RCPT: organizer address? else 550      queue ──► parse ──► match (register) ──► decide ──► case update
    DATA: over the limit? 552 (aiosmtpd)                                               │
          keep in inbox/new/, 250 ─────────►                    inbox/accepted|refused/ + messages row

Nothing is dropped silently. Every message that gets a 250 is written to ``<data_dir>/inbox/new/`` before the
250 is sent, and ends up in ``inbox/accepted/`` or ``inbox/refused/`` (reason in the file name and in a
``.json`` beside it) with one row in the register's ``messages`` table (direction ``in``, status
``received`` or ``refused``, detail the outcome or reason code). If Temporal or the register is unreachable
the message stays in ``new/`` and is tried again, also after a restart.

An answer counts only when the From address is the ATTENDEE answering (a delegate or forwarder is not the
attendee), that attendee is on the meeting with that UID, the SEQUENCE is not older than the meeting's,
and the meeting is still planned; the case workflow's validators then have the last word. A COUNTER becomes
a task for the caseworker, never a booking. The same message delivered twice (same Message-ID) is recorded
and applied once; each workflow update also carries an id derived from the message, so a retry after a
crash is not applied twice either.

Logs name the case reference, the reason code and the kept file, never an e-mail address or a CPR number.
"""
from __future__ import annotations

import asyncio
import email.parser
import email.policy
import hashlib
import json
import logging
import os
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from temporalio.client import Client, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from config.settings import Settings
from domain.model import CounterProposal, RsvpReceived
from mailing.imip import ImipError, InboundMail, ItipReply, normalise_address, parse_inbound
from register.db import Register
from register.models import CaseRow, MeetingAttendee, MeetingRow, MessageRow
from workflows.case_workflow import CaseWorkflow

__all__ = ["MeetingMatch", "Decision", "decide", "organizer_addresses", "message_key", "Inbox", "Processor",
           "GatewayController", "start_gateway", "SMTP_LIMIT", "CALENDAR_LIMIT"]

log = logging.getLogger("fasthold.gateway")

SMTP_LIMIT = 10_000_000      # bytes; above this aiosmtpd answers 552 and nothing is received
CALENDAR_LIMIT = 2_000_000   # bytes; a larger message is received, kept and refused as too_large
UPDATE_TIMEOUT = 60.0        # seconds to wait for a case to take an answer before trying again later
PARTSTATS = ("ACCEPTED", "DECLINED", "TENTATIVE")

# The case workflow's refusal types (ApplicationError.type) as the gateway's reason codes.
CASE_REFUSALS = {
    "UnknownMeeting": "unknown_uid",
    "NotAnAttendee": "not_attendee",
    "StaleSequence": "stale_sequence",
    "MeetingNotPlanned": "meeting_not_planned",
    "BadPartstat": "bad_partstat",
    "BadProposal": "bad_proposal",
}
TRANSIENT_RPC = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.RESOURCE_EXHAUSTED,
                 RPCStatusCode.ABORTED, RPCStatusCode.INTERNAL, RPCStatusCode.UNKNOWN, RPCStatusCode.CANCELLED}
PURPOSES = {"REPLY": "rsvp", "COUNTER": "counter"}


# --------------------------------------------------------------------------- pure matching


@dataclass(frozen=True)
class MeetingMatch:
    """What the register knows about one meeting UID."""
    uid: str
    case_id: int
    reference: str
    workflow_id: str
    sequence: int
    status: str
    attendees: frozenset[str]  # lower-case e-mail addresses


@dataclass(frozen=True)
class Decision:
    """``update`` is the payload to send to the case (RsvpReceived or CounterProposal), or None with a reason."""
    reason: str = ""
    update: RsvpReceived | CounterProposal | None = None


def decide(reply: ItipReply, sender: str, meeting: MeetingMatch | None) -> Decision:
    """Whether one parsed answer may go to its case, and as what. Pure: no I/O, no clock."""
    if reply.method not in PURPOSES:
        return Decision("unsupported_method")
    if meeting is None:
        return Decision("unknown_uid")
    attendee = normalise_address(reply.attendee_email)
    if normalise_address(sender) != attendee:
        return Decision("sender_mismatch")  # a delegate, a forwarder or a forgery: not the attendee answering
    if attendee not in meeting.attendees:
        return Decision("not_attendee")
    # Only an older version is refused here; the workflow, which holds the current one, checks equality.
    if reply.sequence < meeting.sequence:
        return Decision("stale_sequence")
    if meeting.status != "invited":
        return Decision("meeting_not_planned")
    if reply.method == "REPLY":
        if reply.partstat not in PARTSTATS:
            return Decision("bad_partstat")
        return Decision(update=RsvpReceived(meeting.uid, reply.sequence, attendee, reply.partstat))
    start, end = reply.proposed_start, reply.proposed_end
    if start is None or end is None or end <= start:
        return Decision("bad_proposal")
    return Decision(update=CounterProposal(meeting.uid, reply.sequence, attendee, start, end, reply.comment or ""))


def organizer_addresses(settings: Settings) -> frozenset[str]:
    """The addresses the gateway receives for: ``organizer_email``, which may list several, comma-separated."""
    return frozenset(normalise_address(a) for a in settings.organizer_email.split(",") if a.strip())


def message_key(raw: bytes) -> tuple[str, str]:
    """(message_key, Message-ID) for the messages table: 'in/' + Message-ID, or a digest of a mail without one."""
    message_id = ""
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
        message_id = " ".join(str(headers.get("Message-ID") or "").split())
    except Exception:  # headers from anywhere: a parser crash means "no usable Message-ID"
        pass
    if not message_id or len(message_id) > 290:
        return f"in/sha256:{hashlib.sha256(raw).hexdigest()}", message_id[:300]
    return f"in/{message_id}", message_id


# --------------------------------------------------------------------------- the kept files


@dataclass
class Received:
    """A message kept in inbox/new/, waiting to be processed."""
    path: Path
    rcpt_tos: tuple[str, ...] = ()
    received_at: str = ""
    attempt: int = 0


class Inbox:
    """<data_dir>/inbox/{new,accepted,refused}/: every message the gateway took, with a .json beside it."""

    def __init__(self, root: Path):
        self.root = root
        self.new, self.accepted, self.refused = root / "new", root / "accepted", root / "refused"
        for folder in (self.new, self.accepted, self.refused):
            folder.mkdir(parents=True, exist_ok=True)

    def keep(self, raw: bytes, rcpt_tos: list[str]) -> Received:
        """Write atomically (a crash leaves no half file) before the SMTP 250 is sent."""
        now = datetime.now(timezone.utc)
        stem = f"{now.strftime('%Y%m%dT%H%M%S%f')}-{uuid.uuid4().hex[:8]}"
        item = Received(self.new / f"{stem}.eml", tuple(rcpt_tos), now.isoformat(timespec="seconds"))
        _write_atomic(item.path.with_suffix(".json"), _json({"rcpt_tos": rcpt_tos, "received_at": item.received_at}))
        _write_atomic(item.path, raw)
        return item

    def waiting(self) -> list[Received]:
        """Messages left in new/ by a stop or a crash, oldest first."""
        items = []
        for path in sorted(self.new.glob("*.eml")):
            try:
                meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = {}
            items.append(Received(path, tuple(meta.get("rcpt_tos", ())), meta.get("received_at", "")))
        return items

    def file(self, item: Received, status: str, reason: str, record: dict) -> Path:
        """Move the message to accepted/ or refused/ (reason in the name) with its record as .json."""
        stem = item.path.stem
        if status == "received":
            target = self.accepted / f"{stem}.eml"
        else:
            target = self.refused / f"{stem}-{reason}.eml"
        _write_atomic(target.with_suffix(".json"), _json(record))
        os.replace(item.path, target)
        item.path.with_suffix(".json").unlink(missing_ok=True)
        return target


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")


# --------------------------------------------------------------------------- processing


class Transient(Exception):
    """Temporal or the register cannot be reached now: keep the message in new/ and try again later."""


@dataclass
class Outcome:
    status: str = "refused"                  # received | refused
    reason: str = ""                         # first refusal reason, or "" when received
    detail: str = ""                         # per answer: outcome or reason code, comma-separated
    purpose: str = "unknown"                 # rsvp | counter | unknown
    case_id: int | None = None
    reference: str = ""
    answers: list[dict] = field(default_factory=list)


class Processor:
    """Takes one kept message from new/ to accepted/ or refused/, telling its case when it is an answer."""

    def __init__(self, client: Client, register: Register, inbox: Inbox, *, calendar_limit: int = CALENDAR_LIMIT,
                 update_timeout: float = UPDATE_TIMEOUT):
        self.client, self.register, self.inbox = client, register, inbox
        self.calendar_limit = calendar_limit
        self.update_timeout = update_timeout

    async def process(self, item: Received) -> Outcome | None:
        try:
            raw = await asyncio.to_thread(item.path.read_bytes)
        except FileNotFoundError:  # filed meanwhile (a second gateway on the same inbox)
            return None
        except OSError as exc:
            raise Transient(type(exc).__name__) from exc
        key, message_id = message_key(raw)
        try:
            earlier = await asyncio.to_thread(self._recorded, key)
            if earlier is not None:
                outcome = Outcome(reason="duplicate", detail="duplicate", case_id=earlier[0], reference=earlier[1])
            else:
                outcome = await self._outcome(raw, key)
        except Transient:
            raise
        except (OperationalError, OSError) as exc:
            raise Transient(type(exc).__name__) from exc
        except Exception as exc:  # a bug must not lose the message, nor stop the gateway
            log.error("inbound message %s: internal error %s", item.path.stem, type(exc).__name__)
            log.debug("internal error", exc_info=True)
            outcome = Outcome(reason="internal_error", detail="internal_error")

        if outcome.reason != "duplicate":
            try:
                await asyncio.to_thread(self._record, key, message_id, raw, item, outcome)
            except IntegrityError:
                outcome = Outcome(reason="duplicate", detail="duplicate")  # recorded meanwhile by another gateway
            except OperationalError as exc:
                raise Transient(type(exc).__name__) from exc
        record = {"status": outcome.status, "reason": outcome.reason, "detail": outcome.detail,
                  "message_key": key, "case_reference": outcome.reference, "purpose": outcome.purpose,
                  "received_at": item.received_at, "rcpt_tos": list(item.rcpt_tos), "answers": outcome.answers}
        kept = await asyncio.to_thread(self.inbox.file, item, outcome.status, outcome.reason, record)
        if outcome.status == "received":
            log.info("inbound %s applied to case %s: %s (%s)", outcome.purpose, outcome.reference, outcome.detail,
                     kept.name)
        else:
            log.warning("inbound message refused: %s, case %s (%s)", outcome.reason, outcome.reference or "-",
                        kept.name)
        return outcome

    async def _outcome(self, raw: bytes, key: str) -> Outcome:
        try:
            mail = await asyncio.to_thread(parse_inbound, raw, self.calendar_limit)
        except ImipError as exc:
            return Outcome(reason=exc.code, detail=exc.code)
        except Exception:  # the parser met something it did not expect: the mail is unreadable, not fatal
            return Outcome(reason="unreadable", detail="unreadable")
        return await self._answers(mail, key)

    async def _answers(self, mail: InboundMail, key: str) -> Outcome:
        outcome = Outcome()
        codes: list[str] = []
        for index, reply in enumerate(mail.replies):
            meeting = await asyncio.to_thread(self._meeting, reply.uid)
            decision = decide(reply, mail.sender, meeting)
            if decision.update is None:
                applied, code = False, decision.reason
            else:
                applied, code = await self._apply(meeting, decision.update, f"{key}/{index}")
            codes.append(code)
            outcome.answers.append({"method": reply.method, "uid": reply.uid, "sequence": reply.sequence,
                                    "outcome": code, "applied": applied})
            if meeting is not None and outcome.case_id is None:
                outcome.case_id, outcome.reference = meeting.case_id, meeting.reference
            if outcome.purpose == "unknown":
                outcome.purpose = PURPOSES.get(reply.method, "unknown")
            if not applied and not outcome.reason:
                outcome.reason = code
        outcome.detail = ",".join(codes)
        outcome.status = "refused" if outcome.reason else "received"
        return outcome

    async def _apply(self, meeting: MeetingMatch, update: RsvpReceived | CounterProposal,
                     update_key: str) -> tuple[bool, str]:
        """Send the answer to its case: (True, the workflow's result) or (False, a refusal reason code)."""
        handle = self.client.get_workflow_handle_for(CaseWorkflow.run, meeting.workflow_id)
        method = CaseWorkflow.record_rsvp if isinstance(update, RsvpReceived) else CaseWorkflow.propose_time
        # The same message always gives the same update id: Temporal applies a retried update once.
        update_id = "inbound-" + hashlib.sha256(update_key.encode()).hexdigest()[:32]
        try:
            result = await asyncio.wait_for(handle.execute_update(method, update, id=update_id),
                                            timeout=self.update_timeout)
        except WorkflowUpdateFailedError as err:
            return False, CASE_REFUSALS.get(getattr(err.cause, "type", None), "refused_by_case")
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return False, "case_closed"
            if err.status in TRANSIENT_RPC:
                raise Transient(f"temporal {err.status.name}") from err
            return False, "refused_by_engine"
        except (WorkflowUpdateRPCTimeoutOrCancelledError, asyncio.TimeoutError) as err:
            raise Transient("temporal timeout") from err
        return True, str(result)

    # ---------------------------------------------------------------- register (run in a thread)

    def _meeting(self, uid: str) -> MeetingMatch | None:
        with self.register.session() as session:
            row = session.scalar(select(MeetingRow).where(MeetingRow.uid == uid))
            if row is None:
                return None
            case = session.get(CaseRow, row.case_id)
            attendees = session.scalars(select(MeetingAttendee.email).where(MeetingAttendee.meeting_id == row.id))
            return MeetingMatch(uid=row.uid, case_id=case.id, reference=case.reference, workflow_id=case.workflow_id,
                                sequence=row.sequence, status=row.status,
                                attendees=frozenset(normalise_address(a) for a in attendees))

    def _recorded(self, key: str) -> tuple[int | None, str] | None:
        """(case id, case reference) of the message already recorded under this key, or None."""
        with self.register.session() as session:
            row = session.execute(select(MessageRow.case_id, CaseRow.reference)
                                  .outerjoin(CaseRow, CaseRow.id == MessageRow.case_id)
                                  .where(MessageRow.message_key == key)).first()
            return None if row is None else (row[0], row[1] or "")

    def _record(self, key: str, message_id: str, raw: bytes, item: Received, outcome: Outcome) -> None:
        with self.register.session() as session:
            session.add(MessageRow(
                message_key=key[:300], message_id=message_id[:300], direction="in", case_id=outcome.case_id,
                purpose=outcome.purpose, recipients=", ".join(item.rcpt_tos), subject=_subject(raw)[:300],
                status=outcome.status, detail=outcome.detail, created_at=datetime.now(timezone.utc)))


def _subject(raw: bytes) -> str:
    try:
        headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
        return " ".join(str(headers.get("Subject") or "").split())
    except Exception:
        return ""


# --------------------------------------------------------------------------- SMTP


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
            item = self.inbox.keep(raw, list(envelope.rcpt_tos))
        except OSError as exc:
            log.error("inbound message could not be kept (%s): deferred", type(exc).__name__)
            return "451 4.3.0 Temporary failure, please try again later"
        self.hand_over(item)
        return "250 2.0.0 Message accepted"


class _SMTP(SMTP):
    """aiosmtpd's server, logging what it refuses for size (it receives nothing of such a message to keep)."""

    async def push(self, status: str):
        if status.startswith("552"):
            log.warning("inbound message refused at SMTP level: too_large (over %s bytes, not kept)",
                        self.data_size_limit)
        return await super().push(status)


class _Controller(Controller):
    def factory(self):
        return _SMTP(self.handler, **self.SMTP_kwargs)


class GatewayController:
    """The running gateway: the SMTP server on its thread and the processing task on the client's loop."""

    def __init__(self, settings: Settings, client: Client, register: Register, *,
                 addresses: frozenset[str] | None = None, smtp_limit: int = SMTP_LIMIT,
                 calendar_limit: int = CALENDAR_LIMIT, update_timeout: float = UPDATE_TIMEOUT):
        self.hostname, self.port = settings.gateway_host, settings.gateway_port
        self.addresses = addresses or organizer_addresses(settings)
        self.inbox = Inbox(settings.data_path / "inbox")
        self.processor = Processor(client, register, self.inbox, calendar_limit=calendar_limit,
                                   update_timeout=update_timeout)
        self.smtp = _Controller(_Handler(self.addresses, self.inbox, self._hand_over), hostname=self.hostname,
                                port=self.port, data_size_limit=smtp_limit, server_hostname="fasthold-gateway")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[Received] | None = None
        self._task: asyncio.Task | None = None
        self._pending = 0
        self._lock = threading.Lock()
        self._listening = False

    def start(self) -> "GatewayController":
        """Call from the event loop that owns the Temporal client."""
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        smtp_log = logging.getLogger("mail.log")  # aiosmtpd logs every sender and recipient at INFO
        if smtp_log.level == logging.NOTSET:
            smtp_log.setLevel(logging.WARNING)
        for item in self.inbox.waiting():  # left by a stop or a crash: process them first
            self._count(+1)
            self._queue.put_nowait(item)
        self._task = self._loop.create_task(self._work(), name="mail-gateway")
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
            if running is self._loop:
                self._task.cancel()
            else:
                self._loop.call_soon_threadsafe(self._task.cancel)
        self._task = None

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

    async def _work(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self.processor.process(item)
            except Transient as exc:
                item.attempt += 1
                delay = min(300.0, 2.0 ** item.attempt)
                log.warning("inbound message %s waits: %s; next try in %.0f s", item.path.stem, exc, delay)
                self._loop.call_later(delay, self._queue.put_nowait, item)
                continue
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # filing failed (disk?): it stays in new/ for the next start
                log.error("inbound message %s left in new/: %s", item.path.stem, type(exc).__name__)
                log.debug("filing failed", exc_info=True)
            self._count(-1)


def start_gateway(settings: Settings, client: Client, register: Register, **options) -> GatewayController:
    """Start the gateway in-process on ``settings.gateway_host:gateway_port``; call ``stop()`` (or ``aclose()``).

    Must be called from the event loop that owns ``client``. Options: ``addresses`` (default: the organizer
    address(es) in the settings), ``smtp_limit``, ``calendar_limit``, ``update_timeout``.
    """
    return GatewayController(settings, client, register, **options).start()
