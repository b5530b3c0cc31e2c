"""A simulated year (`fasthold simuler`: the real workflow on the time-skipping server, the real register) exported
and evaluated end to end: the evaluator's dataset opened with pandas and checked for the absence of
personal data, and the duration curves computed and drawn (the figure is kept in tmp/test-output/ to look at).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
from sqlalchemy import create_engine, select

from config.settings import load_settings
from register.models import CaseRow, CitizenIdentity, MeetingAttendee
from reporting.duration_analysis import analyse
from reporting.evaluation_command import export_evaluation
from simulation.scenario import load_scenario
from simulation.sweep import sweep
from tests import dates
from tests.browser import OUTPUT

YEAR = """
seed: 7
weeks: 52
tail_weeks: 10
arrivals_per_week: 1
report_lag_days: [2, 6]
durations: [{weeks: 10, share: 0.3}, {weeks: 20, share: 0.4}, {weeks: 40, share: 0.3}]
exemption_share: 0.1
employer: {answer_days: [1, 4], silent_share: 0.1, decline_share: 0.3}
attendees: {accept_days: [0.3, 2], decline_share: 0.1}
no_show_share: 0.1
roster:
  caseworkers: [2]
  teams: 1
"""


def personal_values(url: str) -> set[str]:
    engine = create_engine(url)
    values: set[str] = set()
    with engine.connect() as conn:
        for c in conn.execute(select(CaseRow)):
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
        values |= set(conn.scalars(select(CitizenIdentity.cpr)))
        values |= set(conn.scalars(select(MeetingAttendee.email)))
    engine.dispose()
    return {v for v in values if v}


async def test_a_simulated_year_exported_and_evaluated(tmp_path: Path):
    scenario = tmp_path / "year.yaml"
    # A fixed first day (tests/dates.py), so the year's calendar is the same on every day the suite runs.
    scenario.write_text(f"start: {dates.DEFAULT_START.isoformat()}\n{YEAR}", encoding="utf-8")
    [result] = (await sweep(load_scenario(scenario), tmp_path / "out", progress=False)).results
    report = result.report
    settings = load_settings(env={}).replace(database_url=result.register_url, data_dir=str(tmp_path / "data"))
    export = export_evaluation(
        settings, report.municipality, report.start, report.end, actor="evaluator-test", today=report.today
    )
    bundle = zipfile.ZipFile(io.BytesIO(export.zip_bytes()))
    frame = pd.read_parquet(io.BytesIO(bundle.read("sager.parquet")))
    as_text = pd.read_csv(io.BytesIO(bundle.read("sager.csv")), dtype=str, keep_default_na=False)
    assert len(frame) == len(as_text) == result.arrivals == report.overall.cases
    # No personal data: no value of the register that names a person, an employer or a case is in any cell.
    secrets = personal_values(result.register_url)
    assert secrets and not ({str(v) for v in frame.to_numpy().ravel()} & secrets)
    text = bundle.read("sager.csv").decode()
    assert not [v for v in secrets if v in text]
    assert not re.search(r"\b\d{10}\b", text) and "@" not in text and "SIM-" not in text
    # Durations are never negative and every case is followed to its return or its censoring.
    assert (frame.days_to_return_or_censoring >= 0).all()
    assert frame.first_meeting_place_group.isin(["workplace", "jobcenter", "other", "none"]).all()
    # The same figures as the report, from the dataset: held first meetings at the workplace.
    target = frame[(frame.track == "workplace") & frame.first_meeting_held]
    assert (target.first_meeting_actual_place == "workplace").sum() == report.overall.workplace_first_meeting.numerator
    # The curves: at least two groups, a log-rank test, and a figure to look at.
    analysis = analyse(export.rows)
    assert len(analysis.curves) >= 2 and analysis.logrank_p is not None and 0 <= analysis.logrank_p <= 1
    assert sum(c.n for c in analysis.curves) == analysis.cases
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "simuleret-aar-varighed.png").write_bytes(bundle.read("varighed.png"))
    assert bundle.read("varighed.png").startswith(b"\x89PNG")
