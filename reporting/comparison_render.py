"""The baseline/pilot comparison as a terminal table and as a Danish CSV (semicolons, decimal commas, UTF-8 with
a byte-order mark: what a Danish spreadsheet opens as it is). The web page renders the same rows from
`comparison_rows`."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from reporting.comparison import GOAL_INCREASE, GOAL_LEVEL, ComparedCriterion, Comparison
from reporting.formatting import danish_date, fraction, pct
from reporting.labels import DASH
from reporting.report_table import text_table

CRITERION_LABELS = {
    "workplace_first_meeting": "1. samtale på arbejdspladsen",
    "measure_before_week_13": "Virksomhedsrettet indsats før uge 13",
    "work_or_education_after_a_month": "Job eller uddannelse en måned efter afslutning",
    "exits_to_work": "Afgang til arbejde (hel eller delvis raskmelding)",
    "first_meeting_by_week_8": "1. samtale inden udgangen af uge 8",
    "employer_took_part": "Arbejdsgiveren deltog i 1. samtale",
}
STATUS_LABELS = {"met": "Opfyldt", "not_met": "Ikke opfyldt", "not_known": "Kan ikke opgøres", "no_goal": DASH}


def number(value: float, decimals: int = 1) -> str:
    return f"{value:+.{decimals}f}".replace(".", ",").replace("-", "−")


def pp(value: float | None) -> str:
    return DASH if value is None else f"{number(value)} procentpoint"


def interval(ci: tuple[float, float] | None) -> str:
    return DASH if ci is None else f"{number(ci[0])} til {number(ci[1])}"


def goal_text(row: ComparedCriterion) -> str:
    if row.goal_kind == GOAL_LEVEL:
        return f"Mindst {row.goal * 100:.0f} % i pilotperioden"
    if row.goal_kind == GOAL_INCREASE:
        return f"Stigning på mindst {row.goal:.0f} procentpoint"
    return "Intet mål (måles)"


@dataclass(frozen=True)
class ComparisonRow:
    """One criterion as Danish text: what the page, the table and the CSV show."""

    key: str
    label: str
    baseline: str
    baseline_fraction: str
    pilot: str
    pilot_fraction: str
    difference: str
    interval: str
    goal: str
    status: str


def comparison_rows(c: Comparison) -> list[ComparisonRow]:
    return [
        ComparisonRow(
            r.key,
            CRITERION_LABELS[r.key],
            pct(r.baseline),
            fraction(r.baseline),
            pct(r.pilot),
            fraction(r.pilot),
            pp(r.difference_pp),
            interval(r.ci_pp),
            goal_text(r),
            STATUS_LABELS[r.status],
        )
        for r in c.rows
    ]


def period_text(c: Comparison) -> tuple[str, str]:
    return (
        f"{danish_date(c.baseline.start)} – {danish_date(c.baseline.end)}",
        f"{danish_date(c.pilot.start)} – {danish_date(c.pilot.end)}",
    )


def render_comparison_table(c: Comparison) -> str:
    base, pilot = period_text(c)
    out = [
        "Sammen om fastholdelse – basisperiode og pilotperiode",
        f"Kommune {c.pilot.municipality} · basisperiode {base} · pilotperiode {pilot} · "
        f"opgjort {danish_date(c.pilot.today)}",
        "",
    ]
    out += text_table(
        ["Kriterium", "Basis", "Pilot", "Forskel", "95 %-konfidensinterval", "Mål", "Status"],
        [
            [
                r.label,
                f"{r.baseline} ({r.baseline_fraction})",
                f"{r.pilot} ({r.pilot_fraction})",
                r.difference,
                r.interval,
                r.goal,
                r.status,
            ]
            for r in comparison_rows(c)
        ],
        right_from=99,
    )
    out += [
        "",
        "Forskel: pilotperiodens andel minus basisperiodens, i procentpoint. Intervallet er Newcombes "
        "(to Wilson-intervaller): indeholder det 0, kan forskellen skyldes tilfældighed.",
    ]
    return "\n".join(out) + "\n"


def _plain(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}".replace(".", ",")


def render_comparison_csv(c: Comparison) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    base, pilot = period_text(c)
    writer.writerow(
        [
            "Kriterium",
            "Basisperiode",
            "Basis tæller",
            "Basis nævner",
            "Basis andel",
            "Pilotperiode",
            "Pilot tæller",
            "Pilot nævner",
            "Pilot andel",
            "Forskel (procentpoint)",
            "95 % KI nedre (procentpoint)",
            "95 % KI øvre (procentpoint)",
            "Mål",
            "Status",
        ]
    )
    for raw, row in zip(c.rows, comparison_rows(c), strict=False):
        writer.writerow(
            [
                row.label,
                base,
                raw.baseline.numerator,
                raw.baseline.denominator,
                _plain(raw.baseline.value),
                pilot,
                raw.pilot.numerator,
                raw.pilot.denominator,
                _plain(raw.pilot.value),
                _plain(raw.difference_pp),
                _plain(raw.ci_pp[0] if raw.ci_pp else None),
                _plain(raw.ci_pp[1] if raw.ci_pp else None),
                row.goal,
                row.status,
            ]
        )
    return "\ufeff" + out.getvalue()
