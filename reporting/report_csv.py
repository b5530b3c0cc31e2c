"""The report as Danish CSV for spreadsheets, and read back for programs and tests."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from reporting.formatting import scope_name, share_of, whole_name
from reporting.labels import (
    BREACHES_LABEL,
    DASH,
    END_TYPE_LABELS,
    EXITS_LABEL,
    MEDIAN_LABEL,
    MISSED_LABEL,
    OUTCOME_LABELS,
    SHARE_FIGURES,
    TRACK_LABELS,
)
from reporting.report import OUTCOMES, Figures, Report, Share


@dataclass(frozen=True)
class FigureRow:
    figure: str
    scope: str  # all | caseworker | team
    scope_id: str
    numerator: str
    denominator: str
    value: str


def _value(share: Share) -> str:
    return DASH if share.value is None else f"{share.value:.4f}"


def _rows_for(scope: str, scope_id: str, f: Figures) -> list[FigureRow]:
    def share(name: str, s: Share) -> FigureRow:
        return FigureRow(name, scope, scope_id, str(s.numerator), str(s.denominator), _value(s))

    def count(name: str, n: int) -> FigureRow:
        return FigureRow(name, scope, scope_id, str(n), "", str(n))

    m = f.median_days_to_first_meeting
    rows = [count("cases", f.cases), count("target_cases", f.target_cases)]
    rows += [share(key, share_of(f, key)) for key, _ in SHARE_FIGURES]
    rows.append(count("first_meeting_breaches", f.breaches))
    rows.append(count("missed_model_targets", f.missed_targets))
    rows.append(share("exits_to_work", f.exits_to_work))
    rows.append(
        FigureRow(
            "median_days_to_first_meeting", scope, scope_id, "", str(m.n), DASH if m.days is None else f"{m.days:g}"
        )
    )
    rows += [share(f"outcome_{o}", f.outcomes[o]) for o in OUTCOMES]
    rows += [share(f"track_{k}", Share(n, f.cases)) for k, n in f.by_track.items()]
    rows += [share(f"end_type_{k}", Share(n, f.cases)) for k, n in f.by_end_type.items()]
    return rows


def figure_rows(report: Report) -> list[FigureRow]:
    """One row per figure and split: the whole municipality, each team, each caseworker."""
    rows = _rows_for("all", "", report.overall)
    for scoped in report.by_team + report.by_caseworker:
        rows += _rows_for(scoped.scope.kind, scoped.scope.id, scoped.figures)
    return rows


CSV_HEADER = ["Nøgletal", "Opdeling", "Navn", "Tæller", "Nævner", "Værdi", "Kode", "Id"]
SCOPE_CSV = {"all": "Hele kommunen", "team": "Team", "caseworker": "Sagsbehandler"}


def figure_label(key: str) -> str:
    """The Danish name of a figure's key, as a manager reads it."""
    fixed = {
        "cases": "Sager i perioden",
        "target_cases": "Sager i målgruppen",
        "first_meeting_breaches": BREACHES_LABEL,
        "missed_model_targets": MISSED_LABEL,
        "exits_to_work": EXITS_LABEL,
        "median_days_to_first_meeting": MEDIAN_LABEL,
        **dict(SHARE_FIGURES),
    }
    if key in fixed:
        return fixed[key]
    for prefix, title, labels in (
        ("outcome_", "Afgang en måned efter afslutning", OUTCOME_LABELS),
        ("track_", "Spor", TRACK_LABELS),
        ("end_type_", "Afslutning", END_TYPE_LABELS),
    ):
        if key.startswith(prefix):
            rest = key.removeprefix(prefix)
            return f"{title}: {labels.get(rest, rest)}"
    return key


def _danish_number(text: str) -> str:
    return text.replace(".", ",")


def render_csv(report: Report) -> str:
    """Danish CSV: Danish names and headings, semicolons and decimal commas (what a Danish spreadsheet opens as
    it is), UTF-8 with a byte-order mark. The last two columns keep the stable key and id for programs."""
    names = {(s.scope.kind, s.scope.id): scope_name(s) for s in report.by_team + report.by_caseworker}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in figure_rows(report):
        in_all = SCOPE_CSV[r.scope] if r.scope != "all" or not report.audience else "I alt"
        writer.writerow(
            [
                figure_label(r.figure),
                in_all,
                whole_name(report) if r.scope == "all" else names.get((r.scope, r.scope_id), ""),
                r.numerator,
                r.denominator,
                _danish_number(r.value),
                r.figure,
                r.scope_id,
            ]
        )
    return "\ufeff" + out.getvalue()


def read_csv(text: str) -> list[FigureRow]:
    """The rows of `render_csv` back, with their keys and plain decimal points: for programs and tests."""
    scopes = {v: k for k, v in SCOPE_CSV.items()}
    return [
        FigureRow(
            row["Kode"],
            scopes[row["Opdeling"]],
            row["Id"],
            row["Tæller"],
            row["Nævner"],
            row["Værdi"].replace(",", "."),
        )
        for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    ]
