"""The evaluation dataset from the nine hand-made cases (tests/integration/test_report_definitions.py),
on SQLite and PostgreSQL: opened with pandas as the evaluator would, checked for the absence of personal data,
its pseudonyms keyed, its dictionary complete in Danish and English, and every export audited.

Hand-worked rows (days from the first day of absence; today = 2026-06-20):
- P1: first day 01-05; meeting 1 no-show, meeting 2 held at the workplace 02-17 -> first_meeting_number 2, day 43
  (26 + 17), place group workplace, meetings_booked 2, meetings_held 1, no_shows 1; open, no recovery -> censored
  on today: 06-20 - 01-05 = 166 days.
- P3: first day 01-12; partial recovery 03-20 = day 67 (19 + 28 + 20), then dismissal 05-15 = day 123: the return
  is observed at day 67 (the report does not count P3 as an exit, the duration analysis does: it returned).
- P6: first day 02-09, full recovery 03-20 = day 39, no meeting -> place group none, returned at day 39.
- P7: first day 02-16, open, nothing -> censored at 06-20 - 02-16 = 124 days.
- P9: first day 03-23, first booked meeting never held -> number 1, not held, place group none.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from config.settings import load_settings
from register.db import Register, upgrade
from register.models import AuditEvent, CaseRow, CitizenIdentity
from reporting.evaluation import COLUMNS, case_key
from reporting.evaluation_command import evaluation_key, export_evaluation
from tests.integration.test_report_definitions import build_nine_cases

TODAY = date(2026, 6, 20)
START, END = date(2026, 1, 1), date(2026, 3, 31)
PERSONAL_COLUMNS = (
    "cpr",
    "name",
    "email",
    "mail",
    "address",
    "adresse",
    "phone",
    "telefon",
    "cvr",
    "employer_name",
    "contact",
    "reference",
    "note",
    "comment",
    "text",
)


@pytest.fixture
def nine(register_url, tmp_path):
    upgrade(register_url)
    register = Register(register_url)
    with register.session() as session:
        build_nine_cases(session)
    settings = load_settings(env={}).replace(database_url=register_url, data_dir=str(tmp_path / "data"))
    yield register, settings
    register.dispose()


def frames(export) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    bundle = zipfile.ZipFile(io.BytesIO(export.zip_bytes()))
    assert sorted(bundle.namelist()) == [
        "dataordbog-laeringslog.csv",
        "dataordbog.csv",
        "laeringslog.csv",
        "sager.csv",
        "sager.parquet",
        "varighed.csv",
        "varighed.png",
    ]
    csv_frame = pd.read_csv(io.BytesIO(bundle.read("sager.csv")), dtype=str, keep_default_na=False)
    parquet_frame = pd.read_parquet(io.BytesIO(bundle.read("sager.parquet")))
    dictionary = pd.read_csv(io.BytesIO(bundle.read("dataordbog.csv")))
    return csv_frame, parquet_frame, dictionary


def personal_values(register) -> set[str]:
    """Everything in the register that identifies a person or an employer."""
    values: set[str] = set()
    with register.session() as session:
        for c in session.execute(select(CaseRow)).scalars():
            values |= {
                c.reference,
                c.employee_name,
                c.employee_email,
                c.employer_name,
                c.employer_cvr,
                c.workplace_address,
                c.contact_name,
                c.contact_email,
                c.workflow_id,
            }
        values |= set(session.scalars(select(CitizenIdentity.cpr)))
    return {v for v in values if v}


def test_the_evaluator_opens_it_with_pandas_and_finds_no_personal_data(nine):
    register, settings = nine
    export = export_evaluation(settings, "101", START, END, actor="lise.holm", today=TODAY)
    csv_frame, parquet_frame, dictionary = frames(export)
    assert len(csv_frame) == len(parquet_frame) == 9
    assert list(csv_frame.columns) == list(parquet_frame.columns) == [c.name for c in COLUMNS]
    assert not [c for c in csv_frame.columns if any(word in c.lower() for word in PERSONAL_COLUMNS)]
    secrets = personal_values(register)
    cells = {str(v) for v in csv_frame.to_numpy().ravel()} | {str(v) for v in parquet_frame.to_numpy().ravel()}
    assert not cells & secrets
    text = export.files["sager.csv"].decode() + export.files["dataordbog.csv"].decode()
    for value in secrets:
        assert value not in text, value
    assert not re.search(r"\b\d{10}\b", text) and "@" not in text  # no CPR-shaped number, no e-mail address
    # Types the evaluator can compute with, straight from Parquet.
    assert str(parquet_frame["days_to_return_or_censoring"].dtype) == "int64"
    assert str(parquet_frame["first_meeting_held"].dtype) == "bool"


def test_rows_worked_by_hand(nine):
    register, settings = nine
    export = export_evaluation(settings, "101", START, END, actor="lise.holm", today=TODAY)
    key = evaluation_key(settings)
    _, rows, _ = frames(export)
    by = {ref: rows[rows.case_key == case_key(key, "101", ref)].iloc[0] for ref in ("P1", "P3", "P6", "P7", "P9")}
    p1 = by["P1"]
    assert (p1.first_meeting_number, p1.first_meeting_day, p1.first_meeting_place_group) == (2, 43, "workplace")
    assert (p1.meetings_booked, p1.meetings_held, p1.no_shows) == (2, 1, 1)
    assert (bool(p1.return_to_work), p1.days_to_return_or_censoring, bool(p1.ended)) == (False, 166, False)
    p3 = by["P3"]
    assert (p3.partial_recovery_day, p3.end_day, p3.end_type, p3.outcome) == (67, 123, "dismissal", "unknown")
    assert (bool(p3.return_to_work), p3.days_to_return_or_censoring) == (True, 67)
    assert (
        by["P6"].first_meeting_place_group,
        bool(by["P6"].return_to_work),
        by["P6"].days_to_return_or_censoring,
        by["P6"].outcome,
    ) == ("none", True, 39, "education")
    assert (bool(by["P7"].return_to_work), by["P7"].days_to_return_or_censoring) == (False, 124)
    p9 = by["P9"]
    assert (p9.first_meeting_number, bool(p9.first_meeting_held), p9.first_meeting_place_group) == (1, False, "none")
    assert p9.first_meeting_expected_place == "workplace" and p9.first_meeting_actual_place is None
    assert by["P1"].first_day_month == "2026-01"


def test_pseudonyms_are_keyed_and_stable(nine, tmp_path):
    register, settings = nine
    first = export_evaluation(settings, "101", START, END, actor="a", today=TODAY).rows
    again = export_evaluation(settings, "101", START, END, actor="a", today=TODAY).rows
    assert [r["case_key"] for r in first] == [r["case_key"] for r in again]  # joinable across exports
    other = settings.replace(evaluation_key="en anden kommunes nøgle")
    keys = {r["case_key"] for r in export_evaluation(other, "101", START, END, actor="a", today=TODAY).rows}
    assert keys.isdisjoint(r["case_key"] for r in first)  # the key decides
    assert all(re.fullmatch(r"[0-9a-f]{64}", r["case_key"]) for r in first)
    import hashlib

    assert hashlib.sha256(b"101:P1").hexdigest() not in keys | {r["case_key"] for r in first}


def test_every_export_is_audited(nine):
    register, settings = nine
    export = export_evaluation(settings, "101", START, END, actor="lise.holm", today=TODAY)
    with register.session() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "evaluation_export")).all()
        assert (event.actor, event.case_id) == ("lise.holm", None)
        assert event.detail["rows"] == 9 and event.detail["from"] == "2026-01-01" and event.detail["to"] == "2026-03-31"
        import hashlib

        assert event.detail["files"]["sager.parquet"] == hashlib.sha256(export.files["sager.parquet"]).hexdigest()


def test_the_dictionary_describes_every_column_in_danish_and_english(nine):
    register, settings = nine
    _, _, dictionary = frames(export_evaluation(settings, "101", START, END, actor="a", today=TODAY))
    assert list(dictionary.columns) == ["kolonne_column", "type", "beskrivelse_da", "description_en"]
    assert list(dictionary.kolonne_column) == [c.name for c in COLUMNS]
    assert dictionary.beskrivelse_da.str.len().min() > 5 and dictionary.description_en.str.len().min() > 5
    assert set(dictionary.type) == {"string", "integer", "boolean"}


def test_the_readme_command_writes_the_files(nine, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    register, settings = nine
    out = tmp_path / "evaluering"
    env = {**os.environ, "FASTHOLD_DATABASE_URL": register.url, "FASTHOLD_DATA_DIR": settings.data_dir}
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "fasthold"),
            "--bruger",
            "lise.holm",
            "evaluering",
            "--fra",
            "2026-01-01",
            "--til",
            "2026-12-31",
            "--ud",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Evalueringsdatasættet (9 sager) er skrevet til" in done.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "dataordbog-laeringslog.csv",
        "dataordbog.csv",
        "laeringslog.csv",
        "sager.csv",
        "sager.parquet",
        "varighed.csv",
        "varighed.png",
    ]
    assert len(pd.read_parquet(out / "sager.parquet")) == 9
