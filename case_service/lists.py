"""The cases a user's list pages show (Mine opgaver, Mine sager, Team), read from the register's read model
(register/case_list.py), which each case's workflow keeps current: one query per page load, however many cases.
A caseworker sees her own open cases, a team lead her teams' cases, nobody another municipality's."""
from __future__ import annotations

import asyncio

from case_service.access import User, UserRole, may_see, team_of
from domain.model import CaseView
from register.case_list import CaseList
from register.report import Audience
from register.db import Register


class CaseLists:
    def __init__(self, register: Register, roster: dict):
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
        return Audience(frozenset(self.holders(user)),
                        f"dit team ({names[0]})" if len(names) == 1 else f"dine teams ({', '.join(names)})")

    async def visible(self, user: User, *, include_closed: bool = False) -> list[CaseView]:
        views = await asyncio.to_thread(self.read_model.views, user.municipality, self.holders(user),
                                        include_closed=include_closed)
        return [v for v in views if may_see(user, v.state, self.roster)]
