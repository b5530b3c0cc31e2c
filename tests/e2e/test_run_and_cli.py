"""End to end on the real dev server, through what a user types: the run command and `fasthold`."""

from __future__ import annotations

import json
import sqlite3
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import sick_report
from tests.e2e.engine import Engine
from tests.eventually import eventually


@pytest.fixture
def engine(tmp_path):
    engine = Engine(tmp_path / "data")
    engine.start()
    yield engine
    if engine.process.poll() is None:
        engine.stop()


def calendar_methods(message) -> list[str]:
    return [part.get_param("method") for part in message.walk() if part.get_content_type() == "text/calendar"]


def test_a_case_through_the_commands_a_user_types(engine, tmp_path):
    assert "http://127.0.0.1:" in engine.output and str(engine.mail_dir) in engine.output
    # The Web UI is up and decrypts payloads through the engine's codec server.
    ui = f"http://127.0.0.1:{engine.env['FASTHOLD_TEMPORAL_UI_PORT']}/api/v1/settings"
    with urllib.request.urlopen(ui, timeout=10) as response:
        codec = json.loads(response.read())["Codec"]
    assert codec["Endpoint"] == f"http://127.0.0.1:{engine.env['FASTHOLD_CODEC_PORT']}"
    report = sick_report()
    path = tmp_path / "sygemelding.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    reference = report["case_reference"]

    assert "er oprettet" in engine.cli("opret", str(path))
    assert "kører allerede" in engine.cli("opret", str(path))

    invitations = engine.wait_for(lambda mails: [m for m in mails if calendar_methods(m) == ["REQUEST"]], 3)
    assert len(invitations) == 3
    status = engine.cli("status", reference)
    assert "samtale booket" in status and "Møde 1" in status

    # The engine stops cleanly and the case is still there after a restart.
    assert engine.stop() == 0 and "Stoppet." in engine.output
    engine.start()
    assert "samtale booket" in engine.cli("status", reference)

    for address in (report["employer"]["contact"]["email"], report["employee"]["email"]):
        assert "registreret" in engine.cli("svar", reference, "--email", address, "--svar", "ja")
    refused = engine.cli("svar", reference, "--email", "fremmed@example.org", "--svar", "nej", expect=1)
    assert "ikke deltager" in refused

    # The dev server's clock is the real one.
    held_at = (datetime.now(timezone.utc) - timedelta(minutes=30)).isoformat(timespec="minutes")  # real now: see above
    assert "holdt" in engine.cli(
        "--bruger",
        "anna.berg",
        "samtale",
        reference,
        "--moede",
        "1",
        "--holdt",
        "ja",
        "--arbejdsgiver-deltog",
        "ja",
        "--sted",
        "arbejdspladsen",
        "--tidspunkt",
        held_at,
    )
    assert "afsluttes" in engine.cli("afslut", reference, "--type", "rask")
    status = eventually(
        lambda: engine.cli("status", reference),
        until=lambda status: "afsluttet" in status,
        timeout=30,
        every=0.3,
        what="afsluttet in the status",
        show=str,
    )
    assert "ACCEPTED" in status
    closing = engine.wait_for(lambda mails: [m for m in mails if "afsluttet" in str(m["Subject"]).lower()], 2)
    assert len(closing) == 2
    # The register's audit trail says who did what.
    with sqlite3.connect(engine.mail_dir.parent / "register.db") as db:
        trail = dict(
            db.execute(
                "SELECT action, actor FROM audit_events WHERE action IN "
                "('meeting_recorded', 'end_reported', 'rsvp_recorded')"
            ).fetchall()
        )
    assert trail["meeting_recorded"] == "anna.berg"
    assert trail["end_reported"] not in ("", "engine", "ukendt")


def test_bad_sick_report_names_each_field(engine, tmp_path):
    unknown = sick_report(municipality="999")
    unknown_path = tmp_path / "ukendt.json"
    unknown_path.write_text(json.dumps(unknown), encoding="utf-8")
    assert "ingen sagsbehandlere" in engine.cli("opret", str(unknown_path), expect=2)
    report = sick_report(municipality="12", expected_absence_weeks=0)
    report["employer"]["cvr"] = "12345678"
    del report["employee"]["email"]
    path = tmp_path / "forkert.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    out = engine.cli("opret", str(path), expect=2)
    for field in ("municipality", "expected_absence_weeks", "employer.cvr", "employee.email"):
        assert field in out
    assert "Sagen findes ikke" in engine.cli("status", report["case_reference"], expect=1)
    assert engine.mails() == []


