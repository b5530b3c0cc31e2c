"""The effect evaluation the STAR 2017 asks for ("betydningen af varighed af forløbene, når første samtale holdes på
arbejdspladsen"): time from the first day of absence to the return to work (full or partial), by where the first
meeting was held, as Kaplan-Meier curves (lifelines) with censoring, medians with 95 % confidence intervals and
a log-rank test; drawn with matplotlib.

It is an OBSERVATIONAL comparison: where the first meeting is held is not assigned at random. Cases met at the
job centre are more often exempt (seriously ill) or expected to be away longer; cases never met ended early or
are young. So the groups differ before any meeting, and the differences in the curves are not the effect of the
place. `group_profiles` gives what the reader should compare (expected absence, track, fast track).

Input: the evaluation dataset's rows (reporting/evaluation.py): `days_to_return_or_censoring`, `return_to_work`,
`first_meeting_place_group`, and for the profiles `expected_weeks`, `track`, `fast_track_requested_by`. Cases
not triaged (track empty) are left out: they have not entered the process the groups describe.
"""

from __future__ import annotations

import io
import math
import statistics
from dataclasses import dataclass

from reporting.evaluation import PLACE_GROUPS

GROUP_LABELS = {
    "workplace": "På arbejdspladsen",
    "jobcenter": "I jobcentret",
    "other": "Andet sted (telefon m.m.)",
    "none": "Ingen samtale holdt",
}
TRACK_LABELS = {
    "workplace": "arbejdspladsspor",
    "exempt": "undtaget",
    "watch": "overvåges",
    "outside": "uden for målgruppen",
}
TABLE_WEEKS = (4, 8, 13, 26, 52)  # the curve's value at these weeks, for the accessible table
COLOURS = {"workplace": "#2e7d32", "jobcenter": "#1f5f99", "other": "#b35900", "none": "#5b6773"}


@dataclass(frozen=True)
class GroupCurve:
    group: str
    n: int
    events: int  # returns to work observed
    median_days: float | None  # None: the curve never reaches 50 % (median not reached)
    median_ci: tuple[float | None, float | None]  # 95 %; None = not reached / not estimable
    still_away: dict[int, float | None]  # week -> share not yet back at work (KM), None past the data
    steps: tuple[tuple[float, float], ...]  # (day, survival) of the KM step function


@dataclass(frozen=True)
class GroupProfile:
    group: str
    n: int
    median_expected_weeks: float | None
    tracks: dict[str, int]
    fast_track: int


@dataclass(frozen=True)
class DurationAnalysis:
    curves: tuple[GroupCurve, ...]
    profiles: tuple[GroupProfile, ...]
    logrank_statistic: float | None
    logrank_df: int | None
    logrank_p: float | None
    cases: int


def _finite(value) -> float | None:
    value = float(value)
    return None if math.isinf(value) or math.isnan(value) else value


def analyse(rows: list[dict]) -> DurationAnalysis:
    from lifelines import KaplanMeierFitter
    from lifelines.statistics import multivariate_logrank_test
    from lifelines.utils import median_survival_times

    used = [r for r in rows if r.get("track")]
    curves, profiles = [], []
    for group in PLACE_GROUPS:
        members = [r for r in used if r["first_meeting_place_group"] == group]
        if not members:
            continue
        kmf = KaplanMeierFitter().fit(
            [r["days_to_return_or_censoring"] for r in members],
            [bool(r["return_to_work"]) for r in members],
            label=group,
        )
        ci = median_survival_times(kmf.confidence_interval_)
        last = max(r["days_to_return_or_censoring"] for r in members)
        survival = kmf.survival_function_[group]
        curves.append(
            GroupCurve(
                group=group,
                n=len(members),
                events=sum(bool(r["return_to_work"]) for r in members),
                median_days=_finite(kmf.median_survival_time_),
                median_ci=(_finite(ci.iloc[0, 0]), _finite(ci.iloc[0, 1])),
                still_away={
                    w: (float(kmf.survival_function_at_times(7 * w).iloc[0]) if 7 * w <= last else None)
                    for w in TABLE_WEEKS
                },
                steps=tuple((float(t), float(s)) for t, s in survival.items()),
            )
        )
        expected = [r["expected_weeks"] for r in members if r.get("expected_weeks") is not None]
        tracks: dict[str, int] = {}
        for r in members:
            tracks[r["track"]] = tracks.get(r["track"], 0) + 1
        profiles.append(
            GroupProfile(
                group,
                len(members),
                float(statistics.median(expected)) if expected else None,
                tracks,
                sum(1 for r in members if r.get("fast_track_requested_by")),
            )
        )
    statistic = df = p = None
    if len(curves) >= 2 and sum(c.events for c in curves) > 0:
        members = [r for r in used if r["first_meeting_place_group"] in {c.group for c in curves}]
        test = multivariate_logrank_test(
            [r["days_to_return_or_censoring"] for r in members],
            [r["first_meeting_place_group"] for r in members],
            [bool(r["return_to_work"]) for r in members],
        )
        statistic, df, p = float(test.test_statistic), int(test.degrees_of_freedom), float(test.p_value)
    return DurationAnalysis(tuple(curves), tuple(profiles), statistic, df, p, len(used))


def draw(analysis: DurationAnalysis, fmt: str = "png") -> bytes:
    """The Kaplan-Meier curves: share not yet back at work against weeks since the first day of absence."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(9, 5.2), dpi=110)
    ax = figure.add_subplot()
    for curve in analysis.curves:
        days = [0.0] + [d for d, _ in curve.steps]
        values = [1.0] + [s for _, s in curve.steps]
        ax.step(
            [d / 7 for d in days],
            [v * 100 for v in values],
            where="post",
            linewidth=2.2,
            color=COLOURS[curve.group],
            label=f"{GROUP_LABELS[curve.group]} (n = {curve.n})",
        )
    ax.set_xlabel("Uger fra første fraværsdag")
    ax.set_ylabel("Endnu ikke tilbage i arbejde (%)")
    ax.set_ylim(0, 102)
    ax.set_xlim(left=0)
    ax.grid(True, color="#dddddd")
    ax.set_title("Tid til tilbagevenden til arbejde efter stedet for 1. samtale (Kaplan-Meier)")
    if analysis.curves:
        ax.legend(loc="upper right")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format=fmt)
    return out.getvalue()


def curves_csv(analysis: DurationAnalysis) -> bytes:
    """The curves as numbers (Danish CSV): group, day, share not yet back."""
    lines = ["Gruppe;Dag;Andel endnu ikke tilbage"]
    for curve in analysis.curves:
        lines += [
            f"{GROUP_LABELS[curve.group]};{day:g};" + f"{value:.4f}".replace(".", ",") for day, value in curve.steps
        ]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
