"""The report as one self-contained HTML page with SVG bar charts, from the Jinja templates in
reporting/templates/ (report.html, charts.svg, report.css; package data, read with importlib.resources).

The page has inline CSS and inline SVG only: no script, no external files, so it can be mailed or archived as
it is. This module works out what the page shows (tiles, the bars' lengths and colours); the templates lay it
out. Every chart carries its numbers as its accessible name: a screen reader hears what the bars show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from reporting.formatting import (
    danish_date,
    days_text,
    fraction,
    pct,
    period_line,
    scope_name,
    share_of,
    share_text,
    whole_name,
)
from reporting.labels import (
    END_TYPE_LABELS,
    FOOTNOTE,
    KIND_LABELS,
    NO_CASEWORKER,
    NO_TEAM,
    OUTCOME_LABELS,
    REASON_LABELS,
    SHARE_FIGURES,
    SHORT,
    TRACK_LABELS,
    WHOLE,
)
from reporting.report import OUTCOMES, Report, Share

GREEN, RED, BLUE, GREY = "#2e7d32", "#c62828", "#1f5f99", "#9e9e9e"
OUTCOME_COLOURS = {
    "work": "#2e7d32",
    "education": "#1f5f99",
    "other": "#f0a30a",
    "unknown": "#bdbdbd",
    "not_yet_due": "#5b6773",
}
CHART_WIDTH = 900  # the SVG's own units; it scales to the page width (about 950 px at most)
LABEL_WIDTH, TEXT_WIDTH, ROW_HEIGHT = 250, 170, 28
LABEL_CHARS = 34


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("reporting", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True)
class Bar:
    label: str
    bold: bool
    y: int
    width: float | None  # None: no bar, only the grey track (no value, or nothing to scale against)
    text: str
    colour: str


@dataclass(frozen=True)
class BarChart:
    height: int
    name: str
    bars: tuple[Bar, ...]
    goal_x: float | None
    goal_text: str
    top: int
    label_x: int = LABEL_WIDTH
    bar_width: int = CHART_WIDTH - LABEL_WIDTH - TEXT_WIDTH
    width: int = CHART_WIDTH
    row_height: int = ROW_HEIGHT


def bar_chart(items: list[tuple[str, float | None, str, str]], goal: float | None, max_value: float) -> BarChart:
    """Horizontal bars: (label, value or None, text after the bar, colour). Values are in [0, max_value].
    The whole municipality's label is drawn bold."""
    bar_w = CHART_WIDTH - LABEL_WIDTH - TEXT_WIDTH
    top = 24 if goal is not None else 6
    height = top + ROW_HEIGHT * max(len(items), 1) + 6
    bars = tuple(
        Bar(
            label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…",
            label == WHOLE,
            top + i * ROW_HEIGHT,
            round(bar_w * min(value, max_value) / max_value, 1) if value is not None and max_value > 0 else None,
            text,
            colour,
        )
        for i, (label, value, text, colour) in enumerate(items)
    )
    return BarChart(
        height=height,
        name="; ".join(f"{label}: {text}" for label, _, text, _ in items),
        bars=bars,
        goal_x=round(LABEL_WIDTH + bar_w * goal / max_value, 1) if goal is not None else None,
        goal_text=f"mål {goal * 100:.0f} %" if goal is not None else "",
        top=top,
    )


def share_chart(items: list[tuple[str, Share]], goal: float | None = None) -> BarChart:
    """A bar per scope for one share; with a goal, bars meeting it are green and the others red."""

    def colour(s: Share) -> str:
        if goal is None:
            return BLUE
        return GREEN if s.value is not None and s.value >= goal else RED

    return bar_chart([(label, s.value, share_text(s), colour(s)) for label, s in items], goal, 1.0)


def count_chart(items: list[tuple[str, int]]) -> BarChart:
    top = max([n for _, n in items] + [1])
    return bar_chart([(label, n, str(n), BLUE if n else GREY) for label, n in items], None, top)


@dataclass(frozen=True)
class Segment:
    x: str
    width: str
    middle: str
    colour: str
    title: str
    text: str  # the share written on the segment; empty when it is too narrow to hold it


@dataclass(frozen=True)
class OutcomeChart:
    name: str
    segments: tuple[Segment, ...]
    legend: tuple[tuple[str, str], ...]  # (colour, text)
    empty: bool
    width: int = CHART_WIDTH
    height: int = 44