def test_the_laws_commands(engine, tmp_path):
    """The law as written, through what a caseworker types: fast-track consent, partial recovery (not an end), a period
    without benefit, the information form; `status` shows each."""
    report = sick_report()
    path = tmp_path / "sygemelding.json"
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    ref = report["case_reference"]
    first_day = datetime.fromisoformat(report["first_day_of_absence"]).date()
    assert "er oprettet" in engine.cli("opret", str(path))
    status = eventually(
        lambda: engine.cli("status", ref),
        until=lambda status: "samtale booket" in status,
        timeout=30,
        every=0.3,
        what="samtale booket in the status",
        show=str,
    )
    assert "modellens mål" in status and "Revurdering (§ 24)" in status and "Lovens minimum" in status

    assert "samtykke senest" in engine.cli("hurtigspor", ref, "--fra", "arbejdsgiver")
    assert "almindelige frist" in engine.cli("--bruger", "anna.berg", "samtykke", ref, "--svar", "nej")
    assert "venter ikke svar" in engine.cli("samtykke", ref, "--svar", "ja", expect=1)

    refused = engine.cli("afslut", ref, "--type", "delvis-rask", expect=1)
    assert "afslutter ikke sagen" in refused and f"fasthold delvis {ref}" in refused
    assert "fortsætter" in engine.cli("delvis", ref, "--timer", "18.5", "--note", "Formiddage")
    assert "ikke et tal" in engine.cli("delvis", ref, "--timer", "mange", expect=2)

    start, end = first_day + timedelta(days=40), first_day + timedelta(days=60)
    moved = engine.cli("pause", ref, "--fra", start.isoformat(), "--til", end.isoformat(), "--begrundelse", "Ferie")
    assert "Revurderingen skal nu ske senest" in moved
    assert "overlapper" in engine.cli(
        "pause", ref, "--fra", end.isoformat(), "--til", (end + timedelta(days=3)).isoformat(), expect=1
    )
    refreshed = engine.cli("regelsaet")  # no set added, so every running case keeps its own
    assert f"{ref}: Sagen følger fortsat regelsættet «2026 beskæftigelsesreform»." in refreshed
    assert "kørende sager har set på regelsættene igen" in refreshed
    before = (first_day - timedelta(days=100), first_day - timedelta(days=60))
    assert "Revurderingen skal nu ske senest" in engine.cli(
        "tidligere", ref, "--fra", before[0].isoformat(), "--til", before[1].isoformat(), "--note", "Aarhus Kommune"
    )
    assert f"Tidligere dagpenge: {before[0]} til {before[1]} (indtastet, Aarhus Kommune)" in engine.cli("status", ref)
    sent, agreed = first_day + timedelta(days=1), first_day + timedelta(days=21)
    assert "skal ligge efter lovens frist" in engine.cli(
        "oplysningsskema",
        ref,
        "--sendt",
        sent.isoformat(),
        "--svarfrist",
        (sent + timedelta(days=8)).isoformat(),
        expect=1,
    )
    assert "Svarfristen er" in engine.cli(
        "oplysningsskema", ref, "--sendt", sent.isoformat(), "--via", "arbejdsgiver", "--svarfrist", agreed.isoformat()
    )
    assert f"sendt {sent} automatisk med arbejdsgiverens anmeldelse, svarfrist {agreed} (aftalt)" in engine.cli(
        "status", ref
    )
    assert "registreret" in engine.cli("oplysningsskema", ref)
    assert "allerede registreret" in engine.cli("oplysningsskema", ref, expect=1)

    status = engine.cli("status", ref)
    assert "afslået" in status and "18.5 timer om ugen" in status and "Uden sygedagpenge" in status
    assert "besvaret" in status and "samtale booket" in status  # still running: nothing ended it
    with sqlite3.connect(engine.mail_dir.parent / "register.db") as db:
        trail = dict(
            db.execute(
                "SELECT action, actor FROM audit_events WHERE action IN "
                "('fast_track_consent', 'partial_recovery', 'benefit_pause')"
            ).fetchall()
        )
        row = db.execute("SELECT partial_recovery_hours, closed_at FROM cases WHERE reference = ?", (ref,)).fetchone()
    assert trail["fast_track_consent"] == "anna.berg" and set(trail) == {
        "fast_track_consent",
        "partial_recovery",
        "benefit_pause",
    }
    assert row == (18.5, None)
