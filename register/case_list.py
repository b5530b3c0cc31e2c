"""The list pages' read model: each case's view as its own workflow last published it (table `case_list`).

Mine opgaver, Mine sager and Team read this table with one query instead of asking every case's workflow. The
view is stored as the JSON the pydantic data converter would send, so a page computes exactly what it computed
from the workflow's query. Parsing is the larger cost at 500 cases, so parsed views are kept in memory by
(workflow id, version): a page load parses only the cases that changed since the last one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from threading import Lock

from pydantic import TypeAdapter
from sqlalchemy import select

from domain.model import CaseView
from register.db import Register
from register.models import CaseListEntry

_VIEW = TypeAdapter(CaseView)


def dump_view(view: CaseView) -> str:
    return _VIEW.dump_json(view).decode()


def load_view(text: str) -> CaseView:
    return _VIEW.validate_json(text)


@dataclass(frozen=True)
class PublishedView:
    """What a workflow publishes: its view, who holds it, whether the workflow still runs, and how new it is."""

    workflow_id: str
    municipality: str
    reference: str
    caseworker_id: str
    running: bool
    version: int
    view: CaseView


def publish(register: Register, published: PublishedView) -> None:
    """Keep the newest view of the case (idempotent: the same or an older version changes nothing)."""
    with register.session() as session:
        row = session.get(CaseListEntry, published.workflow_id)
        if row is None:
            row = CaseListEntry(workflow_id=published.workflow_id, version=-1)
            session.add(row)
        if published.version < row.version:
            return
        row.municipality, row.reference = published.municipality, published.reference
        row.caseworker_id, row.running = published.caseworker_id, published.running
        row.version, row.view = published.version, dump_view(published.view)


class CaseList:
    """Reads the read model for the list pages."""

    def __init__(self, register: Register):
        self.register = register
        self._parsed: dict[str, tuple[int, CaseView]] = {}
        self._lock = Lock()

    def views(
        self, municipality: str, caseworkers: Iterable[str] | None, *, include_closed: bool = False
    ) -> list[CaseView]:
        """The municipality's cases held by `caseworkers` (None: by anyone), open ones only unless asked."""
        with self.register.session() as session:
            known = select(CaseListEntry.workflow_id, CaseListEntry.version).where(
                CaseListEntry.municipality == municipality
            )
            if caseworkers is not None:
                known = known.where(CaseListEntry.caseworker_id.in_(list(caseworkers)))
            if not include_closed:
                known = known.where(CaseListEntry.running.is_(True))
            wanted = session.execute(known).all()
            with self._lock:
                stale = [wid for wid, version in wanted if self._parsed.get(wid, (None,))[0] != version]
            fresh = {}
            for start in range(0, len(stale), 500):
                chunk = stale[start : start + 500]
                fresh.update(
                    {
                        wid: (version, text)
                        for wid, version, text in session.execute(
                            select(CaseListEntry.workflow_id, CaseListEntry.version, CaseListEntry.view).where(
                                CaseListEntry.workflow_id.in_(chunk)
                            )
                        )
                    }
                )
        with self._lock:
            for wid, (version, text) in fresh.items():
                self._parsed[wid] = (version, load_view(text))
            return [self._parsed[wid][1] for wid, _ in wanted if wid in self._parsed]
