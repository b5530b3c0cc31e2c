"""Every caseworker action, with random values of the right kinds (thousands of them), sent through the service
layer to a real case workflow (stand-in activities, time-skipping server): each is carried out or refused with
one typed refusal naming its reason and field; the workflow never fails, and the case is still answering."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import date, datetime, timedelta, timezone

from temporalio.worker import Worker

from case_service import CaseRefusal, CaseService, CaseUnavailable
from case_service.commands import AnswerOnBehalf, CaseRef
from domain.localtime import local_date
from domain.model import (
    BenefitPause,
    CaseEnd,
    EmployerAnswer,
    ExpectedDuration,
    FastTrackConsent,
    FastTrackRequest,
    InfoFormAnswer,
    MeasureStart,
    MeetingMove,
    MeetingOutcome,
    OutcomeReport,
    PartialRecovery,
    Reassignment,
)
from domain.refusals import Refusal
from simulation.run import skip
from tests import reliability
from tests.integration.test_workflow_standins import StandIns, _executor, a_case, client  # noqa: F401
from worker import SANDBOX, warm_holiday_calendar
from workflows.case_workflow import CaseWorkflow

FUZZ_ACTIONS = 500
INPUTS = {"tried": 0, "accepted": 0, "refused": 0}
TEXTS = [
    "",
    " ",
    "Orlov",
    "x" * 3000,
    "\r\nBcc: x@y",
    "<script>",
    "æøå",
    "cw-anna",
    "cw-ukendt",
    "ACCEPTED",
    "DECLINED",
    "maybe",
    "workplace",
    "phone",
    "mentor",
    "full_recovery",
    "partial_recovery",
    "work",
    "employer",
    "employee",
    "henrik.lund@example.com",
    "mette@example.com",
    "nobody@example.org",
]


def some_date(rng: random.Random, today: date) -> date:
    return rng.choice(
        [
            today,
            today - timedelta(days=rng.randint(0, 400)),
            today + timedelta(days=rng.randint(0, 400)),
            date(1, 1, 1),
            date(9999, 12, 31),
        ]
    )


def some_time(rng: random.Random, now: datetime) -> datetime:
    return rng.choice(
        [
            now,
            now - timedelta(hours=rng.randint(0, 5000)),
            now + timedelta(hours=rng.randint(0, 5000)),
            datetime(1, 1, 2, tzinfo=timezone.utc),
            datetime(9999, 12, 30, tzinfo=timezone.utc),
        ]
    )


def random_action(rng: random.Random, today: date, now: datetime):
    text, number = (lambda: rng.choice(TEXTS)), (lambda: rng.choice([0, 1, 2, -1, 52, 53, 10**6]))
    return rng.choice(
        [
            lambda: EmployerAnswer(rng.random() < 0.5, text(), actor="fuzz"),
            lambda: MeetingOutcome(
                number(),
                rng.random() < 0.5,
                rng.random() < 0.5,
                text(),
                rng.choice([None, some_time(rng, now)]),
                actor="fuzz",
            ),
            lambda: AnswerOnBehalf(number(), text(), text(), actor="fuzz"),
            lambda: MeetingMove(number(), some_time(rng, now), actor="fuzz"),
            lambda: FastTrackRequest(text(), some_date(rng, today), actor="fuzz"),
            lambda: ExpectedDuration(number(), rng.choice([None, number()]), actor="fuzz"),
            lambda: MeasureStart(text(), some_date(rng, today), actor="fuzz"),
            lambda: Reassignment(text(), rng.choice([None, text()]), actor="fuzz"),
            lambda: OutcomeReport(text(), actor="fuzz"),
            lambda: CaseEnd(text(), some_date(rng, today), actor="fuzz"),
            # the law's events
            lambda: FastTrackConsent(rng.random() < 0.5, some_date(rng, today), rng.random() < 0.5, actor="fuzz"),
            lambda: PartialRecovery(
                rng.choice([0, -1, 0.5, 18.5, 48, 48.01, 1e9]), some_date(rng, today), text(), actor="fuzz"
            ),
            lambda: BenefitPause(some_date(rng, today), some_date(rng, today), text(), actor="fuzz"),
            lambda: InfoFormAnswer(some_date(rng, today), actor="fuzz"),
        ]
    )()


async def test_thousands_of_random_actions_are_carried_out_or_refused(time_env, client):  # noqa: F811
    warm_holiday_calendar()
    standins, queue = StandIns(), f"fuzz-{uuid.uuid4().hex[:8]}"
    rng = random.Random(2026)
    settings = type("S", (), {"roster_path": None})  # the service's start check is not used here
    cases = CaseService(client, settings)
    async with Worker(
        client,
        task_queue=queue,
        workflows=[CaseWorkflow],
        activities=standins.activities(),
        workflow_runner=SANDBOX,
        activity_executor=_executor(),
    ):
        for _round in range(4):  # a few cases: an accepted end closes one, and the next round starts another
            today = local_date(await time_env.get_current_time())
            case = a_case(today - timedelta(days=10))
            handle = await client.start_workflow(
                CaseWorkflow.run, args=[case, None], id=case.workflow_id, task_queue=queue
            )
            await skip(time_env, timedelta(minutes=1))  # a long RPC timeout: see simulation.run.skip
            ref = CaseRef(case.municipality, case.reference)
            now = await time_env.get_current_time()
            for _ in range(FUZZ_ACTIONS):
                action = random_action(rng, today, now)
                INPUTS["tried"] += 1
                started = asyncio.get_running_loop().time()
                try:
                    try:
                        await asyncio.wait_for(cases.act(ref, action), 20)
                    except (TimeoutError, CaseUnavailable):
                        raise AssertionError(f"the case stopped answering after {action}") from None
                    INPUTS["accepted"] += 1
                except CaseRefusal as refusal:
                    INPUTS["refused"] += 1
                    assert isinstance(refusal.reason, Refusal) and refusal.message
                    assert refusal.reason != Refusal.ENGINE_REFUSED, (action, refusal)
                if asyncio.get_running_loop().time() - started > 2:
                    print("slow", asyncio.get_running_loop().time() - started, action)
            # The case still answers, and its workflow has not failed.
            assert (await cases.state(ref)).reference == case.reference
            assert (await cases.status(handle.id)).name in ("RUNNING", "COMPLETED")
            if (await cases.status(handle.id)).name == "RUNNING":
                await handle.terminate("fuzz round done")
    reliability.add(inputs=INPUTS["tried"], cases=4)
    assert INPUTS["tried"] == 4 * FUZZ_ACTIONS and INPUTS["accepted"] > 0 and INPUTS["refused"] > 0
