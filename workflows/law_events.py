"""What the law adds to a case: fast track with the employee's consent, partial recovery as an event of
a running case, periods without benefit that move the § 24 reassessment, the information form (§ 11), the
employer's estimate under the 2026 reform, and a missed target of the model kept apart from a breach of the law.

Updates (validated, refusals in Danish) and the steps the process takes for them. A mixin of `CaseWorkflow`.

Replay safety: a running case must do what it did. The employer's fast-track request changed meaning (it now
waits for consent), so it is guarded by PATCH_FAST_TRACK_CONSENT; the information form is sent only by cases
opened with PATCH_INFO_FORM. Everything else is reachable only through new updates, or through state and rule-set
fields that cases started before this change never have.
"""

from __future__ import annotations

from datetime import date

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.register import RegisterActivities
    from domain import agenda, labels, reform_labels
    from domain.calendar_dk import add_working_days
    from domain.deadlines import STATUTORY, fast_track_due, info_form_dates
    from domain.decisions import fast_track
    from domain.decisions import info_form as info_form_rules
    from domain.decisions import law_events as law
    from domain.fast_track import answer_consent, lapse_if_silent
    from domain.fast_track import request_fast_track as open_fast_track_request
    from domain.localtime import local_date
    from domain.model import MEETING_TRACKS, FastTrack, Phase
    from domain.payloads import (
        BenefitPause,
        FastTrackConsent,
        FastTrackRequest,
        InfoFormAnswer,
        InfoFormSent,
        PartialRecovery,
    )
    from domain.practice import (
        ESTIMATE_TASK_DUE_WORKING_DAYS,
        FAST_TRACK_LAPSED_TASK_DUE_WORKING_DAYS,
        INFO_FORM_SEND_DUE_WORKING_DAYS,
        INFO_FORM_TASK_DUE_WORKING_DAYS,
    )
    from domain.results import UpdateResult, done
    from domain.triage import Track

from workflows.effect_runner import run_effects
from workflows.human_input import check

# An employer's fast-track request waits for the employee's consent (bek. om opfølgning § 4). Before, it was in
# force at once; a case that took such a request before this change replays the old way.
PATCH_FAST_TRACK_CONSENT = "fast-track-needs-employee-consent"
# The information form (§ 11) is sent at intake; cases opened before this change never had it.
PATCH_INFO_FORM = "information-form-at-intake"


