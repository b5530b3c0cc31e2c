"""The team lead's pages: the Team overview (counts first, then one list at a time, the lead's own tasks and
the watched cases), and the bulk reassignment of a leaving caseworker's cases with its progress page. Each
handler translates the request into a call of the service layer, as in `web.pages`."""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from case_service.access import UserRole, colleagues, team_of
from domain.bulk import HandoverOutcome
from web import present
from web.pages import page, secrets_token, today, visible_views, web_of
from web.team_view import KINDS, team_lists


@page
async def team_page(request: Request, user) -> Response:
    if user.role != UserRole.TEAM_LEAD:
        raise HTTPException(403)
    return await render_team(request, user)


async def render_team(request: Request, user, status: int = 200, **extra) -> Response:
    web = web_of(request)
    day = today()
    views = await visible_views(request, user)
    rows = [present.row(v, day) for v in views]
    team_workers = [w for w in web.roster.get("caseworkers", []) if w["team"] in user.teams]
    load = [
        {
            "id": w["id"],
            "name": w["name"],
            "cases": sum(r.caseworker_id == w["id"] for r in rows),
            "tasks": sum(r.open_tasks for r in rows if r.caseworker_id == w["id"]),
            "overdue": sum(r.overdue_tasks for r in rows if r.caseworker_id == w["id"]),
        }
        for w in team_workers
    ]
    tasks = [(t, v.state.caseworker.id, v.state.caseworker.name) for v in views for t in present.tasks(v, day)]
    chosen = request.query_params.get("sagsbehandler", "")
    try:
        page_number = int(request.query_params.get("side", "1"))
    except ValueError:
        page_number = 1
    from web.team_tasks import team_tasks_context  # the lead's own tasks (a module of its own)
    from web.watch_view import BANDS, SORTS, watch_rows  # the watch track by estimate

    watched = watch_rows(views, day) if web.settings.decision_support else None
    lists = team_lists(
        rows,
        tasks,
        kind=request.query_params.get("vis", ""),
        caseworker=chosen if chosen in {w["id"] for w in team_workers} else "",
        page=page_number,
        watched=watched,
        band=request.query_params.get("baand", ""),
        sort=request.query_params.get("sorter", "skoen"),
    )
    context = dict(
        lists=lists,
        kinds={k: v for k, v in KINDS.items() if k in lists.counts},
        bands=BANDS,
        sorts=SORTS,
        load=load,
        everyone=colleagues(web.roster, user),
        errors={},
        message="",
        submission=secrets_token(),
        **await team_tasks_context(request, user),
    )
    return web.page(request, "team.html", status, **{**context, **extra})


@page
async def bulk_reassign(request: Request, user) -> Response:
    """All open cases of a caseworker who leaves, spread over named colleagues, least loaded first."""
    web = web_of(request)
    if user.role != UserRole.TEAM_LEAD:
        raise HTTPException(403)
    form = await request.form()
    if not web.signin.csrf_ok(request, str(form.get("csrf", ""))):
        return await render_team(request, user, 400, message="Formularen var udløbet. Prøv igen.")
    leaving = str(form.get("from_caseworker", ""))
    to = [str(v) for v in form.getlist("to_caseworkers") if str(v) != leaving]
    reason = str(form.get("reason", "")).strip()[:500]
    known = {w["id"] for w in colleagues(web.roster, user)}
    errors = {}
    if leaving not in known or team_of(web.roster, leaving) not in user.teams:
        errors["from_caseworker"] = "Vælg en sagsbehandler fra dit team."
    if not to or not set(to) <= known:
        errors["to_caseworkers"] = "Vælg mindst én kollega, der skal overtage sagerne."
    if not reason:
        errors["reason"] = "Angiv en begrundelse for omfordelingen."
    if errors:
        return await render_team(request, user, 400, errors=errors, message="Formularen har fejl.")
    # The form's one-time submission id names the job: sending the form again (a double click, Back and send,
    # a reload) finds the job already started instead of starting a second one.
    submission = "".join(c for c in str(form.get("submission", "")) if c.isalnum() or c in "-_")[:40]
    job = await web.bulk.start(user.municipality, leaving, tuple(to), reason, user.actor, submission=submission)
    return RedirectResponse(f"/team/omfordeling/{quote(job, safe='')}", status_code=303)


@page
async def bulk_progress(request: Request, user) -> Response:
    """A bulk reassignment's progress and, case by case, what really happened."""
    web = web_of(request)
    if user.role != UserRole.TEAM_LEAD:
        raise HTTPException(403)
    progress = await web.bulk.progress(request.path_params["job"])
    if (
        progress is None
        or progress.request.municipality != user.municipality
        or team_of(web.roster, progress.request.from_caseworker) not in user.teams
    ):
        raise HTTPException(404)
    names = {w["id"]: w["name"] for w in web.roster.get("caseworkers", [])}
    by = {kind: [r for r in progress.results if r.outcome == kind] for kind in HandoverOutcome}
    return web.page(
        request,
        "bulk_progress.html",
        progress=progress,
        names=names,
        by=by,
        leaving=names.get(progress.request.from_caseworker, progress.request.from_caseworker),
    )
