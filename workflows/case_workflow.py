"""CaseWorkflow: one sick-leave case through "Sammen om fastholdelse", from sick report to outcome.

The run method reads as the model (docs/domain.md): open the case (register it, choose the rule set by the first
day of absence, triage, give it ONE caseworker), then keep the case moving until it ends: contact the
employer, book the first follow-up meeting at the workplace before the end of week 8, remind, escalate and
record a breach rather than miss a deadline silently, follow up, prepare the reassessment. When the case
ends, pending meetings are cancelled and, one month later, the caseworker records the outcome.

Where the rest lives: what is due and when is decided in `domain.agenda` (pure, unit-tested); what a command
or a dated step does to the case is decided by the pure modules in `domain.decisions` (a meeting answer, a
meeting held, the employer's reply, the law's events, a deadline near or passed, reassignment, the end), each
`validate` + `decide` returning effects as data, which `workflows.effect_runner` carries out through the
activities (`workflows.effects`). The update handlers that still hold their own logic are in
`workflows.human_input`, `workflows.law_events`, `workflows.reform`; the steps the process takes on its own in
`workflows.steps`; the Danish texts in `domain.labels`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.planning import PlanningActivities
    from activities.register import AssignRequest, RegisterActivities
    from domain import agenda, labels
    from domain.agenda import DueStep, Step
    from domain.calendar_dk import add_working_days, working_day_on_or_after
    from domain.deadlines import compute_deadlines, outcome_request_day
    from domain.decisions import case_end, missed_deadline
    from domain.localtime import at_morning
    from domain.model import MEETING_TRACKS, TRACK_PHASE, CaseInput, CaseState, CaseView, EndType, OutcomeKind
    from domain.payloads import CaseEnd
    from domain.practice import HISTORY_EVENT_LIMIT, OUTCOME_TASK_DUE_WORKING_DAYS, OUTCOME_WAIT_DAYS
    from domain.triage import Track

from workflows.effect_runner import run_effects
from workflows.effects import CaseEffects
from workflows.handover import Handover
from workflows.human_input import HumanInput
from workflows.law_events import PATCH_INFO_FORM, LawEvents
from workflows.read_model import ReadModel
from workflows.reform import PATCH_REFORM_AS_LIVED, ReformEvents
from workflows.reviews import ReplyReviews
from workflows.steps import CaseSteps


@workflow.defn
class CaseWorkflow(HumanInput, Handover, LawEvents, ReformEvents, ReplyReviews, CaseSteps, ReadModel, CaseEffects):
    # What every part of the workflow reads and writes (the mixins use nothing else of the case's own).
    case: CaseInput  # the sick report, without the CPR number
    state: CaseState  # all the case has decided and recorded; carried across continue-as-new
    end: CaseEnd | None  # the end, once reported: the process closes the case
    changed: bool  # set by updates: the process reconsiders its next step at once
    meetings_lock: asyncio.Lock  # meetings are changed by the process and by updates, one change at a time

    @workflow.init
    def __init__(self, case: CaseInput, carried: CaseState | None = None) -> None:
        # The CPR number is passed once to the register and never kept in the workflow's state.
        self.case = case.without_cpr()
        self.state = carried or CaseState(
            reference=case.reference,
            municipality=case.municipality,
            expected_weeks=case.expected_weeks,
            employer_expected_weeks=case.employer_expected_weeks,
        )
        self.end: CaseEnd | None = None
        self.changed = False  # set by every update, so the process reconsiders its next step at once
        # Meetings are changed by the process and by updates; one change at a time, so none is lost.
        self.meetings_lock = asyncio.Lock()

    # `carried` is the state handed over by continue-as-new; a new case is started with None (both are sent,
    # as the worker decodes arguments by position).
    @workflow.run
    async def run(self, case: CaseInput, carried: CaseState | None = None) -> CaseState:
        self.start_publishing()
        if carried is None:
            await self.open_case(case)
        while self.end is None:
            if self.history_is_long():
                await workflow.wait_condition(workflow.all_handlers_finished)
                if self.end is not None:  # the case ended while we waited: close it in this run
                    break
                self.state.runs += 1
                workflow.continue_as_new(args=[self.case, self.state])
            await self.take_next_step()
        await self.close_case()
        await self.collect_outcome()
        await workflow.wait_condition(workflow.all_handlers_finished)
        await self.finish_publishing()
        return self.state

    # ------------------------------------------------------------------ the queries (both here)
    @workflow.query
    def case_view(self) -> CaseView:
        """The sick report (never with the CPR number, which the workflow does not keep) and the state."""
        return CaseView(self.case, self.state)

    @workflow.query
    def state_now(self) -> CaseState:
        return self.state

    # ------------------------------------------------------------------ opening the case
    async def open_case(self, case: CaseInput) -> None:
        await self.activity(RegisterActivities.register_case, case)
        self.note("case_registered", f"første fraværsdag {case.first_day.isoformat()}")
        if workflow.patched(PATCH_REFORM_AS_LIVED):
            self.state.triage_as_lived = True
            await self.plan_rule_sets()  # the set in force today for this first day, and a later switch
        else:
            self.state.rules = await self.activity(PlanningActivities.rule_set_for, case.first_day)
        self.state.deadlines = compute_deadlines(case.first_day, self.rules)
        if self.state.triage_as_lived:
            await self.learn_earlier_benefit()  # § 24 counts benefit paid in the person's earlier cases
        self.state.rule_set = self.rules.name
        self.state.first_meeting_due = self.deadlines.first_meeting_due
        self.state.latest_meeting_day = self.deadlines.latest_meeting_day
        self.state.caseworker = await self.activity(
            RegisterActivities.assign_caseworker, AssignRequest(case.reference, case.municipality)
        )
        self.note("caseworker_assigned", self.state.caseworker.id)
        await self.apply_triage()
        if workflow.patched(PATCH_INFO_FORM):
            await self.send_info_form()

    async def apply_triage(self) -> None:
        """Choose the track from the expected durations and the exemptions; a new duration re-triages."""
        decision = self.triage_decision()
        previous = self.state.track
        if previous == decision.track and self.state.triage_reason == decision.reason:
            return
        lived = self.state.triage_as_lived
        if previous in MEETING_TRACKS and decision.track not in MEETING_TRACKS:
            if not (lived and decision.track == Track.WATCH and not agenda.first_meeting_held(self.state)):
                # A case already in follow-up keeps its meetings; the shorter estimate is recorded, not obeyed.
                self.note("triage_kept", f"ny vurdering {decision.track} ({decision.reason}) ændrer ikke forløbet")
                return
            # Both now expect under 26 weeks before any meeting was held: not called in after all (L 66).
            await self.stand_down()
        phase = TRACK_PHASE[decision.track]
        if lived and previous in MEETING_TRACKS and decision.track in MEETING_TRACKS and self.state.meetings:
            phase = self.state.phase  # the estimate came while followed as if long: the meetings go on
        self.state.track, self.state.triage_reason = decision.track, decision.reason
        self.state.category = decision.category
        self.note("triaged", f"{decision.track}: {decision.reason}")
        await self.set_phase(
            phase,
            fields={
                "track": decision.track.value,
                "triage_reason": decision.reason,
                "category": decision.category,
                "rule_set": self.rules.name,
                "first_meeting_due": self.deadlines.first_meeting_due,
                "first_meeting_kind": self.deadlines.first_meeting_kind,
                "expected_weeks": self.state.expected_weeks,
                "employer_expected_weeks": self.state.employer_expected_weeks,
            },
        )
        if lived:
            await self.assess_risk()

    # ------------------------------------------------------------------ keeping the case moving
    async def take_next_step(self) -> None:
        """Do what is due now; otherwise wait for the next dated step or for news from a person."""
        if self.state.reschedule:
            await self.move_meeting(self.state.reschedule[0])
            self.state.reschedule.pop(0)
            return
        if agenda.needs_estimate_request(self.state):
            await self.ask_employer_for_estimate()
            return
        if agenda.needs_first_contact(self.state):
            await self.contact_employer()
            return
        if agenda.needs_booking(self.state, self.today()):
            await self.book_meeting()
            return
        due = agenda.next_step(agenda.agenda(self.state, self.case, workflow.now()), self.state.done)
        self.changed = False
        if due is None:
            await workflow.wait_condition(lambda: self.changed or self.end is not None)
            return
        if due.when > workflow.now():
            if await self.wait_until(due.when, lambda: self.changed or self.end is not None):
                return
        self.state.done.append(due.key)
        await self.take(due)

    async def take(self, due: DueStep) -> None:
        """Carry out one dated step of the agenda."""
        if due.step == Step.EMPLOYER_REMINDER:
            await self.remind_employer()
        elif due.step == Step.EMPLOYER_ESCALATION:
            await self.escalate_silent_employer()
        elif due.step == Step.FIRST_MEETING_AT_RISK:
            await run_effects(self, missed_deadline.warn_if_at_risk(self.state, self.context()))
        elif due.step == Step.BREACH:
            # A statutory deadline breached, or the model's own target missed: domain.decisions.missed_deadline.
            self.state, effects = missed_deadline.decide(self.state, due.deadline, due.due)
            await run_effects(self, effects)
        elif due.step == Step.MEETING_REMINDER:
            await self.remind_attendees(due.meeting)
        elif due.step == Step.RECORD_MEETING:
            await self.ask_to_record(due.meeting)
        elif due.step == Step.FOLLOW_UP:
            await self.book_meeting(latest_day=max(due.due, agenda.late_meeting_floor(self.today(), self.closed)))
        elif due.step == Step.RETURN_CHECK:
            await self.ask_about_return()
        elif due.step == Step.MEASURE_TASK:
            await self.suggest_measure()
        elif due.step == Step.REASSESSMENT_TASK:
            await self.prepare_reassessment()
        elif due.step == Step.FAST_TRACK_CONSENT_LAPSE:
            await self.lapse_fast_track_consent()
        elif due.step == Step.ESTIMATE_REMINDER:
            await self.remind_employer_of_estimate()
        elif due.step == Step.ESTIMATE_ESCALATION:
            await self.escalate_missing_estimate()
        elif due.step == Step.INFO_FORM_REMINDER:
            await self.remind_info_form()
        elif due.step == Step.INFO_FORM_TASK:
            await self.info_form_unanswered()
        elif due.step == Step.RULE_SET_SWITCH:
            await self.switch_rule_set()
        # Step.RETRY_BOOKING only wakes the process, which then does what has become due.

    # ------------------------------------------------------------------ the end
    async def close_case(self) -> None:
        """Cancel what is pending, close open tasks, and tell those who need to know (domain.decisions.case_end)."""
        self.state, effects = case_end.close(self.state, self.context(), self.end)
        await run_effects(self, effects)

    async def collect_outcome(self) -> None:
        """One month after the end the caseworker records where the person went: work, education or other."""
        if self.end.end_type == EndType.DEATH:
            return
        ask_on = working_day_on_or_after(outcome_request_day(self.end.end_date, self.rules), self.closed)
        if not await self.wait_until(at_morning(ask_on), lambda: self.state.outcome is not None):
            await self.task(
                "outcome",
                labels.record_outcome(),
                due=add_working_days(ask_on, OUTCOME_TASK_DUE_WORKING_DAYS, self.closed),
                command=self.command("udfald", "--udfald job"),
            )
        if not await self.wait_until(
            at_morning(ask_on) + timedelta(days=OUTCOME_WAIT_DAYS), lambda: self.state.outcome is not None
        ):
            await self.record_outcome_value(OutcomeKind.UNKNOWN)

    # ------------------------------------------------------------------ time
    def history_is_long(self) -> bool:
        info = workflow.info()
        limit = self.case.history_event_limit or HISTORY_EVENT_LIMIT
        return info.is_continue_as_new_suggested() or info.get_current_history_length() > limit

    async def wait_until(self, when: datetime, condition) -> bool:
        """Wait for the condition or the moment, whichever comes first; True if the condition came first."""
        try:
            await workflow.wait_condition(condition, timeout=max(timedelta(seconds=1), when - workflow.now()))
            return True
        except TimeoutError:
            return False
