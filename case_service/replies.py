"""Answers to invitations, from a kept message to its case: parse, look up the meeting, decide, deliver.

    inbox/new/ ──► parse ──► match (register) ──► decide (policy) ──► CaseService.deliver_answer
                                                                               │
                                              inbox/accepted|refused/ + messages row

Nothing is dropped silently: a message ends in ``inbox/accepted/`` or ``inbox/refused/`` with one row in the
register's ``messages`` table (direction ``in``, status ``received`` or ``refused``, detail the outcome or
reason code). If Temporal or the register is unreachable the message stays in ``new/`` and is tried again,
also after a restart. The same message delivered twice (same Message-ID) is recorded and applied once; each
answer also carries an update id derived from the message, so a retry after a crash is not applied twice.

Logs name the case reference, the reason code and the kept file, never an e-mail address or a CPR number.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import hashlib
import logging
from dataclasses import dataclass, field
from email.utils import getaddresses
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from case_service.commands import AttendeeAnswer
from case_service.refusal import CaseRefusal, CaseUnavailable
from case_service.service import CaseService
from config.settings import Settings
from domain.payloads import ReplyReview
from mailing.authentication import sender_verified
from mailing.bounded_parse import PARSE_SECONDS, parse_bounded
from mailing.imip import ImipError, InboundMail, ItipReply
from mailing.inbox import Inbox, Received
from mailing.message_shape import shape_problem
from mailing.own_verification import OwnVerification
from mailing.reply_policy import CALENDAR_LIMIT, PURPOSES, MeetingMatch, decide, message_key, reason_for
from observability.logs import about_case
from register import replies
from register.db import Register

log = logging.getLogger("fasthold.gateway")

# Messages a person may have meant as an answer, though no calendar answer could be read from them.
UNREADABLE_FOR_REVIEW = frozenset({"not_calendar", "malformed_calendar", "no_method", "unreadable"})
UPDATE_TIMEOUT = 60.0  # seconds to wait for a case to take an answer before trying again later


@dataclass(frozen=True)
class SenderTrust:
    """Who vouches for a reply's sender: the configured authserv-ids of the municipality's mail servers, with
    the accepted aligned methods; and, for the embedded run only, mail handed over on this machine."""

    authserv_ids: frozenset[str] = frozenset()
    methods: frozenset[str] = frozenset({"dmarc"})
    loopback: bool = False
    own: OwnVerification | None = field(default=None, compare=False)  # the gateway's own DKIM/DMARC check

    @classmethod
    def from_settings(cls, settings: Settings, *, loopback: bool | None = None) -> SenderTrust:
        # Exactly as written: the relay strips its own id by exact match, so only an exact match is its own.
        ids = frozenset(a.strip() for a in settings.gateway_trusted_authserv_ids.split(",") if a.strip())
        methods = frozenset(m.strip().lower() for m in settings.gateway_auth_methods.split(",") if m.strip())
        return cls(
            ids,
            methods or frozenset({"dmarc"}),
            settings.gateway_trust_loopback if loopback is None else loopback,
            OwnVerification.from_settings(settings),
        )

    def verified(self, mail: InboundMail, peer: str, raw: bytes = b"") -> bool:
        """Blocking (the own check asks DNS): call it from a thread."""
        if self.loopback and peer in ("127.0.0.1", "::1"):
            return True
        if sender_verified(mail.authentication_results, mail.sender, self.authserv_ids, self.methods):
            return True
        return bool(self.own and raw and self.own.verified(raw, mail.sender.rpartition("@")[2]))


class Transient(Exception):
    """Temporal or the register cannot be reached now: keep the message in new/ and try again later."""

    def __init__(self, message: str = "", *, case: dict[str, str] | None = None):
        super().__init__(message)
        self.case = case or {}  # about_case(...) of the case that did not answer, for the log line


@dataclass
class Outcome:
    status: str = "refused"  # received | refused
    reason: str = ""  # first refusal reason, or "" when received
    detail: str = ""  # per answer: outcome or reason code, comma-separated
    purpose: str = "unknown"  # rsvp | counter | unknown
    case_id: int | None = None
    reference: str = ""
    answers: list[dict[str, Any]] = field(default_factory=list)
    workflow_id: str = ""


class Processor:
    """Takes one kept message from new/ to accepted/ or refused/, telling its case when it is an answer."""

    def __init__(
        self,
        cases: CaseService,
        register: Register,
        inbox: Inbox,
        *,
        calendar_limit: int = CALENDAR_LIMIT,
        update_timeout: float = UPDATE_TIMEOUT,
        trust: SenderTrust | None = None,
        parse_seconds: float = PARSE_SECONDS,
    ):
        self.cases, self.register, self.inbox = cases, register, inbox
        self.parse_seconds = parse_seconds
        self.calendar_limit = calendar_limit
        self.update_timeout = update_timeout
        self.trust = trust or SenderTrust()

    async def process(self, item: Received) -> Outcome | None:
        try:
            raw = await asyncio.to_thread(item.path.read_bytes)
        except FileNotFoundError:  # filed meanwhile (a second gateway on the same inbox)
            return None
        except OSError as exc:
            raise Transient(type(exc).__name__) from exc
        # The shape first, on the bytes: a message no reply looks like is refused before any parser sees it.
        problem = shape_problem(raw)
        if problem:
            key, message_id = f"in/sha256:{hashlib.sha256(raw).hexdigest()}", ""
        else:
            key, message_id = message_key(raw)
        try:
            earlier = await asyncio.to_thread(replies.recorded, self.register, key)
            if earlier is not None:
                outcome = Outcome(reason="duplicate", detail="duplicate", case_id=earlier[0], reference=earlier[1])
            elif problem:
                log.warning("inbound message %s not parsed: %s", item.path.stem, problem)
                outcome = Outcome(reason="too_complex", detail="too_complex")
            else:
                outcome = await self._outcome(raw, key, item)
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
                await asyncio.to_thread(
                    replies.record_inbound,
                    self.register,
                    key=key,
                    message_id=message_id,
                    raw=b"" if problem else raw,
                    rcpt_tos=item.rcpt_tos,
                    outcome=outcome,
                )
            except IntegrityError:
                outcome = Outcome(reason="duplicate", detail="duplicate")  # recorded meanwhile by another gateway
            except OperationalError as exc:
                raise Transient(type(exc).__name__) from exc
        record = {
            "status": outcome.status,
            "reason": outcome.reason,
            "detail": outcome.detail,
            "message_key": key,
            "case_reference": outcome.reference,
            "purpose": outcome.purpose,
            "received_at": item.received_at,
            "rcpt_tos": list(item.rcpt_tos),
            "answers": outcome.answers,
            "peer": item.peer,
        }  # kept: reprocessing (case_service.reprocess) trusts as the gateway did
        kept = await asyncio.to_thread(self.inbox.file, item, outcome.status, outcome.reason, record)
        if outcome.status == "received":
            log.info(
                "inbound %s applied to case %s: %s (%s)",
                outcome.purpose,
                outcome.reference,
                outcome.detail,
                kept.name,
                extra=about_case(outcome.reference, outcome.workflow_id),
            )
        else:
            log.warning(
                "inbound message refused: %s, case %s (%s)",
                outcome.reason,
                outcome.reference or "-",
                kept.name,
                extra=about_case(outcome.reference, outcome.workflow_id),
            )
        return outcome

    async def _outcome(self, raw: bytes, key: str, item: Received) -> Outcome:
        try:
            mail = await asyncio.to_thread(parse_bounded, raw, self.calendar_limit, seconds=self.parse_seconds)
        except ImipError as exc:
            outcome = Outcome(reason=exc.code, detail=exc.code)
            if exc.code in UNREADABLE_FOR_REVIEW:
                await self._unreadable_for_review(raw, key, item, outcome)
            return outcome
        except OSError as exc:  # no child process now (out of processes or files): try again later
            raise Transient(type(exc).__name__) from exc
        except Exception:  # the parser met something it did not expect: the mail is unreadable, not fatal
            return Outcome(reason="unreadable", detail="unreadable")
        return await self._answers(mail, key, item, raw)

    async def _answers(self, mail: InboundMail, key: str, item: Received, raw: bytes = b"") -> Outcome:
        outcome = Outcome()
        codes: list[str] = []
        verified = await asyncio.to_thread(self.trust.verified, mail, item.peer, raw)
        reviewed = ""  # one message gives the caseworker at most one task, whatever it holds (26 ATTENDEEs: 1)
        for index, reply in enumerate(mail.replies):
            meeting = await asyncio.to_thread(replies.meeting_match, self.register, reply.uid)
            decision = decide(reply, mail.sender, meeting, verified=verified)
            review = ""
            if decision.update is not None and meeting is not None:  # decide() sends answers to known meetings
                applied, code = await self._apply(meeting, decision.update, f"{key}/{index}")
            else:
                applied, code = False, decision.reason
                if decision.review and reviewed:
                    review = "same_message"  # the task already made for this message covers it
                elif decision.review and meeting is not None:
                    # Kept, not applied, and never only a file in a folder: the caseworker gets it to check.
                    others = len(mail.replies) - 1
                    review = reviewed = await self._for_review(
                        meeting, reply, mail.sender, code, item, f"{key}/{index}", others
                    )
            codes.append(code)
            outcome.answers.append(
                {
                    "method": reply.method,
                    "uid": reply.uid,
                    "sequence": reply.sequence,
                    "outcome": code,
                    "applied": applied,
                    **({"review": review} if review else {}),
                }
            )
            if meeting is not None and outcome.case_id is None:
                outcome.case_id, outcome.reference = meeting.case_id, meeting.reference
                outcome.workflow_id = meeting.workflow_id
            if outcome.purpose == "unknown":
                outcome.purpose = PURPOSES.get(reply.method, "unknown")
            if not applied and not outcome.reason:
                outcome.reason = code
        outcome.detail = ",".join(codes)
        outcome.status = "refused" if outcome.reason else "received"
        return outcome

    async def _unreadable_for_review(self, raw: bytes, key: str, item: Received, outcome: Outcome) -> None:
        """A person's answer the parser cannot read (Outlook's TNEF, a plain-text "I can't come") reaches the
        caseworker when its sender is invited to a planned meeting and its subject is that invitation's."""
        try:
            headers = email.parser.BytesHeaderParser(policy=email.policy.default).parsebytes(raw)
            senders = [a for _, a in getaddresses([str(headers.get("From") or "")]) if a]
            subject = str(headers.get("Subject") or "")
        except Exception:  # headers from anywhere: no sender, no task
            return
        if len(senders) != 1:
            return
        meeting = await asyncio.to_thread(replies.meeting_by_sender_and_subject, self.register, senders[0], subject)
        if meeting is None:
            return
        unreadable = ItipReply(
            method="",
            uid=meeting.uid,
            sequence=meeting.sequence,
            attendee_email=senders[0].lower(),
            partstat=None,
            proposed_start=None,
            proposed_end=None,
            comment=None,
        )
        review = await self._for_review(meeting, unreadable, senders[0].lower(), "unreadable", item, f"{key}/0")
        outcome.case_id, outcome.reference = meeting.case_id, meeting.reference
        outcome.answers.append(
            {"method": "", "uid": meeting.uid, "outcome": outcome.reason, "applied": False, "review": review}
        )

    async def _for_review(
        self,
        meeting: MeetingMatch,
        reply: ItipReply,
        sender: str,
        reason: str,
        item: Received,
        update_key: str,
        others: int = 0,
    ) -> str:
        digest = hashlib.sha256(update_key.encode()).hexdigest()[:32]
        comment = (reply.comment or "")[:1000]
        if others:
            comment = (
                f"{comment}\n" if comment else ""
            ) + f"(Beskeden indeholder {others} svar mere; den er gemt som {item.path.stem}.)"
        review = ReplyReview(
            key=digest,
            uid=meeting.uid,
            reason=reason,
            sender=sender,
            attendee_email=reply.attendee_email,
            answer=reply.partstat or reply.method,
            comment=comment,
            kept_as=item.path.stem,
        )
        try:
            return await self.cases.deliver_answer(
                meeting.workflow_id, review, update_id=f"review-{digest}", timeout=self.update_timeout
            )
        except CaseRefusal as refusal:
            return reason_for(refusal.reason)  # the case has ended: the message is kept and recorded
        except CaseUnavailable as err:
            raise Transient(str(err), case=about_case(meeting.reference, meeting.workflow_id)) from err

    async def _apply(self, meeting: MeetingMatch, update: AttendeeAnswer, update_key: str) -> tuple[bool, str]:
        """Send the answer to its case: (True, the workflow's result) or (False, a refusal reason code)."""
        # The same message always gives the same update id: Temporal applies a retried update once.
        update_id = "inbound-" + hashlib.sha256(update_key.encode()).hexdigest()[:32]
        try:
            result = await self.cases.deliver_answer(
                meeting.workflow_id, update, update_id=update_id, timeout=self.update_timeout
            )
        except CaseRefusal as refusal:
            return False, reason_for(refusal.reason)
        except CaseUnavailable as err:
            raise Transient(str(err), case=about_case(meeting.reference, meeting.workflow_id)) from err
        return True, result
