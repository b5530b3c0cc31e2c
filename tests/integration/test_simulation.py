"""`fasthold simuler` on a tiny scenario: the real workflow on the time-skipping server, the real register.

Fewer caseworkers must never give a higher week-8 compliance (the direction), and every figure must be a share
in 0..1 or a count that matches the arrivals (the bounds). The scenario is small enough to run in seconds:
one meeting hour a week per caseworker, so one caseworker cannot see twelve new cases in time. It starts on a
fixed day (tests/dates.py) and runs once for each of the days around the calendar's holidays and clock changes:
the figures must hold whatever the calendar does, not only on the day the test was written.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

import cli
from register.models import CaseRow
from simulation.scenario import load_scenario
from simulation.sweep import sweep

TINY = """
seed: 4
weeks: 1
tail_weeks: 9
arrivals_per_week: 12
report_lag_days: [2, 4]
durations: [{weeks: 30, share: 1}]
exemption_share: 0
employer: {answer_days: [1, 2], silent_share: 0, decline_share: 0}
attendees: {accept_days: [0.3, 1], decline_share: 0}
no_show_share: 0
roster:
  caseworkers: [1, 3]
  teams: 1
  working_hours: {days: [1], start: "09:00", end: "10:00"}
"""


@pytest.mark.across_the_year
async def test_fewer_caseworkers_never_meet_week_eight_more_often_and_the_figures_add_up(tmp_path: Path, start_day):
    scenario_file = tmp_path / "tiny.yaml"
    scenario_file.write_text(f"start: {start_day.isoformat()}\n{TINY}", encoding="utf-8")
    result = await sweep(load_scenario(scenario_file), tmp_path / "out", progress=False)
    one, three = result.results
    assert (one.caseworkers, three.caseworkers) == (1, 3)
    # The direction: one caseworker with one meeting hour a week cannot keep up with twelve cases. The bound:
    # every first meeting lies between the first report (day 2) and the last week-8 deadline (day 6 + 56), a
    # window with at most nine Tuesdays, so at most 9 of the 12 meet week 8 with one caseworker.
    assert one.week_8 is not None and three.week_8 is not None
    assert one.week_8 <= three.week_8 and one.week_8 <= 9 / 12
    assert one.report.overall.breaches >= three.report.overall.breaches
    for r in result.results:
        overall = r.report.overall
        # The bounds: every case arrived once and is in the register, the report and one caseworker's share.
        assert r.arrivals == 12 and overall.cases == 12
        engine = create_engine(r.register_url)
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(CaseRow)) == 12
        engine.dispose()
        assert sum(c.cases for c in r.per_caseworker) == 12
        assert len(r.per_caseworker) <= r.caseworkers
        for share in (
            overall.first_meeting_by_week_8,
            overall.workplace_first_meeting,
            overall.employer_took_part,
            overall.measure_before_week_13,
        ):
            assert 0 <= share.numerator <= share.denominator <= overall.target_cases
        assert all(c.week_8 is None or 0 <= c.week_8 <= 1 for c in r.per_caseworker)
        assert r.mails["employer_request"] >= overall.target_cases  # every target case asked its employer
        assert r.acts.get("employer_answer", 0) <= 12
        assert r.escalations >= 0 and sum(c.escalations for c in r.per_caseworker) == r.escalations
    assert result.table_path.read_text(encoding="utf-8").count("|") > 20
    assert [p.suffix for p in result.plot_paths] == [".png", ".svg"]
    assert all(p.stat().st_size > 1000 for p in result.plot_paths)


def test_a_bad_scenario_is_refused_in_danish(tmp_path: Path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("durations: [{weeks: 10, share: 0.5}]\n", encoding="utf-8")
    assert cli.main(["simuler", str(bad), "--ud", str(tmp_path / "out")]) == 1
    assert "andelene skal tilsammen give 1" in capsys.readouterr().err
    assert cli.main(["simuler", str(tmp_path / "findes-ikke.yaml")]) == 1
    assert "kan ikke læses" in capsys.readouterr().err


def test_a_start_day_that_has_passed_is_refused_in_danish(tmp_path: Path, capsys):
    """The simulation's clock can only move forward from the real today, so a past start day is refused."""
    scenario = tmp_path / "past.yaml"
    scenario.write_text(f"start: 2020-01-06\n{TINY}", encoding="utf-8")
    assert cli.main(["simuler", str(scenario), "--ud", str(tmp_path / "out"), "--stille"]) == 1
    assert "start: 2020-01-06 er passeret" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:  # argparse refuses the argument itself, with its usage line
        cli.main(["simuler", str(scenario), "--start", "6. januar", "--stille"])
    assert refused.value.code == 2 and "ÅÅÅÅ-MM-DD" in capsys.readouterr().err


def test_the_readmes_simulation_from_a_fixed_day_runs_as_written(tmp_path: Path, capsys):
    """The README's example with `--start` (a run over Christmas): run word for word, into a test folder."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    [line] = [ln for ln in readme.splitlines() if ln.startswith(".venv/bin/fasthold simuler") and "--start" in ln]
    args = shlex.split(line)[1:]
    assert cli.main([*args, "--ud", str(tmp_path / "out")]) == 0
    answer = capsys.readouterr().out
    assert "Simuleret" in answer and (tmp_path / "out" / "register-2.db").exists()
    # The first day of the run is the README's day, whatever day it is run on.
    engine = create_engine(f"sqlite:///{tmp_path / 'out' / 'register-2.db'}")
    with engine.connect() as conn:
        first = conn.scalar(select(func.min(CaseRow.first_day)))
    engine.dispose()
    assert str(first) >= "2035-12-17" and str(first) < "2035-12-24"
