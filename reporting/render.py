"""The success report in three forms: a terminal table, CSV, and one self-contained HTML page with SVG charts.

Pure functions from a `reporting.report.Report` to text. Labels are Danish (managers read them); a share with
denominator 0 shows as "–". Each form is its own module: report_table.py, report_csv.py, report_html.py (with
the Jinja templates in reporting/templates/).
"""

from __future__ import annotations

from reporting.report import Report
from reporting.report_csv import render_csv
from reporting.report_html import render_html
from reporting.report_table import render_table

RENDERERS = {"tabel": render_table, "csv": render_csv, "html": render_html}


def render(report: Report, fmt: str) -> str:
    if fmt not in RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(RENDERERS)}")
    return RENDERERS[fmt](report)
