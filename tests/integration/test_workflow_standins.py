"""Fast workflow tests: the real CaseWorkflow on the time-skipping server, with stand-in activities registered
under the real activities' names (as samples-python's tests replace an activity by name). They check the
process's own logic (what it does, in what order, how often) in a second or two; the real-part tests of every
path, with a real SMTP server and register, stay beside them in test_case_paths.py.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, time, timedelta

import pytest
from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from activities.mail import OutgoingMail
from activities.planning import RuleSetPlanRequest, SlotRequest
from activities.register import (
    AssignRequest,
    BreachRecord,
    BusyRequest,
    CaseUpdate,
    EarlierBenefitRequest,
    MeasureRecord,
    MeetingRecord,
    ReserveRequest,
)
from domain.localtime import LOCAL_TZ, local_date
from domain.model import (
    CaseInput,
    Caseworker,
    EarlierBenefit,
    Employee,
    Employer,
    EmployerAnswer,
    Reassignment,
    RsvpReceived,
)
from domain.results import done
from domain.rulesets import RuleSet, RuleSetPlan, load_rulesets, ruleset_for
from register.case_list import PublishedView
from worker import SANDBOX, warm_holiday_calendar
from workflows.case_workflow import CaseWorkflow

ANNA = Caseworker(
    "cw-anna",
    "Anna Berg",
    "anna@jobcenter.example.dk",
    "",
    "team-nord",
    "Team Nord",
    "Lise Holm",
    "lise@jobcenter.example.dk",
)
JONAS = dataclasses.replace(ANNA, id="cw-jonas", name="Jonas Friis", email="jonas@jobcenter.example.dk")


class StandIns:
    """What the workflow asked of the world, recorded; answers as the real adapters would give them."""

    def __init__(self, lose_first_races: int = 0, **rule_changes):
        self.mails: list[OutgoingMail] = []
        self.breaches: list[BreachRecord] = []
        self.missed_targets: list[BreachRecord] = []
        self.rule_changes = rule_changes  # fields of the rule set in force to change, e.g. first_meeting_statutory
        self.updates: list[CaseUpdate] = []
        self.published: list[PublishedView] = []
        self.saved: list[MeetingRecord] = []
        self.races_to_lose = lose_first_races
        self.busy: set[tuple[str, datetime]] = set()  # (caseworker id, start) already booked by another case
        self.broken_kinds: set[str] = set()  # mails whose sending fails, as a bug would make it
        self.rulesets = load_rulesets()
        self.full: set[str] = set()  # caseworkers with no free time at all
        self.assigned: list[str] = []  # the register's assignments, in order

    def activities(self):
        @activity.defn(name="register_case")
        def register_case(case: CaseInput) -> None:
            assert case.employee.cpr is None or len(case.employee.cpr) == 10

        @activity.defn(name="rule_set_for")
        def rule_set_for(first_day: date) -> RuleSet:
            return dataclasses.replace(ruleset_for(first_day, self.rulesets), **self.rule_changes)

        @activity.defn(name="rule_set_plan")
        def rule_set_plan(request: RuleSetPlanRequest) -> RuleSetPlan:
            return RuleSetPlan(dataclasses.replace(ruleset_for(request.first_day, self.rulesets), **self.rule_changes))

        @activity.defn(name="risk_estimate")
        def risk_estimate(request) -> None:
            return None

        @activity.defn(name="earlier_benefit_periods")
        def earlier_benefit_periods(request: EarlierBenefitRequest) -> list[EarlierBenefit]:
            return []

        @activity.defn(name="assign_caseworker")
        def assign_caseworker(request: AssignRequest) -> Caseworker:
            self.assigned.append(JONAS.id if request.exclude else ANNA.id)
            return JONAS if request.exclude else ANNA

        @activity.defn(name="look_up_caseworker")
        def look_up_caseworker(request: AssignRequest) -> Caseworker:
            return JONAS if request.exclude else ANNA

        @activity.defn(name="update_case")
        def update_case(update: CaseUpdate) -> None:
            self.updates.append(update)

        @activity.defn(name="free_slots")
        def free_slots(request: SlotRequest) -> list[datetime]:
            # Weekdays at 10:00 from the earliest day, as many as asked for, none at a declined time.
            day, found = local_date(request.earliest) + timedelta(days=1), []
            while len(found) < request.count and day <= request.latest_day:
                slot = datetime.combine(day, time(10), tzinfo=LOCAL_TZ)
                if day.weekday() < 5 and slot not in request.avoid:
                    found.append(slot)
                day += timedelta(days=1)
            return found

        @activity.defn(name="save_meeting")
        def save_meeting(record: MeetingRecord) -> None:
            if self.races_to_lose > 0 or (record.caseworker_id, record.meeting.start) in self.busy:
                self.races_to_lose = max(0, self.races_to_lose - 1)
                raise ApplicationError("taken", type="SlotTaken", non_retryable=True)
            self.saved.append(record)

        @activity.defn(name="reserve_slot")
        def reserve_slot(request: ReserveRequest) -> datetime | None:
            # The first free weekday at 10:00, chosen and booked in one step: no race to lose.
            record = request.record
            if record.caseworker_id in self.full:
                return None
            taken = self.busy | {
                (r.caseworker_id, r.meeting.start) for r in self.saved if r.meeting.uid != record.meeting.uid
            }
            day = local_date(request.earliest) + timedelta(days=1)
            while day <= request.latest_day:
                slot = datetime.combine(day, time(10), tzinfo=LOCAL_TZ)
                if day.weekday() < 5 and slot not in request.avoid and (record.caseworker_id, slot) not in taken:
                    self.saved.append(
                        dataclasses.replace(
                            record,
                            meeting=dataclasses.replace(record.meeting, start=slot, end=slot + timedelta(hours=1)),
                        )
                    )
                    return slot
                day += timedelta(days=1)
            return None

        @activity.defn(name="busy_intervals")
        def busy_intervals(request: BusyRequest) -> list[tuple[datetime, datetime]]:
            taken = self.busy | {
                (r.caseworker_id, r.meeting.start) for r in self.saved if r.meeting.uid != request.exclude_uid
            }
            return [
                (start, start + timedelta(hours=1))
                for worker, start in taken
                if worker == request.caseworker_id
                and request.start < start + timedelta(hours=1)
                and start < request.end
            ]

        @activity.defn(name="send_mail")
        def send_mail(mail: OutgoingMail) -> str:
            if mail.kind in self.broken_kinds:
                raise RuntimeError("template error")
            self.mails.append(mail)
            return "sent"

        @activity.defn(name="record_breach")
        def record_breach(breach: BreachRecord) -> None:
            self.breaches.append(breach)

        @activity.defn(name="record_missed_target")
        def record_missed_target(missed: BreachRecord) -> None:
            self.missed_targets.append(missed)

        @activity.defn(name="save_measure")
        def save_measure(record: MeasureRecord) -> None:
            pass

        @activity.defn(name="new_meeting_uid")
        def new_meeting_uid(number: int) -> str:
            return f"{uuid.uuid4().hex}@fastholdelse"

        @activity.defn(name="publish_view")
        def publish_view(published: PublishedView) -> None:
            self.published.append(published)

        return [
            register_case,
            rule_set_for,
            rule_set_plan,
            earlier_benefit_periods,
            risk_estimate,
            assign_caseworker,
            look_up_caseworker,
            busy_intervals,
            update_case,
            free_slots,
            save_meeting,
            reserve_slot,
            send_mail,
            record_breach,
            record_missed_target,
            save_measure,
            new_meeting_uid,
            publish_view,
        ]

    def kinds(self, to: str | None = None) -> list[str]:
        return [m.kind for m in self.mails if to is None or m.recipient.email == to]


def a_case(first_day: date) -> CaseInput:
    return CaseInput(
        reference=f"F-{uuid.uuid4().hex[:8]}",
        municipality="101",
        first_day=first_day,
        expected_weeks=30,
        employer_expected_weeks=30,
        employee=Employee("Mette", "mette@example.com"),
        employer=Employer("Firma A/S", "12345674", "Vej 1, 2100 København Ø", "Karen", "karen@firma.example.dk"),
    )


@pytest.fixture
def client(time_env):
    from temporalio.client import Client

    return Client(**{**time_env.client.config(), "data_converter": pydantic_data_converter})


async def run_case(time_env, client, standins, first_day_offset: int, drive):
    """Start a case whose first day is `first_day_offset` days before the server's today; `drive(handle)` acts."""
    warm_holiday_calendar()
    today = local_date(await time_env.get_current_time())
    case = a_case(today - timedelta(days=first_day_offset))
    queue = f"fast-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client,
        task_queue=queue,
        workflows=[CaseWorkflow],
        activities=standins.activities(),
        workflow_runner=SANDBOX,
        activity_executor=_executor(),
    ):
        handle = await client.start_workflow(CaseWorkflow.run, args=[case, None], id=case.workflow_id, task_queue=queue)
        await drive(case, handle)
        await handle.terminate("test done")
    return case


