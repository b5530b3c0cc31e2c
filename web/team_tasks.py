"""The team lead's own tasks: on the Team page, each case a bulk reassignment could not hand over,
with the reason and a link to its task page, where the lead gives the case to a colleague. The handler only
translates the form into a call of case_service.lead_tasks and shows the answer or the refusal beside its field."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from case_service import CaseRefusal
from case_service.access import UserRole, colleagues
from case_service.lead_tasks import TaskGone
from web.pages import page, secrets_token, visible_views, web_of
from web.paging import page_of

TASKS_A_PAGE = 25


async def team_tasks_context(request: Request, user) -> dict:
    """What the Team page shows of the lead's own tasks (page `opgaveside` of them)."""
    try:
        asked = int(request.query_params.get("opgaveside", "1"))
    except ValueError:
        asked = 1
    web = web_of(request)
    tasks = await web.lead_tasks.open_for(user)
    return {
        "lead_tasks": page_of(tasks, asked, TASKS_A_PAGE),
        "names_by_id": {w["id"]: w["name"] for w in web.roster.get("caseworkers", [])},
    }


def _task_id(request: Request) -> int:
    try:
        return int(request.path_params["task"])
    except ValueError:
        raise HTTPException(404) from None


async def _render(request: Request, user, task, status: int = 200, *, errors=None, message="", submitted=None):
    web = web_of(request)
    names = {w["id"]: w["name"] for w in web.roster.get("caseworkers", [])}
    load: dict[str, int] = {}
    for v in await visible_views(request, user):
        if v.state.caseworker:
            load[v.state.caseworker.id] = load.get(v.state.caseworker.id, 0) + 1
    choices = [
        (w["id"], f"{w['name']} ({load.get(w['id'], 0)} åbne sager i dit team)")
        for w in colleagues(web.roster, user)
        if w["id"] != task.caseworker_id
    ]
    return web.page(
        request,
        "lead_task.html",
        status,
        task=task,
        names=names,
        choices=choices,
        errors=errors or {},
        message=message,
        submitted=submitted or {"reason": task.request_reason},
        submission=secrets_token(),
    )


@page
async def task_page(request: Request, user) -> Response:
    if user.role != UserRole.TEAM_LEAD:
        raise HTTPException(403)
    try:
        task = await web_of(request).lead_tasks.task(user, _task_id(request))
    except TaskGone:
        raise HTTPException(404) from None
    return await _render(request, user, task)


@page
async def hand_over(request: Request, user) -> Response:
    web = web_of(request)
    if user.role != UserRole.TEAM_LEAD:
        raise HTTPException(403)
    try:
        task = await web.lead_tasks.task(user, _task_id(request))
    except TaskGone:
        raise HTTPException(404) from None
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not web.signin.csrf_ok(request, form.get("csrf", "")):
        return await _render(
            request,
            user,
            task,
            400,
            submitted=form,
            message="Formularen var udløbet. Indlæs siden igen, og prøv en gang til.",
        )
    reason = form.get("reason", "").strip()[:500]
    if not reason:
        return await _render(
            request,
            user,
            task,
            400,
            submitted=form,
            errors={"reason": "Angiv en begrundelse."},
            message="Formularen har fejl. Ret de markerede felter.",
        )
    submission = "".join(c for c in form.get("submission", "") if c.isalnum() or c in "-_")[:40]
    try:
        done = await web.lead_tasks.hand_over(
            web.cases, user, task.id, form.get("caseworker_id", ""), reason, submission
        )
    except TaskGone as gone:
        # Back and send, a second tab: nothing is done twice; the page says what already happened.
        request.session["flash"] = f"{gone} Der er ikke gjort noget nyt."
        return RedirectResponse("/team#lederopgaver", status_code=303)
    except ValueError:
        return await _render(
            request,
            user,
            task,
            400,
            submitted=form,
            errors={"caseworker_id": "Vælg en kollega fra listen."},
            message="Formularen har fejl. Ret de markerede felter.",
        )
    except CaseRefusal as refusal:
        text = refusal.message[:1].upper() + refusal.message[1:]
        field = refusal.field if refusal.field in ("caseworker_id", "reason") else "caseworker_id"
        return await _render(request, user, task, 409, submitted=form, errors={field: text}, message=f"Afvist: {text}")
    request.session["flash"] = (
        f"Sag {done.reference} er givet til {done.caseworker_name}. Opgaven er løst og fjernet fra listen."
    )
    return RedirectResponse("/team#lederopgaver", status_code=303)
