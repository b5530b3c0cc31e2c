"""The 2026 reform as municipalities live it (L 66): a later rule set that takes over running cases on its date,
a case that is no longer called in when both estimates say under 26 weeks, and a caseworker's request that a case
look at the rule sets again (a set added to the configuration after the case opened). A mixin of `CaseWorkflow`.

Replay safety: cases opened before this change never have `state.rule_set_switch` or `state.triage_as_lived`
(both are set at opening under PATCH_REFORM_AS_LIVED), so their agenda and triage are what they were. The update
`refresh_rule_sets` is new: no saved history contains it.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from dataclasses import replace
    from datetime import timedelta

    from activities.decision_support import DecisionSupportActivities, RiskRequest
    from activities.planning import PlanningActivities, RuleSetPlanRequest
    from activities.register import EarlierBenefitRequest, RegisterActivities
    from domain import agenda, reform_labels
    from domain.calendar_dk import add_working_days
    from domain.deadlines import compute_deadlines, recompute_reassessment
    from domain.model import MeetingStatus, Phase
    from domain.payloads import EarlierBenefit, FollowUpDecision
    from domain.refusals import Refusal
    from domain.results import UpdateResult, done
    from domain.rulesets import RuleSet
    from domain.triage import Track, triage

from workflows.human_input import refuse

# Cases opened from this change triage with the reform's paths and learn of a later rule set that takes running
# cases over: a new activity at opening, and a different triage, so older cases must not take either on replay.
PATCH_REFORM_AS_LIVED = "reform-2026-as-lived"

CONSIDER_DUE_WORKING_DAYS = 3  # local practice: a high estimate is looked at within three working days

# Tasks that belong to a meeting; when the person is no longer called in, they go with the meetings.
MEETING_TASKS = ("call_employer", "record_meeting/", "comment/", "counter/", "measure")


class ReformEvents:
    async def plan_rule_sets(self) -> None:
        """At opening: the set the case follows today (a later set may already have taken over cases whose first
        day came before it), and the next switch, for which the agenda holds a timer."""
        plan = await self.activity(
            PlanningActivities.rule_set_plan, RuleSetPlanRequest(self.case.first_day, self.today())
        )
        self.state.rules = plan.current
        self.state.rule_set_switch = plan.switch

    def deadlines_under(self, rules: RuleSet):
        """The case's deadlines under `rules`, with the periods already recorded that move § 24."""
        deadlines = compute_deadlines(self.case.first_day, rules)
        if self.state.benefit_pauses or self.state.earlier_benefit:
            deadlines = recompute_reassessment(
                deadlines, rules, no_benefit=self.state.benefit_pauses, earlier_benefit=self.state.earlier_benefit
            )
        return deadlines

    # ------------------------------------------------------------------ decision support
    async def assess_risk(self) -> None:
        """At every triage: decision support's estimate that the absence passes 26 weeks (None when it is off or no
        model is validated). A high estimate on a watched case gives the caseworker a task; she decides."""
        days = sum((p.end - p.start).days + 1 for p in self.state.earlier_benefit)
        self.state.risk = await self.activity(
            DecisionSupportActivities.risk_estimate,
            RiskRequest(self.state.expected_weeks, self.state.employer_expected_weeks, days),
        )
        risk = self.state.risk
        if risk is None or risk.band != "høj" or self.state.track != Track.WATCH:
            return
        key = (
            f"consider_follow_up/{risk.model_version}/{self.state.expected_weeks}/{self.state.employer_expected_weeks}"
        )
        if key in self.state.done:
            return
        self.state.done.append(key)
        self.note("risk_high", reform_labels.risk_line(risk))
        await self.task(
            key,
            reform_labels.consider_follow_up(risk),
            due=add_working_days(self.today(), CONSIDER_DUE_WORKING_DAYS, self.closed),
            command=self.command("opfoelgning", "--indkald ja --begrundelse TEKST"),
        )

    @workflow.update
    async def record_follow_up_decision(self, decision: FollowUpDecision) -> UpdateResult:
        """The caseworker's decision on a high estimate: call the person in (a job-centre meeting is booked) or not;
        either way with a reason, audited and counted."""
        risk = self.state.risk
        self.state.follow_up_decisions.append(decision)
        self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith("consider_follow_up/")]
        await self.audit(
            "follow_up_decision",
            decision.actor,
            call_in=str(decision.call_in),
            reason=decision.reason,
            band=risk.band if risk else "",
            model=risk.model_version if risk else "",
        )
        self.note(
            "follow_up_decision", ("indkaldes" if decision.call_in else "indkaldes ikke") + f": {decision.reason}"
        )
        if decision.call_in and self.state.track == Track.WATCH:
            self.state.track, self.state.triage_reason = Track.OUTSIDE, "called_in_on_estimate"
            await self.set_phase(
                Phase.BOOKING, fields={"track": self.state.track.value, "triage_reason": self.state.triage_reason}
            )
        self.changed = True
        return done("call_in" if decision.call_in else "watch")

    @record_follow_up_decision.validator
    def _validate_follow_up_decision(self, decision: FollowUpDecision) -> None:
        self.require_open()
        if self.state.track != Track.WATCH:
            raise refuse(Refusal.NOT_WATCHED, "sagen overvåges ikke: den følges allerede op")
        if not decision.reason.strip():
            raise refuse(Refusal.REASON_REQUIRED, "angiv en begrundelse for beslutningen")
        last = self.state.follow_up_decisions[-1] if self.state.follow_up_decisions else None
        if last is not None and (last.call_in, last.reason.strip()) == (decision.call_in, decision.reason.strip()):
            # The same decision sent again (Back and send, a second tab): recorded once.
            raise refuse(Refusal.ALREADY_RECORDED, "beslutningen er allerede registreret med den begrundelse")

    # ------------------------------------------------------------------ § 24 across cases
    async def learn_earlier_benefit(self) -> None:
        """At opening: benefit paid to the same person in earlier cases of the register counts toward § 24's
        22 weeks within 9 months, so the reassessment may come sooner."""
        found = await self.activity(
            RegisterActivities.earlier_benefit_periods,
            EarlierBenefitRequest(
                self.case.reference, self.case.municipality, self.case.first_day, self.rules.employer_period_days
            ),
        )
        if not found:
            return
        self.state.earlier_benefit.extend(found)
        before = self.deadlines.reassessment_due
        self.state.deadlines = self.deadlines_under(self.rules)
        self.note("earlier_benefit", reform_labels.earlier_benefit(found, before, self.deadlines.reassessment_due))

    @workflow.update
    async def record_earlier_benefit(self, period: EarlierBenefit) -> UpdateResult:
        """A period of sickness benefit in an earlier case (another municipality's, say), entered by the
        caseworker: the § 24 date and the reassessment task move with it."""
        old_due, old_key = self.deadlines.reassessment_due, agenda.reassessment_key(self.state)
        self.state.earlier_benefit.append(replace(period, source="caseworker"))
        self.state.deadlines = self.deadlines_under(self.rules)
        new_due = self.deadlines.reassessment_due
        if old_key in self.state.done:
            if new_due == old_due:
                self.state.done.append(agenda.reassessment_key(self.state))  # the task given still stands
            else:
                self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith("reassessment")]
        self.note("earlier_benefit", reform_labels.earlier_benefit([period], old_due, new_due))
        await self.audit(
            "earlier_benefit",
            period.actor,
            start=period.start.isoformat(),
            end=period.end.isoformat(),
            note=period.note,
            reassessment_due=new_due.isoformat(),
        )
        await self.set_phase(self.state.phase)
        self.changed = True
        return done(new_due.isoformat())

    @record_earlier_benefit.validator
    def _validate_earlier_benefit(self, period: EarlierBenefit) -> None:
        self.require_open()
        if period.end < period.start:
            raise refuse(Refusal.BAD_PERIOD, "perioden slutter før den begynder")
        if period.end >= self.case.first_day:
            raise refuse(Refusal.BAD_PERIOD, "perioden skal ligge før denne sags første fraværsdag")
        if period.start < self.case.first_day - timedelta(days=366):
            raise refuse(Refusal.BAD_PERIOD, "perioden ligger mere end et år før første fraværsdag og tæller ikke med")
        for other in self.state.earlier_benefit:
            if period.start <= other.end and other.start <= period.end:
                raise refuse(
                    Refusal.PERIOD_OVERLAPS,
                    f"perioden overlapper en registreret periode "
                    f"({other.start.isoformat()} til {other.end.isoformat()})",
                )

    async def switch_rule_set(self) -> None:
        """The agenda's timer for a set with `transition: all_running_cases` has run out: the case follows it from
        today. Deadlines are recomputed, the case is triaged again under the new set, and the timeline says what
        changed and why."""
        switch = self.state.rule_set_switch
        plan = await self.activity(
            PlanningActivities.rule_set_plan, RuleSetPlanRequest(self.case.first_day, self.today())
        )
        self.state.rule_set_switch = plan.switch
        if plan.current.name != self.rules.name:  # the set may have been taken out of the configuration since
            await self.move_to_rules(plan.current, switch.on)

    async def move_to_rules(self, rules: RuleSet, on) -> None:
        old_rules, old_deadlines = self.rules, self.deadlines
        old_track, old_category = self.state.track, self.state.category
        self.state.rules, self.state.rule_set = rules, rules.name
        self.state.deadlines = self.deadlines_under(rules)
        self.state.first_meeting_due = self.deadlines.first_meeting_due
        self.state.latest_meeting_day = self.deadlines.latest_meeting_day
        await self.apply_triage()
        self.state.category = self.triage_decision().category  # categories go or come with the set
        self.note(
            "rule_set_changed",
            reform_labels.rule_set_changed(
                old_rules.name,
                rules.name,
                on,
                old_deadlines,
                self.deadlines,
                old_track,
                self.state.track,
                old_category,
                self.state.category,
            ),
        )
        await self.set_phase(
            self.state.phase,
            fields={
                "rule_set": rules.name,
                "category": self.state.category,
                "track": self.state.track.value,
                "first_meeting_due": self.deadlines.first_meeting_due,
                "first_meeting_kind": self.deadlines.first_meeting_kind,
            },
        )
        self.changed = True

    def triage_decision(self):
        lived = self.state.triage_as_lived
        return triage(
            expected_weeks=self.state.expected_weeks,
            employer_expected_weeks=self.state.employer_expected_weeks,
            seriously_ill=self.case.seriously_ill,
            workplace_is_cause=self.case.workplace_is_cause,
            rules=self.rules,
            missing_estimate_followed=lived,
            exemption_watched=lived,
        )

    async def stand_down(self) -> None:
        """Both estimates now say under 26 weeks and no meeting has been held: the person is not called in (L 66).
        Planned meetings are cancelled for every attendee and the meeting's tasks closed; the case is watched."""
        async with self.meetings_lock:
            for meeting in agenda.planned_meetings(self.state):
                meeting.status = MeetingStatus.CANCELLED
                meeting.sequence += 1
                await self.save(meeting)
                await self.invite(meeting, cancel=True, reason=reform_labels.NOT_CALLED_IN)
        self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith(MEETING_TASKS)]
        self.state.retry_booking_on = None

    # ------------------------------------------------------------------ asked to look at the rule sets again
    @workflow.update
    async def refresh_rule_sets(self, actor: str) -> UpdateResult:
        """A set added to the configuration after the case opened reaches it: the case takes the set it follows
        today, holds a timer for the next switch, and, opened before this code and still waiting for the employer's
        estimate, is followed as if long from now on."""
        plan = await self.activity(
            PlanningActivities.rule_set_plan, RuleSetPlanRequest(self.case.first_day, self.today())
        )
        waiting = self.state.track == Track.EMPLOYER_ESTIMATE_NEEDED
        self.state.triage_as_lived = True
        result = UpdateResult("same", self.rules.name)
        if plan.current.name != self.rules.name:
            await self.move_to_rules(plan.current, self.today())
            result = UpdateResult("switched", plan.current.name)
        elif waiting:
            await self.apply_triage()
            await self.set_phase(self.state.phase)
        self.state.rule_set_switch = plan.switch
        if plan.switch is not None and result.kind == "same":
            result = UpdateResult("switch_ahead", f"{plan.switch.on.isoformat()}/{plan.switch.rules.name}")
        await self.audit("rule_sets_refreshed", actor, result=f"{result.kind}:{result.value}")
        self.changed = True
        return result

    @refresh_rule_sets.validator
    def _validate_refresh(self, actor: str) -> None:
        self.require_open()
