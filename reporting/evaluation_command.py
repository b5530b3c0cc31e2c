"""`fasthold evaluering` and the report page's download: the evaluation dataset for a municipality and a period,
exported and audited. `ReportError` carries a Danish message for the user."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

from config.settings import Settings
from domain.localtime import LOCAL_TZ
from localrun.local_secrets import local_secret
from reporting.duration_analysis import DurationAnalysis, analyse, curves_csv, draw
from reporting.evaluation import evaluation_rows
from reporting.evaluation_export import EvaluationExport, build_export
from reporting.learning_log_export import learning_log_csv, learning_log_dictionary_csv
from reporting.report_command import ReportError, check_period, iso_date, read_register


def evaluation_key(settings: Settings) -> str:
    """The municipality's secret for the case pseudonyms: configured, or made once in the data directory."""
    return local_secret(settings.evaluation_key, settings.data_path, "evaluation-key.key")


def export_evaluation(
    settings: Settings, municipality: str, start: date, end: date, actor: str, today: date | None = None
) -> EvaluationExport:
    check_period(start, end)
    day = today or datetime.now(LOCAL_TZ).date()
    secret = evaluation_key(settings)

    def work(session):
        analysis = analyse(evaluation_rows(session, municipality, start, end, day, secret))
        return build_export(
            session,
            municipality,
            start,
            end,
            day,
            secret,
            actor,
            {
                "varighed.png": draw(analysis),
                "varighed.csv": curves_csv(analysis),
                "laeringslog.csv": learning_log_csv(session, municipality, start, end, secret),
                "dataordbog-laeringslog.csv": learning_log_dictionary_csv(),
            },
        )

    return read_register(settings, work)


def duration_analysis(
    settings: Settings, municipality: str, start: date, end: date, today: date | None = None
) -> DurationAnalysis:
    """The Kaplan-Meier comparison by where the first meeting was held (reads; exports nothing)."""
    check_period(start, end)
    day = today or datetime.now(LOCAL_TZ).date()
    secret = evaluation_key(settings)
    return read_register(
        settings, lambda session: analyse(evaluation_rows(session, municipality, start, end, day, secret))
    )


def add_evaluation_parser(subparsers) -> argparse.ArgumentParser:
    today = datetime.now(LOCAL_TZ).date()
    p = subparsers.add_parser(
        "evaluering",
        help="evalueringsdatasæt til den eksterne evaluator (pseudonymiseret, CSV og Parquet)",
        description=(
            "Skriver ét datasæt med én række pr. sag (første fraværsdag i perioden), pseudonymiseret med "
            "kommunens hemmelige nøgle: sager.csv, sager.parquet og dataordbog.csv (dansk og engelsk), "
            "varighedsanalysen (varighed.png, varighed.csv) og læringsloggen (laeringslog.csv). "
            "Ingen CPR-numre, navne, adresser eller fritekst om borgere. Udtrækket logges."
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
    p.add_argument("--ud", type=Path, default=Path("evaluering"), help="mappe til filerne (standard: evaluering)")
    p.add_argument(
        "--dato",
        type=iso_date,
        default=None,
        metavar="ÅÅÅÅ-MM-DD",
        help="opgør pr. denne dag, fx den sidste dag i en simulering (standard: i dag)",
    )
    return p


def evaluation_from_args(args: argparse.Namespace, settings: Settings, municipality: str, actor: str) -> str:
    export = export_evaluation(settings, municipality, args.fra, args.til, actor, args.dato)
    try:
        written = export.write_to(args.ud)
    except OSError as err:
        raise ReportError(f"Datasættet kan ikke skrives til {args.ud}: {err.strerror}.") from None
    return (
        f"Evalueringsdatasættet ({len(export.rows)} sager) er skrevet til {args.ud}: "
        + ", ".join(p.name for p in written)
        + "."
    )
