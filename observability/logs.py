"""Logging for every process: readable lines in the dev run, one JSON object a line in production.

Why: operators search logs by case. Every line about a case carries `case_reference` and `workflow_id` as
fields (taken from the Temporal SDK's workflow and activity context, from the case's workflow id, or from a
message that names a case), so `workflow_id="case-101-SAG-1"` finds all of a case across the worker, the
gateway and the codec server. And logs leave the engine (to a log platform, to support): they must never
hold a CPR number, a name or an e-mail address. Code does not log those; as a second line of defence every
message (and exception text) is scrubbed of e-mail addresses and CPR-shaped numbers before it is written.
The log scan in tests/e2e/test_topology.py checks this over a full run.

    FASTHOLD_LOG_FORMAT=json|text   FASTHOLD_LOG_LEVEL=INFO
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timezone

EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Ten digits, optionally DDMMYY-XXXX; not inside a longer run of digits (timestamps, ports, ids).
CPR = re.compile(r"(?<![\d-])\d{6}-?\d{4}(?![\d-])")
WORKFLOW_ID = re.compile(r"\bcase-(\d{3})-([A-Za-z0-9][A-Za-z0-9._-]*)")
# "case SAG-2026-0001": a reference has a digit somewhere, which keeps "case metrics" from being read as one.
CASE_IN_MESSAGE = re.compile(r"\bcase ([A-Za-z0-9][A-Za-z0-9._-]*\d[A-Za-z0-9._-]*)")
TEXT_FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
PROCESS = {"name": ""}

# "Failed handling activation on workflow with run ID …" (the SDK's own lines name the run only).
RUN_ID_IN_MESSAGE = re.compile(r"\brun ID ([0-9a-f-]{36})\b")

_resolver: Callable[[str], str | None] | None = None
_resolved: dict[str, str | None] = {}
_runs: dict[str, str] = {}  # run id -> workflow id, of the workflows this process has run
_lock = threading.Lock()


def remember_run(run_id: str, workflow_id: str) -> None:
    with _lock:
        if len(_runs) > 50_000:  # bounded: the oldest entries matter least
            for key in list(_runs)[:25_000]:
                del _runs[key]
        _runs[run_id] = workflow_id


def workflow_of_run(run_id: str) -> str | None:
    with _lock:
        return _runs.get(run_id)


def remembering_runs(runner):
    """The worker's workflow runner, remembering each run's workflow id as it starts the run, so the SDK's
    own lines about a failing workflow task (which name only the run id) carry the case too."""
    from temporalio.worker import WorkflowRunner

    class RunsRemembered(WorkflowRunner):
        def prepare_workflow(self, defn) -> None:
            runner.prepare_workflow(defn)

        def create_instance(self, det):
            remember_run(det.info.run_id, det.info.workflow_id)
            return runner.create_instance(det)

        def set_worker_level_failure_exception_types(self, types) -> None:
            runner.set_worker_level_failure_exception_types(types)

    return RunsRemembered()


def scrub(text: str) -> str:
    return CPR.sub("[cpr]", EMAIL.sub("[e-mail]", text))


def set_workflow_id_resolver(resolver: Callable[[str], str | None] | None) -> None:
    """For processes that log a case by reference only (the mail gateway): reference -> workflow id."""
    global _resolver
    with _lock:
        _resolver = resolver
        _resolved.clear()


def _resolve(reference: str) -> str | None:
    with _lock:
        if reference in _resolved or _resolver is None:
            return _resolved.get(reference)
        resolver = _resolver
    try:
        found = resolver(reference)
    except Exception:  # logging must never fail because the register is away
        return None
    with _lock:
        if len(_resolved) > 10_000:
            _resolved.clear()
        _resolved[reference] = found
    return found


def _error_text(record: logging.LogRecord) -> str:
    error = record.exc_info[1] if record.exc_info else None
    return str(error) if error is not None else ""


def about_case(reference: str | None = "", workflow_id: str | None = "") -> dict:
    """`extra=` for a line about a case, where its text need not name it: both fields are written (the workflow
    id looked up from the reference when only that is known). Lines of the mail gateway use it."""
    return {key: str(value) for key, value in (("case_reference", reference), ("workflow_id", workflow_id)) if value}


def case_context(record: logging.LogRecord, message: str) -> dict:
    """workflow_id, case_reference (and run/activity ids) for a record, from wherever they can be seen."""
    found: dict = {}
    for key in ("workflow_id", "case_reference"):  # given explicitly (about_case): they come first
        if value := getattr(record, key, None):
            found[key] = str(value)
    for attr in ("temporal_workflow", "temporal_activity"):
        info = getattr(record, attr, None)
        if isinstance(info, dict):
            for key in (
                "workflow_id",
                "run_id",
                "workflow_type",
                "activity_type",
                "activity_id",
                "attempt",
                "task_queue",
            ):
                if info.get(key) not in (None, ""):
                    found.setdefault(key, info[key])
    entry = getattr(record, "temporal_log", None)  # forwarded from the SDK's core
    fields = getattr(entry, "fields", None)
    if isinstance(fields, dict):
        for key in ("workflow_id", "run_id", "activity_id", "task_queue"):
            if fields.get(key):
                found.setdefault(key, str(fields[key]))
    if "workflow_id" not in found:
        match = WORKFLOW_ID.search(message)
        if match:
            found["workflow_id"] = match.group(0)
    run = found.get("run_id") or (m.group(1) if (m := RUN_ID_IN_MESSAGE.search(message)) else None)
    if "workflow_id" not in found and run:
        if workflow_id := workflow_of_run(str(run)):
            found["workflow_id"] = workflow_id
        elif match := WORKFLOW_ID.search(_error_text(record)):
            # The SDK's line names the run; its error (the codec's, say) names the workflow: remember it for
            # the lines about the same run that follow (the core's "Failing workflow task run_id=…").
            found["workflow_id"] = match.group(0)
            remember_run(str(run), match.group(0))
        if "workflow_id" in found:
            found.setdefault("run_id", str(run))
    if "workflow_id" in found:
        match = WORKFLOW_ID.match(str(found["workflow_id"]))
        if match:
            found["municipality"], found["case_reference"] = match.group(1), match.group(2)
    else:
        reference = found.get("case_reference")
        if not reference and (match := CASE_IN_MESSAGE.search(message)):
            reference = match.group(1).rstrip(".")
        if reference:
            found["case_reference"] = reference
            workflow_id = _resolve(reference)
            if workflow_id:
                found["workflow_id"] = workflow_id
    return found


def _message(record: logging.LogRecord) -> str:
    try:
        return scrub(record.getMessage())
    except Exception:
        return scrub(str(record.msg))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = _message(record)
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "process": PROCESS["name"],
            "msg": message,
            **case_context(record, message),
        }
        if record.exc_info:
            line["error"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = _message(record)
        context = case_context(record, record.message)
        text = super().formatMessage(record)
        if "case_reference" in context or "workflow_id" in context:
            text += f" [sag {context.get('case_reference', '-')} workflow {context.get('workflow_id', '-')}]"
        return text

    def formatException(self, ei) -> str:
        return scrub(super().formatException(ei))


def configure_logging(settings, process: str, level: str | None = None) -> None:
    """Set up the root logger for one process (worker, gateway, codec, run, cli)."""
    import temporalio.activity
    import temporalio.workflow

    PROCESS["name"] = process
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel((level or settings.log_level or "INFO").upper())
    # The SDK appends its context as a dict to the message; it is a field of its own here.
    temporalio.workflow.logger.workflow_info_on_message = False
    temporalio.activity.logger.activity_info_on_message = False
    if settings.log_format == "json":
        # The SDK's core logs (Rust) would print their own text to stderr: send them through this handler.
        from temporalio.runtime import LogForwardingConfig, LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

        Runtime.set_default(
            Runtime(
                telemetry=TelemetryConfig(
                    logging=LoggingConfig(
                        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                        forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
                    )
                )
            ),
            error_if_already_set=False,
        )
    for noisy in ("alembic", "mail.log", "aiosmtpd", "httpx"):
        if logging.getLogger(noisy).level == logging.NOTSET:
            logging.getLogger(noisy).setLevel(logging.WARNING)


def workflow_id_resolver(register) -> Callable[[str], str | None]:
    """Reference -> workflow id from the register (None when the reference is unknown or ambiguous)."""
    from sqlalchemy import select

    from register.models import CaseRow

    def resolve(reference: str) -> str | None:
        with register.session() as session:
            found = session.scalars(select(CaseRow.workflow_id).where(CaseRow.reference == reference).limit(2)).all()
        return found[0] if len(found) == 1 else None

    return resolve
