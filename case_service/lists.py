"""The cases a user's list pages show (Mine opgaver, Mine sager, Team), read from the register's read model
(register/case_list.py), which each case's workflow keeps current: one query per page load, however many cases.
A caseworker sees her own open cases, a team lead her teams' cases, nobody another municipality's."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from case_service.access import Roster, User, UserRole, may_see, team_of
from case_service.refusal import CaseRefusal
from domain.model import CaseView
from register.case_list import CaseList
from register.db import Register
from reporting.figures import Audience

if TYPE_CHECKING:  # only for the type: reading the lists needs no Temporal client
    from case_service.service import CaseService


class CaseLists:
    def __init__(self, register: Register, roster: Roster):
        self.read_model = CaseList(register)
        self.roster = roster

    def holders(self, user: User) -> list[str]:
        """Whose cases the user's lists show."""
        if user.role == UserRole.CASEWORKER:
            return [user.id]
        return [w["id"] for w in self.roster.get("caseworkers", []) if team_of(self.roster, w["id"]) in user.teams]

    def report_audience(self, user: User) -> Audience:
        """Whose cases the user's report counts and names: the same as her lists'."""
        if user.role == UserRole.CASEWORKER:
            return Audience(frozenset([user.id]), "dine sager")
        names = [t.get("name", t["id"]) for t in self.roster.get("teams", []) if t["id"] in user.teams]
        return Audience(
            frozenset(self.holders(user)),
            f"dit team ({names[0]})" if len(names) == 1 else f"dine teams ({', '.join(names)})",
        )

    async def visible(self, user: User, *, include_closed: bool = False) -> list[CaseView]:
        views = await asyncio.to_thread(
            self.read_model.views, user.municipality, self.holders(user), include_closed=include_closed
        )
        return [v for v in views if may_see(user, v.state, self.roster)]


async def publish_missing(cases: CaseService, register: Register, municipality: str) -> tuple[int, int]:
    """Once, after upgrading to the read model: put every running case that has no row yet into it, from its
    workflow's own view. Cases started before the upgrade publish nothing themselves (their recorded history
    predates it), so without this they would be missing from the lists. Returns (added, already there).
    `cases` is a CaseService. Version 0: anything a workflow publishes later wins."""
    from case_service.commands import CaseRef
    from case_service.finding import CaseFilter
    from register.case_list import PublishedView, publish
    from register.models import CaseListEntry

    running = await cases.find_cases(CaseFilter(municipality, running_only=True, limit=1_000_000))

    def known() -> set[str]:
        from sqlalchemy import select

        with register.session() as session:
            return set(
                session.scalars(select(CaseListEntry.workflow_id).where(CaseListEntry.municipality == municipality))
            )

    there = await asyncio.to_thread(known)
    missing = [r for r in running if r.workflow_id not in there]
    added = 0
    for row in missing:
        try:
            view = await cases.view(CaseRef(row.municipality, row.reference))
        except CaseRefusal:  # ended meanwhile: it published its own row, or is gone
            continue
        await asyncio.to_thread(
            publish,
            register,
            PublishedView(
                row.workflow_id,
                municipality,
                view.state.reference,
                view.state.caseworker.id if view.state.caseworker else "",
                True,
                0,
                view,
            ),
        )
        added += 1
    return added, len(running) - len(missing)
