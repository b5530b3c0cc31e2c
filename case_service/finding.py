"""Which cases to find, and how Temporal's visibility is asked for them: by search attributes only (never
personal data), with every value quoted so a filter cannot change the query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from case_service.refusal import CaseRefusal
from domain.refusals import Refusal
from engine import search_attributes as sa
from workflows.case_workflow import CaseWorkflow


@dataclass(frozen=True)
class CaseFilter:
    """Which cases to find, by search attributes only (never personal data)."""

    municipality: str
    reference: str | None = None
    caseworker: str | None = None
    phase: str | None = None
    breached: bool | None = None
    running_only: bool = True
    limit: int = 1000


@dataclass(frozen=True)
class CaseSummaryRow:
    workflow_id: str
    reference: str
    municipality: str
    caseworker: str
    phase: str
    next_deadline: datetime | None
    breached: bool
    running: bool


def _quoted(value: str, name: str) -> str:
    if "'" in value or "\\" in value:
        raise CaseRefusal(Refusal.INVALID_INPUT, f"ugyldigt tegn i {name}", field=name)
    return f"'{value}'"


def visibility_query(which: CaseFilter) -> str:
    parts = [
        f"{sa.MUNICIPALITY.name} = {_quoted(which.municipality, 'municipality')}",
        f"WorkflowType = '{CaseWorkflow.__name__}'",
    ]
    if which.reference:
        parts.append(f"{sa.CASE_REFERENCE.name} = {_quoted(which.reference, 'reference')}")
    if which.caseworker:
        parts.append(f"{sa.CASEWORKER.name} = {_quoted(which.caseworker, 'caseworker')}")
    if which.phase:
        parts.append(f"{sa.CASE_PHASE.name} = {_quoted(which.phase, 'phase')}")
    if which.breached is not None:
        parts.append(f"{sa.DEADLINE_BREACHED.name} = {'true' if which.breached else 'false'}")
    if which.running_only:
        parts.append("ExecutionStatus = 'Running'")
    return " AND ".join(parts)