def _executor():
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=4)


async def test_a_silent_employer_is_reminded_once_and_escalated_once(time_env, client):
    standins = StandIns()

    async def drive(case, handle):
        await time_env.sleep(timedelta(days=9))  # past three and five working days after the first contact
        state = await handle.query(CaseWorkflow.state_now)
        assert "employer_reminder" in state.done and "employer_escalation" in state.done

    case = await run_case(time_env, client, standins, 7, drive)
    employer = case.employer.contact_email
    assert standins.kinds(employer).count("employer_request") == 2  # the request and one reminder
    assert standins.kinds("lise@jobcenter.example.dk").count("escalation") == 1
    assert standins.kinds(ANNA.email).count("escalation") == 1  # the caseworker sees what the lead was told


async def test_booking_skips_a_taken_hour_in_one_step_and_nothing_is_invited_twice(time_env, client):
    standins = StandIns()
    today = local_date(await time_env.get_current_time())
    for days in range(1, 6):  # another case holds Anna's first free hours
        standins.busy.add((ANNA.id, datetime.combine(today + timedelta(days=days), time(10), tzinfo=LOCAL_TZ)))

    async def drive(case, handle):
        await time_env.sleep(timedelta(minutes=1))  # the case is opened and the employer contacted
        await handle.execute_update(CaseWorkflow.employer_answer, EmployerAnswer(True))
        await time_env.sleep(timedelta(minutes=5))
        state = await handle.query(CaseWorkflow.state_now)
        assert [e.event for e in state.timeline].count("slot_taken") == 0
        assert len(state.meetings) == 1 and state.meetings[0].start.date() > today + timedelta(days=5)

    await run_case(time_env, client, standins, 7, drive)
    invitations = [m for m in standins.mails if m.kind == "invitation"]
    assert len(invitations) == 3 and {m.recipient.role for m in invitations} == {"employer", "employee", "caseworker"}
    assert invitations[0].meeting.start == standins.saved[-1].meeting.start  # invited at the time the register booked
    assert len({m.key for m in standins.mails}) == len(standins.mails)  # every mail has its own idempotency key


