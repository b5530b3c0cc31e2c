"""The success report in three forms: a terminal table, CSV, and one self-contained HTML page with SVG charts.

Pure functions from a `register.report.Report` to text. Labels are Danish (managers read them); a share with
denominator 0 shows as "–". The HTML page has inline CSS and inline SVG only: no script, no external files.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from html import escape

from register.report import OUTCOMES, Breach, Figures, Median, Report, ScopedFigures, Share

DASH = "–"

SHARE_FIGURES = (
    ("workplace_first_meeting", "1. samtale på arbejdspladsen"),
    ("first_meeting_by_week_8", "1. samtale inden udgangen af uge 8"),
    ("measure_before_week_13", "Virksomhedsrettet indsats før uge 13"),
    ("employer_took_part", "Arbejdsgiveren deltog i 1. samtale"),
)
SHORT = {
    "workplace_first_meeting": "Arbejdsplads",
    "first_meeting_by_week_8": "Inden uge 8",
    "measure_before_week_13": "Indsats u. 13",
    "employer_took_part": "AG deltog",
}
MEDIAN_LABEL = "Mediandage fra sygemelding til 1. samtale"
BREACHES_LABEL = "Lovfristoverskridelser (sager)"
MISSED_LABEL = "Modellens mål ikke nået, 1. samtale i uge 8 (sager)"
EXITS_LABEL = "Afgang til arbejde (hel eller delvis raskmelding)"
KIND_LABELS = {"first_meeting": "1. samtale inden udgangen af uge 8",
               "fast_track": "Hurtigspor: 1. samtale inden for to uger (§ 13 b, stk. 2)",
               "first_conversation": "1. samtale inden for seks måneder (lovens minimum)"}
OUTCOME_LABELS = {"work": "Beskæftigelse", "education": "Uddannelse", "other": "Andet", "unknown": "Ukendt",
                  "not_yet_due": "Endnu ikke opgjort"}
TRACK_LABELS = {"workplace": "Målgruppen (arbejdspladsspor)", "exempt": "Undtaget", "watch": "Overvåges",
                "outside": "Uden for målgruppen", "none": "Ikke visiteret",
                "employer_estimate_needed": "Afventer arbejdsgiverens skøn"}
END_TYPE_LABELS = {"full_recovery": "Raskmelding", "partial_recovery": "Delvis raskmelding",
                   "dismissal": "Opsigelse", "moved_municipality": "Flyttet kommune",
                   "benefit_ended": "Sygedagpenge ophørt", "death": "Dødsfald", "open": "Ikke afsluttet"}
REASON_LABELS = {"held_late": "holdt for sent", "not_held": "ikke holdt", "recorded": "registreret af motoren"}
SCOPE_KIND = {"all": "Hele kommunen", "team": "Team", "caseworker": "Sagsbehandler"}
NO_CASEWORKER = "(ingen sagsbehandler)"
NO_TEAM = "(intet team)"
WHOLE = "Hele kommunen"

FOOTNOTE = (
    ("Periode", "kommunens sager, hvis første fraværsdag ligger i perioden (begge dage medregnet)."),
    ("Målgruppen", "sager visiteret til modellens arbejdspladsspor. Tal om samtaler, indsatser og afgang "
                   "gælder kun målgruppen; fordelingen på spor og afslutning gælder alle sager."),
    ("1. samtale", "sagens første holdte samtale, uanset nummer (efter en udeblivelse er den nybookede samtale "
                   "nummer 2); er ingen samtale holdt, den første bookede, som så er »ikke holdt«. Holdt: "
                   "registreret som holdt; tidspunktet er det faktiske, ellers det bookede. Datoer er danske "
                   "kalenderdatoer."),
    ("På arbejdspladsen", "andel af holdte første samtaler, der blev holdt på arbejdspladsen, i sager i "
                          "visitationskategori 2 og 3 (sager uden kategori, fra 1. juli 2026, tæller med). "
                          "Målet er 70 %."),
    ("Inden udgangen af uge 8", "andel af målgruppens sager, hvor 1. samtale blev holdt senest på fristdagen "
                                "(udgangen af uge 8), ud af sager, hvor samtalen er holdt, eller fristen er "
                                "passeret. En sag, der sluttede senest på fristdagen uden samtale, tæller ikke med."),
    ("Lovfristoverskridelser", "sager, hvor en frist i loven er overskredet: 1. samtale inden udgangen af uge 8, "
                               "hvor den er lovens frist (§ 13 b, før 1. juli 2026), holdt for sent eller ikke "
                               "holdt, og sager, hvor motoren har registreret en overskridelse af enhver art: "
                               "hurtigsporets samtale inden for to uger (§ 13 b, stk. 2), lovens minimum på én "
                               "samtale inden for seks måneder og andre frister. Tallet tæller sager; listen har "
                               "én linje pr. sag og frist."),
    ("Modellens mål ikke nået", "sager, hvor 1. samtale inden udgangen af uge 8 er kommunens eget mål efter "
                                "modellen (fra 1. juli 2026), og samtalen blev holdt for sent eller ikke er holdt. "
                                "Det er ikke en lovfrist og opgøres for sig."),
    ("Afgang til arbejde", "opgjort efter sagens endelige status: afsluttede sager, der sluttede med "
                           "raskmelding, og åbne sager med en registreret delvis raskmelding, ud af målgruppens "
                           "sager. En delvis raskmelding, der blev fulgt af opsigelse, dødsfald, flytning eller "
                           "ophør, tæller ikke."),
    ("Indsats før uge 13", "som målet på jobindsats.dk, som modellen henviser til: andel af målgruppens "
                           "sager med en virksomhedsrettet indsats startet inden udgangen af 13. sygefraværsuge, ud af sager, "
                           "hvor fraværet varede hele uge 13 (uge 13 er slut, og sagen var ikke afsluttet inden). "
                           "En sag, der sluttede før uge 13, er ikke med i grundlaget."),
    ("Arbejdsgiveren deltog", "andel af holdte første samtaler, hvor arbejdsgiveren deltog."),
    ("Afgang", "målgruppens afsluttede sager efter, hvad borgeren var i en måned efter afslutningen; "
               "»endnu ikke opgjort«, når måneden efter afslutningen ikke er gået; »ukendt«, når måneden er gået, "
               "og intet er registreret."),
    ("Mediandage", "medianen af dage fra sygemeldingen nåede jobcentret til 1. samtale blev holdt."),
    ("Sagsbehandler og team", "den nuværende ansvarlige sagsbehandler og dennes team."),
    ("Tegnet –", "betyder, at der ingen sager er at beregne andelen af."),
)


# --------------------------------------------------------------------------------------------- formatting

def pct(share: Share) -> str:
    return DASH if share.value is None else f"{share.value * 100:.1f}".replace(".", ",") + " %"


def fraction(share: Share) -> str:
    return f"{share.numerator}/{share.denominator}"


def share_text(share: Share) -> str:
    return DASH if share.value is None else f"{pct(share)} ({fraction(share)})"


def share_short(share: Share) -> str:
    """Whole percent, for the narrow per-team and per-caseworker columns."""
    return DASH if share.value is None else f"{share.value * 100:.0f} % ({fraction(share)})"


def days_text(median: Median) -> str:
    if median.days is None:
        return DASH
    return (f"{median.days:g}" if median.days == int(median.days) else f"{median.days:.1f}").replace(".", ",")


def danish_date(day: date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else DASH


def whole_name(report: Report) -> str:
    """The name of the report's total: the municipality's, or, in a person's report, hers ("Dine sager")."""
    return report.audience[:1].upper() + report.audience[1:] if report.audience else WHOLE


