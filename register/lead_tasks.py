"""The team lead's own tasks in the register (table `lead_tasks`): made once per (job, case), listed while open,
claimed by one attempt at a time, and closed with what was done and by whom."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from register.db import Register
from register.models import CaseListEntry, LeadTask

HANDOVER_REFUSED = "handover_refused"
# An attempt that never reported back (the page's process died mid-way) stops blocking the task after this.
CLAIM_EXPIRES = timedelta(minutes=5)


@dataclass(frozen=True)
class OpenTask:
    id: int
    municipality: str
    team_id: str
    kind: str
    source: str
    reference: str
    caseworker_id: str
    detail: str
    request_reason: str
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str = ""
    resolution: str = ""


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands back what it stored without its zone; every time here is written in UTC.
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _task(row: LeadTask) -> OpenTask:
    return OpenTask(
        row.id,
        row.municipality,
        row.team_id,
        row.kind,
        row.source,
        row.reference,
        row.caseworker_id,
        row.detail,
        row.request_reason,
        _aware(row.created_at),
        _aware(row.resolved_at),
        row.resolved_by,
        row.resolution,
    )


def add(
    register: Register,
    *,
    municipality: str,
    team_id: str,
    kind: str,
    source: str,
    reference: str,
    caseworker_id: str,
    detail: str,
    request_reason: str,
) -> None:
    """Idempotent: an activity's retry, or the same job's result again, makes no second task; the open task
    takes the newest reason (a retry's result is what the job reports)."""
    try:
        with register.session() as session:
            existing = session.scalar(
                select(LeadTask).where(
                    LeadTask.source == source, LeadTask.reference == reference, LeadTask.kind == kind
                )
            )
            if existing is not None:
                if existing.resolved_at is None:
                    existing.detail = detail
                return
            session.add(
                LeadTask(
                    municipality=municipality,
                    team_id=team_id,
                    kind=kind,
                    source=source[:120],
                    reference=reference,
                    caseworker_id=caseworker_id,
                    detail=detail,
                    request_reason=request_reason,
                    created_at=datetime.now(timezone.utc),
                    resolved_by="",
                    resolution="",
                )
            )
    except IntegrityError:
        pass  # made at the same moment by a retry that overlapped: the one task stands


def open_tasks(register: Register, municipality: str, teams: Iterable[str]) -> list[OpenTask]:
    with register.session() as session:
        rows = session.scalars(
            select(LeadTask)
            .where(
                LeadTask.municipality == municipality, LeadTask.team_id.in_(list(teams)), LeadTask.resolved_at.is_(None)
            )
            .order_by(LeadTask.created_at, LeadTask.id)
        ).all()
        return [_task(r) for r in rows]


def get(register: Register, task_id: int) -> OpenTask | None:
    with register.session() as session:
        row = session.get(LeadTask, task_id)
        return None if row is None else _task(row)


def holders(register: Register, municipality: str, references: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """Per case reference, who holds it and whether it runs, as the lists' read model has it."""
    wanted = list(set(references))
    found: dict[str, tuple[str, bool]] = {}
    with register.session() as session:
        for start in range(0, len(wanted), 500):
            for reference, caseworker, running in session.execute(
                select(CaseListEntry.reference, CaseListEntry.caseworker_id, CaseListEntry.running).where(
                    CaseListEntry.municipality == municipality, CaseListEntry.reference.in_(wanted[start : start + 500])
                )
            ):
                found[reference] = (caseworker, running)
    return found


def claim(register: Register, task_id: int, attempt: str) -> bool:
    """Take the open task for one attempt (an update id). The same attempt again (a reload, a double click) may
    go on; another is refused while the first is in flight, and every attempt once the task is closed."""
    now = datetime.now(timezone.utc)
    with register.session() as session:
        done = session.execute(
            update(LeadTask)
            .where(
                LeadTask.id == task_id,
                LeadTask.resolved_at.is_(None),
                or_(
                    LeadTask.handling.is_(None),
                    LeadTask.handling == attempt,
                    LeadTask.handling_since < now - CLAIM_EXPIRES,
                ),
            )
            .values(handling=attempt[:160], handling_since=now)
        )
        return done.rowcount == 1


def release(register: Register, task_id: int, attempt: str) -> None:
    """The attempt was refused: the task is open for another."""
    with register.session() as session:
        session.execute(
            update(LeadTask)
            .where(LeadTask.id == task_id, LeadTask.handling == attempt[:160])
            .values(handling=None, handling_since=None)
        )


def resolve(register: Register, task_ids: Iterable[int], *, actor: str, resolution: str) -> None:
    with register.session() as session:
        session.execute(
            update(LeadTask)
            .where(LeadTask.id.in_(list(task_ids)), LeadTask.resolved_at.is_(None))
            .values(
                resolved_at=datetime.now(timezone.utc),
                resolved_by=actor[:100],
                resolution=resolution,
                handling=None,
                handling_since=None,
            )
        )
