"""`fasthold rapport`: the model's success criteria for a municipality and a period, as a table, CSV or HTML.

cli.py wires it in (and `fasthold sammenlign` the same way, with add_compare_parser and compare_from_args):

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
from reporting.comparison import Comparison, compare
from reporting.comparison_render import render_comparison_csv, render_comparison_table
from reporting.render import RENDERERS, render
from reporting.report import MEASURE_BASES, Audience, build_report

FORMATS = tuple(RENDERERS)  # tabel | csv | html


class ReportError(Exception):
    """A problem to show the user as it is, in Danish."""


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def add_report_parser(subparsers) -> argparse.ArgumentParser:
    today = datetime.now(LOCAL_TZ).date()
    p = subparsers.add_parser(
        "rapport",
        help="modellens succeskriterier for en kommune og en periode",
        description=(
            "Opgør modellens succeskriterier for sager, hvis første fraværsdag ligger i perioden: "
            "1. samtale på arbejdspladsen (mål 70 %), 1. samtale inden udgangen af uge 8 med alle "
            "fristoverskridelser, virksomhedsrettet indsats før uge 13, arbejdsgiverens deltagelse, "
            "afgang en måned efter afslutning, sager efter spor og afslutning og mediandage fra "
            "sygemelding til 1. samtale - for hele kommunen, pr. team og pr. sagsbehandler."
        ),
    )
    p.add_argument(
        "--fra",
        type=iso_date,
        default=date(today.year, 1, 1),
        metavar="ÅÅÅÅ-MM-DD",
        help="første dag i perioden (standard: 1. januar i år)",
    )
    p.add_argument(
        "--til", type=iso_date, default=today, metavar="ÅÅÅÅ-MM-DD", help="sidste dag i perioden (standard: i dag)"
    )
    p.add_argument(
        "--format",
        choices=FORMATS,
        default="tabel",
        help="tabel til skærmen, csv til regneark eller html med diagrammer (standard: tabel)",
    )
    p.add_argument("--fil", type=Path, default=None, help="skriv rapporten til denne fil i stedet for til skærmen")
    return p


def measure_base(settings: Settings) -> str:
    """Which cases form the week-13 measure's base (the setting `report_measure_base`), checked."""
    if settings.report_measure_base not in MEASURE_BASES:
        raise ReportError(
            f"FASTHOLD_REPORT_MEASURE_BASE skal være en af {', '.join(MEASURE_BASES)}, ikke "
            f"{settings.report_measure_base!r}."
        )
    return settings.report_measure_base


def read_register(settings: Settings, work):
    """Run `work(session)` on the register, brought to the current schema first, as the worker would. Every
    problem becomes a `ReportError` in Danish."""
    measure_base(settings)
    url = settings.resolved_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise ReportError(
            f"Sagsregistret findes ikke ({url.removeprefix('sqlite:///')}). Start motoren først: bash scripts/run.sh"
        )
    register = Register(url)
    try:
        if not inspect(register.engine).has_table("cases"):
            raise ReportError("Sagsregistret er tomt (ingen tabeller). Start motoren først: bash scripts/run.sh")
        upgrade(url)
        with register.session() as session:
            return work(session)
    except SQLAlchemyError as err:
        raise ReportError(f"Sagsregistret kan ikke læses: {type(err).__name__}.") from None
    finally:
        register.dispose()


def write_or_return(text: str, output: Path | None, fmt: str, what: str = "Rapporten") -> str:
    if output is None:
        return text.rstrip("\n")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        raise ReportError(f"{what} kan ikke skrives til {output}: {err.strerror}.") from None
    return f"{what} er skrevet til {output} ({fmt})."


def check_period(start: date, end: date, first: str = "--fra", last: str = "--til") -> None:
    if start > end:
        raise ReportError(f"Perioden er tom: {first} {start.isoformat()} ligger efter {last} {end.isoformat()}.")


