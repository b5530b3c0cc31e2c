"""`fasthold rapport`: the model's success criteria for a municipality and a period, as a table, CSV or HTML.

cli.py wires it in:

    add_report_parser(sub)                       # in parser()
    if args.command == "rapport":                # in run()
        return report_from_args(args, settings, municipality)

`ReportError` carries a Danish message for the user (show it as it is, like cli.UserError).
"""
from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from config.settings import Settings
from domain.localtime import LOCAL_TZ
from register.db import Register, upgrade
from register.report import MEASURE_BASES, build_report
from register.report_render import RENDERERS, render

FORMATS = tuple(RENDERERS)  # tabel | csv | html


class ReportError(Exception):
    """A problem to show the user as it is, in Danish."""


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def add_report_parser(subparsers) -> argparse.ArgumentParser:
    today = datetime.now(LOCAL_TZ).date()
    p = subparsers.add_parser(
        "rapport", help="modellens succeskriterier for en kommune og en periode",
        description=("Opgør modellens succeskriterier for sager, hvis første fraværsdag ligger i perioden: "
                     "1. samtale på arbejdspladsen (mål 70 %), 1. samtale inden udgangen af uge 8 med alle "
                     "fristoverskridelser, virksomhedsrettet indsats før uge 13, arbejdsgiverens deltagelse, "
                     "afgang en måned efter afslutning, sager efter spor og afslutning og mediandage fra "
                     "sygemelding til 1. samtale - for hele kommunen, pr. team og pr. sagsbehandler."))
    p.add_argument("--fra", type=_iso_date, default=date(today.year, 1, 1), metavar="ÅÅÅÅ-MM-DD",
                   help="første dag i perioden (standard: 1. januar i år)")
    p.add_argument("--til", type=_iso_date, default=today, metavar="ÅÅÅÅ-MM-DD",
                   help="sidste dag i perioden (standard: i dag)")
    p.add_argument("--format", choices=FORMATS, default="tabel",
                   help="tabel til skærmen, csv til regneark eller html med diagrammer (standard: tabel)")
    p.add_argument("--fil", type=Path, default=None,
                   help="skriv rapporten til denne fil i stedet for til skærmen")
    return p


def report_command(settings: Settings, municipality: str, start: date, end: date, fmt: str,
                   output: Path | None, today: date | None = None) -> str:
    """Build and render the report. Returns the report itself, or, with `output`, a line saying where it went."""
    if start > end:
        raise ReportError(f"Perioden er tom: --fra {start.isoformat()} ligger efter --til {end.isoformat()}.")
    if fmt not in FORMATS:
        raise ReportError(f"Ukendt format {fmt!r}. Vælg mellem {', '.join(FORMATS)}.")
    if settings.report_measure_base not in MEASURE_BASES:
        raise ReportError(f"FASTHOLD_REPORT_MEASURE_BASE skal være en af {', '.join(MEASURE_BASES)}, ikke "
                          f"{settings.report_measure_base!r}.")
    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise ReportError(f"Sagsregistret findes ikke ({url.removeprefix('sqlite:///')}). "
                          "Start motoren først: bash scripts/run.sh")
    register = Register(url)
    try:
        if not inspect(register.engine).has_table("cases"):
            raise ReportError("Sagsregistret er tomt (ingen tabeller). Start motoren først: bash scripts/run.sh")
        # A register from an older version is brought to the current schema first, as the worker would.
        upgrade(url)
        with register.session() as session:
            report = build_report(session, municipality, start, end, today or datetime.now(LOCAL_TZ).date(),
                                  measure_base=settings.report_measure_base)
    except SQLAlchemyError as err:
        raise ReportError(f"Sagsregistret kan ikke læses: {type(err).__name__}.") from None
    finally:
        register.dispose()
    text = render(report, fmt)
    if output is None:
        return text.rstrip("\n")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ReportError(f"Rapporten kan ikke skrives til {output}: {err.strerror}.") from None
    return f"Rapporten er skrevet til {output} ({fmt})."


def report_from_args(args: argparse.Namespace, settings: Settings, municipality: str) -> str:
    return report_command(settings, municipality, args.fra, args.til, args.format, args.fil)
