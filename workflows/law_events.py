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
    from activities.register import BreachRecord, RegisterActivities
    from domain import agenda, labels, reform_labels
    from domain.calendar_dk import add_working_days
    from domain.deadlines import (STATUTORY, fast_track_allowed, fast_track_due, info_form_dates,
                                  recompute_reassessment)
    from domain.fast_track import Consent, answer_consent, lapse_if_silent
    from domain.fast_track import request_fast_track as open_fast_track_request
    from domain.localtime import local_date
    from domain.model import (INFO_FORM_VIA, MEETING_TRACKS, BenefitPause, FastTrack, FastTrackConsent,
                              FastTrackRequest, InfoFormAnswer, InfoFormSent, PartialRecovery, Phase, Role)
    from domain.practice import (ESTIMATE_TASK_DUE_WORKING_DAYS, FAST_TRACK_LAPSED_TASK_DUE_WORKING_DAYS,
                                 INFO_FORM_SEND_DUE_WORKING_DAYS, INFO_FORM_TASK_DUE_WORKING_DAYS, MAX_HOURS_PER_WEEK)
    from domain.refusals import Refusal
    from domain.triage import Track

from workflows.human_input import refuse

# An employer's fast-track request waits for the employee's consent (bek. om opfølgning § 4). Before, it was in
# force at once; a case that took such a request before this change replays the old way.
PATCH_FAST_TRACK_CONSENT = "fast-track-needs-employee-consent"
# The information form (§ 11) is sent at intake; cases opened before this change never had it.
PATCH_INFO_FORM = "information-form-at-intake"