def scope_name(scoped: ScopedFigures) -> str:
    if scoped.scope.name:
        return scoped.scope.name
    return NO_TEAM if scoped.scope.kind == "team" else NO_CASEWORKER


def _share_of(figures: Figures, key: str) -> Share:
    return getattr(figures, key)


def period_line(report: Report) -> str:
    whose = f" · {report.audience}" if report.audience else ""
    return (f"Kommune {report.municipality}{whose} · sager med første fraværsdag {danish_date(report.start)} – "
            f"{danish_date(report.end)} · opgjort {danish_date(report.today)}")


# --------------------------------------------------------------------------------------------------- CSV

@dataclass(frozen=True)
class FigureRow:
    figure: str
    scope: str       # all | caseworker | team
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
    rows += [share(key, _share_of(f, key)) for key, _ in SHARE_FIGURES]
    rows.append(count("first_meeting_breaches", f.breaches))
    rows.append(count("missed_model_targets", f.missed_targets))
    rows.append(share("exits_to_work", f.exits_to_work))
    rows.append(FigureRow("median_days_to_first_meeting", scope, scope_id, "", str(m.n),
                          DASH if m.days is None else f"{m.days:g}"))
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
    fixed = {"cases": "Sager i perioden", "target_cases": "Sager i målgruppen", "first_meeting_breaches":
             BREACHES_LABEL, "missed_model_targets": MISSED_LABEL, "exits_to_work": EXITS_LABEL,
             "median_days_to_first_meeting": MEDIAN_LABEL, **dict(SHARE_FIGURES)}
    if key in fixed:
        return fixed[key]
    for prefix, title, labels in (("outcome_", "Afgang en måned efter afslutning", OUTCOME_LABELS),
                                  ("track_", "Spor", TRACK_LABELS), ("end_type_", "Afslutning", END_TYPE_LABELS)):
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
        writer.writerow([figure_label(r.figure), in_all,
                         whole_name(report) if r.scope == "all" else names.get((r.scope, r.scope_id), ""), r.numerator,
                         r.denominator, _danish_number(r.value), r.figure, r.scope_id])
    return "\ufeff" + out.getvalue()


