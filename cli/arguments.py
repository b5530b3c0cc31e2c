"""What every subcommand's arguments share: argparse in Danish, the global options (before or after the
subcommand), the readers of dates and times, the Danish today, and the error shown to the user as it is."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import date, datetime

from domain.localtime import LOCAL_TZ


def danish_today() -> date:
    """Today in Denmark, whatever the machine's time zone: a case's dates are Danish dates, and just after
    midnight in Copenhagen a UTC machine would still say yesterday (and an answer would seem older than its form)."""
    return datetime.now(LOCAL_TZ).date()


class UserError(Exception):
    """A problem to show the user as it is, in Danish."""


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "ukendt"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke en dato (ÅÅÅÅ-MM-DD)") from None


def _local_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke et tidspunkt (ÅÅÅÅ-MM-DDTTT:MM)") from None
    return value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)


ARGPARSE_DANISH = (
    ("the following arguments are required", "disse argumenter mangler"),
    ("invalid choice", "ugyldigt valg"),
    ("choose from", "vælg mellem"),
    ("invalid int value", "ikke et helt tal"),
    ("unrecognized arguments", "ukendte argumenter"),
    ("expected one argument", "mangler en værdi"),
    ("invalid float value", "ikke et tal"),
    ("invalid _date value", "ikke en dato"),
    ("argument", "argument"),
)


class DanishArgumentParser(argparse.ArgumentParser):
    """argparse with its error messages in Danish, as every other message of the command line."""

    def error(self, message: str):
        for english, danish in ARGPARSE_DANISH:
            message = message.replace(english, danish)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fejl: {message}\n")


def _global_options(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--kommune", default=default, help="kommunekode (standard fra konfigurationen)")
    parser.add_argument("--bruger", default=default, help="hvem der handler, til sagens log (standard: dit brugernavn)")
