"""Planning lookups the workflow cannot do itself: the rule set in force, and free meeting times."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from temporalio import activity

from activities.register import BusyRequest, RegisterActivities
from domain.model import Caseworker
from domain.rulesets import RuleSet, RuleSetPlan, rule_set_plan, ruleset_for
from domain.slots import WorkingHours, propose_slots


@dataclass(frozen=True)
class SlotRequest:
    caseworker: Caseworker
    earliest: datetime
    latest_day: date
    count: int = 3
    duration_minutes: int = 60
    exclude_uid: str = ""  # the meeting being moved does not block its own new time
    avoid: tuple[datetime, ...] = ()  # times already declined


@dataclass(frozen=True)
class RuleSetPlanRequest:
    first_day: date
    today: date


class PlanningActivities:
    def __init__(self, rulesets: tuple[RuleSet, ...], registry: RegisterActivities):
        self.rulesets = rulesets
        self.registry = registry

    @activity.defn
    def rule_set_for(self, first_day: date) -> RuleSet:
        return ruleset_for(first_day, self.rulesets)

    @activity.defn
    def new_meeting_uid(self, number: int) -> str:
        """A meeting UID nobody can compute: an answer must name its UID, so a forger must not be able to know
        it. From `secrets` (the workflow's own random source is seeded from the run id, which the Temporal UI,
        the CLI and logs show)."""
        return f"{secrets.token_urlsafe(24)}@fastholdelse"

    @activity.defn
    def rule_set_plan(self, request: RuleSetPlanRequest) -> RuleSetPlan:
        """The set a case follows today and its next switch (a set with `transition: all_running_cases`)."""
        return rule_set_plan(request.first_day, request.today, self.rulesets)

    @activity.defn
    def free_slots(self, request: SlotRequest) -> list[datetime]:
        worker = request.caseworker
        window_end = datetime.combine(request.latest_day + timedelta(days=1), time(0), tzinfo=request.earliest.tzinfo)
        busy = self.registry.busy_intervals(BusyRequest(worker.id, request.earliest, window_end, request.exclude_uid))
        duration = timedelta(minutes=request.duration_minutes)
        busy += [(t, t + duration) for t in request.avoid]
        hours = WorkingHours(
            days=tuple(worker.work_days),
            start=time.fromisoformat(worker.work_start),
            end=time.fromisoformat(worker.work_end),
        )
        return propose_slots(
            earliest=request.earliest,
            latest_day=request.latest_day,
            hours=hours,
            busy=busy,
            duration=duration,
            count=request.count,
        )
