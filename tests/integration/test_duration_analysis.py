"""The effect evaluation: Kaplan-Meier time to return to work by where the first meeting was held,
on the nine hand-made cases (tests/integration/test_report_definitions.py), today = 2026-06-20.

Days from the first day of absence to the return (event) or to censoring (open: today; other end: its day):
  workplace: P1 censored 166 (01-05 -> 06-20), P2 event 116 (full recovery 05-01: 26 + 28 + 31 + 30 + 1),
             P4 event 133 (06-01 from 01-19: 12 + 28 + 31 + 30 + 31 + 1), P5 censored 138 (02-02 -> 06-20),
             P8 event 74 (partial recovery 05-15 from 03-02: 29 + 30 + 15)
  jobcenter: P3 event 67 (partial recovery 03-20 from 01-12)
  none:      P6 event 39 (full recovery 03-20 from 02-09), P7 censored 124, P9 censored 89 (03-23 -> 06-20)
Kaplan-Meier, workplace: at day 74 all 5 at risk -> 4/5 = 0.8; at 116 P2 P4 P5 P1 at risk (P8 returned)
  -> 0.8 * 3/4 = 0.6; at 133 P4 P5 P1 -> 0.6 * 2/3 = 0.4; censored at 138 and 166 (no step).
  Median: the first day the curve is at or below 0.5 = 133. Week 13 (day 91): 0.8; week 8 (56): 1.0.
  jobcenter: 1 -> 0 at day 67, median 67. none: at 39 3 at risk -> 2/3; median not reached.
"""

from __future__ import annotations

from datetime import date

import pytest
from scipy.stats import chi2

from reporting.duration_analysis import analyse, curves_csv, draw
from reporting.evaluation import evaluation_rows
from tests.integration.test_evaluation_dataset import nine  # noqa: F401 - the fixture

TODAY = date(2026, 6, 20)


@pytest.fixture
def analysis(nine):  # noqa: F811
    register, _ = nine
    with register.session() as session:
        return analyse(evaluation_rows(session, "101", date(2026, 1, 1), date(2026, 3, 31), TODAY, "nøgle"))


def test_curves_medians_and_table_worked_by_hand(analysis):
    by = {c.group: c for c in analysis.curves}
    assert list(by) == ["workplace", "jobcenter", "none"]
    wp, jc, none = by["workplace"], by["jobcenter"], by["none"]
    assert (wp.n, wp.events, jc.n, jc.events, none.n, none.events) == (5, 3, 1, 1, 3, 1)
    assert [(d, round(s, 4)) for d, s in wp.steps if d > 0] == [
        (74.0, 0.8),
        (116.0, 0.6),
        (133.0, 0.4),
        (138.0, 0.4),
        (166.0, 0.4),
    ]
    assert wp.median_days == 133 and jc.median_days == 67 and none.median_days is None
    assert wp.still_away[8] == 1.0 and wp.still_away[13] == pytest.approx(0.8)
    assert wp.still_away[26] is None  # past the longest follow-up (166 days < 182)
    assert none.still_away[13] == pytest.approx(2 / 3)
    assert analysis.cases == 9


def test_log_rank_over_the_three_groups(analysis):
    assert analysis.logrank_df == 2
    assert analysis.logrank_p == pytest.approx(chi2.sf(analysis.logrank_statistic, 2))
    assert 0 < analysis.logrank_p < 1


def test_group_profiles_show_what_differs_before_the_meeting(analysis):
    profiles = {p.group: p for p in analysis.profiles}
    assert profiles["workplace"].tracks == {"workplace": 5} and profiles["workplace"].median_expected_weeks == 30
    assert profiles["none"].n == 3


def test_figure_and_numbers(analysis):
    png = draw(analysis)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    svg = draw(analysis, "svg").decode()
    assert "Uger fra første fraværsdag" in svg and "På arbejdspladsen (n = 5)" in svg
    text = curves_csv(analysis).decode("utf-8-sig")
    assert "På arbejdspladsen;133;0,4000" in text and "Ingen samtale holdt;39;0,6667" in text
