"""The README's runbook, run as written: each procedure is a script in deploy/runbook/, and here an operator's
session on a fresh embedded run follows them step by step: find a case by its reference, replay its history,
rotate the payload key in two rolling restarts while the case goes on, and drain a worker; and, on another
fresh run, reprocess a reply the gateway kept because the register lacked its meeting, once that is fixed."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from tests.conftest import sick_report
from tests.e2e.engine import ROOT, Engine
from tests.eventually import eventually
from tests.helpers import calendar_part
from tests.itip import itip_reply

RUNBOOK = ROOT / "deploy" / "runbook"


def sourced(path: Path) -> dict[str, str]:
    done = subprocess.run(
        ["bash", "-c", 'set -a; . "$1"; env -0', "bash", str(path)],
        capture_output=True,
        env={"PATH": os.environ["PATH"]},
        check=True,
    )
    pairs = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    return {k: v for k, v in pairs.items() if k.startswith("FASTHOLD_PAYLOAD")}


def step(
    engine: Engine,
    script: str,
    *args: str,
    expect: int = 0,
    env_file: Path | None = None,
    env: dict[str, str] | None = None,
) -> str:
    env = {**engine.env, **({"FASTHOLD_ENV_FILE": str(env_file)} if env_file else {}), **(env or {})}
    done = subprocess.run(
        ["bash", str(RUNBOOK / script), *args],
        cwd=env_file.parent if env_file else ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == expect, f"{script} {args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout + done.stderr


def restart(engine: Engine, env_file: Path) -> None:
    assert engine.stop() == 0
    engine.earlier = getattr(engine, "earlier", "") + engine.output  # start() begins a new output
    engine.env.update(sourced(env_file))
    lingering: list[str] = []

    def started() -> bool:
        try:
            engine.start()
        except AssertionError as err:
            if "address already in use" not in str(err):
                raise
            lingering[:] = [str(err)]
            return False
        return True

    # A port of the stopped run may linger a moment (another process may not take it).
    eventually(started, timeout=10, every=2, what=lambda: f"the run started again: {lingering[-1][-2000:]}")


@pytest.fixture
def operator(tmp_path):
    """A fresh embedded run whose payload key comes from an env file, as in production."""
    env_file = tmp_path / "fasthold.env"
    env_file.write_text(
        f'FASTHOLD_PAYLOAD_KEY="{base64.b64encode(os.urandom(32)).decode()}"\n'
        "FASTHOLD_PAYLOAD_KEY_ID=2026-01\nFASTHOLD_PAYLOAD_PREVIOUS_KEYS=\n",
        encoding="utf-8",
    )
    engine = Engine(tmp_path / "data")
    engine.env.update(sourced(env_file), FASTHOLD_LOG_LEVEL="INFO", FASTHOLD_LOG_FORMAT="json")
    engine.start()
    yield engine, env_file
    if engine.process.poll() is None:
        engine.stop()


def test_an_operator_follows_the_runbook(operator, tmp_path):
    engine, env_file = operator
    report = sick_report()
    reference = report["case_reference"]
    (tmp_path / "sygemelding.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    engine.cli("opret", str(tmp_path / "sygemelding.json"))
    engine.wait_for_mails(3)

    # Find a case by its reference: the workflow in Temporal, then its state.
    found = step(engine, "find-case.sh", reference, env_file=env_file)
    assert f"case-101-{reference}" in found and "Running" in found and f"Sag {reference}" in found
    missing = step(engine, "find-case.sh", "SAG-FINDES-IKKE", expect=1, env_file=env_file)
    assert "Ingen sag med referencen SAG-FINDES-IKKE" in missing

    # Replay its history against this code and these keys.
    replayed = step(engine, "replay-case.sh", reference, "before.json", env_file=env_file)
    assert "genafspilles uden fejl" in replayed and (tmp_path / "before.json").exists()

    # Rotate the key, in two rolling restarts, while the case goes on.
    added = step(engine, "rotate-key.sh", "fasthold.env", "2026-12", "add", env_file=env_file)
    assert re.search(r"rotate-key.sh \S*fasthold.env 2026-12 activate", added)
    keys = sourced(env_file)
    assert keys["FASTHOLD_PAYLOAD_KEY_ID"] == "2026-01" and keys["FASTHOLD_PAYLOAD_PREVIOUS_KEYS"].startswith(
        "2026-12="
    )
    assert sourced(tmp_path / "fasthold.env.before-add")["FASTHOLD_PAYLOAD_PREVIOUS_KEYS"] == ""  # the copy
    again = step(engine, "rotate-key.sh", "fasthold.env", "2026-12", "add", expect=1, env_file=env_file)
    assert "allerede i brug" in again and sourced(env_file) == keys  # refused, nothing changed
    restart(engine, env_file)
    employer = report["employer"]["contact"]["email"]
    assert "registreret" in engine.cli("svar", reference, "--email", employer, "--svar", "ja")
    activated = step(engine, "rotate-key.sh", "fasthold.env", "2026-12", "activate", env_file=env_file)
    assert "2026-12 krypterer nu" in activated
    keys = sourced(env_file)
    assert keys["FASTHOLD_PAYLOAD_KEY_ID"] == "2026-12"
    assert keys["FASTHOLD_PAYLOAD_PREVIOUS_KEYS"].startswith("2026-01=")
    restart(engine, env_file)
    assert "registreret" in engine.cli("svar", reference, "--email", report["employee"]["email"], "--svar", "ja")
    assert "ACCEPTED" in engine.cli("status", reference)
    replayed = step(engine, "replay-case.sh", reference, "after.json", env_file=env_file)
    assert "genafspilles uden fejl" in replayed
    ids = {p.metadata.get("encryption-key-id") for p in history_payloads(tmp_path / "after.json")}
    assert {b"2026-01", b"2026-12"} <= ids  # the history holds payloads under both keys

    # A machine without the keys: the command line names the key it lacks (not "uventet fejl: UnknownKeyError").
    lacking = {
        **engine.env,
        "FASTHOLD_PAYLOAD_KEY": base64.b64encode(os.urandom(32)).decode(),
        "FASTHOLD_PAYLOAD_KEY_ID": "2027-01",
        "FASTHOLD_PAYLOAD_PREVIOUS_KEYS": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "cli", "status", reference],
        cwd=ROOT,
        env=lacking,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "id '2026-12'" in done.stderr and "FASTHOLD_PAYLOAD_PREVIOUS_KEYS" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "cli", "genafspil", str(tmp_path / "after.json")],
        cwd=ROOT,
        env=lacking,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "id '2026-01'" in done.stderr and "Traceback" not in done.stderr
    # The same id with another key (two machines that each made their own): said so, not "InvalidTag".
    other = {**lacking, "FASTHOLD_PAYLOAD_KEY_ID": "2026-12"}
    done = subprocess.run(
        [sys.executable, "-m", "cli", "status", reference],
        cwd=ROOT,
        env=other,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "en anden nøgle" in done.stderr and "'2026-12'" in done.stderr

    # Drain a worker: a second worker beside the engine's stops cleanly on SIGTERM; the case is untouched.
    log = tmp_path / "worker.log"
    started = subprocess.run(
        ["bash", "-c", f'{sys.executable} worker.py >"{log}" 2>&1 </dev/null & echo $!'],
        cwd=ROOT,
        env=engine.env,
        capture_output=True,
        text=True,
        check=True,
    )
    pid = started.stdout.strip()
    eventually(
        lambda: log.read_text(encoding="utf-8"),
        until=lambda text: "worker running" in text,
        timeout=60,
        every=0.3,
        what="the second worker running",
        show=str,
    )
    assert f"Arbejderen {pid} er drænet og stoppet." in step(engine, "drain-worker.sh", pid)
    assert "draining running activities" in log.read_text(encoding="utf-8")
    assert "ACCEPTED" in engine.cli("status", reference)

    # The embedded run honours FASTHOLD_LOG_LEVEL (INFO here), and its lines about the case name it.
    engine.stop()
    output = getattr(engine, "earlier", "") + engine.output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line["level"] == "info" for line in lines)
    about = [line for line in lines if line.get("case_reference") == reference]
    assert about and all(line["workflow_id"] == f"case-101-{reference}" for line in about)


def history_payloads(path: Path) -> list:
    from temporalio.client import WorkflowHistory

    from cli import history_payloads as payloads

    return payloads(WorkflowHistory.from_json("h", path.read_text(encoding="utf-8")))


def test_an_operator_reprocesses_a_kept_reply(operator, tmp_path):
    import smtplib

    from sqlalchemy import select, update

    from config.settings import load_settings
    from register.db import Register
    from register.models import AuditEvent, MeetingRow, MessageRow

    engine, env_file = operator
    report = sick_report()
    reference = report["case_reference"]
    employer = report["employer"]["contact"]["email"]
    (tmp_path / "sygemelding.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    engine.cli("opret", str(tmp_path / "sygemelding.json"))
    invitation = engine.wait_for(
        lambda mails: [
            m
            for m in mails
            if employer in str(m["To"]) and (c := calendar_part(m)) and c.get_param("method") == "REQUEST"
        ],
        1,
    )[0]
    settings = load_settings(env=engine.env)
    register = Register(settings.resolved_database_url)
    inbox = Path(engine.env["FASTHOLD_DATA_DIR"]) / "inbox"
    uid = str(next(iter(icalendar.Calendar.from_ical(calendar_part(invitation).get_content()).walk("VEVENT")))["UID"])

    def register_knows_the_meeting(known: bool) -> None:
        """The cause to fix: a register restored from a backup older than the invitation lacks the meeting."""
        old, new = (f"{uid}-missing", uid) if known else (uid, f"{uid}-missing")
        with register.session() as session:
            assert session.execute(update(MeetingRow).where(MeetingRow.uid == old).values(uid=new)).rowcount == 1

    try:
        register_knows_the_meeting(False)
        with smtplib.SMTP("127.0.0.1", int(engine.env["FASTHOLD_GATEWAY_PORT"]), timeout=30) as smtp:
            smtp.sendmail(employer, [settings.organizer_email], itip_reply(invitation, employer))
        kept = eventually(
            lambda: sorted((inbox / "refused").glob("*-unknown_uid.eml")),
            timeout=30,
            what=lambda: f"the reply kept as unknown_uid (the inbox: {list(inbox.rglob('*'))})",
        )
        name = kept[0].name

        listed = step(engine, "reprocess-reply.sh", env_file=env_file)
        assert name in listed and "årsag unknown_uid" in listed and "kan ikke genbehandles" not in listed
        # Fed through before the cause is fixed: refused again, for the same reason, and still kept.
        trusted = {"FASTHOLD_GATEWAY_TRUST_LOOPBACK": "true"}  # as the embedded run's gateway trusts
        again = step(engine, "reprocess-reply.sh", name, "--bruger", "drift-ab", env_file=env_file, env=trusted)
        assert f"stadig afvist: unknown_uid (sag -). Gemt som refused/{name}" in again and kept[0].exists()

        register_knows_the_meeting(True)
        done = step(engine, "reprocess-reply.sh", name, "--bruger", "drift-ab", env_file=env_file, env=trusted)
        accepted = inbox / "accepted" / f"{name.removesuffix('-unknown_uid.eml')}.eml"
        assert f"registreret på sag {reference}: ACCEPTED. Gemt som accepted/{accepted.name}" in done
        assert f"{employer}: ACCEPTED" in engine.cli("status", reference)
        record = json.loads(accepted.with_suffix(".json").read_text(encoding="utf-8"))
        assert not kept[0].exists() and (record["status"], record["case_reference"]) == ("received", reference)
        assert [(r["by"], r["earlier"]["reason"]) for r in record["reprocessed"]] == [("drift-ab", "unknown_uid")] * 2
        with register.session() as session:
            [row] = session.scalars(select(MessageRow).where(MessageRow.direction == "in")).all()
            assert (row.status, row.detail) == ("received", "ACCEPTED") and row.case_id is not None
            audit = session.scalars(
                select(AuditEvent).where(AuditEvent.action == "reply_reprocessed").order_by(AuditEvent.id)
            ).all()
            assert [(a.actor, a.detail["status"], a.case_id) for a in audit] == [
                ("drift-ab", "refused", None),
                ("drift-ab", "received", row.case_id),
            ]

        # Never applied twice: neither by the file name it had, nor by the one it has now.
        for again in (name, accepted.name):
            refused = step(
                engine, "reprocess-reply.sh", again, "--bruger", "drift-ab", expect=1, env_file=env_file, env=trusted
            )
            assert "allerede registreret" in refused
    finally:
        register.dispose()

    # The gateway's and the command's lines about the reply name the case (the first, unknown meeting, none).
    engine.stop()
    lines = [json.loads(line) for line in engine.output.splitlines() if line.startswith("{")]
    refused_line = [line for line in lines if "inbound message refused: unknown_uid" in line["msg"]]
    assert refused_line and "case_reference" not in refused_line[0]
