"""The SDK's own lines about a failing workflow task name only the run id; the worker's runner remembers
which case each run is, so those lines carry case_reference and workflow_id like every other line about a
case. A real failing activation: a saved history replayed with another key under the same id."""

from __future__ import annotations

import base64
import json
import logging
import os
from types import SimpleNamespace

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from config.settings import load_settings
from engine.client import data_converter
from observability.logs import JsonFormatter, remembering_runs
from tests.conftest import HISTORIES, TEST_PAYLOAD_KEY
from worker import SANDBOX, warm_holiday_calendar
from workflows.case_workflow import CaseWorkflow


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[dict] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


def line_about_run(run_id: str, msg: str = "Failed completing activation on workflow with run ID %s") -> dict:
    record = logging.LogRecord("temporalio.worker._workflow", logging.ERROR, __file__, 1, msg, (run_id,), None)
    return json.loads(JsonFormatter().format(record))


async def test_a_failing_workflow_task_is_logged_with_its_case(tmp_path):
    warm_holiday_calendar()
    path = sorted(HISTORIES.glob("*.json"))[0]
    workflow_id = path.stem.split("--", 1)[1]
    reference = workflow_id.split("-", 2)[2]
    history = WorkflowHistory.from_json(workflow_id, path.read_text(encoding="utf-8"))
    run_id = history.events[0].workflow_execution_started_event_attributes.original_execution_run_id
    assert "workflow_id" not in line_about_run(run_id)  # not known yet: the test can fail

    # A run this worker's runner started: any later line naming only its run id carries the case.
    settings = load_settings(env={}).replace(data_dir=str(tmp_path), payload_key=TEST_PAYLOAD_KEY)
    replayer = Replayer(
        workflows=[CaseWorkflow], workflow_runner=remembering_runs(SANDBOX), data_converter=data_converter(settings)
    )
    assert (await replayer.replay_workflow(history, raise_on_replay_failure=False)).replay_failure is None
    line = line_about_run(run_id)
    assert (line["workflow_id"], line["case_reference"], line["run_id"]) == (workflow_id, reference, run_id)


async def test_a_payload_that_cannot_be_decrypted_is_logged_with_its_case(tmp_path):
    """Decrypting fails before the run exists on the worker: the codec names the workflow in its error."""
    warm_holiday_calendar()
    path = sorted(HISTORIES.glob("*.json"))[1]
    workflow_id = path.stem.split("--", 1)[1]
    history = WorkflowHistory.from_json(workflow_id, path.read_text(encoding="utf-8"))
    run_id = history.events[0].workflow_execution_started_event_attributes.original_execution_run_id
    other_key = load_settings(env={}).replace(
        data_dir=str(tmp_path), payload_key=base64.b64encode(os.urandom(32)).decode()
    )
    collect = Collect()
    sdk = logging.getLogger("temporalio")
    sdk.addHandler(collect)
    try:
        replayer = Replayer(workflows=[CaseWorkflow], workflow_runner=SANDBOX, data_converter=data_converter(other_key))
        assert (await replayer.replay_workflow(history, raise_on_replay_failure=False)).replay_failure is not None
    finally:
        sdk.removeHandler(collect)
    failing = [line for line in collect.lines if "Failed handling activation" in line["msg"]]
    assert failing and failing[0]["workflow_id"] == workflow_id and failing[0]["run_id"] == run_id
    assert "another key" in failing[0]["error"]
    # The core's line that follows (forwarded from Rust, its run id a field) is the same case.
    core = logging.LogRecord("temporalio.core", logging.WARNING, __file__, 1, "Failing workflow task", (), None)
    core.temporal_log = SimpleNamespace(fields={"run_id": run_id, "failure": "Encoded failure"})
    assert json.loads(JsonFormatter().format(core))["workflow_id"] == workflow_id
