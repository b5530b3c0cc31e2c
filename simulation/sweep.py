"""How many caseworkers? The scenario run once per roster size; a table, a CSV and a plot of week-8 compliance.

Each roster size gets its own time-skipping server and register, with the same arrivals and the same people
(one seed), so the sizes differ only in how many caseworkers there are.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from pathlib import Path

from simulation.run import RosterResult, run_roster
from simulation.scenario import Scenario


@dataclass(frozen=True)
class Sweep:
    scenario: Scenario
    results: tuple[RosterResult, ...]
    wall_seconds: float
    table_path: Path
    plot_paths: tuple[Path, ...]


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


async def sweep(scenario: Scenario, out_dir: Path, *, progress: bool = True, plot: bool = True) -> Sweep:
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results = []
    for size in scenario.caseworkers:
        results.append(await run_roster(scenario, size, out_dir, progress=progress))
    table = write_tables(results, out_dir)
    plots = write_plot(results, out_dir) if plot else ()
    return Sweep(scenario, tuple(results), time.monotonic() - started, table, plots)


HEADER = (
    "Sagsbehandlere",
    "Sager",
    "Målgruppe",
    "1. samtale inden uge 8",
    "På arbejdspladsen",
    "Indsats før uge 13",
    "Eskalationer",
    "Brud",
    "Mails",
    "Sekunder",
    "Sager/s",
)


def rows(results: list[RosterResult]) -> list[tuple]:
    found = []
    for r in results:
        o = r.report.overall
        found.append(
            (
                r.caseworkers,
                o.cases,
                o.target_cases,
                _pct(o.first_meeting_by_week_8.value),
                _pct(o.workplace_first_meeting.value),
                _pct(o.measure_before_week_13.value),
                r.escalations,
                o.breaches,
                sum(r.mails.values()),
                f"{r.wall_seconds:.0f}",
                f"{r.arrivals / r.wall_seconds:.1f}",
            )
        )
    return found


def format_table(results: list[RosterResult]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in rows(results)]
    return "\n".join(lines)


def write_tables(results: list[RosterResult], out_dir: Path) -> Path:
    """simulering.md (the table and each size's caseworkers) and two CSV files beside it."""
    parts = [
        "# Simulering: 1. opfølgningssamtale inden udgangen af uge 8 mod antal sagsbehandlere",
        "",
        format_table(results),
        "",
    ]
    with (out_dir / "simulering.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows(results))
    with (out_dir / "sagsbehandlere.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            ("Sagsbehandlere i alt", "Sagsbehandler", "Sager", "1. samtale inden uge 8", "Eskalationer", "Brud")
        )
        for r in results:
            parts += [
                f"## {r.caseworkers} sagsbehandlere",
                "",
                "| Sagsbehandler | Sager | Inden uge 8 | Eskalationer | Brud |",
                "|---|---|---|---|---|",
            ]
            for c in r.per_caseworker:
                writer.writerow((r.caseworkers, c.id, c.cases, _pct(c.week_8), c.escalations, c.breaches))
                parts.append(f"| {c.id or '(ingen)'} | {c.cases} | {_pct(c.week_8)} | {c.escalations} | {c.breaches} |")
            parts.append("")
    path = out_dir / "simulering.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def write_plot(results: list[RosterResult], out_dir: Path) -> tuple[Path, ...]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r.caseworkers for r in results]
    shares = [100 * (r.week_8 or 0) for r in results]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(sizes, shares, marker="o")
    ax.set_xlabel("Sagsbehandlere")
    ax.set_ylabel("1. samtale inden udgangen af uge 8 (%)")
    ax.set_ylim(0, 105)
    ax.set_xticks(sizes)
    ax.grid(True, alpha=0.3)
    ax.set_title(f"{results[0].arrivals} sager: overholdelse af uge 8 mod bemanding")
    paths = (out_dir / "uge8.png", out_dir / "uge8.svg")
    for path in paths:
        fig.savefig(path, dpi=120)
    plt.close(fig)
    return paths
