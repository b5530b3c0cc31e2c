"""A mail server that refuses an address must not stop a case: the team lead is told and the process goes on."""

from __future__ import annotations

import pytest
from aiosmtpd.controller import Controller

from localrun.mailsink import MailSink
from tests.conftest import sick_report
from tests.helpers import start, wait_for


class RefusingSink(MailSink):
    """Like the municipality's relay when an address does not exist: 550 at RCPT."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("findes.ikke"):
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def mail(settings):
    sink = RefusingSink(settings.mail_path)
    controller = Controller(sink, hostname=settings.smtp_host, port=settings.smtp_port)
    controller.start()
    yield sink
    controller.stop()


async def test_a_refused_employee_address_is_escalated_and_the_case_goes_on(env):
    report = sick_report()
    report["employee"]["email"] = "findes.ikke@example.com"
    case, handle = await start(env, report)
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    assert any(e.event == "mail_refused" for e in state.timeline)
    lead = state.caseworker.lead_email
    escalations = [m for m in env.mail.to(lead) if str(m["Subject"]).startswith("Eskalering")]
    assert len(escalations) == 1
    text = escalations[0].get_body(("plain",)).get_content()
    assert "afviste adressen" in text and "findes.ikke" not in text
    # Employer and caseworker still got their invitations; the employee's address got nothing.
    assert env.mail.to(case.employer.contact_email) and env.mail.to(state.caseworker.email)
    assert env.mail.to("findes.ikke@example.com") == []


async def test_a_refusal_is_recorded_in_the_register_and_counted(env):
    """The register says `refused` (not a `sending` that never ends), and the case metrics count it."""
    from sqlalchemy import select

    from register.models import MessageRow
    from worker_support.case_metrics import CaseMetrics

    report = sick_report()
    report["employee"]["email"] = "findes.ikke@example.com"
    case, handle = await start(env, report)
    await wait_for(handle, lambda s: any(e.event == "mail_refused" for e in s.timeline))
    with env.register.session() as s:
        refused = s.scalars(select(MessageRow).where(MessageRow.status == "refused")).all()
    assert [r.recipients for r in refused] == ["findes.ikke@example.com"]
    assert "employee" in refused[0].detail and "550" in refused[0].detail
    metrics = CaseMetrics(env.register)
    metrics.refresh_register()
    assert metrics.mails.labels("refused")._value.get() == 1
    assert metrics.mails.labels("sent")._value.get() >= 2
    assert (
        metrics.cases_open.labels("employer_contact")._value.get()
        + metrics.cases_open.labels("meeting_booked")._value.get()
        == 1
    )
