"""The learning log in the register: write an entry, list entries by tag and period (the export's CSV is in
reporting/learning_log_export.py).

A link to a case is stored as the case's row id, checked against what the author may see (a caseworker her own
cases, a team lead her teams'). The export names a linked case only by its pseudonym (the evaluation dataset's
case_key) and leaves the text of a linked entry out unless the author marked it clear of personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.learning_log import KINDS, TAGS, Entry
from domain.localtime import LOCAL_TZ, local_date
from register.models import AuditEvent, CaseRow, CaseworkerRow, LearningLogEntry


class CaseNotVisible(Exception):
    """The case reference is unknown, or the author may not see that case."""


@dataclass(frozen=True)
class ListedEntry:
    id: int
    written_on: date
    author: str
    author_role: str
    kind: str
    tags: tuple[str, ...]
    text: str
    case_reference: str
    clear_of_personal_data: bool


def _case_id(
    session: Session, municipality: str, reference: str, author_id: str, role: str, teams: tuple[str, ...]
) -> int | None:
    if not reference:
        return None
    row = session.execute(
        select(CaseRow.id, CaseRow.caseworker_id, CaseworkerRow.team_id)
        .outerjoin(CaseworkerRow, CaseworkerRow.id == CaseRow.caseworker_id)
        .where(CaseRow.municipality == municipality, CaseRow.reference == reference)
    ).first()
    if row is None:
        raise CaseNotVisible(reference)
    allowed = row.caseworker_id == author_id if role == "caseworker" else row.team_id in teams
    if not allowed:
        raise CaseNotVisible(reference)
    return row.id


def add_entry(
    session: Session,
    municipality: str,
    entry: Entry,
    *,
    author_id: str,
    author_role: str,
    teams: tuple[str, ...],
    actor: str,
    now: datetime,
) -> int:
    """Store a checked entry (domain.learning_log.check) and record it in the audit trail."""
    case_id = _case_id(session, municipality, entry.case_reference.strip(), author_id, author_role, teams)
    row = LearningLogEntry(
        municipality=municipality,
        written_at=now,
        author=actor[:100],
        author_role=author_role,
        kind=entry.kind,
        tags="|".join(t for t in TAGS if t in entry.tags),
        text=entry.text.strip(),
        case_id=case_id,
        clear_of_personal_data=entry.clear_of_personal_data,
    )
    session.add(row)
    session.flush()
    session.add(
        AuditEvent(
            case_id=case_id,
            at=now,
            actor=actor[:100],
            action="learning_log_written",
            detail={"entry": row.id, "kind": entry.kind, "tags": row.tags},
        )
    )
    return row.id


def _window(start: date, end: date) -> tuple[datetime, datetime]:
    # Danish days, compared in UTC: SQLite keeps the stored UTC time without its zone.
    return (
        datetime.combine(start, time(), LOCAL_TZ).astimezone(timezone.utc),
        datetime.combine(end + timedelta(days=1), time(), LOCAL_TZ).astimezone(timezone.utc),
    )


def list_entries(
    session: Session, municipality: str, start: date, end: date, tag: str | None = None
) -> list[ListedEntry]:
    """Entries written in [start, end] (Danish dates), newest first; with `tag`, only those with it."""
    low, high = _window(start, end)
    rows = session.execute(
        select(LearningLogEntry, CaseRow.reference)
        .outerjoin(CaseRow, CaseRow.id == LearningLogEntry.case_id)
        .where(
            LearningLogEntry.municipality == municipality,
            LearningLogEntry.written_at >= low,
            LearningLogEntry.written_at < high,
        )
        .order_by(LearningLogEntry.written_at.desc(), LearningLogEntry.id.desc())
    )
    found = []
    for entry, reference in rows:
        tags = tuple(t for t in entry.tags.split("|") if t)
        if tag and tag not in tags:
            continue
        found.append(
            ListedEntry(
                entry.id,
                local_date(_aware(entry.written_at)),
                entry.author,
                entry.author_role,
                entry.kind,
                tags,
                entry.text,
                reference or "",
                entry.clear_of_personal_data,
            )
        )
    return found


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything stored is UTC.
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def kind_label(kind: str) -> str:
    return KINDS.get(kind, kind)
