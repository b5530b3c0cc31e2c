"""The CPR number's way into the register without the workflow: kept under the case's municipality and
reference until the case row is made (activities.register moves it to citizen_identities)."""

from __future__ import annotations

from datetime import datetime

from register.db import Register
from register.models import PendingIdentity


def keep_pending(register: Register, municipality: str, reference: str, cpr: str, now: datetime) -> None:
    """Idempotent: a second start of the same case keeps one pending number (the latest)."""
    with register.session() as session:
        session.merge(PendingIdentity(municipality=municipality, reference=reference, cpr=cpr, created_at=now))
