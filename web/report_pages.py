"""The report page and its pilot-learning parts (docs/domain.md): baseline against pilot period, how long cases last by
where the first meeting was held, the evaluation dataset and the learning log. Each handler translates the request
into a call of the report layer (reporting/report_command.py, evaluation_command.py) or the register's learning log,
run in a worker thread: the register is read with blocking I/O. None of these pages needs Temporal."""

from __future__ import annotations

import asyncio
from datetime import date

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from web.pages import page, today, web_of


def _date(request: Request, name: str, default: date | None, label: str, errors: dict) -> date | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = f"{label} skal være en dato (ÅÅÅÅ-MM-DD)."
        return default


def periods(request: Request) -> tuple[tuple[date, date], tuple[date, date] | None, dict[str, str]]:
    """The pilot period (the report's own, default this year to today) and the baseline period, if asked for;
    problems by field, in Danish."""
    errors: dict[str, str] = {}
    day = today()
    start = _date(request, "fra", date(day.year, 1, 1), "Pilotperiodens første dag", errors)
    end = _date(request, "til", day, "Pilotperiodens sidste dag", errors)
    if start > end and "fra" not in errors:
        errors["fra"] = "Pilotperiodens første dag ligger efter dens sidste dag."
    base_start = _date(request, "basis_fra", None, "Basisperiodens første dag", errors)
    base_end = _date(request, "basis_til", None, "Basisperiodens sidste dag", errors)
    baseline = None
    if base_start and base_end:
        baseline = (base_start, base_end)
        if base_start > base_end:
            errors["basis_fra"] = "Basisperiodens første dag ligger efter dens sidste dag."
    elif (base_start or base_end) and not errors:
        errors["basis_til" if base_start else "basis_fra"] = "Angiv både første og sidste dag i basisperioden."
    return (start, end), baseline, errors


def _query(pilot, baseline) -> str:
    q = f"fra={pilot[0].isoformat()}&til={pilot[1].isoformat()}"
    return q + (f"&basis_fra={baseline[0].isoformat()}&basis_til={baseline[1].isoformat()}" if baseline else "")


def _days(value: float | None) -> str:
    return "ikke nået" if value is None else f"{value:g}".replace(".", ",")


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def duration_view(analysis) -> dict:
    """The Kaplan-Meier analysis as Danish text for the page's tables."""
    from reporting.duration_analysis import GROUP_LABELS, TABLE_WEEKS, TRACK_LABELS

    curves = [
        {
            "label": GROUP_LABELS[c.group],
            "n": c.n,
            "events": c.events,
            "median": _days(c.median_days),
            "ci": f"{_days(c.median_ci[0])} – {_days(c.median_ci[1])}",
            "weeks": [_share(c.still_away[w]) for w in TABLE_WEEKS],
        }
        for c in analysis.curves
    ]
    profiles = [
        {
            "label": GROUP_LABELS[p.group],
            "n": p.n,
            "expected": "–" if p.median_expected_weeks is None else _days(p.median_expected_weeks),
            "tracks": ", ".join(f"{TRACK_LABELS.get(t, t)} {n}" for t, n in sorted(p.tracks.items())),
            "fast_track": p.fast_track,
        }
        for p in analysis.profiles
    ]
    logrank = (
        ""
        if analysis.logrank_p is None
        else f"Log-rank-test for ens kurver: χ² = {analysis.logrank_statistic:.2f} med {analysis.logrank_df} "
        f"frihedsgrader, p = {analysis.logrank_p:.3f}".replace(".", ",")
        + "."
    )
    return {"curves": curves, "profiles": profiles, "logrank": logrank, "weeks": TABLE_WEEKS, "cases": analysis.cases}


@page
async def report_page(request: Request, user) -> Response:
    from reporting.comparison_render import comparison_rows
    from reporting.evaluation_command import duration_analysis
    from reporting.report_command import ReportError, build_comparison

    web = web_of(request)
    pilot, baseline, errors = periods(request)
    rows, problem, duration = None, "", None
    if not errors:
        try:
            if baseline:
                comparison = await asyncio.to_thread(build_comparison, web.settings, user.municipality, baseline, pilot)
                rows = comparison_rows(comparison)
            duration = duration_view(
                await asyncio.to_thread(duration_analysis, web.settings, user.municipality, *pilot)
            )
        except ReportError as err:
            problem = str(err)
    return web.page(
        request,
        "report.html",
        400 if errors else 200,
        start=pilot[0],
        end=pilot[1],
        baseline=baseline,
        errors=errors,
        rows=rows,
        problem=problem,
        query=_query(pilot, baseline),
        duration=duration,
        values={k: request.query_params.get(k, "") for k in ("basis_fra", "basis_til")},
    )


