"""`fasthold simuler` on a tiny scenario: the real workflow on the time-skipping server, the real register.

Fewer caseworkers must never give a higher week-8 compliance (the direction), and every figure must be a share
in 0..1 or a count that matches the arrivals (the bounds). The scenario is small enough to run in seconds:
one meeting hour a week per caseworker, so one caseworker cannot see eight new cases in time.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, func, select

import cli
from register.models import CaseRow
from simulation.scenario import load_scenario
from simulation.sweep import sweep

TINY = """
seed: 4
weeks: 1
tail_weeks: 9
arrivals_per_week: 8
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


async def test_fewer_caseworkers_never_meet_week_eight_more_often_and_the_figures_add_up(tmp_path: Path):
    scenario_file = tmp_path / "tiny.yaml"
    scenario_file.write_text(TINY, encoding="utf-8")
    result = await sweep(load_scenario(scenario_file), tmp_path / "out", progress=False)
    one, three = result.results
    assert (one.caseworkers, three.caseworkers) == (1, 3)
    # The direction: one caseworker with one meeting hour a week cannot keep up with eight cases.
    assert one.week_8 is not None and three.week_8 is not None
    assert one.week_8 <= three.week_8 and one.week_8 < 1
    assert one.report.overall.breaches >= three.report.overall.breaches
    for r in result.results:
        overall = r.report.overall
        # The bounds: every case arrived once and is in the register, the report and one caseworker's share.
        assert r.arrivals == 8 and overall.cases == 8
        engine = create_engine(r.register_url)
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(CaseRow)) == 8
        engine.dispose()
        assert sum(c.cases for c in r.per_caseworker) == 8
        assert len(r.per_caseworker) <= r.caseworkers
        for share in (overall.first_meeting_by_week_8, overall.workplace_first_meeting, overall.employer_took_part,
                      overall.measure_before_week_13):
            assert 0 <= share.numerator <= share.denominator <= overall.target_cases
        assert all(c.week_8 is None or 0 <= c.week_8 <= 1 for c in r.per_caseworker)
        assert r.mails["employer_request"] >= overall.target_cases  # every target case asked its employer
        assert r.acts.get("employer_answer", 0) <= 8
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
