"""The bare reference the benchmarks measure the engine against: a workflow with nothing but the same number
of activities (no-ops, or one real SMTP send) and, where asked, the same kind of timer.

It runs on the same kind of server, with the same worker settings, in the same run as the engine, so the ratio
says what the case engine costs on top of Temporal itself on this machine at this moment.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from temporalio import activity, workflow


@dataclass(frozen=True)
class ReferenceInput:
    activities: int  # no-op activities, one after the other
    mail_host: str = ""  # then, when set, one real e-mail to this SMTP server
    mail_port: int = 0
    key: str = ""  # the e-mail's X-Fasthold-Case header
    wake_at: datetime | None = None  # first wait until this moment (the 08:00 burst, the memory test)
    mails_after_wake: int = 0  # e-mails sent after waking


@activity.defn
async def noop(n: int) -> int:
    return n


@dataclass(frozen=True)
class ReferenceMail:
    host: str
    port: int
    key: str


@activity.defn
async def reference_mail(mail: ReferenceMail) -> None:
    import aiosmtplib

    message = EmailMessage()
    message["From"], message["To"] = "bench@example.dk", "employer@example.dk"
    message["Subject"], message["X-Fasthold-Case"] = "reference", mail.key
    message["X-Fasthold-Purpose"] = "reference"
    message["Message-ID"] = f"<{mail.key}@reference.example.dk>"
    message.set_content("reference")
    await aiosmtplib.send(message, hostname=mail.host, port=mail.port, timeout=30)


@workflow.defn
class ReferenceWorkflow:
    @workflow.run
    async def run(self, spec: ReferenceInput) -> int:
        timeout = timedelta(minutes=2)
        for n in range(spec.activities):
            await workflow.execute_activity(noop, n, start_to_close_timeout=timeout)
        if spec.mail_host and not spec.wake_at:
            await workflow.execute_activity(
                reference_mail, ReferenceMail(spec.mail_host, spec.mail_port, spec.key), start_to_close_timeout=timeout
            )
        if spec.wake_at:
            await asyncio.sleep(max(1.0, (spec.wake_at - workflow.now()).total_seconds()))
            for _ in range(spec.mails_after_wake):
                await workflow.execute_activity(
                    reference_mail,
                    ReferenceMail(spec.mail_host, spec.mail_port, spec.key),
                    start_to_close_timeout=timeout,
                )
        return spec.activities


@dataclass(frozen=True)
class TimedInput:
    activities: int  # no-op activities in all, spread over the timers
    timers: int
    span_days: float  # the timers fire evenly over this many days
    local: bool = False  # local activities, as the simulation runs the case's (CaseInput.local_activities)


@workflow.defn
class TimedReferenceWorkflow:
    """The simulation's reference: the same number of timers and activities as an average simulated case."""

    @workflow.run
    async def run(self, spec: TimedInput) -> int:
        timeout = timedelta(minutes=2)
        done = 0
        for t in range(max(1, spec.timers)):
            await asyncio.sleep(spec.span_days * 86400 / max(1, spec.timers))
            share = spec.activities * (t + 1) // max(1, spec.timers) - done
            for n in range(share):
                if spec.local:
                    await workflow.execute_local_activity(noop, n, start_to_close_timeout=timeout)
                else:
                    await workflow.execute_activity(noop, n, start_to_close_timeout=timeout)
            done += share
        return done


ACTIVITIES = [noop, reference_mail]
