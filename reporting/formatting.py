"""How the report writes numbers, dates and names in Danish: decimal commas, "–" for a share of nothing."""

from __future__ import annotations

from datetime import date

from reporting.labels import DASH, NO_CASEWORKER, NO_TEAM, WHOLE
from reporting.report import Figures, Median, Report, ScopedFigures, Share


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


def share_of(figures: Figures, key: str) -> Share:
    return getattr(figures, key)


def period_line(report: Report) -> str:
    whose = f" · {report.audience}" if report.audience else ""
    return (
        f"Kommune {report.municipality}{whose} · sager med første fraværsdag {danish_date(report.start)} – "
        f"{danish_date(report.end)} · opgjort {danish_date(report.today)}"
    )
