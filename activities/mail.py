"""Sending e-mail: render the Danish template, attach the invitation, send over SMTP once per message key.

Idempotency: the message key (case, purpose, sequence, recipient) is recorded as 'sending' before the SMTP
transaction and as 'sent' after it. A retry of a sent message does nothing. A retry after a crash between the
two (the only window left) sends again with the same Message-ID, which receiving clients treat as one message.
"""

from __future__ import annotations

import asyncio
import hashlib
import ssl
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from email.headerregistry import Address

import aiosmtplib
from sqlalchemy import select
from temporalio import activity
from temporalio.exceptions import ApplicationError

from config.settings import Settings
from domain.model import Meeting
from mailing.addresses import mailbox, parse_mailbox
from mailing.ical import Attendee, MeetingInvite, build_cancel, build_request
from mailing.links import EmployerLink, case_url, employer_reply_url
from mailing.mime import build_message
from mailing.rendering import render
from mailing.smtp_pool import SmtpPool, SmtpTarget
from register.db import Register
from register.models import CaseRow, MessageRow


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    role: str  # employer | employee | caseworker | team_lead


@dataclass(frozen=True)
class CaseSummary:
    """What a message may say about a case: names and dates, never a CPR number."""

    reference: str
    municipality: str
    employee_name: str
    employer_name: str
    workplace_address: str
    contact_name: str
    caseworker_name: str
    caseworker_email: str
    caseworker_phone: str
    first_day: date
    first_meeting_due: date
    municipality_name: str = ""  # what people read: "Københavns Kommune", not the code


@dataclass(frozen=True)
class Task:
    title: str
    what: str
    due: date
    command: str = ""


@dataclass(frozen=True)
class OutgoingMail:
    key: str  # stable per case, purpose, sequence and recipient
    kind: str  # template folder under templates/
    case: CaseSummary
    recipient: Recipient
    meeting: Meeting | None = None
    calendar_method: str | None = None  # REQUEST | CANCEL: attach the meeting as an iTIP invitation
    attendees: tuple[Recipient, ...] = ()
    slots: tuple[datetime, ...] = ()
    task: Task | None = None
    reason: str = ""
    deadline: date | None = None
    reminder: bool = False
    extra: dict[str, str] = field(default_factory=dict)


