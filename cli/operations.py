"""The operators' commands: save a case's history, replay it against this code and keys, reprocess a reply the
mail gateway kept, and the connection to Temporal every command that needs the engine makes."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from temporalio.client import Client

from case_service import CaseService
from cli.arguments import UserError
from config.settings import Settings


def save_history(history, path: Path) -> str:
    """The history as Temporal stores it (payloads still encrypted): for `genafspil`, or tests/histories/."""
    try:
        path.write_text(history.to_json(), encoding="utf-8")
    except OSError as err:
        raise UserError(f"Kan ikke skrive filen {path}: {err.strerror}.") from None
    return f"Historikken for {history.workflow_id} ({len(history.events)} hændelser) er gemt i {path}."


def history_payloads(history) -> list:
    """Every payload in a history, wherever it sits (inputs, results, update arguments, failures)."""
    from google.protobuf.message import Message
    from temporalio.api.common.v1 import Payload

    found = []

    def walk(message) -> None:
        if isinstance(message, Payload):
            found.append(message)
            return
        for _, value in message.ListFields():
            if isinstance(value, Message):
                walk(value)
            elif not isinstance(value, (str, bytes, int, float, bool)):  # repeated fields and maps
                for item in value.values() if hasattr(value, "values") else value:
                    if isinstance(item, Message):
                        walk(item)

    for event in history.events:
        walk(event)
    return found


async def replay_history(path: Path, settings: Settings) -> str:
    """Replay a saved history against this code with this process's keys (the runbook's replay step): the
    same sandbox and holiday calendar warm-up as the worker, and a missing key named before replaying."""
    from temporalio.client import WorkflowHistory
    from temporalio.runtime import Runtime, TelemetryConfig
    from temporalio.worker import Replayer

    from engine.client import data_converter
    from engine.codec import codec_from_settings
    from worker import SANDBOX, warm_holiday_calendar
    from workflows.case_workflow import CaseWorkflow

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise UserError(f"Kan ikke læse filen {path}: {err.strerror}.") from None
    try:
        data = json.loads(text)
        history = WorkflowHistory.from_json(path.stem.split("--")[-1], data)
    except (ValueError, TypeError, KeyError) as err:
        raise UserError(
            f"{path} er ikke en historik fra `fasthold historik` eller "
            f"`temporal workflow show --output json` ({type(err).__name__})."
        ) from None
    # Every payload decrypted first: a missing or different key is named here, not deep in a replay failure.
    codec = codec_from_settings(settings)
    for payload in history_payloads(history):
        await codec.decode([payload])
    warm_holiday_calendar()
    # The SDK logs a failing activation with its traceback; the failure is reported below, in one message.
    logging.getLogger("temporalio").setLevel(logging.CRITICAL)
    quiet = Runtime(telemetry=TelemetryConfig(logging=None, metrics=None))
    replayer = Replayer(
        workflows=[CaseWorkflow], workflow_runner=SANDBOX, data_converter=data_converter(settings), runtime=quiet
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    if result.replay_failure is not None:
        raise UserError(
            f"Historikken kan ikke genafspilles med denne kode: {result.replay_failure}\n"
            "En ændring i sagens forløb skal beskyttes med workflow.patched(...)."
        )
    return f"Historikken i {path} ({len(history.events)} hændelser) genafspilles uden fejl med denne kode."


async def reprocess_reply(name: str | None, settings: Settings, actor: str, client: Client | None = None) -> str:
    """The runbook's "reprocess a kept reply": on the gateway's machine, with the gateway's settings."""
    from case_service.replies import Processor, SenderTrust
    from case_service.reprocess import ReprocessRefused, answer_text, find, listing, reprocess
    from mailing.inbox import Inbox
    from register.db import Register

    if not (settings.data_path / "inbox" / "refused").is_dir():
        raise UserError(
            f"Her er ingen postindgang: {settings.data_path / 'inbox'} findes ikke. Kør kommandoen, hvor "
            "postindgangen kører, med dens indstillinger (FASTHOLD_DATA_DIR)."
        )
    register = Register(settings.resolved_database_url)
    try:
        inbox = Inbox(settings.data_path / "inbox")
        processor = Processor(CaseService(client, settings), register, inbox, trust=SenderTrust.from_settings(settings))
        if name is None:
            return listing(processor)
        try:
            if why := find(processor, name).why_not():  # before connecting: Temporal is not needed to say no
                raise ReprocessRefused(why)
            if client is None:
                processor.cases = CaseService(await _connect(settings), settings)
            outcome, filed = await reprocess(processor, name, actor=actor)
        except ReprocessRefused as err:
            raise UserError(str(err)) from None
        return answer_text(outcome, filed)
    finally:
        register.dispose()


async def _connect(settings: Settings) -> Client:
    from engine.client import ConnectionSettingsError, connect, connect_options

    try:  # the settings first: a file that cannot be read is not an engine that is down
        connect_options(settings)
    except ConnectionSettingsError as err:
        raise UserError(err.danish) from None
    except ValueError as err:
        raise UserError(f"Indstillingerne kan ikke bruges: {err}") from None
    try:
        return await connect(settings)
    except Exception:
        raise UserError(
            f"Kan ikke forbinde til Temporal på {settings.temporal_address}. Kører motoren? "
            "Start den med: bash scripts/run.sh"
        ) from None
