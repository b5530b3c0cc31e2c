"""Links in e-mails: to a case page in the web workbench, and the employer's signed reply link.

The employer's link carries a signed, expiring token bound to the case and the employer contact (never a CPR
number, never a guessable id). Opening it only shows the question; the answer is a POST, so a mail scanner
that opens every link changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from config.settings import Settings
from localrun.local_secrets import web_secret

EMPLOYER_SALT = "employer-reply-v1"


@dataclass(frozen=True)
class EmployerLink:
    municipality: str
    reference: str
    employer_email: str


class LinkError(Exception):
    """The link cannot be used: `expired` tells an old link from a tampered or unknown one."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(web_secret(settings), salt=EMPLOYER_SALT)


def employer_token(settings: Settings, link: EmployerLink) -> str:
    return _serializer(settings).dumps([link.municipality, link.reference, link.employer_email.lower()])


def employer_reply_url(settings: Settings, link: EmployerLink) -> str:
    return f"{settings.base_url}/svar/{employer_token(settings, link)}"


def read_employer_token(settings: Settings, token: str) -> EmployerLink:
    try:
        municipality, reference, email = _serializer(settings).loads(
            token, max_age=settings.employer_link_days * 24 * 3600
        )
    except SignatureExpired:
        raise LinkError(expired=True) from None
    except (BadSignature, ValueError, TypeError):
        raise LinkError(expired=False) from None
    return EmployerLink(str(municipality), str(reference), str(email))


def case_url(settings: Settings, reference: str) -> str:
    return f"{settings.base_url}/sager/{quote(reference, safe='')}"