class LawEvents:
    # ------------------------------------------------------------------ fast track and consent
    @workflow.update
    async def request_fast_track(self, request: FastTrackRequest) -> str:
        """Early follow-up on request. The employee's own request is in force at once; the employer's waits for
        the employee's consent within 2 bank days, and until then the ordinary deadline is the only one."""
        if workflow.patched(PATCH_FAST_TRACK_CONSENT):
            status = open_fast_track_request(request.requested_by, request.requested_on, self.case.first_day,
                                             self.rules)
            self.state.fast_track_request = status
            if status.pending:
                self.note("fast_track_requested", f"{request.requested_by}, samtykke senest "
                                                  f"{status.consent_due.isoformat()}")
                await self.audit("fast_track_requested", request.actor, requested_by=request.requested_by,
                                 consent_due=status.consent_due.isoformat())
                await self.activity(RegisterActivities.update_case, self.case_update("fast_track", {
                    "fast_track_requested_by": request.requested_by,
                    "fast_track_requested_on": request.requested_on}))
                self.changed = True
                return f"consent_due:{status.consent_due.isoformat()}"
        return await self.put_fast_track_in_force(request.requested_by, request.requested_on, request.actor)

    async def put_fast_track_in_force(self, requested_by: str, requested_on: date, actor: str,
                                      consented: bool = False) -> str:
        """The first meeting is now due within two weeks of the request: meetings planned later move."""
        due = min(fast_track_due(requested_on, self.rules), self.deadlines.latest_meeting_day)
        self.state.fast_track = FastTrack(requested_by, requested_on, due)
        if consented:
            self.note("fast_track_in_force", f"samtykke givet, samtale senest {due.isoformat()}")
        else:
            self.note("fast_track_requested", f"{requested_by}, senest {due.isoformat()}")
            await self.audit("fast_track_requested", actor, requested_by=requested_by, due=due.isoformat())
            await self.activity(RegisterActivities.update_case, self.case_update("fast_track", {
                "fast_track_requested_by": requested_by, "fast_track_requested_on": requested_on}))
        if self.state.track not in MEETING_TRACKS:
            # A watched case asked for follow-up gets it: a job-centre meeting unless the employer hosts.
            self.state.track, self.state.triage_reason = Track.OUTSIDE, "fast_track_requested"
            await self.set_phase(Phase.BOOKING, fields={"track": self.state.track.value,
                                                        "triage_reason": self.state.triage_reason})
        elif consented:
            await self.set_phase(self.state.phase)  # the case's next deadline is now the fast-track date
        for meeting in agenda.planned_meetings(self.state):
            if local_date(meeting.start) > due and meeting.uid not in self.state.reschedule:
                self.state.reschedule.append(meeting.uid)
        self.changed = True
        return due.isoformat()

    @request_fast_track.validator
    def _validate_fast_track(self, request: FastTrackRequest) -> None:
        self.require_open()
        if request.requested_by not in (Role.EMPLOYER, Role.EMPLOYEE):
            raise refuse(Refusal.BAD_REQUESTER, "anmodningen skal komme fra arbejdsgiver eller medarbejder")
        if self.state.fast_track is not None:
            raise refuse(Refusal.ALREADY_REQUESTED, "der er allerede anmodet om tidlig opfølgning")
        if self.state.fast_track_request is not None and self.state.fast_track_request.pending:
            raise refuse(Refusal.ALREADY_REQUESTED, "der venter allerede svar fra medarbejderen på en anmodning om "
                                                    "tidlig opfølgning")
        if agenda.first_meeting_held(self.state):
            raise refuse(Refusal.ALREADY_HELD, "første opfølgningssamtale er allerede holdt")
        if request.requested_on < self.case.first_day:
            raise refuse(Refusal.BAD_REQUEST_DATE, "anmodningen kan ikke ligge før første fraværsdag")
        if request.requested_on > self.today():
            raise refuse(Refusal.BAD_REQUEST_DATE, "anmodningen kan ikke ligge i fremtiden")
        if not fast_track_allowed(request.requested_by, request.requested_on, self.case.first_day, self.rules):
            raise refuse(Refusal.TOO_LATE, f"arbejdsgiveren kan kun anmode inden for de første "
                                           f"{self.rules.fast_track_employer_window_weeks} ugers fravær")

    @workflow.update
    async def answer_fast_track_consent(self, answer: FastTrackConsent) -> str:
        """The employee's yes or no to the employer's request; a no (or silence) leaves the ordinary deadline."""
        status = answer_consent(self.state.fast_track_request, answer.agrees, answer.answered_on, self.rules,
                                accept_late=answer.accept_late)
        self.state.fast_track_request = status
        await self.audit("fast_track_consent", answer.actor, consent=status.consent,
                         answered_on=answer.answered_on.isoformat(), accept_late=str(answer.accept_late))
        self.note("fast_track_consent", labels.consent(status.consent))
        self.close_task(f"fast_track_lapsed/{status.requested_on.isoformat()}")
        self.changed = True
        if status.in_force:
            due = await self.put_fast_track_in_force(status.requested_by, status.requested_on, answer.actor,
                                                     consented=True)
            return f"given:{due}"
        return status.consent

    @answer_fast_track_consent.validator
    def _validate_consent(self, answer: FastTrackConsent) -> None:
        self.require_open()
        status = self.state.fast_track_request
        if status is None or status.consent not in (Consent.PENDING, Consent.LAPSED):
            raise refuse(Refusal.NO_CONSENT_AWAITED, "der venter ikke svar på en anmodning om tidlig opfølgning "
                                                     "fra arbejdsgiveren")
        if agenda.first_meeting_held(self.state):
            raise refuse(Refusal.ALREADY_HELD, "første opfølgningssamtale er allerede holdt")
        if answer.answered_on < status.requested_on:
            raise refuse(Refusal.BAD_ANSWER_DATE, "svaret kan ikke ligge før anmodningen")
        if answer.answered_on > self.today():
            raise refuse(Refusal.BAD_ANSWER_DATE, "svaret kan ikke ligge i fremtiden")

    async def lapse_fast_track_consent(self) -> None:
        """Two bank days passed without the employee's yes: no fast track, the ordinary deadline holds."""
        before = self.state.fast_track_request
        status = lapse_if_silent(before, self.today())
        if status == before:
            return
        self.state.fast_track_request = status
        self.note("fast_track_lapsed", f"intet samtykke senest {status.consent_due.isoformat()}")
        await self.activity(RegisterActivities.update_case, self.case_update(
            "fast_track_lapsed", {}, detail={"consent_due": status.consent_due.isoformat()}))
        await self.task(f"fast_track_lapsed/{status.requested_on.isoformat()}",
                        labels.fast_track_consent_lapsed(status.consent_due),
                        due=add_working_days(self.today(), FAST_TRACK_LAPSED_TASK_DUE_WORKING_DAYS, self.closed),
                        command=self.command("samtykke", "--svar ja --sent-accepteret"))

    # ------------------------------------------------------------------ partial recovery: a change, not an end
    @workflow.update
    async def record_partial_recovery(self, change: PartialRecovery) -> str:
        """Partly back at work (reduced hours): reduced benefit and follow-up go on (§ 8); the case stays open."""
        self.state.partial_recoveries.append(change)
        hours = f"{change.hours_per_week:g}"
        self.note("partial_recovery", f"{hours} timer om ugen fra {change.from_date.isoformat()}")
        await self.audit("partial_recovery", change.actor, hours_per_week=hours,
                         from_date=change.from_date.isoformat(), note=change.note)
        await self.activity(RegisterActivities.update_case, self.case_update("partial_recovery", {
            "partial_recovery_on": self.state.partial_recoveries[0].from_date,
            "partial_recovery_hours": change.hours_per_week}))
        self.changed = True
        return hours

    @record_partial_recovery.validator
    def _validate_partial_recovery(self, change: PartialRecovery) -> None:
        self.require_open()
        if not 0 < change.hours_per_week <= MAX_HOURS_PER_WEEK:
            raise refuse(Refusal.BAD_HOURS, f"timer om ugen skal være mere end 0 og højst {MAX_HOURS_PER_WEEK}")
        if change.from_date < self.case.first_day:
            raise refuse(Refusal.BAD_FROM_DATE, "datoen ligger før første fraværsdag")
        if not self.plausible_day(change.from_date):
            raise refuse(Refusal.BAD_FROM_DATE, "datoen ligger mere end et år ude i fremtiden")
        if self.state.partial_recoveries and change.from_date < self.state.partial_recoveries[-1].from_date:
            raise refuse(Refusal.BAD_FROM_DATE, "datoen ligger før den seneste registrerede delvise raskmelding")
        if any((p.hours_per_week, p.from_date) == (change.hours_per_week, change.from_date)
               for p in self.state.partial_recoveries):
            # The same fact sent again (Back and send, a second tab): recorded once.
            raise refuse(Refusal.ALREADY_RECORDED, "den delvise raskmelding med de timer fra den dato er allerede "
                                                   "registreret")

    # ------------------------------------------------------------------ periods without benefit (§ 24)
    @workflow.update
    async def record_benefit_pause(self, pause: BenefitPause) -> str:
        """A period without sickness benefit moves the § 24 reassessment date; its task follows the new date."""
        old_due, old_key = self.deadlines.reassessment_due, agenda.reassessment_key(self.state)
        self.state.benefit_pauses.append(pause)
        self.state.deadlines = recompute_reassessment(self.deadlines, self.rules, no_benefit=self.state.benefit_pauses,
                                                      earlier_benefit=self.state.earlier_benefit)
        new_due = self.deadlines.reassessment_due
        if old_key in self.state.done:
            if new_due == old_due:
                self.state.done.append(agenda.reassessment_key(self.state))  # the task given still stands
            else:
                self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith("reassessment")]
        self.note("benefit_pause", f"{pause.start.isoformat()} til {pause.end.isoformat()}; revurdering senest "
                                   f"{new_due.isoformat()}")
        await self.audit("benefit_pause", pause.actor, start=pause.start.isoformat(), end=pause.end.isoformat(),
                         reason=pause.reason, reassessment_due=new_due.isoformat())
        await self.set_phase(self.state.phase)
        self.changed = True
        return new_due.isoformat()

    @record_benefit_pause.validator
    def _validate_benefit_pause(self, pause: BenefitPause) -> None:
        self.require_open()
        if pause.end < pause.start:
            raise refuse(Refusal.BAD_PERIOD, "perioden slutter før den begynder")
        if pause.start < self.case.first_day:
            raise refuse(Refusal.BAD_PERIOD, "perioden begynder før første fraværsdag")
        if not self.plausible_day(pause.end):
            # Also keeps the § 24 arithmetic, which runs on from the last pause, inside the calendar.
            raise refuse(Refusal.BAD_PERIOD, "perioden slutter mere end et år ude i fremtiden")
        for other in self.state.benefit_pauses:
            if pause.start <= other.end and other.start <= pause.end:
                raise refuse(Refusal.PERIOD_OVERLAPS, f"perioden overlapper en registreret periode "
                                                      f"({other.start.isoformat()} til {other.end.isoformat()})")

    # ------------------------------------------------------------------ the information form (§ 11)
    async def send_info_form(self) -> None:
        """At intake the caseworker sends the form through Digital Post (it asks about health, so never by ordinary
        e-mail), unless it went automatically with the employer's report. Until its real sending date is recorded
        (`record_info_form_sent`; newer cases are asked to), the 8 days run from today."""
        self.state.info_form_sent_on = self.today()
        due = info_form_dates(self.today(), self.rules).answer_due
        self.note("info_form_sent", f"svarfrist {due.isoformat()}")
        if self.state.triage_as_lived:
            await self.task("info_form_send", reform_labels.info_form_send_and_record(),
                            due=add_working_days(self.today(), INFO_FORM_SEND_DUE_WORKING_DAYS, self.closed),
                            command=self.command("oplysningsskema", "--sendt ÅÅÅÅ-MM-DD"))
            return
        await self.task("info_form_send", labels.info_form_send(),
                        due=add_working_days(self.today(), INFO_FORM_SEND_DUE_WORKING_DAYS, self.closed),
                        command=self.command("oplysningsskema", "--besvaret ÅÅÅÅ-MM-DD"))

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
        await self.task(f"info_form_missing{self.info_form_occasion()}", labels.info_form_missing(due),
                        due=add_working_days(self.today(), INFO_FORM_TASK_DUE_WORKING_DAYS, self.closed),
                        command=self.command("oplysningsskema", f"--besvaret {self.today().isoformat()}"))

    @workflow.update
    async def record_info_form_sent(self, sent: InfoFormSent) -> str:
        """The form's real sending date (by Digital Post, or automatically with the employer's report), and a later
        answer date if one was agreed: the answer date, the reminder, the task and "late" follow these dates."""
        self.state.info_form_sent_on, self.state.info_form_via = sent.sent_on, sent.via
        self.state.info_form_answer_due = sent.answer_due
        self.state.info_form_sent_recorded = True
        self.close_task("info_form_send")
        self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith("info_form_missing")]
        due = self.info_form().answer_due
        self.note("info_form_sent", f"{sent.sent_on.isoformat()} ({sent.via}), svarfrist {due.isoformat()}"
                                    + (" (aftalt)" if sent.answer_due else ""))
        await self.audit("info_form_sent", sent.actor, sent_on=sent.sent_on.isoformat(), via=sent.via,
                         answer_due=due.isoformat(), agreed=str(sent.answer_due is not None))
        self.changed = True
        return due.isoformat()

    @record_info_form_sent.validator
    def _validate_info_form_sent(self, sent: InfoFormSent) -> None:
        self.require_open()
        if self.state.info_form_sent_on is None:
            raise refuse(Refusal.NO_INFO_FORM, "sagen er oprettet, før oplysningsskemaet blev fulgt; registrér blot svaret")
        if self.state.info_form_answered_on is not None:
            raise refuse(Refusal.ALREADY_RECORDED, "svaret på oplysningsskemaet er allerede registreret")
        if sent.via not in INFO_FORM_VIA:
            raise refuse(Refusal.BAD_SENT_DATE, f"ukendt afsendelsesvej {sent.via!r}")
        if sent.sent_on < self.case.first_day:
            raise refuse(Refusal.BAD_SENT_DATE, "skemaet kan ikke være sendt før første fraværsdag")
        if sent.sent_on > self.today():
            raise refuse(Refusal.BAD_SENT_DATE, "afsendelsesdatoen ligger i fremtiden")
        legal = info_form_dates(sent.sent_on, self.rules).answer_due
        if sent.answer_due is not None and sent.answer_due <= legal:
            raise refuse(Refusal.BAD_AGREED_DUE, f"en aftalt svarfrist skal ligge efter lovens frist "
                                                 f"({legal.isoformat()}, 8 dage efter afsendelsen)")
        if sent.answer_due is not None and not self.plausible_day(sent.answer_due):
            raise refuse(Refusal.BAD_AGREED_DUE, "svarfristen ligger mere end et år ude i fremtiden")

    @workflow.update
    async def record_info_form_answer(self, answer: InfoFormAnswer) -> str:
        self.state.info_form_answered_on = answer.answered_on
        self.state.open_tasks = [t for t in self.state.open_tasks if not t.key.startswith("info_form")]
        due = self.info_form().answer_due
        on_time = "in_time" if answer.answered_on <= due else "late"
        self.note("info_form_answered", f"{answer.answered_on.isoformat()} ({on_time})")
        await self.audit("info_form_answered", answer.actor, answered_on=answer.answered_on.isoformat(),
                         answer_due=due.isoformat())
        self.changed = True
        return on_time

    @record_info_form_answer.validator
    def _validate_info_form_answer(self, answer: InfoFormAnswer) -> None:
        self.require_open()
        if self.state.info_form_sent_on is None:
            raise refuse(Refusal.NO_INFO_FORM, "der er ikke sendt et oplysningsskema i denne sag")
        if self.state.info_form_answered_on is not None:
            raise refuse(Refusal.ALREADY_RECORDED, "svaret på oplysningsskemaet er allerede registreret")
        if answer.answered_on < self.state.info_form_sent_on:
            raise refuse(Refusal.BAD_ANSWER_DATE, "svaret kan ikke ligge før skemaet blev sendt")
        if answer.answered_on > self.today():
            raise refuse(Refusal.BAD_ANSWER_DATE, "svaret kan ikke ligge i fremtiden")

    # ------------------------------------------------------------------ the employer's estimate (2026 reform)
    async def ask_employer_for_estimate(self) -> None:
        """Both estimates decide whether a case is only watched: a missing one is asked for, never assumed."""
        self.state.employer_estimate_requested_on = self.today()
        await self.send("employer_estimate_request", self.employer)
        self.note("employer_estimate_requested")
        await self.task("employer_estimate", labels.ask_for_estimate(self.case.employer.name),
                        due=add_working_days(self.today(), ESTIMATE_TASK_DUE_WORKING_DAYS, self.closed),
                        command=self.command("varighed", f"--uger {self.state.expected_weeks} --arbejdsgiver-uger UGER"))

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

    # ------------------------------------------------------------------ a missed target is not a breach
    async def miss_target(self, kind: str, due: date) -> None:
        """The model's own target passed unmet: recorded and escalated, but apart from breaches of the law (the
        case is not flagged as breached)."""
        if kind not in self.state.missed_targets:
            self.state.missed_targets.append(kind)
        await self.activity(RegisterActivities.record_missed_target,
                            BreachRecord(self.case.reference, self.case.municipality, kind, due))
        self.note("target_missed", f"{kind} {due.isoformat()}")
        await self.escalate(labels.target_missed(kind, due.isoformat()), key=f"target/{kind}", deadline=due)
        await self.set_phase(self.state.phase)
