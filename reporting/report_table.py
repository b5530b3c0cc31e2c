"""The report as a plain-text table for the terminal (`fasthold rapport --format tabel`)."""

from __future__ import annotations

from reporting.formatting import danish_date, days_text, fraction, pct, period_line, scope_name, share_of, share_short
from reporting.labels import (
    BREACHES_LABEL,
    END_TYPE_LABELS,
    EXITS_LABEL,
    KIND_LABELS,
    MEDIAN_LABEL,
    MISSED_LABEL,
    NO_CASEWORKER,
    NO_TEAM,
    OUTCOME_LABELS,
    REASON_LABELS,
    SHARE_FIGURES,
    SHORT,
    TRACK_LABELS,
)
from reporting.report import OUTCOMES, Report, ScopedFigures


def text_table(header: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < right_from else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def _scope_table(title: str, scoped: tuple[ScopedFigures, ...]) -> list[str]:
    header = [title, "Sager", *[SHORT[k] for k, _ in SHARE_FIGURES], "Median", "Lovfrist", "Mål"]
    rows = [
        [
            scope_name(s),
            str(s.figures.target_cases),
            *[share_short(share_of(s.figures, k)) for k, _ in SHARE_FIGURES],
            days_text(s.figures.median_days_to_first_meeting),
            str(s.figures.breaches),
            str(s.figures.missed_targets),
        ]
        for s in scoped
    ]
    return text_table(header, rows)


def render_table(report: Report) -> str:
    f = report.overall
    goal = f"{report.goal_workplace_share * 100:.0f} %"
    out = [
        "Sammen om fastholdelse – modellens succeskriterier",
        period_line(report),
        f"{f.cases} sager i perioden, heraf {f.target_cases} i målgruppen.",
        "",
    ]
    rows = [
        [label, pct(share_of(f, key)), fraction(share_of(f, key)), goal if key == "workplace_first_meeting" else ""]
        for key, label in SHARE_FIGURES
    ]
    rows.append([MEDIAN_LABEL, days_text(f.median_days_to_first_meeting), f"n={f.median_days_to_first_meeting.n}", ""])
    rows.append([EXITS_LABEL, pct(f.exits_to_work), fraction(f.exits_to_work), ""])
    rows.append([BREACHES_LABEL, str(f.breaches), "", ""])
    rows.append([MISSED_LABEL, str(f.missed_targets), "", ""])
    out += text_table(["Nøgletal", "Værdi", "Antal", "Mål"], rows)
    out += ["", "Målgruppen pr. team"]
    out += _scope_table("Team", report.by_team)
    out += ["", "Målgruppen pr. sagsbehandler"]
    out += _scope_table("Sagsbehandler", report.by_caseworker)
    out += [
        "Arbejdsplads: 1. samtale på arbejdspladsen · Inden uge 8: 1. samtale inden udgangen af uge 8",
        "AG deltog: arbejdsgiveren deltog i 1. samtale · Median: dage fra sygemelding til 1. samtale",
        "Lovfrist: lovfristoverskridelser · Mål: modellens mål ikke nået (ikke en lovfrist)",
        "",
    ]
    out += text_table(
        ["Afgang en måned efter afslutning", "Andel", "Antal"],
        [[OUTCOME_LABELS[o], pct(f.outcomes[o]), fraction(f.outcomes[o])] for o in OUTCOMES],
    )
    out += [""]
    out += text_table(["Sager efter spor", "Antal"], [[TRACK_LABELS.get(k, k), str(n)] for k, n in f.by_track.items()])
    out += [""]
    out += text_table(
        ["Sager efter afslutning", "Antal"], [[END_TYPE_LABELS.get(k, k), str(n)] for k, n in f.by_end_type.items()]
    )
    for title, found in (
        (f"Lovfristoverskridelser ({len(report.breaches)})", report.breaches),
        (f"Modellens mål ikke nået ({len(report.missed_targets)})", report.missed_targets),
    ):
        out += ["", title]
        if found:
            out += text_table(
                ["Sag", "Sagsbehandler", "Team", "Frist for", "Frist", "Holdt", "Årsag"],
                [
                    [
                        b.reference,
                        b.caseworker_name or NO_CASEWORKER,
                        b.team_name or NO_TEAM,
                        KIND_LABELS.get(b.kind, b.kind),
                        danish_date(b.due),
                        danish_date(b.held_on),
                        REASON_LABELS.get(b.reason, b.reason),
                    ]
                    for b in found
                ],
                right_from=99,
            )
        else:
            out.append("Ingen.")
    return "\n".join(out) + "\n"