class LawEvents:
    # ------------------------------------------------------------------ fast track and consent
    @workflow.update
    async def request_fast_track(self, request: FastTrackRequest) -> UpdateResult:
        """Early follow-up on request. The employee's own request is in force at once; the employer's waits for
        the employee's consent within 2 bank days, and until then the ordinary deadline is the only one."""
        if workflow.patched(PATCH_FAST_TRACK_CONSENT):
            status = open_fast_track_request(
                request.requested_by, request.requested_on, self.case.first_day, self.rules
            )
            self.state.fast_track_request = status
            if status.pending:
                self.note(
                    "fast_track_requested", f"{request.requested_by}, samtykke senest {status.consent_due.isoformat()}"
                )
                await self.audit(
                    "fast_track_requested",
                    request.actor,
                    requested_by=request.requested_by,
                    consent_due=status.consent_due.isoformat(),
                )
                await self.activity(
                    RegisterActivities.update_case,
                    self.case_update(
                        "fast_track",
                        {
                            "fast_track_requested_by": request.requested_by,
                            "fast_track_requested_on": request.requested_on,
                        },
                    ),
                )
                self.changed = True
                return UpdateResult("consent_due", status.consent_due.isoformat())
        return done(await self.put_fast_track_in_force(request.requested_by, request.requested_on, request.actor))

    async def put_fast_track_in_force(
        self, requested_by: str, requested_on: date, actor: str, consented: bool = False
    ) -> str:
        """The first meeting is now due within two weeks of the request: meetings planned later move."""
        due = min(fast_track_due(requested_on, self.rules), self.deadlines.latest_meeting_day)
        self.state.fast_track = FastTrack(requested_by, requested_on, due)
        if consented:
            self.note("fast_track_in_force", f"samtykke givet, samtale senest {due.isoformat()}")
        else:
            self.note("fast_track_requested", f"{requested_by}, senest {due.isoformat()}")
            await self.audit("fast_track_requested", actor, requested_by=requested_by, due=due.isoformat())
            await self.activity(
                RegisterActivities.update_case,
                self.case_update(
                    "fast_track", {"fast_track_requested_by": requested_by, "fast_track_requested_on": requested_on}
                ),
            )
        if self.state.track not in MEETING_TRACKS:
            # A watched case asked for follow-up gets it: a job-centre meeting unless the employer hosts.
            self.state.track, self.state.triage_reason = Track.OUTSIDE, "fast_track_requested"
            await self.set_phase(
                Phase.BOOKING, fields={"track": self.state.track.value, "triage_reason": self.state.triage_reason}
            )
        elif consented:
            await self.set_phase(self.state.phase)  # the case's next deadline is now the fast-track date
        for meeting in agenda.planned_meetings(self.state):
            if local_date(meeting.start) > due and meeting.uid not in self.state.reschedule:
                self.state.reschedule.append(meeting.uid)
        self.changed = True
        return due.isoformat()

    @request_fast_track.validator
    def _validate_fast_track(self, request: FastTrackRequest) -> None:
        check(fast_track.validate_request(self.state, self.context(), request))

    @workflow.update
    async def answer_fast_track_consent(self, answer: FastTrackConsent) -> UpdateResult:
        """The employee's yes or no to the employer's request; a no (or silence) leaves the ordinary deadline."""
        status = answer_consent(
            self.state.fast_track_request, answer.agrees, answer.answered_on, self.rules, accept_late=answer.accept_late
        )
        self.state.fast_track_request = status
        await self.audit(
            "fast_track_consent",
            answer.actor,
            consent=status.consent,
            answered_on=answer.answered_on.isoformat(),
            accept_late=str(answer.accept_late),
        )
        self.note("fast_track_consent", labels.consent(status.consent))
        self.close_task(f"fast_track_lapsed/{status.requested_on.isoformat()}")
        self.changed = True
        if status.in_force:
            due = await self.put_fast_track_in_force(
                status.requested_by, status.requested_on, answer.actor, consented=True
            )
            return UpdateResult("given", due)
        return done(status.consent)

    @answer_fast_track_consent.validator
    def _validate_consent(self, answer: FastTrackConsent) -> None:
        check(fast_track.validate_consent(self.state, self.context(), answer))

    async def lapse_fast_track_consent(self) -> None:
        """Two bank days passed without the employee's yes: no fast track, the ordinary deadline holds."""
        before = self.state.fast_track_request
        status = lapse_if_silent(before, self.today())
        if status == before:
            return
        self.state.fast_track_request = status
        self.note("fast_track_lapsed", f"intet samtykke senest {status.consent_due.isoformat()}")
        await self.activity(
            RegisterActivities.update_case,
            self.case_update("fast_track_lapsed", {}, detail={"consent_due": status.consent_due.isoformat()}),
        )
        await self.task(
            f"fast_track_lapsed/{status.requested_on.isoformat()}",
            labels.fast_track_consent_lapsed(status.consent_due),
            due=add_working_days(self.today(), FAST_TRACK_LAPSED_TASK_DUE_WORKING_DAYS, self.closed),
            command=self.command("samtykke", "--svar ja --sent-accepteret"),
        )

    # ------------------------------------------------------------------ partial recovery, periods without benefit
    @workflow.update
    async def record_partial_recovery(self, change: PartialRecovery) -> UpdateResult:
        """Partly back at work (reduced hours): reduced benefit and follow-up go on (§ 8); the case stays open."""
        self.state, effects = law.decide_partial_recovery(self.state, self.context(), change)
        await run_effects(self, effects)
        return done(law.hours(change))

    @record_partial_recovery.validator
    def _validate_partial_recovery(self, change: PartialRecovery) -> None:
        check(law.validate_partial_recovery(self.state, self.context(), change))

    @workflow.update
    async def record_benefit_pause(self, pause: BenefitPause) -> UpdateResult:
        """A period without sickness benefit moves the § 24 reassessment date; its task follows the new date."""
        self.state, effects = law.decide_benefit_pause(self.state, self.context(), pause)
        due = self.deadlines.reassessment_due
        await run_effects(self, effects)
        return done(due.isoformat())

    @record_benefit_pause.validator
    def _validate_benefit_pause(self, pause: BenefitPause) -> None:
        check(law.validate_benefit_pause(self.state, self.context(), pause))

    # ------------------------------------------------------------------ the information form (§ 11)
    async def send_info_form(self) -> None:
        """At intake the caseworker sends the form through Digital Post (it asks about health, so never by ordinary
        e-mail), unless it went automatically with the employer's report. Until its real sending date is recorded
        (`record_info_form_sent`; newer cases are asked to), the 8 days run from today."""
        self.state.info_form_sent_on = self.today()
        due = info_form_dates(self.today(), self.rules).answer_due
        self.note("info_form_sent", f"svarfrist {due.isoformat()}")
        if self.state.triage_as_lived:
            await self.task(
                "info_form_send",
                reform_labels.info_form_send_and_record(),
                due=add_working_days(self.today(), INFO_FORM_SEND_DUE_WORKING_DAYS, self.closed),
                command=self.command("oplysningsskema", "--sendt ÅÅÅÅ-MM-DD"),
            )
            return
        await self.task(
            "info_form_send",
            labels.info_form_send(),
            due=add_working_days(self.today(), INFO_FORM_SEND_DUE_WORKING_DAYS, self.closed),
            command=self.command("oplysningsskema", "--besvaret ÅÅÅÅ-MM-DD"),
        )

    def info_form(self):
        """The form's dates: from its recorded sending and any agreed answer date (older cases: intake)."""
        return info_form_dates(self.state.info_form_sent_on, self.rules, answer_due=self.state.info_form_answer_due)

    def info_form_occasion(self) -> str:
        """Once the real dates are recorded, each answer date is its own occasion for a reminder and a task."""
        return f"/{self.info_form().answer_due.isoformat()}" if self.state.info_form_sent_recorded else ""

    async def remind_info_form(self) -> None:
        due = self.info_form().answer_due
        await self.send("info_form_reminder", self.employee, deadline=due, key_suffix=self.info_form_occasion())
        self.note("info_form_reminded", f"svarfrist {due.isoformat()}")

    async def info_form_unanswered(self) -> None:
        due = self.info_form().answer_due
        await self.task(
            f"info_form_missing{self.info_form_occasion()}",
            labels.info_form_missing(due),
            due=add_working_days(self.today(), INFO_FORM_TASK_DUE_WORKING_DAYS, self.closed),
            command=self.command("oplysningsskema", f"--besvaret {self.today().isoformat()}"),
        )

    @workflow.update
    async def record_info_form_sent(self, sent: InfoFormSent) -> UpdateResult:
        """The form's real sending date (by Digital Post, or automatically with the employer's report), and a later
        answer date if one was agreed: the answer date, the reminder, the task and "late" follow these dates."""
        self.state.info_form_sent_on, self.state.info_form_via = sent.sent_on, sent.via
        self.state.info_form_answer_due = sent.answer_due
        self.state.info_form_sent_recorded = True
        self.close_task("info_form_send")
        self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith("info_form_missing")]
        due = self.info_form().answer_due
        self.note(
            "info_form_sent",
            f"{sent.sent_on.isoformat()} ({sent.via}), svarfrist {due.isoformat()}"
            + (" (aftalt)" if sent.answer_due else ""),
        )
        await self.audit(
            "info_form_sent",
            sent.actor,
            sent_on=sent.sent_on.isoformat(),
            via=sent.via,
            answer_due=due.isoformat(),
            agreed=str(sent.answer_due is not None),
        )
        self.changed = True
        return done(due.isoformat())

    @record_info_form_sent.validator
    def _validate_info_form_sent(self, sent: InfoFormSent) -> None:
        check(info_form_rules.validate_sent(self.state, self.context(), sent))

    @workflow.update
    async def record_info_form_answer(self, answer: InfoFormAnswer) -> UpdateResult:
        self.state.info_form_answered_on = answer.answered_on
        self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith("info_form")]
        due = self.info_form().answer_due
        on_time = "in_time" if answer.answered_on <= due else "late"
        self.note("info_form_answered", f"{answer.answered_on.isoformat()} ({on_time})")
        await self.audit(
            "info_form_answered", answer.actor, answered_on=answer.answered_on.isoformat(), answer_due=due.isoformat()
        )
        self.changed = True
        return done(on_time)

    @record_info_form_answer.validator
    def _validate_info_form_answer(self, answer: InfoFormAnswer) -> None:
        check(info_form_rules.validate_answer(self.state, self.context(), answer))

    # ------------------------------------------------------------------ the employer's estimate (2026 reform)
    async def ask_employer_for_estimate(self) -> None:
        """Both estimates decide whether a case is only watched: a missing one is asked for, never assumed."""
        self.state.employer_estimate_requested_on = self.today()
        await self.send("employer_estimate_request", self.employer)
        self.note("employer_estimate_requested")
        await self.task(
            "employer_estimate",
            labels.ask_for_estimate(self.case.employer.name),
            due=add_working_days(self.today(), ESTIMATE_TASK_DUE_WORKING_DAYS, self.closed),
            command=self.command("varighed", f"--uger {self.state.expected_weeks} --arbejdsgiver-uger UGER"),
        )

    async def remind_employer_of_estimate(self) -> None:
        await self.send("employer_estimate_request", self.employer, key_suffix="/reminder", reminder=True)
        self.note("employer_estimate_reminded")

    async def escalate_missing_estimate(self) -> None:
        await self.escalate(labels.EMPLOYER_ESTIMATE_SILENT, key="estimate_silent")

    def employer_request_extra(self) -> dict[str, str]:
        """What the employer's request says besides the meeting: whether week 8 is the law or the model's own
        target, and a question for the estimate when the rule set needs it and it is missing."""
        extra = {}
        if self.deadlines.first_meeting_kind != STATUTORY:
            extra["model_target_meeting"] = "ja"
        if self.rules.employer_estimate_required and self.state.employer_expected_weeks is None:
            extra["ask_estimate"] = "ja"
        return extra