@page
async def duration_png(request: Request, user) -> Response:
    from reporting.duration_analysis import draw
    from reporting.evaluation_command import duration_analysis
    from reporting.report_command import ReportError

    web = web_of(request)
    pilot, _, errors = periods(request)
    if errors.get("fra") or errors.get("til"):
        return web.page(
            request, "error.html", 400, title="Figuren kan ikke laves", text=errors.get("fra") or errors["til"]
        )
    try:
        analysis = await asyncio.to_thread(duration_analysis, web.settings, user.municipality, *pilot)
    except ReportError as err:
        return web.page(request, "error.html", 400, title="Figuren kan ikke laves", text=str(err))
    return Response(await asyncio.to_thread(draw, analysis), media_type="image/png")


@page
async def comparison_csv(request: Request, user) -> Response:
    from reporting.comparison_render import render_comparison_csv
    from reporting.report_command import ReportError, build_comparison

    web = web_of(request)
    pilot, baseline, errors = periods(request)
    if errors or baseline is None:
        text = next(iter(errors.values()), "Vælg en basisperiode først.")
        return web.page(request, "error.html", 400, title="Sammenligningen kan ikke laves", text=text)
    try:
        comparison = await asyncio.to_thread(build_comparison, web.settings, user.municipality, baseline, pilot)
    except ReportError as err:
        return web.page(request, "error.html", 400, title="Sammenligningen kan ikke laves", text=str(err))
    name = f"sammenligning-{baseline[0]}-{baseline[1]}-mod-{pilot[0]}-{pilot[1]}.csv"
    return Response(
        render_comparison_csv(comparison),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@page
async def evaluation_zip(request: Request, user) -> Response:
    """The evaluation dataset for the pilot period, for a team lead: pseudonymised, audited with her name."""
    from case_service.access import UserRole
    from reporting.evaluation_command import export_evaluation
    from reporting.report_command import ReportError

    web = web_of(request)
    if user.role != UserRole.TEAM_LEAD:
        return web.page(
            request,
            "error.html",
            403,
            title="Du har ikke adgang",
            text="Evalueringsdatasættet kan hentes af teamledere.",
        )
    pilot, _, errors = periods(request)
    if errors.get("fra") or errors.get("til"):
        return web.page(
            request, "error.html", 400, title="Datasættet kan ikke laves", text=errors.get("fra") or errors["til"]
        )
    try:
        export = await asyncio.to_thread(export_evaluation, web.settings, user.municipality, *pilot, user.actor)
    except ReportError as err:
        return web.page(request, "error.html", 400, title="Datasættet kan ikke laves", text=str(err))
    name = f"evaluering-{user.municipality}-{pilot[0]}-{pilot[1]}.zip"
    return Response(
        export.zip_bytes(),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --------------------------------------------------------------------------- the learning log
def _log_period(request: Request, errors: dict) -> tuple[date, date]:
    day = today()
    start = _date(request, "fra", date(day.year, 1, 1), "Første dag", errors)
    end = _date(request, "til", day, "Sidste dag", errors)
    if start > end and "fra" not in errors:
        errors["fra"] = "Første dag ligger efter sidste dag."
    return start, end


async def _render_log(
    request: Request,
    user,
    status: int = 200,
    *,
    errors: dict | None = None,
    submitted: dict | None = None,
    message: str = "",
) -> Response:
    from domain.learning_log import KINDS, TAGS
    from register.learning_log import list_entries
    from reporting.report_command import ReportError, read_register

    web = web_of(request)
    filter_errors: dict[str, str] = {}
    start, end = _log_period(request, filter_errors)
    tag = request.query_params.get("emne", "")
    tag = tag if tag in TAGS else ""
    entries, problem = [], ""
    try:
        entries = await asyncio.to_thread(
            read_register, web.settings, lambda s: list_entries(s, user.municipality, start, end, tag or None)
        )
    except ReportError as err:
        problem = str(err)
    return web.page(
        request,
        "learning_log.html",
        status,
        kinds=KINDS,
        tags=TAGS,
        entries=entries,
        start=start,
        end=end,
        tag=tag,
        errors=errors or {},
        filter_errors=filter_errors,
        submitted=submitted or {"tags": []},
        message=message,
        problem=problem,
    )


@page
async def learning_log_page(request: Request, user) -> Response:
    return await _render_log(request, user)


@page
async def learning_log_write(request: Request, user) -> Response:
    from datetime import datetime, timezone

    from domain.learning_log import Entry, check
    from register.learning_log import CaseNotVisible, add_entry
    from reporting.report_command import ReportError, read_register

    web = web_of(request)
    form = await request.form()
    submitted = {
        "kind": str(form.get("kind", "")),
        "tags": [str(t) for t in form.getlist("tags")],
        "text": str(form.get("text", ""))[:5000],
        "case_reference": str(form.get("case_reference", ""))[:60],
        "clear": form.get("clear") == "ja",
    }
    if not web.signin.csrf_ok(request, str(form.get("csrf", ""))):
        return await _render_log(request, user, 400, submitted=submitted, message="Formularen var udløbet. Prøv igen.")
    entry = Entry(
        submitted["kind"],
        tuple(submitted["tags"]),
        submitted["text"],
        submitted["case_reference"].strip(),
        submitted["clear"],
    )
    errors = check(entry)
    if not errors:
        try:
            await asyncio.to_thread(
                read_register,
                web.settings,
                lambda s: add_entry(
                    s,
                    user.municipality,
                    entry,
                    author_id=user.id,
                    author_role=str(user.role),
                    teams=user.teams,
                    actor=user.actor,
                    now=datetime.now(timezone.utc),
                ),
            )
        except CaseNotVisible:
            errors["case_reference"] = "Sagen findes ikke, eller du har ikke adgang til den."
        except ReportError as err:
            return await _render_log(request, user, 503, submitted=submitted, message=str(err))
    if errors:
        return await _render_log(
            request, user, 400, errors=errors, submitted=submitted, message="Notatet er ikke gemt. Ret det markerede."
        )
    request.session["flash"] = "Notatet er gemt i læringsloggen."
    return RedirectResponse("/rapport/laeringslog", status_code=303)


# --------------------------------------------------------------------------- the success report
def _period(request: Request) -> tuple[date, date]:
    day = today()
    try:
        start = date.fromisoformat(request.query_params.get("fra", f"{day.year}-01-01"))
        end = date.fromisoformat(request.query_params.get("til", day.isoformat()))
    except ValueError:
        raise HTTPException(400) from None
    return start, end


async def _report(request: Request, user, fmt: str) -> str:
    from reporting.report_command import ReportError, report_command

    start, end = _period(request)
    try:
        web = web_of(request)
        # Least privilege: a caseworker's report counts and names only her cases, a team lead's her teams'.
        return await asyncio.to_thread(
            report_command,
            web.settings,
            user.municipality,
            start,
            end,
            fmt,
            None,
            audience=web.lists.report_audience(user),
        )
    except ReportError as err:
        raise _ReportProblem(str(err)) from None


class _ReportProblem(Exception):
    pass


@page
async def report_html(request: Request, user) -> Response:
    try:
        # The report is one self-contained page with inline CSS and SVG (no script): allow its inline styles.
        return Response(
            await _report(request, user, "html"),
            media_type="text/html; charset=utf-8",
            headers={
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "frame-ancestors 'none'"
            },
        )
    except _ReportProblem as err:
        return web_of(request).page(request, "error.html", 400, title="Rapporten kan ikke laves", text=str(err))


@page
async def report_csv(request: Request, user) -> Response:
    try:
        text = await _report(request, user, "csv")
    except _ReportProblem as err:
        return web_of(request).page(request, "error.html", 400, title="Rapporten kan ikke laves", text=str(err))
    start, end = _period(request)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="succeskriterier-{start}-{end}.csv"'},
    )
