"""Saved histories of every path replay against today's workflow code: a change that would break a running
case fails here, in CI, before it reaches a worker.

Histories come from the integration tests on the time-skipping server (FASTHOLD_RECORD_HISTORIES=1) and from
the dev server (tests/histories/record_on_dev_server.py). A file is named <test>--<workflow id>.json.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from config.settings import load_settings
from engine.client import data_converter
from tests.conftest import HISTORIES, TEST_PAYLOAD_KEY
from worker import SANDBOX, warm_holiday_calendar
from workflows.case_workflow import CaseWorkflow

SAVED = sorted(HISTORIES.glob("*.json"))


def test_there_are_histories_from_every_path():
    names = {p.name.split("--")[0] for p in SAVED}
    assert len(SAVED) >= 36
    for path in (
        "seriously_ill",
        "watched",
        "silent_employer",
        "declines_to_host",
        "no_show",
        "fast_track",
        "week_eight",
        "reassignment",
        "every_end",
        "death",
        "outcome",
        "refusals",
        "decline_leads",
        "follow_ups",
        "predictable",
        "held_in_time",
        "sick_report_to_closed_case",
        "dev_rsvp_accept_then_decline",
        # the law as written
        "partial_recovery_keeps",
        "fast_track_refused",
        "fast_track_agreed",
        "fast_track_lapses",
        "both_expect_under_26",
        "employers_estimate",
        "week_eight_target",
        "before_july_2026",
        "without_benefit",
        "information_form",
        # the 2026 reform as lived, and decision support
        "followed_as_if_long",
        "stand_the_case_down",
        "exempt_case_where_both",
        "all_running_cases",
        "legacy_waiting_track",
        "real_sending",
        "earlier_cases",
        "high_estimate",
        "switched_off",
    ):
        assert any(path in name for name in names), path


@pytest.mark.parametrize("path", SAVED, ids=[p.stem for p in SAVED])
async def test_history_replays(path: Path, tmp_path):
    warm_holiday_calendar()
    settings = load_settings(env={}).replace(data_dir=str(tmp_path), payload_key=TEST_PAYLOAD_KEY)
    replayer = Replayer(workflows=[CaseWorkflow], workflow_runner=SANDBOX, data_converter=data_converter(settings))
    workflow_id = path.stem.split("--", 1)[1]
    history = WorkflowHistory.from_json(workflow_id, path.read_text(encoding="utf-8"))
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"