def message_id_for(key: str, domain: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def meeting_invite(mail: OutgoingMail, organizer_email: str) -> MeetingInvite:
    meeting = mail.meeting
    assert meeting is not None
    return MeetingInvite(
        uid=meeting.uid,
        sequence=meeting.sequence,
        start=meeting.start,
        end=meeting.end,
        summary="Opfølgningssamtale med jobcentret",
        description=(
            f"Opfølgningssamtale med {mail.case.employee_name}, {mail.case.employer_name} og "
            f"sagsbehandler {mail.case.caseworker_name}. Sag: {mail.case.reference}."
        ),
        location=meeting.location,
        organizer_email=organizer_email,
        organizer_name=mail.case.caseworker_name,
        attendees=tuple(Attendee(name=a.name, email=a.email) for a in mail.attendees),
    )


def template_context(mail: OutgoingMail, settings: Settings | None = None) -> dict:
    context = {
        "case_url": case_url(settings, mail.case.reference) if settings else "",
        "reply_url": (
            employer_reply_url(
                settings, EmployerLink(mail.case.municipality, mail.case.reference, mail.recipient.email)
            )
            if settings and mail.kind == "employer_request" and mail.recipient.role == "employer"
            else ""
        ),
        "link_days": settings.employer_link_days if settings else 30,
        "case": asdict(mail.case),
        "recipient_name": mail.recipient.name,
        "recipient_role": mail.recipient.role,
        "slots": list(mail.slots),
        "reason": mail.reason,
        "deadline": mail.deadline,
        "reminder": mail.reminder,
        **mail.extra,
    }
    if mail.meeting is not None:
        context["meeting"] = {
            "start": mail.meeting.start,
            "end": mail.meeting.end,
            "location": mail.meeting.location,
            "sequence": mail.meeting.sequence,
            "is_update": mail.meeting.sequence > 0,
        }
    if mail.task is not None:
        context["task"] = {
            "title": mail.task.title,
            "what": mail.task.what,
            "due": mail.task.due,
            "command": mail.task.command,
        }
    return context


class MailActivities:
    def __init__(self, settings: Settings, register: Register):
        self.settings = settings
        self.register = register
        self.domain = settings.organizer_email.rpartition("@")[2] or "localhost"
        tls = ssl.create_default_context(cafile=settings.smtp_ca_file or None) if settings.smtp_starttls else None
        self.smtp = SmtpPool(
            SmtpTarget(
                settings.smtp_host,
                settings.smtp_port,
                settings.smtp_starttls,
                tls,
                settings.smtp_username or None,
                settings.smtp_password or None,
            ),
            size=settings.smtp_connections,
            idle_seconds=settings.smtp_idle_seconds,
        )

    @activity.defn
    async def send_mail(self, mail: OutgoingMail) -> str:
        """Send one message; returns 'sent' or 'already_sent'."""
        rendered = render(mail.kind, template_context(mail, self.settings))
        message_id = message_id_for(mail.key, self.domain)
        if not await asyncio.to_thread(self._reserve, mail, message_id, rendered.subject):
            return "already_sent"
        calendar = None
        if mail.calendar_method:
            invite = meeting_invite(mail, self.settings.organizer_email)
            stamp = datetime.now(timezone.utc)
            calendar = (
                build_request(invite, stamp) if mail.calendar_method == "REQUEST" else build_cancel(invite, stamp)
            )
        # An invitation comes from its ORGANIZER address, which the mail gateway receives replies on.
        sender = (
            mailbox(mail.case.caseworker_name, self.settings.organizer_email)
            if calendar
            else parse_mailbox(self.settings.mail_from)
        )
        try:
            recipient = _address(mail.recipient)
        except ValueError:
            # Not one plain address (intake refuses such; an old case may hold one): no retry can send it.
            raise ApplicationError(
                f"the {mail.recipient.role}'s address is not a single e-mail address",
                type="RecipientRefused",
                non_retryable=True,
            ) from None
        message = build_message(
            sender=sender,
            to=[recipient],
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            message_id=message_id,
            calendar=calendar,
            method=mail.calendar_method,
            reply_to=mailbox("", mail.case.caseworker_email),
            extra_headers={"X-Fasthold-Case": mail.case.reference, "X-Fasthold-Purpose": mail.kind},
        )
        try:
            await self.smtp.send(message)
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPRecipientRefused) as err:
            code = getattr(err, "code", None) or getattr(getattr(err, "recipients", [None])[0], "code", "")
            if isinstance(code, int) and code < 500:
                raise  # 4xx: the server asks us to try later (a full mailbox, greylisting); the retry does
            # Permanent: retrying will not change the server's mind. The text names no address (it ends up in
            # the workflow's history); the workflow tells the team lead instead.
            raise ApplicationError(
                f"the mail server refused the {mail.recipient.role}'s address ({code})",
                type="RecipientRefused",
                non_retryable=True,
            ) from None
        await asyncio.to_thread(self._mark_sent, mail.key)
        activity.logger.info("sent %s for case %s to %s", mail.kind, mail.case.reference, mail.recipient.role)
        return "sent"

    def _reserve(self, mail: OutgoingMail, message_id: str, subject: str) -> bool:
        with self.register.session() as session:
            row = session.scalar(select(MessageRow).where(MessageRow.message_key == mail.key))
            if row is not None:
                return row.status != "sent"
            case_id = session.scalar(
                select(CaseRow.id).where(
                    CaseRow.reference == mail.case.reference, CaseRow.municipality == mail.case.municipality
                )
            )
            session.add(
                MessageRow(
                    message_key=mail.key,
                    message_id=message_id,
                    direction="out",
                    case_id=case_id,
                    purpose=mail.kind,
                    recipients=mail.recipient.email,
                    subject=subject[:300],
                    status="sending",
                    created_at=datetime.now(timezone.utc),
                )
            )
            return True

    def _mark_sent(self, key: str) -> None:
        with self.register.session() as session:
            row = session.scalar(select(MessageRow).where(MessageRow.message_key == key))
            row.status = "sent"
            row.sent_at = datetime.now(timezone.utc)


def _address(recipient: Recipient) -> Address:
    return mailbox(recipient.name, recipient.email)
