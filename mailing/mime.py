"""Build outgoing MIME messages (RFC 5322 / 2045, iMIP RFC 6047). Pure: no I/O, no clock.

Layout with a calendar object (the one Google Calendar itself sends, and the one
Outlook, Gmail, Apple Mail and Thunderbird all show with Accept / Decline)::

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain; charset=utf-8                       (quoted-printable)
    │   ├── text/html; charset=utf-8                        (quoted-printable)
    │   └── text/calendar; method=REQUEST; charset=UTF-8    (base64)
    └── application/ics; name="invite.ics"                  (attachment, base64)

Why this layout:

* The inline ``text/calendar`` part inside ``multipart/alternative`` is what
  iMIP-aware clients act on: Outlook/Exchange turns the message into a meeting
  request, Gmail and Apple Mail show their RSVP bar. Its ``method=`` parameter
  must equal the ``METHOD`` inside (RFC 6047 section 2.4), which is enforced here.
* It is the last alternative, so clients that do not understand it show the HTML
  (or the text) and never the raw calendar.
* The ``application/ics`` attachment is for the rest: webmail and mobile
  clients that only offer "add to calendar" for attachments, and users who want
  to import the file by hand. It is ``application/ics`` (as in Google Calendar's
  own invitations) rather than a second ``text/calendar`` part, so the inline
  part is the only iMIP object in the message.
* base64 for the calendar parts: the content is UTF-8 (Danish letters) and must
  keep its CRLF line ends and folded lines; base64 carries the bytes through
  any relay unchanged.
"""

from __future__ import annotations

import base64
import email.policy
import hashlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime

from icalendar import Calendar

from domain.plain_text import one_line
from mailing.addresses import mailbox, parse_mailbox

__all__ = ["build_message", "message_bytes", "calendar_method", "ATTACHMENT_NAME"]

ATTACHMENT_NAME = "invite.ics"
_POLICY = email.policy.SMTP

# Headers the builder owns; extra_headers may not override them.
_RESERVED = {
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "message-id",
    "date",
    "reply-to",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
}


def build_message(
    *,
    sender: str | Address,
    to: Sequence[str | Address],
    subject: str,
    text: str,
    html: str,
    message_id: str,
    calendar: bytes | None = None,
    method: str | None = None,
    reply_to: str | Address | None = None,
    extra_headers: Mapping[str, str] | None = None,
    date: datetime | None = None,
) -> EmailMessage:
    """Build the message. ``method`` defaults to the calendar's METHOD and must match it.

    ``message_id`` is used exactly as given (with or without angle brackets; they
    are added when missing), so a retried activity produces the same Message-ID.
    No Date header is added unless ``date`` is given (no clock in here).
    """
    if isinstance(to, (str, Address)):
        to = [to]
    if not to:
        raise ValueError("a message needs at least one recipient")
    if not message_id.strip():
        raise ValueError("message_id must not be empty")

    # Addresses are objects with cleaned names (mailing.addresses): no name can add a recipient however the
    # header is folded; header text never breaks a line, whatever a subject holds.
    sender_address = _as_address(sender)
    recipients = [_as_address(t) for t in to]
    subject = one_line(subject)
    msg = EmailMessage(policy=_POLICY)
    msg["From"] = sender_address
    msg["To"] = recipients
    msg["Subject"] = subject
    msg["Message-ID"] = _angle(message_id)
    if date is not None:
        if date.tzinfo is None:
            raise ValueError("date must be timezone-aware")
        msg["Date"] = format_datetime(date)
    if reply_to:
        msg["Reply-To"] = _as_address(reply_to)
    for name, value in (extra_headers or {}).items():
        if name.lower() in _RESERVED:
            raise ValueError(f"extra_headers may not set {name}")
        msg[name] = value
    msg["MIME-Version"] = "1.0"

    body_parts = [_text_part(text, "plain"), _text_part(html, "html")]

    if calendar is None:
        if method is not None:
            raise ValueError("method given without a calendar")
        _make_multipart(msg, "alternative", body_parts, _boundary(message_id, "alt"))
        return msg

    found = calendar_method(calendar)
    if found is None:
        raise ValueError("calendar has no METHOD property")
    if method is None:
        method = found
    elif method.upper() != found:
        raise ValueError(f"method={method!r} does not match METHOD:{found} in the calendar")
    method = method.upper()
    if not method.isalpha():
        raise ValueError(f"not an iTIP method: {method!r}")

    inline = _base64_part(calendar, f"text/calendar; method={method}; charset=UTF-8")
    attachment = _base64_part(
        calendar, f'application/ics; name="{ATTACHMENT_NAME}"', disposition=f'attachment; filename="{ATTACHMENT_NAME}"'
    )
    alternative = MIMEPart(policy=_POLICY)
    _make_multipart(alternative, "alternative", [*body_parts, inline], _boundary(message_id, "alt"))
    _make_multipart(msg, "mixed", [alternative, attachment], _boundary(message_id, "mixed"))
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    """Serialise with CRLF line endings, ready for SMTP DATA."""
    return msg.as_bytes(policy=email.policy.SMTP)


def calendar_method(calendar: bytes) -> str | None:
    """The METHOD of an iCalendar object, upper-case, or None."""
    try:
        cal = Calendar.from_ical(calendar)
    except ValueError as exc:
        raise ValueError(f"calendar is not valid iCalendar: {exc}") from exc
    value = cal.get("METHOD")
    return str(value).upper() if value else None


# --------------------------------------------------------------------------- internals


def _as_address(value: str | Address) -> Address:
    """An Address as built by mailing.addresses; text (a setting, a test) is parsed as exactly one mailbox."""
    if isinstance(value, Address):
        return mailbox(value.display_name, value.addr_spec)
    try:
        return parse_mailbox(one_line(value))
    except (ValueError, IndexError) as exc:
        raise ValueError(f"not exactly one address (quote a display name with commas): {value!r}") from exc


def _text_part(content: str, subtype: str) -> MIMEPart:
    part = MIMEPart(policy=_POLICY)
    part.set_content(content, subtype=subtype, charset="utf-8", cte="quoted-printable")
    return part


def _base64_part(data: bytes, content_type: str, disposition: str | None = None) -> MIMEPart:
    """A leaf part with headers written verbatim.

    The email package would quote every parameter (``method="REQUEST"``). That is
    legal MIME, but the unquoted ``method=REQUEST`` is what calendar clients
    themselves send, so it is the form every iMIP reader is known to accept.
    """
    part = MIMEPart(policy=_POLICY)
    # set_raw stores the value as written; short values are emitted unchanged.
    part.set_raw("Content-Type", content_type)
    if disposition:
        part.set_raw("Content-Disposition", disposition)
    part.set_raw("Content-Transfer-Encoding", "base64")
    part.set_payload(base64.encodebytes(data).decode("ascii"))
    return part


def _make_multipart(part: MIMEPart, subtype: str, children: list[MIMEPart], boundary: str) -> None:
    part["Content-Type"] = f'multipart/{subtype}; boundary="{boundary}"'
    part.set_payload(children)


def _angle(message_id: str) -> str:
    message_id = message_id.strip()
    if any(c in message_id for c in "\r\n"):
        raise ValueError("message_id must be a single line")
    if not message_id.startswith("<"):
        message_id = f"<{message_id}>"
    return message_id


def _boundary(message_id: str, kind: str) -> str:
    """A deterministic boundary (same input, same bytes), unlikely to occur in content."""
    digest = hashlib.sha256(f"{kind}:{message_id}".encode()).hexdigest()[:32]
    return f"=_{kind}_{digest}"