def report_command(
    settings: Settings,
    municipality: str,
    start: date,
    end: date,
    fmt: str,
    output: Path | None,
    today: date | None = None,
    audience: Audience | None = None,
) -> str:
    """Build and render the report. Returns the report itself, or, with `output`, a line saying where it went.
    With `audience` (the workbench's signed-in person) only that person's cases are counted and named."""
    check_period(start, end)
    if fmt not in FORMATS:
        raise ReportError(f"Ukendt format {fmt!r}. Vælg mellem {', '.join(FORMATS)}.")
    day = today or datetime.now(LOCAL_TZ).date()
    report = read_register(
        settings,
        lambda session: build_report(
            session, municipality, start, end, day, measure_base=settings.report_measure_base, audience=audience
        ),
    )
    return write_or_return(render(report, fmt), output, fmt)


def build_comparison(
    settings: Settings,
    municipality: str,
    baseline: tuple[date, date],
    pilot: tuple[date, date],
    today: date | None = None,
) -> Comparison:
    check_period(*baseline, "--basis-fra", "--basis-til")
    check_period(*pilot)
    day = today or datetime.now(LOCAL_TZ).date()
    base = settings.report_measure_base
    return read_register(
        settings,
        lambda session: compare(
            build_report(session, municipality, *baseline, day, measure_base=base),
            build_report(session, municipality, *pilot, day, measure_base=base),
        ),
    )


COMPARE_FORMATS = {"tabel": render_comparison_table, "csv": render_comparison_csv}


def compare_command(
    settings: Settings,
    municipality: str,
    baseline: tuple[date, date],
    pilot: tuple[date, date],
    fmt: str,
    output: Path | None,
    today: date | None = None,
) -> str:
    if fmt not in COMPARE_FORMATS:
        raise ReportError(f"Ukendt format {fmt!r}. Vælg mellem {', '.join(COMPARE_FORMATS)}.")
    comparison = build_comparison(settings, municipality, baseline, pilot, today)
    return write_or_return(COMPARE_FORMATS[fmt](comparison), output, fmt, "Sammenligningen")


def add_compare_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "sammenlign",
        help="basisperiode mod pilotperiode: forskel i procentpoint og om målene er nået",
        description=(
            "Sammenligner modellens succeskriterier i en basisperiode og en pilotperiode (sager efter "
            "første fraværsdag): andel i hver, forskellen i procentpoint med 95 %-konfidensinterval, og "
            "om målene er nået (70 % på arbejdspladsen; indsats før uge 13 øget med 10 procentpoint)."
        ),
    )
    p.add_argument("--basis-fra", type=iso_date, required=True, metavar="ÅÅÅÅ-MM-DD", help="første dag i basisperioden")
    p.add_argument("--basis-til", type=iso_date, required=True, metavar="ÅÅÅÅ-MM-DD", help="sidste dag i basisperioden")
    p.add_argument("--fra", type=iso_date, required=True, metavar="ÅÅÅÅ-MM-DD", help="første dag i pilotperioden")
    p.add_argument("--til", type=iso_date, required=True, metavar="ÅÅÅÅ-MM-DD", help="sidste dag i pilotperioden")
    p.add_argument(
        "--format",
        choices=tuple(COMPARE_FORMATS),
        default="tabel",
        help="tabel til skærmen eller csv til regneark (standard: tabel)",
    )
    p.add_argument("--fil", type=Path, default=None, help="skriv sammenligningen til denne fil")
    return p


def compare_from_args(args: argparse.Namespace, settings: Settings, municipality: str) -> str:
    return compare_command(
        settings, municipality, (args.basis_fra, args.basis_til), (args.fra, args.til), args.format, args.fil
    )


def report_from_args(args: argparse.Namespace, settings: Settings, municipality: str) -> str:
    return report_command(settings, municipality, args.fra, args.til, args.format, args.fil)
