"""The report's three renderings from a report computed over plain facts (no database): Danish numbers, "–"
for an empty denominator, CSV with one row per figure and split, and an HTML page that stands alone."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reporting.formatting import days_text, pct, share_text
from reporting.render import render
from reporting.report import CaseFacts, FirstMeeting, Median, Person, Share, compute_report
from reporting.report_csv import figure_rows, read_csv, render_csv
from reporting.report_html import render_html
from reporting.report_table import render_table

TODAY = date(2026, 6, 20)


def facts(
    reference: str,
    caseworker: str,
    *,
    held_on: date | None = None,
    workplace: bool = True,
    employer: bool = True,
    track: str | None = "workplace",
    closed: bool = False,
    outcome: str | None = None,
    measure: bool = False,
) -> CaseFacts:
    first_day = date(2026, 1, 5)
    return CaseFacts(
        reference=reference,
        caseworker_id=caseworker,
        track=track,
        first_day=first_day,
        first_meeting_due=date(2026, 3, 1),
        opened_on=date(2026, 1, 12),
        closed=closed,
        ended_on=date(2026, 5, 1) if closed else None,
        end_type="full_recovery" if closed else None,
        outcome=outcome,
        first_meeting=FirstMeeting(held_on, held_on is not None and workplace, held_on is not None and employer)
        if held_on
        else None,
        measure_before_week_13=measure,
        breach_recorded=False,
    )


PEOPLE = {"cw-a": Person("Anna <Berg> & Co", "t-1", "Team Nord"), "cw-b": Person("Bo Ø", "t-2", "Team Syd")}


@pytest.fixture
def report():
    return compute_report(
        [
            facts("R1", "cw-a", held_on=date(2026, 2, 10), closed=True, outcome="work", measure=True),  # 29 days
            facts("R2", "cw-a", held_on=date(2026, 2, 12), workplace=False, employer=False),  # 31 days
            facts("R3", "cw-b", held_on=date(2026, 3, 10)),  # late, 57 days
            facts("R4", "cw-b", track="outside"),
        ],
        PEOPLE,
        municipality="101",
        start=date(2026, 1, 1),
        end=date(2026, 3, 31),
        today=TODAY,
    )


@pytest.fixture
def empty():
    return compute_report([], {}, municipality="101", start=date(2026, 1, 1), end=date(2026, 3, 31), today=TODAY)


def test_danish_numbers_and_the_dash():
    assert pct(Share(2, 3)) == "66,7 %" and share_text(Share(2, 3)) == "66,7 % (2/3)"
    assert pct(Share(0, 0)) == "–" and share_text(Share(0, 0)) == "–"
    assert pct(Share(0, 4)) == "0,0 %"
    assert days_text(Median(44.0, 6)) == "44" and days_text(Median(46.5, 2)) == "46,5"
    assert days_text(Median(None, 0)) == "–"


def test_pure_computation(report):
    f = report.overall
    assert (f.cases, f.target_cases) == (4, 3)
    assert f.workplace_first_meeting == Share(2, 3) and f.employer_took_part == Share(2, 3)
    assert f.first_meeting_by_week_8 == Share(2, 3) and f.breaches == 1
    assert f.median_days_to_first_meeting == Median(31.0, 3)
    assert f.outcomes["work"] == Share(1, 1) and f.measure_before_week_13 == Share(1, 3)
    assert [b.reference for b in report.breaches] == ["R3"] and report.breaches[0].reason == "held_late"


def test_table(report):
    text = render_table(report)
    assert "Kommune 101" in text and "01-01-2026 – 31-03-2026" in text and "opgjort 20-06-2026" in text
    assert re.search(r"1\. samtale på arbejdspladsen\s+66,7 %\s+2/3\s+70 %", text)
    assert "Team Nord" in text and "Bo Ø" in text and "R3" in text and "holdt for sent" in text
    assert "Uden for målgruppen" in text and "Beskæftigelse" in text
    assert max(len(line) for line in text.splitlines()) <= 110


def parsed_csv(report) -> list[dict]:
    return [r.__dict__ for r in read_csv(render_csv(report))]


def test_csv_is_danish(report):
    text = render_csv(report)
    assert text.startswith("\ufeffNøgletal;Opdeling;Navn;Tæller;Nævner;Værdi;Kode;Id\r\n")
    assert "1. samtale på arbejdspladsen;Sagsbehandler;Bo Ø;1;1;1,0000;workplace_first_meeting;cw-b" in text
    assert "1. samtale på arbejdspladsen;Hele kommunen;Hele kommunen;2;3;0,6667;workplace_first_meeting;" in text
    assert "Afgang en måned efter afslutning: Beskæftigelse;Hele kommunen" in text
    assert "Spor: Uden for målgruppen;Team;Team Syd;1;2;0,5000;track_outside;t-2" in text  # R3 R4


def test_csv_rows(report):
    parsed = parsed_csv(report)
    assert len(parsed) == len(figure_rows(report))
    assert {r["scope"] for r in parsed} == {"all", "team", "caseworker"}
    row = next(
        r
        for r in parsed
        if r["figure"] == "workplace_first_meeting" and r["scope"] == "caseworker" and r["scope_id"] == "cw-b"
    )
    assert (row["numerator"], row["denominator"], row["value"]) == ("1", "1", "1.0000")
    per_scope = {}
    for r in parsed:
        per_scope.setdefault((r["scope"], r["scope_id"]), []).append(r["figure"])
    assert len({tuple(v) for v in per_scope.values()}) == 1  # the same figures, in the same order, for each split


def test_html_stands_alone_and_escapes(report):
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>") and '<html lang="da">' in html and "<style>" in html
    assert "<script" not in html.lower() and "http" not in html and "src=" not in html and "@import" not in html
    assert html.count("<svg") == 7  # four shares, outcomes, tracks, end types
    assert "mål 70 %" in html and "Anna &lt;Berg&gt; &amp; Co" in html and "Anna <Berg>" not in html
    assert "R3" in html and "holdt for sent" in html and "Sådan er tallene opgjort" in html
    assert "Målet er 70 %" in html  # the definitions travel with the page


def test_empty_report_renders_everywhere(empty):
    assert "Ingen." in render_table(empty)
    assert "–" in render_table(empty)
    html = render_html(empty)
    assert "Ingen fristoverskridelser" in html and "Ingen afsluttede sager" in html
    rows = parsed_csv(empty)
    assert {r["scope"] for r in rows} == {"all"}
    assert next(r for r in rows if r["figure"] == "workplace_first_meeting")["value"] == "–"


def test_unknown_format(report):
    with pytest.raises(ValueError):
        render(report, "pdf")
    assert render(report, "csv") == render_csv(report)


def test_bar_lengths_goal_line_and_colours():
    from reporting.report_html import GREEN, RED, bar_chart, environment, share_chart

    chart = share_chart([("Hele kommunen", Share(2, 3)), ("Team: Nord", Share(3, 4)), ("Bo", Share(0, 0))], 0.7)
    whole, nord, nobody = chart.bars
    assert (whole.width, nord.width, nobody.width) == (320.0, 360.0, None)  # of 480 units for 100 %
    assert (whole.colour, nord.colour) == (RED, GREEN) and whole.bold and not nord.bold
    assert chart.goal_x == 586.0 and chart.goal_text == "mål 70 %"
    assert chart.name == "Hele kommunen: 66,7 % (2/3); Team: Nord: 75,0 % (3/4); Bo: –"
    svg = environment().get_template("charts.svg").module.bars(chart)
    assert 'width="320.0"' in svg and 'x1="586.0"' in svg and svg.count("<rect") == 5  # 3 tracks, 2 bars
    assert bar_chart([("x" * 40, 1, "1", GREEN)], None, 2).bars[0].label == "x" * 33 + "…"