async def test_a_missed_statutory_week_eight_is_recorded_as_one_breach_and_one_escalation(time_env, client):
    standins = StandIns(first_meeting_statutory=True)  # § 13 b as before the 2026 reform

    async def drive(case, handle):
        # Booked but never accepted nor held: at the end of week 8 the breach is recorded.
        await time_env.sleep(timedelta(weeks=6))
        state = await handle.query(CaseWorkflow.state_now)
        assert state.deadline_breached and state.breaches == ["first_meeting"] and state.missed_targets == []

    await run_case(time_env, client, standins, 20, drive)
    assert [b.kind for b in standins.breaches] == ["first_meeting"] and standins.missed_targets == []
    lead = standins.kinds("lise@jobcenter.example.dk")
    assert lead.count("escalation") >= 2  # booking at risk, then the breach
    assert any(u.fields.get("deadline_breached") for u in standins.updates)


async def test_a_missed_week_eight_target_is_recorded_apart_and_escalated_but_is_no_breach(time_env, client):
    standins = StandIns(first_meeting_statutory=False)  # the 2026 reform: week 8 is the model's own target

    async def drive(case, handle):
        await time_env.sleep(timedelta(weeks=6))
        state = await handle.query(CaseWorkflow.state_now)
        assert state.missed_targets == ["first_meeting"] and state.breaches == [] and not state.deadline_breached

    await run_case(time_env, client, standins, 20, drive)
    assert [m.kind for m in standins.missed_targets] == ["first_meeting"] and standins.breaches == []
    reasons = [m.reason for m in standins.mails if m.kind == "escalation" and m.recipient.role == "team_lead"]
    assert any("Modellens mål er ikke nået" in r and "ikke en lovfrist" in r for r in reasons)
    assert not any(u.fields.get("deadline_breached") for u in standins.updates)


