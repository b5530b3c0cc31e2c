"""Decision support on a running case, on the time-skipping server with a real register and mail: the
estimate at triage with its three factors and model, a task "Overvej opfølgning" for a watched case with a high
estimate, the caseworker's decision (audited; a call-in books a meeting), and nothing at all when switched off or
without a validated model. The model is trained on synthetic cases (seed 7), as in the embedded run."""

from __future__ import annotations

import pytest

from case_service import CaseRefusal
from decision_support.command import retrain
from domain.model import FollowUpDecision
from domain.refusals import Refusal
from register.models import AuditEvent
from tests.helpers import mail_to, rows, subject_has, wait_for
from tests.integration.test_reform_paths import START, act, open_case

# The cases of tests/integration/test_reform_paths.py, on its fixed day: first day 20 November 2035, clock from
# 4 December 2035 (tests/dates.py).
pytestmark = pytest.mark.start_day(START)


@pytest.fixture
def settings(settings, request):
    return settings.replace(decision_support=getattr(request, "param", True))


async def test_a_watched_case_with_a_high_estimate_gives_the_caseworker_a_task_and_she_decides(env):
    model = retrain(env.settings, synthetic=True, seed=7)
    assert model.shown and model.synthetic
    case, handle = await open_case(env, expected_absence_weeks=25, employer_expected_absence_weeks=25)
    state = await wait_for(handle, lambda s: any(t.title == "Overvej opfølgning" for t in s.open_tasks))
    assert state.track == "watch" and state.risk.band == "høj" and state.risk.model_version == model.version
    assert len(state.risk.factors) == 3 and state.risk.synthetic
    task = await mail_to(env.mail, state.caseworker.email, subject_has("Overvej opfølgning"))
    body = task.get_body(("plain",)).get_content()
    assert "Risiko for fravær over 26 uger: høj" in body and "syntetiske data" in body and "beslut selv" in body
    # A short watched case gets its estimate, low, and no task.
    low, low_handle = await open_case(env, expected_absence_weeks=6, employer_expected_absence_weeks=5)
    low_state = await wait_for(low_handle, lambda s: s.risk is not None)
    assert low_state.risk.band == "lav" and not any(t.title == "Overvej opfølgning" for t in low_state.open_tasks)
    # The caseworker decides, with a reason: call in. A meeting at the job centre is booked.
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, FollowUpDecision(True, " "))
    assert refused.value.reason == Refusal.REASON_REQUIRED
    result = await act(env, case, FollowUpDecision(True, "Tidligere lange forløb", actor="anna.berg"))
    assert result.value == "call_in" and "indkaldes" in result.message
    state = await wait_for(handle, lambda s: any(e.event == "meeting_booked" for e in s.timeline))
    assert (state.track, state.triage_reason) == ("outside", "called_in_on_estimate")
    assert not any(t.title == "Overvej opfølgning" for t in state.open_tasks)
    decided = [a for a in rows(env.register, AuditEvent) if a.action == "follow_up_decision"]
    assert [(a.actor, a.detail["call_in"], a.detail["band"]) for a in decided] == [("anna.berg", "True", "høj")]
    with pytest.raises(CaseRefusal) as refused:  # no longer watched: nothing to decide
        await act(env, case, FollowUpDecision(False, "Alligevel ikke"))
    assert refused.value.reason == Refusal.NOT_WATCHED


async def test_a_decision_to_keep_watching_sent_again_is_recorded_once(env):
    # Back and send, or a second tab: a new submission id with the same decision; the case records it once.
    assert retrain(env.settings, synthetic=True, seed=7).shown
    case, handle = await open_case(env, expected_absence_weeks=25, employer_expected_absence_weeks=25)
    await wait_for(handle, lambda s: any(t.title == "Overvej opfølgning" for t in s.open_tasks))
    await act(env, case, FollowUpDecision(False, "Arbejdsgiveren følger selv op", actor="anna.berg"))
    with pytest.raises(CaseRefusal) as refused:
        await act(env, case, FollowUpDecision(False, "Arbejdsgiveren følger selv op ", actor="anna.berg"))
    assert refused.value.reason == Refusal.ALREADY_RECORDED and "allerede registreret" in refused.value.message
    later = await act(env, case, FollowUpDecision(True, "Nye oplysninger fra lægen", actor="anna.berg"))
    assert later.value == "call_in"  # a new decision is taken
    decided = [a for a in rows(env.register, AuditEvent) if a.action == "follow_up_decision"]
    assert [a.detail["call_in"] for a in decided] == ["False", "True"]


@pytest.mark.parametrize("settings", [False], indirect=True)
async def test_switched_off_there_is_no_estimate_and_no_task(env):
    assert retrain(env.settings, synthetic=True, seed=7).shown  # a validated model is kept, but it is off
    case, handle = await open_case(env, expected_absence_weeks=25, employer_expected_absence_weeks=25)
    state = await wait_for(handle, lambda s: s.phase == "watch" and s.info_form_sent_on is not None)
    assert state.risk is None and not any(t.title == "Overvej opfølgning" for t in state.open_tasks)


async def test_without_a_validated_model_there_is_no_estimate(env):
    assert not retrain(env.settings, synthetic=True, count=300, seed=7).shown  # too few cases: kept, not shown
    case, handle = await open_case(env, expected_absence_weeks=25, employer_expected_absence_weeks=25)
    state = await wait_for(handle, lambda s: s.phase == "watch" and s.info_form_sent_on is not None)
    assert state.risk is None
