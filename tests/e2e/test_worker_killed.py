"""The worker SIGKILLed at random moments while 50 cases open, and started again: every case completes its
opening, no mail is lost, and every duplicate carries the same Message-ID (SMTP cannot promise exactly once;
the engine makes a resent mail the same mail). Separate OS processes: the dev server, the worker (worker.py),
the mail server in the test."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import uuid
from collections import Counter

from aiosmtpd.controller import Controller
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from case_service import CaseService
from domain.sick_report import parse_sick_report
from engine.client import data_converter
from engine.search_attributes import ALL
from localrun.binaries import find_binary
from localrun.mailsink import MailSink
from register.models import MessageRow
from tests import dates, reliability
from tests.conftest import TEST_PAYLOAD_KEY, free_port, sick_report
from tests.e2e.engine import ROOT
from tests.eventually import eventually_async
from worker import prepare_register

# Opening a case: the employer's request, three invitations, and the caseworker's tasks to call the employer and to
# send the information form (§ 11).
CASES, OPENING_MAILS, KILLS = 50, 6, 2


def start_worker(env: dict, log) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


async def test_a_worker_killed_at_random_moments_loses_no_mail(settings, tmp_path):
    server = await WorkflowEnvironment.start_local(
        dev_server_existing_path=find_binary("temporal"), search_attributes=ALL
    )
    sink = MailSink(tmp_path / "mail")
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    settings = settings.replace(smtp_port=smtp.port, task_queue=f"kill-{uuid.uuid4().hex[:6]}")
    register, _ = prepare_register(settings)
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "FASTHOLD_DATA_DIR": settings.data_dir,
        "FASTHOLD_TEMPORAL_ADDRESS": server.client.service_client.config.target_host,
        "FASTHOLD_SMTP_PORT": str(smtp.port),
        "FASTHOLD_TASK_QUEUE": settings.task_queue,
        "FASTHOLD_PAYLOAD_KEY": TEST_PAYLOAD_KEY,
    }
    log = open(tmp_path / "worker.log", "ab")
    worker = start_worker(env, log)
    client = Client(**{**server.client.config(), "data_converter": data_converter(settings)})
    cases = CaseService(client, settings)
    rng = random.Random(13)
    try:
        references = []
        for _ in range(CASES):
            case = parse_sick_report(sick_report(), today=dates.today())
            await cases.start_case(case)
            references.append(case.reference)
        for _ in range(KILLS):  # while mail is flowing: SIGKILL, no chance to finish anything; then start again
            await asyncio.sleep(rng.uniform(1.0, 4.0))
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
            reliability.add(faults_injected=1)
            worker = start_worker(env, log)

        def distinct_mails() -> int:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-2000:]
            return len({str(m["Message-ID"]) for m in sink.messages})

        # An activity cut off by the kill is retried after its 2-minute timeout.
        await eventually_async(
            distinct_mails,
            until=lambda n: n >= CASES * OPENING_MAILS,
            timeout=420,
            every=1,
            what=f"{CASES * OPENING_MAILS} distinct mails",
            show=lambda n: f"{n} mails",
        )
        await asyncio.sleep(2)  # late duplicates of retried sends, if any, arrive too
        with register.session() as session:
            sent = {
                row.message_key: row.message_id
                for row in session.query(MessageRow).filter(MessageRow.direction == "out")
            }
        got = Counter(str(m["Message-ID"]) for m in sink.messages)
        # One mail is one (case, purpose, recipient, subject): a caseworker gets two different tasks at the opening.
        per_mail = Counter(
            (str(m["X-Fasthold-Case"]), str(m["X-Fasthold-Purpose"]), str(m["To"]).lower(), str(m["Subject"]))
            for m in sink.messages
        )
        lost = len(set(sent.values()) - set(got))
        same = sum(n - 1 for n in got.values() if n > 1)
        different = sum(n - 1 for n in per_mail.values() if n > 1) - same
        print(
            f"\n{CASES} cases, {KILLS} kills: {len(sink.messages)} mails received for {len(sent)} sent, "
            f"{same} duplicate(s) with the same Message-ID"
        )
        reliability.add(
            cases=CASES,
            faults_survived=KILLS,
            mails_expected=CASES * OPENING_MAILS,
            mails_delivered=len(got),
            mails_lost=lost,
            dup_same_id=same,
            dup_different_id=different,
        )
        assert len(sent) == CASES * OPENING_MAILS and lost == 0 and different == 0
        assert {str(m["X-Fasthold-Case"]) for m in sink.messages} == set(references)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()
        smtp.stop()
        register.dispose()
        await server.shutdown()
