"""The case keeps its own row of the list pages' read model current (register/case_list.py).

A small task beside the process: whenever something a list shows may have changed (a timeline entry, a task,
the phase, a meeting, the caseworker, a breach or missed target), it publishes the case's view to the register,
if the view really differs from the last one published. Updates that do not wake the process are covered too,
as the task watches the state, not the process. At the very end the view is published as no longer running.
"""

from __future__ import annotations

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.register import RegisterActivities
    from domain.model import CaseView
    from register.case_list import PublishedView

# New cases publish their view; recorded histories from before did not (see tests/integration/test_replay.py).
PATCH_READ_MODEL = "list-read-model"


class ReadModel:
    _publisher: asyncio.Task | None = None
    _publishing = False

    def start_publishing(self) -> None:
        if workflow.patched(PATCH_READ_MODEL):
            self._publisher = asyncio.create_task(self._keep_published())

    async def finish_publishing(self) -> None:
        """The workflow is about to complete: its row says so, and shows the final state."""
        if self._publisher is None:
            return
        # Let a publication under way finish rather than cancel its activity; then stop the watcher, which is
        # only waiting (cancelling it sends no command).
        await workflow.wait_condition(lambda: not self._publishing)
        self._publisher.cancel()
        await self.activity(RegisterActivities.publish_view, self._published(running=False))

    def _view_key(self) -> tuple:
        # Cheap to compute on every wake-up; nearly every change adds a timeline entry, the rest are listed.
        s = self.state
        return (
            len(s.timeline),
            len(s.open_tasks),
            s.phase,
            s.track,
            s.caseworker.id if s.caseworker else "",
            tuple((m.status, m.sequence, m.start, len(m.responses)) for m in s.meetings),
            len(s.breaches),
            len(s.missed_targets),
            s.deadline_breached,
            len(s.done),
            s.outcome,
            s.deadlines is not None,
            len(s.measures),
            len(s.partial_recoveries),
            s.fast_track,
            s.end_type,
            s.expected_weeks,
            s.employer_expected_weeks,
        )

    def _published(self, *, running: bool) -> PublishedView:
        info = workflow.info()
        return PublishedView(
            workflow_id=info.workflow_id,
            municipality=self.case.municipality,
            reference=self.case.reference,
            caseworker_id=self.state.caseworker.id if self.state.caseworker else "",
            running=running,
            # Later runs (continue-as-new) and later points in a run give a larger version.
            version=self.state.runs * 10_000_000 + info.get_current_history_length(),
            view=CaseView(self.case, self.state),
        )

    async def _keep_published(self) -> None:
        key, last = None, None
        while True:
            await workflow.wait_condition(lambda: self._view_key() != key)  # noqa: B023 - awaited here
            key = self._view_key()
            payload = workflow.payload_converter().to_payloads([CaseView(self.case, self.state)])[0].data
            if payload != last:
                last = payload
                self._publishing = True
                try:
                    await self.activity(RegisterActivities.publish_view, self._published(running=True))
                finally:
                    self._publishing = False
