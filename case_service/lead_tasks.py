"""The team lead's tasks on the Team page: each case a bulk reassignment could not hand over, with the reason,
until it is handled. The lead hands it to a colleague from the task (the case's own `reassign` update, as any
reassignment); a case that changed hands or closed by other means closes its task as handled elsewhere."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from case_service.access import Roster, User, UserRole, colleagues
from case_service.commands import CaseRef
from case_service.service import CaseService
from domain.payloads import Reassignment
from register import lead_tasks
from register.db import Register
from register.lead_tasks import OpenTask


class TaskGone(Exception):
    """The task is not the user's, does not exist, or is already handled (Danish text for the page)."""


@dataclass(frozen=True)
class Handled:
    reference: str
    caseworker_name: str


class LeadTasks:
    def __init__(self, register: Register, roster: Roster):
        self.register, self.roster = register, roster

    def _names(self) -> dict[str, str]:
        return {w["id"]: w["name"] for w in self.roster.get("caseworkers", [])}

    async def open_for(self, user: User) -> list[OpenTask]:
        """The lead's open tasks, oldest first. A case that has meanwhile changed hands or closed (seen in the
        lists' read model) closes its task, saying so: it is handled, only not from here."""
        if user.role != UserRole.TEAM_LEAD:
            return []
        tasks = await asyncio.to_thread(lead_tasks.open_tasks, self.register, user.municipality, user.teams)
        if not tasks:
            return []
        now = await asyncio.to_thread(
            lead_tasks.holders, self.register, user.municipality, [t.reference for t in tasks]
        )
        names, handled = self._names(), dict[str, list[int]]()
        for t in tasks:
            holder, running = now.get(t.reference, (t.caseworker_id, True))
            if not running:
                handled.setdefault("Sagen er afsluttet.", []).append(t.id)
            elif holder != t.caseworker_id:
                handled.setdefault(f"Sagen er givet til {names.get(holder, holder)} uden for opgaven.", []).append(t.id)
        for resolution, ids in handled.items():
            await asyncio.to_thread(
                lead_tasks.resolve, self.register, ids, actor="fastholdelsessystemet", resolution=resolution
            )
        closed = {i for ids in handled.values() for i in ids}
        return [t for t in tasks if t.id not in closed]

    async def task(self, user: User, task_id: int) -> OpenTask:
        """One of the user's tasks, open or closed; TaskGone when it is not hers (the same answer as none)."""
        task = await asyncio.to_thread(lead_tasks.get, self.register, task_id)
        if (
            task is None
            or user.role != UserRole.TEAM_LEAD
            or task.municipality != user.municipality
            or task.team_id not in user.teams
        ):
            raise TaskGone("Opgaven findes ikke.")
        return task

    async def hand_over(
        self, cases: CaseService, user: User, task_id: int, colleague: str, reason: str, submission: str
    ) -> Handled:
        """Give the task's case to `colleague` ("" for the least loaded). Acts once: the task is claimed by this
        submission, so a second tab, or Back and send, finds it taken or done; the same submission again (a
        reload) reaches the case under the same update id, which the case applies once. A refusal (no free time
        in the colleague's calendar before the deadline) leaves the task open and is raised as CaseRefusal."""
        task = await self.task(user, task_id)
        if task.resolved_at is not None:
            raise TaskGone(f"Opgaven er allerede løst: {task.resolution}")
        allowed = {w["id"] for w in colleagues(self.roster, user)} - {task.caseworker_id}
        if colleague and colleague not in allowed:
            raise ValueError("caseworker_id")
        holder, running = (
            await asyncio.to_thread(lead_tasks.holders, self.register, task.municipality, [task.reference])
        ).get(task.reference, (task.caseworker_id, True))
        if not running or holder != task.caseworker_id:
            await self.open_for(user)  # closes it as handled elsewhere, saying how
            raise TaskGone("Sagen er allerede afsluttet eller givet til en anden; opgaven er løst.")
        attempt = f"leadtask-{task.id}-{colleague or 'mindst-belastet'}-{submission or 'uden-id'}"
        if not await asyncio.to_thread(lead_tasks.claim, self.register, task.id, attempt):
            again = await asyncio.to_thread(lead_tasks.get, self.register, task.id)
            if again is not None and again.resolved_at is not None:
                raise TaskGone(f"Opgaven er allerede løst: {again.resolution}")
            raise TaskGone("Opgaven behandles lige nu fra en anden fane eller af en anden. Se Team-siden igen om lidt.")
        try:
            result = await cases.act(
                CaseRef(task.municipality, task.reference),
                Reassignment(reason, colleague or None, actor=user.actor),
                update_id=attempt,
            )
        except BaseException:  # a refusal, or the engine not answering: the task is open for another try
            await asyncio.to_thread(lead_tasks.release, self.register, task.id, attempt)
            raise
        name = self._names().get(str(result.value), str(result.value))
        await asyncio.to_thread(
            lead_tasks.resolve, self.register, [task.id], actor=user.actor, resolution=f"Sagen er givet til {name}."
        )
        return Handled(task.reference, name)