def outcome_chart(outcomes: dict[str, Share]) -> OutcomeChart:
    """One stacked bar: what the closed cases' citizens did a month after the end."""
    total = next(iter(outcomes.values())).denominator if outcomes else 0
    segments, x = [], 0.0
    for key in OUTCOMES:
        share = outcomes[key]
        if not total or not share.numerator:
            continue
        w = CHART_WIDTH * share.numerator / total
        segments.append(
            Segment(
                f"{x:.1f}",
                f"{w:.1f}",
                f"{x + w / 2:.1f}",
                OUTCOME_COLOURS[key],
                f"{OUTCOME_LABELS[key]}: {share_text(share)}",
                pct(share) if w > 60 else "",
            )
        )
        x += w
    name = (
        "; ".join(f"{OUTCOME_LABELS[k]}: {share_text(outcomes[k])}" for k in OUTCOMES)
        if total
        else "Ingen afsluttede sager i målgruppen"
    )
    legend = tuple((OUTCOME_COLOURS[k], f"{OUTCOME_LABELS[k]}: {share_text(outcomes[k])}") for k in OUTCOMES)
    return OutcomeChart(name=name, segments=tuple(segments), legend=legend, empty=total == 0)


def _tiles(report: Report) -> list[tuple[str, str, str, str]]:
    """(value, label, detail, state): state 'good' or 'bad' colours the tile's edge."""
    f, goal = report.overall, report.goal_workplace_share
    wp, on_time = f.workplace_first_meeting, f.first_meeting_by_week_8
    return [
        (
            pct(wp),
            "1. samtale på arbejdspladsen",
            f"{fraction(wp)} · mål {goal * 100:.0f} %",
            "" if wp.value is None else ("good" if wp.value >= goal else "bad"),
        ),
        (
            pct(on_time),
            "1. samtale inden udgangen af uge 8",
            fraction(on_time),
            "" if on_time.value is None else ("good" if f.breaches == f.missed_targets == 0 else "bad"),
        ),
        (pct(f.measure_before_week_13), "Virksomhedsrettet indsats før uge 13", fraction(f.measure_before_week_13), ""),
        (pct(f.employer_took_part), "Arbejdsgiveren deltog i 1. samtale", fraction(f.employer_took_part), ""),
        (
            days_text(f.median_days_to_first_meeting),
            "Mediandage fra sygemelding til 1. samtale",
            f"{f.median_days_to_first_meeting.n} samtaler",
            "",
        ),
        (pct(f.exits_to_work), "Afgang til arbejde (hel eller delvis)", fraction(f.exits_to_work), ""),
        (str(f.breaches), "Lovfristoverskridelser", "se listen nedenfor", "bad" if f.breaches else "good"),
        (
            str(f.missed_targets),
            "Modellens mål ikke nået",
            "ikke lovfrister; se listen nedenfor",
            "bad" if f.missed_targets else "good",
        ),
    ]


def render_html(report: Report) -> str:
    f = report.overall

    def per_scope(key: str) -> list[tuple[str, Share]]:
        return (
            [(whole_name(report), share_of(f, key))]
            + [(f"Team: {scope_name(s)}", share_of(s.figures, key)) for s in report.by_team]
            + [(scope_name(s), share_of(s.figures, key)) for s in report.by_caseworker]
        )

    share_charts = [
        (label, share_chart(per_scope(key), report.goal_workplace_share if key == "workplace_first_meeting" else None))
        for key, label in SHARE_FIGURES
    ]
    return (
        environment()
        .get_template("report.html")
        .render(
            report=report,
            f=f,
            title=f"Sammen om fastholdelse – kommune {report.municipality}",
            period=period_line(report),
            tiles=_tiles(report),
            share_charts=share_charts,
            outcomes=outcome_chart(dict(f.outcomes)),
            tracks=count_chart([(TRACK_LABELS.get(k, k), n) for k, n in f.by_track.items()]),
            end_types=count_chart([(END_TYPE_LABELS.get(k, k), n) for k, n in f.by_end_type.items()]),
            share_figures=SHARE_FIGURES,
            short=SHORT,
            footnote=FOOTNOTE,
            kind_labels=KIND_LABELS,
            reason_labels=REASON_LABELS,
            no_caseworker=NO_CASEWORKER,
            no_team=NO_TEAM,
            pct=pct,
            fraction=fraction,
            days_text=days_text,
            danish_date=danish_date,
            scope_name=scope_name,
            share_of=share_of,
        )
    )
