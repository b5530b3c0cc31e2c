"""CaseService: start a case, send a caseworker's action, deliver an attendee's answer, reassign one case or
many, read a case's state, find cases. The only code outside the worker that talks to Temporal about cases.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Protocol, TypeVar, cast

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHistory,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.service import RPCError, RPCStatusCode

from case_service.command_spec import Said
from case_service.commands import Action, AnswerOnBehalf, AttendeeAnswer, CaseRef, EmployerReply
from case_service.finding import CaseFilter, CaseSummaryRow, visibility_query
from case_service.refusal import CaseRefusal, CaseUnavailable
from case_service.registry import BY_PAYLOAD, UPDATES, confirmation
from config.settings import Settings
from domain import labels
from domain.model import CaseInput, CaseState, CaseView, MeetingStatus
from domain.payloads import CounterProposal, EmployerAnswer, MeetingMove, Reassignment, RsvpReceived
from domain.refusals import Refusal
from domain.results import UpdateResult, from_legacy
from engine import search_attributes as sa
from register.db import Register
from register.identities import keep_pending
from register.roster import load_roster, municipalities
from workflows.case_workflow import CaseWorkflow

# Temporal answered, but not now: the caller may try again and nothing has been decided.
TRANSIENT_RPC = {
    RPCStatusCode.UNAVAILABLE,
    RPCStatusCode.DEADLINE_EXCEEDED,
    RPCStatusCode.RESOURCE_EXHAUSTED,
    RPCStatusCode.ABORTED,
    RPCStatusCode.INTERNAL,
    RPCStatusCode.UNKNOWN,
    RPCStatusCode.CANCELLED,
}
NO_SUCH_CASE = "Sagen findes ikke, eller den er allerede afsluttet."

Answer = TypeVar("Answer")  # what a query of the case answers with


@dataclass(frozen=True)
class StartResult:
    workflow_id: str
    new: bool  # False: the reference already had a running case, which is the one returned


@dataclass(frozen=True)
class ActionResult:
    action: str  # the action's name, e.g. "employer_answer"
    value: str  # what the workflow answered (a status, a date, a caseworker id)
    message: str  # the Danish confirmation to show
    result: UpdateResult = UpdateResult()  # what the workflow answered, typed (`value` is its value)

    @property
    def kind(self) -> str:
        """The outcome's kind ("done", "consent_due", "given", ...)."""
        return self.result.kind


_REGISTERS: dict[str, Register] = {}


def _register(url: str) -> Register:
    """One handle per register database for the process (the service is made per request in some entry
    points; an engine per request would leak connections)."""
    if url not in _REGISTERS:
        _REGISTERS[url] = Register(url)
    return _REGISTERS[url]


