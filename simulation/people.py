"""The simulated people: employers, employees and caseworkers who read the engine's mail and act on it.

The engine's mail is counted, not sent: the stand-in for `send_mail` hands every message to `World.on_mail`,
which does what a person receiving it would do later (an employer answers the request after a few days, an
attendee accepts or declines an invitation, a meeting is held or missed, a caseworker records an outcome).
Each such act is an event on the simulated clock; the driver carries it out through the service layer
(`CaseService.act` / `deliver_answer`), exactly as a person at the workbench or the mail gateway would.
Random choices come from one seeded generator, so a scenario gives the same people for every roster size.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from case_service import CaseRefusal, CaseService
from case_service.commands import CaseRef
from domain.localtime import LOCAL_TZ, local_date
from domain.model import (
    CaseEnd,
    EmployerAnswer,
    Location,
    MeasureStart,
    MeetingOutcome,
    OutcomeReport,
    RsvpReceived,
    workflow_id_for,
)
from simulation.scenario import Arrival, Scenario

ACTOR = "simulering"


@dataclass(order=True)
class Event:
    at: datetime
    order: int
    what: str = field(compare=False)
    reference: str = field(compare=False)
    action: Any = field(compare=False)
    meeting: tuple[str, int] | None = field(compare=False, default=None)  # (uid, sequence) it concerns


class World:
    """What the simulated people know and have yet to do, and what the engine sent them (counted)."""

    def __init__(self, scenario: Scenario, service: CaseService):
        self.scenario, self.service = scenario, service
        self.rng = random.Random(scenario.seed + 1)
        self.events: list[Event] = []
        self._order = itertools.count()
        self.sent: set[str] = set()
        self.mails: Counter[str] = Counter()
        self.escalations: Counter[str] = Counter()  # caseworker e-mail -> escalations to her team lead
        self.acts: Counter[str] = Counter()
        self.refused: Counter[str] = Counter()
        self.current: dict[str, int | None] = {}  # meeting uid -> its current sequence (None: cancelled)
        self.asked: set[str] = set()  # cases whose employer has been asked once
        self.ended: set[str] = set()

    # ------------------------------------------------------------------ the engine's mail
    def on_mail(self, mail, now: datetime) -> bool:
        """Count one message (once per key, as the real adapter does) and plan what its reader does."""
        if mail.key in self.sent:
            return False
        self.sent.add(mail.key)
        self.mails[mail.kind] += 1
        reference, role = mail.case.reference, mail.recipient.role
        if mail.kind == "escalation" and role == "team_lead":
            self.escalations[mail.case.caseworker_email] += 1
        elif mail.kind == "employer_request" and role == "employer" and not mail.reminder:
            self._employer_request(reference, now)
        elif mail.kind == "invitation" and role == "employee" and mail.meeting is not None:
            self._invited(reference, mail, now)
        elif mail.kind == "cancellation" and role == "employee" and mail.meeting is not None:
            self.current[mail.meeting.uid] = None
        elif mail.kind == "caseworker_task":
            self._task(reference, mail.key.split("/caseworker_task/", 1)[1].split("/")[0], now)
        return True

    def _employer_request(self, reference: str, now: datetime) -> None:
        if reference in self.asked:
            return
        self.asked.add(reference)
        s = self.scenario
        if self.rng.random() < s.employer_silent_share:
            return  # never answers: the engine reminds, escalates and books at the job centre's risk
        hosts = self.rng.random() >= s.employer_decline_share
        self.plan(
            now + timedelta(days=self.rng.uniform(*s.employer_answer_days)),
            "employer_answer",
            reference,
            EmployerAnswer(hosts, "" if hosts else "Ingen egnede lokaler", actor=ACTOR),
        )

    def _invited(self, reference: str, mail, now: datetime) -> None:
        meeting, s = mail.meeting, self.scenario
        self.current[meeting.uid] = meeting.sequence
        key = (meeting.uid, meeting.sequence)
        for attendee in (a for a in mail.attendees if a.role in ("employer", "employee")):
            # An invitation is declined at most once per meeting (its first version), or a case could loop.
            declines = meeting.sequence == 0 and self.rng.random() < s.attendee_decline_share / 2
            self.plan(
                now + timedelta(days=self.rng.uniform(*s.attendee_accept_days)),
                "answer",
                reference,
                RsvpReceived(
                    meeting.uid, meeting.sequence, attendee.email, "DECLINED" if declines else "ACCEPTED", actor=ACTOR
                ),
                meeting=key,
            )
        held = self.rng.random() >= s.no_show_share
        where = Location(meeting.expected_location)
        self.plan(
            meeting.end + timedelta(hours=1),
            "record_meeting",
            reference,
            MeetingOutcome(meeting.number, held, held and where == Location.WORKPLACE, where.value, actor=ACTOR),
            meeting=key,
        )

    def _task(self, reference: str, task: str, now: datetime) -> None:
        if task == "measure" and self.rng.random() < self.scenario.measure_share:
            start = local_date(now) + timedelta(days=7)
            self.plan(
                now + timedelta(days=2), "start_measure", reference, MeasureStart("gradual_return", start, actor=ACTOR)
            )
        elif task == "outcome":
            kinds = list(self.scenario.outcomes)
            choice = self.rng.choices(kinds, [self.scenario.outcomes[k] for k in kinds])[0]
            self.plan(now + timedelta(days=2), "record_outcome", reference, OutcomeReport(choice, actor=ACTOR))

    # ------------------------------------------------------------------ the absence itself
    def plan_end(self, arrival: Arrival, reference: str) -> None:
        """The absence ends when it ends, whatever the engine expected: the caseworker reports it that day."""
        end_day = arrival.first_day + timedelta(days=arrival.actual_days)
        at = max(datetime.combine(end_day, time(9), tzinfo=LOCAL_TZ), arrival.at + timedelta(days=1))
        self.plan(at, "report_end", reference, CaseEnd("full_recovery", local_date(at), actor=ACTOR))

    # ------------------------------------------------------------------ the queue
    def plan(self, at: datetime, what: str, reference: str, action, meeting: tuple[str, int] | None = None) -> None:
        # On the hour: acts that fall in the same hour are carried out together, one move of the clock for all.
        at = at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1) if (at.minute or at.second) else at
        heapq.heappush(self.events, Event(at, next(self._order), what, reference, action, meeting))

    def next_at(self) -> datetime | None:
        return self.events[0].at if self.events else None

    def due(self, now: datetime) -> list[Event]:
        found = []
        while self.events and self.events[0].at <= now:
            found.append(heapq.heappop(self.events))
        return found

    async def carry_out(self, event: Event) -> None:
        """One person's act, through the service layer; a refusal is counted, as a person would be told no."""
        if event.meeting is not None and self.current.get(event.meeting[0]) != event.meeting[1]:
            return  # the meeting has moved or was cancelled since: this act no longer applies
        if event.reference in self.ended and event.what not in ("record_outcome",):
            return
        if event.what == "report_end":
            self.ended.add(event.reference)
        ref = CaseRef(self.scenario.municipality, event.reference)
        update_id = f"sim-{event.order}"
        try:
            if isinstance(event.action, RsvpReceived):
                await self.service.deliver_answer(
                    workflow_id_for(ref.municipality, ref.reference), event.action, update_id=update_id, timeout=120
                )
            else:
                await self.service.act(ref, event.action, update_id=update_id)
            self.acts[event.what] += 1
        except CaseRefusal as refusal:
            self.refused[f"{event.what}:{refusal.reason}"] += 1


def per_caseworker(world: World, roster: dict) -> dict[str, int]:
    """Escalations to the team lead per caseworker id."""
    by_email = {w["email"].lower(): w["id"] for w in roster["caseworkers"]}
    found: dict[str, int] = defaultdict(int)
    for email, n in world.escalations.items():
        found[by_email.get(email.lower(), email)] += n
    return dict(found)
