"""Bulk work on many cases at once (all open cases of a caseworker who leaves): what is asked, what happened
to each case, and who takes the next one. Plain data and pure functions, shared by the bulk workflow, the
service layer that starts it and the page that shows its progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class HandoverOutcome(StrEnum):
    MOVED = "moved"  # the case, and its meetings at the same time
    MOVED_MEETING_MOVED = "meeting_moved"  # the case, and a meeting at a new time (everyone was sent it)
    NOT_MOVED = "not_moved"  # the case stays; the team lead decides


@dataclass(frozen=True)
class BulkReassignmentRequest:
    job_id: str
    municipality: str
    from_caseworker: str
    to_caseworkers: tuple[str, ...]
    reason: str
    actor: str
    references: tuple[str, ...]
    load: dict[str, int] = field(default_factory=dict)  # open cases each colleague has before the job


@dataclass(frozen=True)
class OneHandover:
    """One case of a bulk reassignment: the colleagues to try, in order."""

    job_id: str
    municipality: str
    reference: str
    from_caseworker: str
    candidates: tuple[str, ...]
    reason: str
    actor: str


@dataclass(frozen=True)
class CaseHandoverResult:
    reference: str
    outcome: str  # a HandoverOutcome
    caseworker_id: str  # who has the case now
    detail: str = ""  # Danish: the meeting's new time, or why the case was not moved


@dataclass
class BulkProgress:
    request: BulkReassignmentRequest
    results: list[CaseHandoverResult] = field(default_factory=list)
    finished: bool = False

    def count(self, outcome: HandoverOutcome) -> int:
        return sum(r.outcome == outcome for r in self.results)

    @property
    def done(self) -> int:
        return len(self.results)

    @property
    def total(self) -> int:
        return len(self.request.references)


def candidates(load: dict[str, int], colleagues: tuple[str, ...]) -> tuple[str, ...]:
    """The colleagues in the order to try them: fewest open cases first, ties in the order the lead chose."""
    return tuple(sorted(colleagues, key=lambda w: (load.get(w, 0), colleagues.index(w))))
