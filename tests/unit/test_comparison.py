"""Baseline against pilot: each criterion in both periods, the difference in percentage points with
Newcombe's 95 % interval, and the goals of STAR 2017. The interval is worked by hand below from two Wilson
intervals, so a change of method (the Wald interval gives +0.8 to +79.2 pp here) shows up."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

import pytest

from reporting.comparison import MET, NO_GOAL, NOT_KNOWN, NOT_MET, compare, work_or_education
from reporting.comparison_render import comparison_rows, render_comparison_csv, render_comparison_table
from reporting.report import CaseFacts, FirstMeeting, Share, compute_report

TODAY = date(2026, 12, 20)


def case(n: int, first_day: date, *, workplace: bool, measure: bool, outcome: str | None = None) -> CaseFacts:
    # Open (or closed in May with an outcome), first meeting held on time: every case lasts through week 13.
    closed = outcome is not None
    return CaseFacts(
        reference=f"C{n}",
        caseworker_id="cw-a",
        track="workplace",
        first_day=first_day,
        first_meeting_due=first_day.replace(day=25),
        opened_on=first_day,
        closed=closed,
        ended_on=date(first_day.year, 9, 1) if closed else None,
        end_type="full_recovery" if closed else None,
        outcome=outcome,
        first_meeting=FirstMeeting(first_day.replace(day=20), workplace, True),
        measure_before_week_13=measure,
        breach_recorded=False,
    )


def period(year: int, workplace: int, measured: int, outcomes: list[str]) -> list[CaseFacts]:
    """Ten cases with a first day in January of `year`: `workplace` met at the workplace, `measured` with a
    measure before week 13; the first len(outcomes) of them closed with those outcomes."""
    return [
        case(
            i,
            date(year, 1, 5),
            workplace=i < workplace,
            measure=i < measured,
            outcome=outcomes[i] if i < len(outcomes) else None,
        )
        for i in range(10)
    ]


def report(facts, year):
    return compute_report(facts, {}, municipality="101", start=date(year, 1, 1), end=date(year, 12, 31), today=TODAY)


@pytest.fixture
def comparison():
    baseline = report(period(2025, workplace=5, measured=2, outcomes=["work", "other", "other", "other"]), 2025)
    pilot = report(period(2026, workplace=8, measured=6, outcomes=["work", "education", "work", "other"]), 2026)
    return compare(baseline, pilot)


def test_each_criterion_in_both_periods_with_the_difference_and_its_interval(comparison):
    rows = {r.key: r for r in comparison.rows}
    # Measure before week 13: baseline 2/10, pilot 6/10, difference +40 pp.
    # Wilson 95 % (z = 1.959964, z^2 = 3.841459, n = 10, 1 + z^2/n = 1.384146):
    #   6/10: centre (0.6 + 0.192073) / 1.384146 = 0.572246; half z*sqrt(0.024 + 0.009604) / 1.384146 = 0.259571
    #         -> [0.312675, 0.831817]
    #   2/10: centre (0.2 + 0.192073) / 1.384146 = 0.283260; half z*sqrt(0.016 + 0.009604) / 1.384146 = 0.226578
    #         -> [0.056682, 0.509838]
    # Newcombe: lower 0.4 - sqrt((0.6 - 0.312675)^2 + (0.509838 - 0.2)^2) = 0.4 - 0.422553 = -0.022553
    #           upper 0.4 + sqrt((0.831817 - 0.6)^2 + (0.2 - 0.056682)^2) = 0.4 + 0.272548 = 0.672548
    m = rows["measure_before_week_13"]
    assert (m.baseline, m.pilot) == (Share(2, 10), Share(6, 10))
    assert m.difference_pp == pytest.approx(40.0)
    assert m.ci_pp == pytest.approx((-2.2553, 67.2548), abs=0.001)
    assert m.status == MET  # +40 pp >= +10 pp (the interval includes 0: the page says how to read that)
    w = rows["workplace_first_meeting"]
    assert (w.baseline, w.pilot, w.status) == (Share(5, 10), Share(8, 10), MET)  # 80 % >= 70 %
    assert w.difference_pp == pytest.approx(30.0)
    # Job or education a month after the end: baseline 1 of 4 closed, pilot 3 of 4; no goal.
    j = rows["work_or_education_after_a_month"]
    assert (j.baseline, j.pilot, j.status) == (Share(1, 4), Share(3, 4), NO_GOAL)


def test_goals_not_met_and_not_known():
    baseline = report(period(2025, workplace=5, measured=5, outcomes=[]), 2025)
    pilot = report(period(2026, workplace=6, measured=5, outcomes=[]), 2026)
    rows = {r.key: r for r in compare(baseline, pilot).rows}
    assert rows["workplace_first_meeting"].status == NOT_MET  # 60 % < 70 %
    assert rows["measure_before_week_13"].status == NOT_MET  # 50 % -> 50 %: +0 pp, +10 pp needed
    empty = report([], 2024)
    rows = {r.key: r for r in compare(empty, pilot).rows}
    assert rows["measure_before_week_13"].status == NOT_KNOWN and rows["measure_before_week_13"].ci_pp is None
    assert rows["workplace_first_meeting"].status == NOT_MET  # the level goal needs only the pilot


def test_exactly_ten_points_is_met():
    baseline = report(period(2025, workplace=7, measured=1, outcomes=[]), 2025)
    pilot = report(period(2026, workplace=7, measured=2, outcomes=[]), 2026)
    rows = {r.key: r for r in compare(baseline, pilot).rows}
    assert rows["measure_before_week_13"].difference_pp == pytest.approx(10.0)
    assert rows["measure_before_week_13"].status == MET
    assert rows["workplace_first_meeting"].status == MET  # exactly 70 %


def test_work_or_education_leaves_out_outcomes_not_yet_due():
    facts = period(2026, workplace=5, measured=5, outcomes=["work", "education"])
    r = compute_report(
        facts, {}, municipality="101", start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 9, 15)
    )  # ended 1 September: the month has not passed
    assert work_or_education(r.overall) == Share(2, 2)  # outcomes recorded early count; none is "not yet due"
    facts = period(2026, workplace=5, measured=5, outcomes=["work", "other"])
    facts[1] = dataclasses.replace(facts[1], outcome=None)
    r = compute_report(
        facts, {}, municipality="101", start=date(2026, 1, 1), end=date(2026, 12, 31), today=date(2026, 9, 15)
    )
    assert r.overall.outcomes["not_yet_due"] == Share(1, 2)
    assert work_or_education(r.overall) == Share(1, 1)


def test_danish_table_and_csv(comparison):
    table = render_comparison_table(comparison)
    assert "Virksomhedsrettet indsats før uge 13" in table and "+40,0 procentpoint" in table
    assert "−2,3 til +67,3" in table and "Opfyldt" in table and "Stigning på mindst 10 procentpoint" in table
    text = render_comparison_csv(comparison)
    assert text.startswith("\ufeffKriterium;Basisperiode;")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    measure = next(r for r in rows if r["Kriterium"] == "Virksomhedsrettet indsats før uge 13")
    assert (measure["Basis tæller"], measure["Basis nævner"], measure["Pilot andel"]) == ("2", "10", "0,6000")
    assert (measure["Forskel (procentpoint)"], measure["Status"]) == ("40,0000", "Opfyldt")
    assert measure["95 % KI nedre (procentpoint)"].startswith("-2,25")
    assert [r.label for r in comparison_rows(comparison)][0] == "1. samtale på arbejdspladsen"
