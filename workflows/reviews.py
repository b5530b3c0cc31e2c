"""Answers a person must look at: the gateway kept a reply it could not trust or could not read plainly
(sender not verified, an unknown address, conflicting answers, an old version). The caseworker gets it as a
task; the meeting is never changed by it. A mixin of `CaseWorkflow`.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import review_labels
    from domain.calendar_dk import add_working_days
    from domain.payloads import ReplyReview
    from domain.practice import COUNTER_TASK_DUE_WORKING_DAYS
    from domain.refusals import Refusal
    from domain.results import UpdateResult

from workflows.human_input import refuse


class ReplyReviews:
    @workflow.update
    async def reply_for_review(self, review: ReplyReview) -> UpdateResult:
        key = f"review/{review.key}"
        if any(t.key == key for t in self.state.open_tasks):
            return UpdateResult("already_given")
        meeting = self.meeting_by_uid(review.uid)
        self.note("reply_for_review", f"møde {meeting.number}: {review.reason}")
        await self.task(
            key,
            review_labels.reply_review(
                review.reason, meeting.number, review.sender, review.answer, review.comment, review.kept_as
            ),
            due=add_working_days(self.today(), COUNTER_TASK_DUE_WORKING_DAYS, self.closed),
            command=self.command("status", ""),
        )
        return UpdateResult("task_created")

    @reply_for_review.validator
    def _validate_review(self, review: ReplyReview) -> None:
        self.require_open()
        self.meeting_by_uid(review.uid)
        if not review.key.strip():
            raise refuse(Refusal.INVALID_INPUT, "svaret mangler sin nøgle")
