"""`fasthold simuler`: the command's arguments and its answer; cli.py only hands the arguments over."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from simulation.scenario import ScenarioError, load_scenario


def add_simulation_parser(sub) -> None:
    s = sub.add_parser("simuler", help="simulér et år med den rigtige sagsgang: hvor mange sagsbehandlere?")
    s.add_argument("scenarie", type=Path, help="scenariefil (YAML), se examples/simulering.yaml")
    s.add_argument(
        "--sagsbehandlere",
        type=_sizes,
        default=None,
        help="antal sagsbehandlere at sammenligne, fx 4,6,8 (standard: scenariets roster.caseworkers)",
    )
    s.add_argument("--uger", type=int, default=None, help="uger med nye sager (standard: scenariets weeks)")
    s.add_argument(
        "--start",
        type=_day,
        default=None,
        metavar="ÅÅÅÅ-MM-DD",
        help="første simulerede dag (standard: scenariets start, ellers i dag); "
        "en fast dag giver samme resultat, uanset hvornår der køres",
    )
    s.add_argument("--ud", type=Path, default=Path("simulering"), help="mappe til tabel, plot og registre")
    s.add_argument("--stille", action="store_true", help="ingen statuslinje")


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"skriv datoen som ÅÅÅÅ-MM-DD (ikke {text!r})") from None


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(p) for p in text.split(",") if p.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"skriv antal adskilt af komma, fx 4,6,8 (ikke {text!r})") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("mindst én sagsbehandler")
    return sizes


async def simulate_from_args(args) -> str:
    """Run the sweep and answer with the table and where the files are (Danish)."""
    from simulation.sweep import format_table, sweep

    scenario = load_scenario(args.scenarie, args.sagsbehandlere)
    if args.uger:
        if args.uger < 1:
            raise ScenarioError("--uger skal være mindst 1")
        scenario = dataclasses.replace(scenario, weeks=args.uger)
    if args.start:
        scenario = dataclasses.replace(scenario, start=args.start)
    result = await sweep(scenario, args.ud, progress=not args.stille)
    files = ", ".join(str(p) for p in (result.table_path, *result.plot_paths))
    return (
        f"{format_table(list(result.results))}\n\n"
        f"Simuleret {result.results[0].arrivals} sager pr. bemanding på {result.wall_seconds:.0f} s. "
        f"Filer: {files}; registrene: {args.ud}/register-N.db"
    )
