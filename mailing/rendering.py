"""Render the Danish e-mail templates in ``templates/<kind>/``. Pure: no I/O besides reading templates.

The templates are package data of the ``templates`` package, found with importlib.resources (as installed, not
relative to a source tree).

Each kind is a folder with ``subject.txt``, ``body.txt`` and ``body.html``.
Text templates are rendered without escaping; HTML templates with autoescape.
A missing context variable is an error (``StrictUndefined``), never a blank.

Filters for Danish dates and times (fixed tables, no locale dependency; aware
datetimes are shown in Europe/Copenhagen local time):

* ``dato``     date or aware datetime -> "mandag den 12. januar 2026"
* ``tid``      aware datetime          -> "10.00"
* ``datotid``  aware datetime          -> "mandag den 12. januar 2026 kl. 10.00"
* ``kortdato`` date or aware datetime -> "12. januar 2026"
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2

from domain.localtime import LOCAL_TZ
from domain.plain_text import printable

__all__ = ["Rendered", "render", "kinds", "TEMPLATES", "dato", "tid", "datotid", "kortdato"]

TEMPLATES = resources.files("templates")

WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)

_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(kind: str, context: Mapping[str, Any]) -> Rendered:
    """Render one message kind. Unknown kind -> ValueError; missing variable -> jinja2.UndefinedError."""
    if not isinstance(kind, str) or not _KIND.match(kind) or kind not in kinds():
        raise ValueError(f"unknown message kind: {kind!r}")
    ctx = dict(context)
    _check(kind, ctx)
    subject = _text_env().get_template(f"{kind}/subject.txt").render(ctx)
    text = _text_env().get_template(f"{kind}/body.txt").render(ctx)
    html = _html_env().get_template(f"{kind}/body.html").render(ctx)
    # Attendees' words (a reply's comment) reach these mails: no escape sequence or invisible control goes out.
    return Rendered(subject=_one_line(subject), text=_tidy_text(printable(text)), html=printable(html).strip() + "\n")


@lru_cache(maxsize=1)
def kinds() -> frozenset[str]:
    """The message kinds available: every folder with the three template files."""
    return frozenset(
        p.name
        for p in TEMPLATES.iterdir()
        if p.is_dir()
        and _KIND.match(p.name)
        and all(p.joinpath(f).is_file() for f in ("subject.txt", "body.txt", "body.html"))
    )


_ROLES = ("employer", "employee", "caseworker", "team_lead")


def _check(kind: str, ctx: dict[str, Any]) -> None:
    """Checks the templates cannot express (StrictUndefined covers missing keys)."""
    # A missing recipient_role is left to StrictUndefined (for invitation) or
    # means "neutral wording" (for the kinds where it is optional).
    if "recipient_role" in ctx and ctx["recipient_role"] not in _ROLES:
        raise ValueError(f"recipient_role must be one of {_ROLES}, got {ctx['recipient_role']!r}")


# --------------------------------------------------------------------------- filters


def _defined(value: Any) -> Any:
    """Filters see StrictUndefined as a value; make it fail the way a missing variable should."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return value


def _local(value: datetime) -> datetime:
    value = _defined(value)
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"expected a timezone-aware datetime, got {value!r}")
    return value.astimezone(LOCAL_TZ)


def _as_date(value: date | datetime) -> date:
    value = _defined(value)
    if isinstance(value, datetime):
        return _local(value).date()
    if isinstance(value, date):
        return value
    raise TypeError(f"expected a date, got {type(value).__name__}")


def kortdato(value: date | datetime) -> str:
    d = _as_date(value)
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def dato(value: date | datetime) -> str:
    d = _as_date(value)
    return f"{WEEKDAYS[d.weekday()]} den {kortdato(d)}"


def tid(value: datetime) -> str:
    local = _local(value)
    return f"{local.hour:02d}.{local.minute:02d}"


def datotid(value: datetime) -> str:
    return f"{dato(value)} kl. {tid(value)}"


# --------------------------------------------------------------------------- environments


def _common(env: jinja2.Environment) -> jinja2.Environment:
    env.filters.update(dato=dato, tid=tid, datotid=datotid, kortdato=kortdato)
    return env


@lru_cache(maxsize=1)
def _text_env() -> jinja2.Environment:
    return _common(
        jinja2.Environment(
            loader=jinja2.PackageLoader("templates", "."),
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    )


@lru_cache(maxsize=1)
def _html_env() -> jinja2.Environment:
    return _common(
        jinja2.Environment(
            loader=jinja2.PackageLoader("templates", "."),
            undefined=jinja2.StrictUndefined,
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    )


def _one_line(subject: str) -> str:
    return " ".join(subject.split())


def _tidy_text(text: str) -> str:
    """Strip trailing spaces and collapse runs of blank lines left by template logic."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out) + "\n"