class CaseService:
    def __init__(self, client: Client, settings: Settings):
        self.client, self.settings = client, settings

    # ------------------------------------------------------------------ starting a case
    async def start_case(self, case: CaseInput) -> StartResult:
        """Start the case's workflow; starting a reference again gives the one running case."""
        if case.municipality not in municipalities(load_roster(self.settings.roster_path)):
            raise CaseRefusal(
                Refusal.INVALID_INPUT,
                f"kommune {case.municipality} har ingen sagsbehandlere i rostret (config/roster.yaml)",
                field="municipality",
            )
        status = await self.status(case.workflow_id)
        existed = status is not None
        if existed and status != WorkflowExecutionStatus.RUNNING:
            raise CaseRefusal(
                Refusal.CASE_EXISTS_CLOSED,
                f"Sagen {case.reference} findes allerede og er afsluttet. Brug en ny sagsreference.",
                field="reference",
            )
        if case.employee.cpr and not existed:
            # The CPR number goes to the register directly, never into the workflow's input and history.
            await asyncio.to_thread(
                keep_pending,
                _register(self.settings.resolved_database_url),
                case.municipality,
                case.reference,
                case.employee.cpr,
                datetime.now(timezone.utc),
            )
        case = case.without_cpr()
        # `carried` (None) is sent too: the worker decodes arguments by position.
        handle = await self.client.start_workflow(
            CaseWorkflow.run,
            args=[replace(case, history_event_limit=self.settings.history_event_limit), None],
            id=case.workflow_id,
            task_queue=self.settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.CASE_REFERENCE, case.reference),
                    SearchAttributePair(sa.MUNICIPALITY, case.municipality),
                ]
            ),
        )
        return StartResult(handle.id, not existed)

    async def status(self, workflow_id: str) -> WorkflowExecutionStatus | None:
        """The case workflow's status, or None when there is none. Read from the raw answer: only the status is
        needed, and decoding the search attributes is not (the time-skipping server's datetimes do not parse)."""
        try:
            response = await self.client.workflow_service.describe_workflow_execution(
                DescribeWorkflowExecutionRequest(
                    namespace=self.client.namespace, execution=WorkflowExecution(workflow_id=workflow_id)
                )
            )
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return None
            raise _unavailable_or(err) from err
        return WorkflowExecutionStatus(response.workflow_execution_info.status)

    # ------------------------------------------------------------------ a caseworker's action
    async def act(self, ref: CaseRef, action: Action, *, update_id: str | None = None) -> ActionResult:
        """Send one caseworker action to the case; a refusal comes back as CaseRefusal. The same `update_id`
        (a form's submission id, say) is applied once however often it is sent."""
        command = BY_PAYLOAD[type(action)]
        meeting_number = getattr(action, "meeting_number", 0)
        sent = await self._resolve_answer(ref, action) if isinstance(action, AnswerOnBehalf) else action
        result = from_legacy(await self._update(ref.workflow_id, command.update, sent, update_id=update_id))
        value = result.value
        if isinstance(action, MeetingMove) and (result.kind == "no_free_time" or not value):
            raise CaseRefusal(Refusal.NO_FREE_TIME, labels.NO_FREE_TIME_FOR_MOVE.format(number=action.meeting_number))
        shown = result
        if isinstance(action, Reassignment) and self.settings.roster_path:  # a name, not the roster id
            shown = replace(
                result,
                value=next(
                    (
                        w["name"]
                        for w in load_roster(self.settings.roster_path).get("caseworkers", [])
                        if w["id"] == result.value
                    ),
                    result.value,
                ),
            )
        return ActionResult(
            command.action, value, confirmation(command, shown, Said(ref.reference, meeting_number)), result
        )

    async def _resolve_answer(self, ref: CaseRef, answer: AnswerOnBehalf) -> RsvpReceived:
        state = await self.state(ref)
        if not 1 <= answer.meeting_number <= len(state.meetings):
            raise CaseRefusal(Refusal.NO_SUCH_MEETING, f"Sagen har intet møde nummer {answer.meeting_number}.")
        meeting = state.meetings[answer.meeting_number - 1]
        return RsvpReceived(
            meeting.uid, meeting.sequence, answer.attendee_email.strip().lower(), answer.partstat, actor=answer.actor
        )

    async def employer_reply(
        self, ref: CaseRef, employer_email: str, reply: EmployerReply, *, update_id: str
    ) -> ActionResult:
        """The employer's answer from the reply page, exactly as the caseworker's `arbejdsgiver` command or the
        employer's own calendar answer would reach the case."""
        if reply.hosts is not None:
            return await self.act(
                ref, EmployerAnswer(reply.hosts, reply.reason, actor=reply.actor), update_id=update_id
            )
        view = await self.view(ref)
        planned = [m for m in view.state.meetings if m.status == MeetingStatus.INVITED]
        if not planned:
            raise CaseRefusal(
                Refusal.MEETING_NOT_PLANNED,
                "Der er ikke noget planlagt møde at foreslå et andet tidspunkt for lige nu.",
                field="start",
            )
        if reply.proposed_start is None:
            raise CaseRefusal(Refusal.BAD_PROPOSAL, "Angiv det tidspunkt, I foreslår.", field="start")
        meeting = planned[0]
        proposal = CounterProposal(
            meeting.uid,
            meeting.sequence,
            employer_email,
            reply.proposed_start,
            reply.proposed_start + (meeting.end - meeting.start),
            reply.comment,
            actor=reply.actor,
        )
        await self._update(ref.workflow_id, CaseWorkflow.propose_time, proposal, update_id=update_id)
        return ActionResult(
            "counter_proposal", "task_created", "Tak. Sagsbehandleren har fået jeres forslag og vender tilbage."
        )

    async def reassign_many(self, changes: list[tuple[CaseRef, Reassignment]]) -> list[ActionResult | CaseRefusal]:
        """Reassign several cases (a caseworker who leaves): each case gets the workflow's own reassignment, one
        at a time, and each result or refusal is returned in order; one refused case does not stop the rest."""
        results: list[ActionResult | CaseRefusal] = []
        for ref, change in changes:
            try:
                results.append(await self.act(ref, change))
            except CaseRefusal as refusal:
                results.append(refusal)
        return results

    async def refresh_rule_sets(self, municipality: str, actor: str) -> list[tuple[str, UpdateResult | CaseRefusal]]:
        """Ask every running case of the municipality to look at the rule sets again (a set added to the
        configuration after they opened): each case's reference with its answer or refusal, in turn."""
        results: list[tuple[str, UpdateResult | CaseRefusal]] = []
        for row in await self.find_cases(CaseFilter(municipality, running_only=True, limit=100_000)):
            try:
                results.append(
                    (
                        row.reference,
                        from_legacy(await self._update(row.workflow_id, CaseWorkflow.refresh_rule_sets, actor)),
                    )
                )
            except CaseRefusal as refusal:
                results.append((row.reference, refusal))
        return results

    # ------------------------------------------------------------------ an attendee's answer (the mail gateway)
    async def deliver_answer(self, workflow_id: str, answer: AttendeeAnswer, *, update_id: str, timeout: float) -> str:
        """Give an attendee's answer to its case. The same `update_id` is applied once, however often it is
        sent. CaseRefusal when the case says no; CaseUnavailable when it cannot be asked now."""
        method, _ = UPDATES[type(answer)]
        try:
            return from_legacy(
                await asyncio.wait_for(self._update(workflow_id, method, answer, update_id=update_id), timeout=timeout)
            ).shown
        except TimeoutError as err:
            raise CaseUnavailable("temporal timeout") from err

    # ------------------------------------------------------------------ reading cases
    async def view(self, ref: CaseRef) -> CaseView:
        """The case's sick report (without CPR) and its state."""
        return await self._query(ref, CaseWorkflow.case_view)

    async def views(self, refs: list[CaseRef], *, concurrency: int = 16) -> list[CaseView]:
        """Several cases at once (a caseworker's list); a case that is gone meanwhile is left out."""
        gate = asyncio.Semaphore(concurrency)

        async def one(ref: CaseRef) -> CaseView | None:
            async with gate:
                try:
                    return await self.view(ref)
                except CaseRefusal:
                    return None

        return [v for v in await asyncio.gather(*(one(r) for r in refs)) if v is not None]

    async def state(self, ref: CaseRef) -> CaseState:
        return await self._query(ref, CaseWorkflow.state_now)

    async def history(self, ref: CaseRef) -> WorkflowHistory:
        """The case's workflow history as Temporal stores it (for the runbook's replay)."""
        try:
            return await self.client.get_workflow_handle(ref.workflow_id).fetch_history()
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                raise CaseRefusal(Refusal.NO_SUCH_CASE, "Sagen findes ikke.", field="reference") from None
            raise _unavailable_or(err) from err

    async def _query(self, ref: CaseRef, query: Callable[[CaseWorkflow], Answer]) -> Answer:
        try:
            return await self.client.get_workflow_handle(ref.workflow_id).query(query)
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                raise CaseRefusal(Refusal.NO_SUCH_CASE, "Sagen findes ikke.", field="reference") from None
            raise _unavailable_or(err) from err

    async def find_cases(self, which: CaseFilter) -> list[CaseSummaryRow]:
        """Cases by search attributes (what Temporal UI filters by), newest first."""
        rows: list[CaseSummaryRow] = []
        async for execution in self.client.list_workflows(visibility_query(which), limit=which.limit):
            attrs = execution.typed_search_attributes
            rows.append(
                CaseSummaryRow(
                    workflow_id=execution.id,
                    reference=attrs.get(sa.CASE_REFERENCE) or "",
                    municipality=attrs.get(sa.MUNICIPALITY) or "",
                    caseworker=attrs.get(sa.CASEWORKER) or "",
                    phase=attrs.get(sa.CASE_PHASE) or "",
                    next_deadline=attrs.get(sa.NEXT_DEADLINE),
                    breached=bool(attrs.get(sa.DEADLINE_BREACHED)),
                    running=execution.status == WorkflowExecutionStatus.RUNNING,
                )
            )
        return rows

    # ------------------------------------------------------------------ the one place updates are sent
    async def _update(
        self, workflow_id: str, method: Callable[..., Any], arg: object, *, update_id: str | None = None
    ) -> Any:  # the JSON value as the case answered, for from_legacy
        handle = self.client.get_workflow_handle(workflow_id)
        try:
            # Decoded untyped, then read by from_legacy: a worker still on the code before typed results answers
            # with a string, and a rolling deploy must not turn its answer into an error.
            execute = cast(_ExecuteUpdate, handle.execute_update)
            return await execute(method, arg, id=update_id, result_type=UNTYPED)
        except WorkflowUpdateFailedError as err:
            raise _refusal(err.cause) from None
        except WorkflowUpdateRPCTimeoutOrCancelledError as err:
            raise CaseUnavailable("temporal timeout") from err
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                raise CaseRefusal(Refusal.NO_SUCH_CASE, NO_SUCH_CASE, field="reference") from None
            raise _unavailable_or(err) from err


UNTYPED = cast(type, Any)  # the SDK's converter hands back the JSON value as it is


class _ExecuteUpdate(Protocol):
    """`WorkflowHandle.execute_update` as it is implemented: its typed overloads offer `result_type` only with an
    update's name, though the method itself takes it with the update's function too."""

    def __call__(
        self, update: Callable[..., Any], arg: object, *, id: str | None, result_type: type
    ) -> Awaitable[Any]: ...


def _refusal(cause: BaseException | None) -> CaseRefusal:
    """The workflow validator's ApplicationError as a CaseRefusal."""
    message = getattr(cause, "message", None) or str(cause)
    kind = getattr(cause, "type", None)
    try:
        reason = Refusal(kind) if isinstance(kind, str) else Refusal.ENGINE_REFUSED
    except ValueError:
        reason = Refusal.ENGINE_REFUSED
    return CaseRefusal(reason, message, by_case=True)


def _unavailable_or(err: RPCError) -> Exception:
    if err.status in TRANSIENT_RPC:
        return CaseUnavailable(f"temporal {err.status.name}")
    return CaseRefusal(Refusal.ENGINE_REFUSED, "Motoren afviste handlingen.")