def read_csv(text: str) -> list[FigureRow]:
    """The rows of `render_csv` back, with their keys and plain decimal points: for programs and tests."""
    scopes = {v: k for k, v in SCOPE_CSV.items()}
    return [FigureRow(row["Kode"], scopes[row["Opdeling"]], row["Id"], row["Tæller"], row["Nævner"],
                      row["Værdi"].replace(",", "."))
            for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")]


# ------------------------------------------------------------------------------------------ terminal table

def _table(header: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i < right_from else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    return [line(header), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def _scope_table(title: str, scoped: tuple[ScopedFigures, ...]) -> list[str]:
    header = [title, "Sager", *[SHORT[k] for k, _ in SHARE_FIGURES], "Median", "Lovfrist", "Mål"]
    rows = [[scope_name(s), str(s.figures.target_cases),
             *[share_short(_share_of(s.figures, k)) for k, _ in SHARE_FIGURES],
             days_text(s.figures.median_days_to_first_meeting), str(s.figures.breaches),
             str(s.figures.missed_targets)] for s in scoped]
    return _table(header, rows)


def render_table(report: Report) -> str:
    f = report.overall
    goal = f"{report.goal_workplace_share * 100:.0f} %"
    out = ["Sammen om fastholdelse – modellens succeskriterier", period_line(report),
           f"{f.cases} sager i perioden, heraf {f.target_cases} i målgruppen.", ""]
    rows = [[label, pct(_share_of(f, key)), fraction(_share_of(f, key)),
             goal if key == "workplace_first_meeting" else ""] for key, label in SHARE_FIGURES]
    rows.append([MEDIAN_LABEL, days_text(f.median_days_to_first_meeting),
                 f"n={f.median_days_to_first_meeting.n}", ""])
    rows.append([EXITS_LABEL, pct(f.exits_to_work), fraction(f.exits_to_work), ""])
    rows.append([BREACHES_LABEL, str(f.breaches), "", ""])
    rows.append([MISSED_LABEL, str(f.missed_targets), "", ""])
    out += _table(["Nøgletal", "Værdi", "Antal", "Mål"], rows)
    out += ["", "Målgruppen pr. team"]
    out += _scope_table("Team", report.by_team)
    out += ["", "Målgruppen pr. sagsbehandler"]
    out += _scope_table("Sagsbehandler", report.by_caseworker)
    out += ["Arbejdsplads: 1. samtale på arbejdspladsen · Inden uge 8: 1. samtale inden udgangen af uge 8",
            "AG deltog: arbejdsgiveren deltog i 1. samtale · Median: dage fra sygemelding til 1. samtale",
            "Lovfrist: lovfristoverskridelser · Mål: modellens mål ikke nået (ikke en lovfrist)", ""]
    out += _table(["Afgang en måned efter afslutning", "Andel", "Antal"],
                  [[OUTCOME_LABELS[o], pct(f.outcomes[o]), fraction(f.outcomes[o])] for o in OUTCOMES])
    out += [""]
    out += _table(["Sager efter spor", "Antal"], [[TRACK_LABELS.get(k, k), str(n)] for k, n in f.by_track.items()])
    out += [""]
    out += _table(["Sager efter afslutning", "Antal"],
                  [[END_TYPE_LABELS.get(k, k), str(n)] for k, n in f.by_end_type.items()])
    for title, found in ((f"Lovfristoverskridelser ({len(report.breaches)})", report.breaches),
                         (f"Modellens mål ikke nået ({len(report.missed_targets)})", report.missed_targets)):
        out += ["", title]
        if found:
            out += _table(["Sag", "Sagsbehandler", "Team", "Frist for", "Frist", "Holdt", "Årsag"],
                          [[b.reference, b.caseworker_name or NO_CASEWORKER, b.team_name or NO_TEAM,
                            KIND_LABELS.get(b.kind, b.kind), danish_date(b.due), danish_date(b.held_on),
                            REASON_LABELS.get(b.reason, b.reason)] for b in found], right_from=99)
        else:
            out.append("Ingen.")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------------- HTML

GREEN, RED, BLUE, GREY = "#2e7d32", "#c62828", "#1f5f99", "#9e9e9e"
OUTCOME_COLOURS = {"work": "#2e7d32", "education": "#1f5f99", "other": "#f0a30a", "unknown": "#bdbdbd",
                   "not_yet_due": "#5b6773"}

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;color:#1d2733;background:#f4f6f8}
main{max-width:980px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:1.6rem;margin:0 0 4px}
h2{font-size:1.15rem;margin:32px 0 8px}
.meta{color:#5b6773;margin:0 0 20px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px}
.tile{background:#fff;border-radius:8px;padding:14px;border-top:5px solid #1f5f99;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.tile.good{border-top-color:#2e7d32}.tile.bad{border-top-color:#c62828}
.tile .v{font-size:2rem;font-weight:700;line-height:1.1}
.tile .l{font-size:.9rem;color:#3b4754;margin-top:4px}
.tile .n{font-size:.8rem;color:#6b7783;margin-top:4px}
.card{background:#fff;border-radius:8px;padding:14px 16px;box-shadow:0 1px 2px rgba(0,0,0,.08);margin-top:12px;overflow-x:auto}
svg{display:block;width:100%;height:auto}
svg text{font-family:inherit;font-size:15px;fill:#1d2733}
table{border-collapse:collapse;width:100%;font-size:.88rem}
th,td{padding:6px 8px;border-bottom:1px solid #e3e7eb;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
th{background:#eef1f4;font-weight:600}
.legend span{display:inline-block;margin-right:14px;font-size:.85rem}
.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
footer{margin-top:32px;font-size:.82rem;color:#4b5763}
footer dt{font-weight:600;display:inline}footer dd{display:inline;margin:0}
footer div{margin-bottom:4px}
"""


CHART_WIDTH = 900  # the SVG's own units; it scales to the page width (about 950 px at most)


def _bar_rows(items: list[tuple[str, float | None, str, str]], goal: float | None, max_value: float) -> str:
    """Horizontal bars: (label, value or None, text after the bar, colour). Values are in [0, max_value].
    The first label is drawn bold when it is the whole municipality."""
    label_w, text_w, row_h = 250, 170, 28
    bar_w = CHART_WIDTH - label_w - text_w
    top = 24 if goal is not None else 6
    height = top + row_h * max(len(items), 1) + 6
    # The chart's numbers as its accessible name: a screen reader hears what the bars show.
    name = "; ".join(f"{label}: {text}" for label, _, text, _ in items)
    parts = [f'<svg viewBox="0 0 {CHART_WIDTH} {height}" role="img" aria-label="{escape(name)}">']
    for i, (label, value, text, colour) in enumerate(items):
        y = top + i * row_h
        short = label if len(label) <= 34 else label[:33] + "…"
        weight = ' font-weight="700"' if label == WHOLE else ""
        parts.append(f'<text x="{label_w - 10}" y="{y + 19}" text-anchor="end"{weight}>{escape(short)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 5}" width="{bar_w}" height="{row_h - 10}" fill="#eef1f4"/>')
        if value is not None and max_value > 0:
            w = round(bar_w * min(value, max_value) / max_value, 1)
            parts.append(f'<rect x="{label_w}" y="{y + 5}" width="{w}" height="{row_h - 10}" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + bar_w + 10}" y="{y + 19}">{escape(text)}</text>')
    if goal is not None:
        gx = round(label_w + bar_w * goal / max_value, 1)
        parts.append(f'<line x1="{gx}" y1="{top - 2}" x2="{gx}" y2="{height - 4}" stroke="#1d2733" '
                     'stroke-width="2" stroke-dasharray="5 3"/>')
        parts.append(f'<text x="{gx}" y="15" text-anchor="middle" font-weight="700">mål {goal * 100:.0f} %</text>')
    parts.append("</svg>")
    return "".join(parts)


def share_chart(items: list[tuple[str, Share]], goal: float | None = None) -> str:
    """A bar per scope for one share; with a goal, bars meeting it are green and the others red."""
    def colour(s: Share) -> str:
        if goal is None:
            return BLUE
        return GREEN if s.value is not None and s.value >= goal else RED

    return _bar_rows([(label, s.value, share_text(s), colour(s)) for label, s in items], goal, 1.0)


def count_chart(items: list[tuple[str, int]]) -> str:
    top = max([n for _, n in items] + [1])
    return _bar_rows([(label, n, str(n), BLUE if n else GREY) for label, n in items], None, top)


def outcome_chart(outcomes: dict[str, Share]) -> str:
    """One stacked bar: what the closed cases' citizens did a month after the end."""
    total = next(iter(outcomes.values())).denominator if outcomes else 0
    width, height = CHART_WIDTH, 44
    name = "; ".join(f"{OUTCOME_LABELS[k]}: {share_text(outcomes[k])}" for k in OUTCOMES) if total else \
        "Ingen afsluttede sager i målgruppen"
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(name)}">']
    if total == 0:
        parts.append(f'<rect x="0" y="4" width="{width}" height="30" fill="#eef1f4"/>')
        parts.append(f'<text x="{width / 2}" y="24" text-anchor="middle">Ingen afsluttede sager i målgruppen</text>')
    x = 0.0
    for key in OUTCOMES:
        share = outcomes[key]
        if not total or not share.numerator:
            continue
        w = width * share.numerator / total
        parts.append(f'<rect x="{x:.1f}" y="4" width="{w:.1f}" height="30" fill="{OUTCOME_COLOURS[key]}">'
                     f'<title>{escape(OUTCOME_LABELS[key])}: {escape(share_text(share))}</title></rect>')
        if w > 60:
            parts.append(f'<text x="{x + w / 2:.1f}" y="24" text-anchor="middle" style="fill:#fff;font-weight:600">'
                         f'{escape(pct(share))}</text>')
        x += w
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{OUTCOME_COLOURS[k]}"></i>{escape(OUTCOME_LABELS[k])}: '
                     f'{escape(share_text(outcomes[k]))}</span>' for k in OUTCOMES)
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _tile(value: str, label: str, detail: str, state: str = "") -> str:
    return (f'<div class="tile{" " + state if state else ""}"><div class="v">{escape(value)}</div><div class="l">{escape(label)}</div>'
            f'<div class="n">{escape(detail)}</div></div>')


def _scope_html_table(title: str, scoped: tuple[ScopedFigures, ...]) -> str:
    head = "".join(f'<th class="num">{escape(SHORT[k])}</th>' for k, _ in SHARE_FIGURES)
    body = []
    for s in scoped:
        f = s.figures
        cells = "".join(f'<td class="num">{escape(pct(_share_of(f, k)))}<br><small>'
                        f'{escape(fraction(_share_of(f, k)))}</small></td>' for k, _ in SHARE_FIGURES)
        body.append(f"<tr><td>{escape(scope_name(s))}</td><td class=\"num\">{f.target_cases}</td>{cells}"
                    f'<td class="num">{escape(days_text(f.median_days_to_first_meeting))}</td>'
                    f'<td class="num">{f.breaches}</td><td class="num">{f.missed_targets}</td></tr>')
    return (f'<table><thead><tr><th>{escape(title)}</th><th class="num">Sager</th>{head}'
            f'<th class="num">Mediandage</th><th class="num">Lovfrist</th><th class="num">Mål</th></tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _breach_table(found: tuple[Breach, ...], empty: str) -> str:
    if not found:
        return f"<p>{escape(empty)}</p>"
    rows = "".join(
        f"<tr><td>{escape(b.reference)}</td><td>{escape(b.caseworker_name or NO_CASEWORKER)}</td>"
        f"<td>{escape(b.team_name or NO_TEAM)}</td><td>{escape(KIND_LABELS.get(b.kind, b.kind))}</td>"
        f"<td class=\"num\">{danish_date(b.due)}</td>"
        f"<td class=\"num\">{danish_date(b.held_on)}</td><td>{escape(REASON_LABELS.get(b.reason, b.reason))}</td></tr>"
        for b in found)
    return ("<table><thead><tr><th>Sag</th><th>Sagsbehandler</th><th>Team</th><th>Frist for</th>"
            "<th class=\"num\">Frist</th>"
            f"<th class=\"num\">Holdt</th><th>Årsag</th></tr></thead><tbody>{rows}</tbody></table>")


def render_html(report: Report) -> str:
    f = report.overall
    goal = report.goal_workplace_share
    wp = f.workplace_first_meeting
    wp_state = "" if wp.value is None else ("good" if wp.value >= goal else "bad")
    on_time = f.first_meeting_by_week_8
    tiles = "".join([
        _tile(pct(wp), "1. samtale på arbejdspladsen", f"{fraction(wp)} · mål {goal * 100:.0f} %", wp_state),
        _tile(pct(on_time), "1. samtale inden udgangen af uge 8", fraction(on_time),
              "" if on_time.value is None else ("good" if f.breaches == f.missed_targets == 0 else "bad")),
        _tile(pct(f.measure_before_week_13), "Virksomhedsrettet indsats før uge 13",
              fraction(f.measure_before_week_13)),
        _tile(pct(f.employer_took_part), "Arbejdsgiveren deltog i 1. samtale", fraction(f.employer_took_part)),
        _tile(days_text(f.median_days_to_first_meeting), "Mediandage fra sygemelding til 1. samtale",
              f"{f.median_days_to_first_meeting.n} samtaler"),
        _tile(pct(f.exits_to_work), "Afgang til arbejde (hel eller delvis)", fraction(f.exits_to_work)),
        _tile(str(f.breaches), "Lovfristoverskridelser", "se listen nedenfor", "bad" if f.breaches else "good"),
        _tile(str(f.missed_targets), "Modellens mål ikke nået", "ikke lovfrister; se listen nedenfor",
              "bad" if f.missed_targets else "good"),
    ])

    def per_scope(key: str) -> list[tuple[str, Share]]:
        return ([(whole_name(report), _share_of(f, key))]
                + [(f"Team: {scope_name(s)}", _share_of(s.figures, key)) for s in report.by_team]
                + [(scope_name(s), _share_of(s.figures, key)) for s in report.by_caseworker])

    sections = [
        "<h2>1. samtale på arbejdspladsen</h2>",
        f'<div class="card">{share_chart(per_scope("workplace_first_meeting"), goal)}</div>',
        "<h2>1. samtale inden udgangen af uge 8</h2>",
        f'<div class="card">{share_chart(per_scope("first_meeting_by_week_8"))}</div>',
        "<h2>Virksomhedsrettet indsats før uge 13</h2>",
        f'<div class="card">{share_chart(per_scope("measure_before_week_13"))}</div>',
        "<h2>Arbejdsgiveren deltog i 1. samtale</h2>",
        f'<div class="card">{share_chart(per_scope("employer_took_part"))}</div>',
        "<h2>Afgang en måned efter afslutning</h2>",
        f'<div class="card">{outcome_chart(dict(f.outcomes))}</div>',
        "<h2>Sager efter spor (visitation)</h2>",
        f'<div class="card">{count_chart([(TRACK_LABELS.get(k, k), n) for k, n in f.by_track.items()])}</div>',
        "<h2>Sager efter afslutning</h2>",
        f'<div class="card">{count_chart([(END_TYPE_LABELS.get(k, k), n) for k, n in f.by_end_type.items()])}</div>',
        "<h2>Pr. team</h2>", f'<div class="card">{_scope_html_table("Team", report.by_team)}</div>',
        "<h2>Pr. sagsbehandler</h2>",
        f'<div class="card">{_scope_html_table("Sagsbehandler", report.by_caseworker)}</div>',
        f"<h2>Lovfristoverskridelser ({len(report.breaches)})</h2>",
        f'<div class="card">{_breach_table(report.breaches, "Ingen fristoverskridelser i perioden.")}</div>',
        f"<h2>Modellens mål ikke nået ({len(report.missed_targets)})</h2>",
        f'<div class="card">{_breach_table(report.missed_targets, "Ingen sager har overskredet modellens mål i perioden.")}</div>',
    ]
    footnote = "".join(f"<div><dt>{escape(term)}:</dt> <dd>{escape(text)}</dd></div>" for term, text in FOOTNOTE)
    title = f"Sammen om fastholdelse – kommune {report.municipality}"
    return (
        '<!DOCTYPE html>\n<html lang="da"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        "<h1>Sammen om fastholdelse – modellens succeskriterier</h1>"
        f'<p class="meta">{escape(period_line(report))} · {f.cases} sager, heraf {f.target_cases} i målgruppen</p>'
        f'<div class="tiles">{tiles}</div>{"".join(sections)}'
        f"<footer><h2>Sådan er tallene opgjort</h2><dl>{footnote}</dl></footer>"
        "</main></body></html>\n"
    )


RENDERERS = {"tabel": render_table, "csv": render_csv, "html": render_html}


def render(report: Report, fmt: str) -> str:
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(RENDERERS)}")
    return RENDERERS[fmt](report)