async def test_a_decline_moves_the_meeting_with_sequence_plus_one(time_env, client):
    standins = StandIns()

    async def drive(case, handle):
        await time_env.sleep(timedelta(minutes=1))  # the case is opened and the employer contacted
        await handle.execute_update(CaseWorkflow.employer_answer, EmployerAnswer(True))
        await time_env.sleep(timedelta(minutes=5))
        meeting = (await handle.query(CaseWorkflow.state_now)).meetings[0]
        await handle.execute_update(
            CaseWorkflow.record_rsvp, RsvpReceived(meeting.uid, 0, case.employee.email, "DECLINED")
        )
        await time_env.sleep(timedelta(minutes=5))
        moved = (await handle.query(CaseWorkflow.state_now)).meetings[0]
        assert moved.uid == meeting.uid and moved.sequence == 1 and moved.start != meeting.start

    await run_case(time_env, client, standins, 7, drive)
    sequences = sorted(m.meeting.sequence for m in standins.mails if m.kind == "invitation")
    assert sequences == [0, 0, 0, 1, 1, 1]


async def test_a_handed_over_meeting_that_clashes_with_the_new_caseworker_moves(time_env, client):
    standins = StandIns()

    async def drive(case, handle):
        await time_env.sleep(timedelta(minutes=1))
        await handle.execute_update(CaseWorkflow.employer_answer, EmployerAnswer(True))
        await time_env.sleep(timedelta(minutes=5))
        before = (await handle.query(CaseWorkflow.state_now)).meetings[0]
        standins.busy.add((JONAS.id, before.start))  # Jonas has another case's meeting at that hour
        assert await handle.execute_update(CaseWorkflow.reassign, Reassignment("Orlov")) == done(JONAS.id)
        after = (await handle.query(CaseWorkflow.state_now)).meetings[0]
        # One new version: placed at a free hour of Jonas's before anyone was told anything.
        assert after.uid == before.uid and after.start != before.start and after.sequence == 1

    await run_case(time_env, client, standins, 7, drive)
    cancelled = [m for m in standins.mails if m.kind == "cancellation"]
    assert [m.recipient.email for m in cancelled] == [ANNA.email]
    moved = [m for m in standins.mails if m.kind == "invitation" and m.meeting.sequence == 1]
    assert {m.recipient.email for m in moved} == {JONAS.email, "karen@firma.example.dk", "mette@example.com"}
    assert standins.saved[-1].caseworker_id == JONAS.id and standins.assigned[-1] == JONAS.id


async def test_a_handover_with_no_free_time_for_the_meeting_changes_nothing_and_tells_the_lead(time_env, client):
    standins = StandIns()

    async def drive(case, handle):
        await time_env.sleep(timedelta(minutes=1))
        await handle.execute_update(CaseWorkflow.employer_answer, EmployerAnswer(True))
        await time_env.sleep(timedelta(minutes=5))
        before = (await handle.query(CaseWorkflow.state_now)).meetings[0]
        standins.busy.add((JONAS.id, before.start))
        standins.full.add(JONAS.id)  # and no other free hour before the deadline
        mails_before = len(standins.mails)
        with pytest.raises(WorkflowUpdateFailedError) as refused:
            await handle.execute_update(CaseWorkflow.reassign, Reassignment("Orlov", tell_lead_if_refused=True))
        assert refused.value.cause.type == "NoTimeForHandover"
        assert "Jonas" in refused.value.cause.message
        state = await handle.query(CaseWorkflow.state_now)
        assert state.caseworker.id == ANNA.id and state.meetings[0] == before
        told = standins.mails[mails_before:]
        assert {m.kind for m in told} == {"escalation"}  # no cancellation, no invitation, no handover mail

    await run_case(time_env, client, standins, 7, drive)
    assert JONAS.id not in standins.assigned
    assert all(r.caseworker_id == ANNA.id for r in standins.saved)


async def test_a_step_that_keeps_failing_alerts_operations_then_goes_on_when_it_works(time_env, client):
    standins = StandIns()
    standins.broken_kinds = {"employer_request"}  # e.g. a template error: no retry can fix it by itself

    async def drive(case, handle):
        await time_env.sleep(timedelta(hours=3))  # the bounded attempts run out; the alert goes out
        state = await handle.query(CaseWorkflow.state_now)
        assert [e.event for e in state.timeline].count("operations_alert") == 1
        assert not any(m.kind == "employer_request" for m in standins.mails)
        standins.broken_kinds = set()  # operations fixed it
        await time_env.sleep(timedelta(hours=2))
        state = await handle.query(CaseWorkflow.state_now)
        assert any(e.event == "employer_contacted" for e in state.timeline)

    await run_case(time_env, client, standins, 7, drive)
    alerts = [m for m in standins.mails if m.kind == "escalation" and "Driftsfejl" in m.reason]
    assert {m.recipient.role for m in alerts} == {"team_lead", "caseworker"}
    assert any(u.action == "operations_alert" for u in standins.updates)
    assert sum(m.kind == "employer_request" for m in standins.mails) == 1
