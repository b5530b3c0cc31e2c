"""The signed-in pages: signing in and out, "Mine opgaver", "Mine sager", and the case page with a form for
every caseworker action (the team lead's overview is in `web.team_pages`, the success report in
`web.report_pages`). Each handler translates the request into a call of the service layer and shows the answer
or the refusal, next to the field it concerns."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from case_service import CaseRefusal, CaseUnavailable
from case_service.access import UserRole, colleagues, may_see
from case_service.commands import CaseRef
from domain import labels
from domain.localtime import LOCAL_TZ
from domain.model import CaseView
from domain.refusals import Refusal
from web import forms, present
from web.paging import asked_page, page_of

UNAVAILABLE = "Sagssystemet svarer ikke lige nu. Prøv igen om lidt."
TASKS_A_PAGE, CASES_A_PAGE = 50, 50


def today() -> date:
    return datetime.now(LOCAL_TZ).date()


def web_of(request: Request):
    return request.app.state.web


def signed_in(request: Request):
    user = web_of(request).signin.current(request)
    if user is None:
        # The whole address, query included: a deep link to a case's form (?handling=flyt) survives sign-in.
        onward = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise _Redirect(f"/login?videre={quote(onward, safe='')}")
    return user


class _Redirect(Exception):
    def __init__(self, to: str):
        self.to = to


def page(handler):
    """Signed-in pages: a visitor who is not signed in is sent to the sign-in page."""

    async def wrapped(request: Request) -> Response:
        try:
            user = signed_in(request)
            if user.role == UserRole.OPERATIONS and not getattr(handler, "for_operations", False):
                raise HTTPException(403)  # operations sees the engine's pages, never a case
            return await handler(request, user)
        except _Redirect as go:
            return RedirectResponse(go.to, status_code=303)
        except CaseUnavailable:
            return web_of(request).page(request, "error.html", 503, title="Prøv igen om lidt", text=UNAVAILABLE)

    wrapped.__name__ = handler.__name__
    return wrapped


# --------------------------------------------------------------------------- signing in and out
async def home(request: Request) -> Response:
    user = web_of(request).signin.current(request)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    start = {UserRole.TEAM_LEAD: "/team", UserRole.OPERATIONS: "/drift/svar"}.get(user.role, "/opgaver")
    return RedirectResponse(start, status_code=303)


async def login(request: Request) -> Response:
    web = web_of(request)
    onward = request.query_params.get("videre", "")
    onward = onward if onward.startswith("/") and not onward.startswith("//") else "/"
    if web.signin.uses_oidc:
        return RedirectResponse(f"/login/oidc?videre={quote(onward)}", status_code=303)
    if request.method == "GET":
        return web.page(request, "login.html", onward=onward, error="", username="")
    form = await request.form()
    user = web.signin.check_local(str(form.get("username", "")), str(form.get("password", "")))
    if user is None:
        return web.page(
            request,
            "login.html",
            400,
            onward=onward,
            username=str(form.get("username", ""))[:200],
            error="E-mailadressen eller adgangskoden er forkert.",
        )
    web.signin.start_session(request, user)
    return RedirectResponse(onward, status_code=303)


async def login_oidc(request: Request) -> Response:
    web = web_of(request)
    if not web.signin.uses_oidc:
        return RedirectResponse("/login", status_code=303)
    onward = request.query_params.get("videre", "/")
    request.session["onward"] = onward if onward.startswith("/") and not onward.startswith("//") else "/"
    return await web.signin.oauth.kommune.authorize_redirect(request, f"{web.settings.base_url}/auth/callback")


async def oidc_callback(request: Request) -> Response:
    web = web_of(request)
    if not web.signin.uses_oidc:
        return RedirectResponse("/login", status_code=303)
    try:
        token = await web.signin.oauth.kommune.authorize_access_token(request)
    except Exception:
        return web.page(
            request,
            "error.html",
            400,
            title="Log ind mislykkedes",
            text="Kommunens log ind-tjeneste kunne ikke bekræfte dig. Prøv igen.",
        )
    user = web.signin.from_claims(dict(token.get("userinfo") or {}))
    if user is None:
        return web.page(
            request,
            "error.html",
            403,
            title="Du har ikke adgang",
            text="Du er ikke oprettet som sagsbehandler eller teamleder i fastholdelsessystemet.",
        )
    onward = request.session.get("onward", "/")
    web.signin.start_session(request, user)
    return RedirectResponse(onward, status_code=303)


async def logout(request: Request) -> Response:
    web = web_of(request)
    form = await request.form()
    # An older tab's form may carry a token from before a new sign-in: signing out is still what the person
    # wants. A page of another site cannot do it for them: the browser says where the request came from (and
    # SameSite keeps the cookie from it).
    if web.signin.csrf_ok(request, str(form.get("csrf", ""))) or _same_origin(request):
        web.signin.end_session(request)
    return RedirectResponse("/login", status_code=303)


def _same_origin(request: Request) -> bool:
    # Browsers set Sec-Fetch-Site themselves (a page cannot); with our Referrer-Policy the Origin of a form
    # post is "null", so Origin alone would not tell.
    if request.headers.get("sec-fetch-site") == "same-origin":
        return True
    origin = request.headers.get("origin", "")
    return bool(origin) and origin.rstrip("/") == f"{request.url.scheme}://{request.url.netloc}"


# --------------------------------------------------------------------------- the user's cases
async def visible_views(request: Request, user, *, include_closed: bool = False) -> list[CaseView]:
    """The cases the user may see: her own, or her teams' for a team lead, in her municipality (from the
    register's read model, not from each case's workflow)."""
    return await web_of(request).lists.visible(user, include_closed=include_closed)


@page
async def my_tasks(request: Request, user) -> Response:
    day = today()
    views = await visible_views(request, user)
    task_rows = sorted((t for v in views for t in present.tasks(v, day)), key=lambda t: (t.due, t.reference))
    return web_of(request).page(
        request,
        "tasks.html",
        paged=page_of(task_rows, asked_page(request), TASKS_A_PAGE),
        overdue=sum(t.days_left < 0 for t in task_rows),
        urgent=sum(t.at_risk for t in task_rows),
        today=day,
    )


@page
async def my_cases(request: Request, user) -> Response:
    day = today()
    query = request.query_params.get("q", "").strip()[:60]
    status = request.query_params.get("vis", "aabne")
    views = await visible_views(request, user, include_closed=status == "alle")
    rows = [present.row(v, day) for v in views]
    if query:
        rows = [r for r in rows if query.lower() in r.reference.lower()]
    if status == "risiko":
        rows = [r for r in rows if r.at_risk or r.breached]
    rows.sort(key=lambda r: (r.closed, r.next_deadline or date.max, r.reference))
    return web_of(request).page(
        request, "cases.html", paged=page_of(rows, asked_page(request), CASES_A_PAGE), query=query, show=status
    )


# --------------------------------------------------------------------------- one case
async def allowed_view(request: Request, user, reference: str) -> CaseView:
    web = web_of(request)
    try:
        view = await web.cases.view(CaseRef(user.municipality, reference))
    except CaseRefusal:
        raise HTTPException(404) from None
    if not may_see(user, view.state, web.roster):
        raise HTTPException(404)  # the same answer as for no such case: which references exist is not told
    return view


def case_context(
    request: Request, user, view: CaseView, *, form_errors=None, active="", submitted=None, message=""
) -> dict:
    web = web_of(request)
    meetings = view.state.meetings
    choices = {
        "meeting_number": tuple(
            (
                str(m.number),
                f"Møde {m.number} ({m.start.astimezone(LOCAL_TZ):%d.%m.%Y %H.%M}, "
                f"{present.MEETING_STATUS.get(m.status, m.status)})",
            )
            for m in meetings
        ),
        "attendee_email": tuple(
            (email, f"{role} ({email})")
            for email, role in (
                (view.case.employer.contact_email.lower(), "Arbejdsgiver"),
                (view.case.employee.email.lower(), "Medarbejder"),
            )
        ),
        "caseworker_id": (("", "Den mindst belastede kollega"),)
        + tuple(
            (w["id"], w["name"])
            for w in colleagues(web.roster, user)
            if view.state.caseworker is None or w["id"] != view.state.caseworker.id
        ),
    }
    return dict(
        view=view,
        case=view.case,
        state=view.state,
        rows=present.deadlines(view),
        answers=present.meeting_answers(view),
        tasks=present.tasks(view, today()),
        status_names=present.MEETING_STATUS,
        forms=forms.offered(view.state, user.role),
        choices=choices,
        errors=form_errors or {},
        active=active,
        submitted=submitted or {},
        message=message,
        submission=secrets_token(),
        labels=labels,
        local=lambda dt: dt.astimezone(LOCAL_TZ),
        names={w["id"]: w["name"] for w in web.roster.get("caseworkers", [])},
    )


def secrets_token() -> str:
    from web.app import new_submission_id

    return new_submission_id()


@page
async def case_page(request: Request, user) -> Response:
    view = await allowed_view(request, user, request.path_params["reference"])
    opened = request.query_params.get("handling", "")
    return web_of(request).page(
        request, "case.html", **case_context(request, user, view, active=opened if opened in forms.FORMS else "")
    )


@page
async def case_action(request: Request, user) -> Response:
    web = web_of(request)
    reference, slug = request.path_params["reference"], request.path_params["action"]
    action = forms.FORMS.get(slug)
    if action is None:
        raise HTTPException(404)
    if user.role not in action.roles:
        raise HTTPException(403)
    view = await allowed_view(request, user, reference)
    data = {k: str(v) for k, v in (await request.form()).items()}
    if not web.signin.csrf_ok(request, data.get("csrf", "")):
        return web.page(
            request,
            "case.html",
            400,
            **case_context(
                request,
                user,
                view,
                active=slug,
                submitted=data,
                message="Formularen var udløbet. Indlæs siden igen, og prøv en gang til.",
            ),
        )
    try:
        command = forms.build(action, data, user.actor)
        result = await web.cases.act(
            CaseRef(user.municipality, reference),
            command,
            update_id=f"web-{data.get('submission', '')[:40]}" if data.get("submission") else None,
        )
    except forms.FormErrors as bad:
        return web.page(
            request,
            "case.html",
            400,
            **case_context(
                request,
                user,
                view,
                form_errors=bad.errors,
                active=slug,
                submitted=data,
                message="Formularen har fejl. Ret de markerede felter.",
            ),
        )
    except CaseRefusal as refusal:
        if refusal.reason == Refusal.ALREADY_RECORDED:
            # Back and send, a reload or a second tab: the case already holds this; nothing new is recorded.
            request.session["flash"] = (
                f"Det er allerede registreret: {refusal.message}. Der er ikke registreret noget nyt."
            )
            return RedirectResponse(f"/sager/{quote(reference, safe='')}", status_code=303)
        field = refusal.field if any(f.name == refusal.field for f in action.fields) else ""
        text = refusal.message[:1].upper() + refusal.message[1:]
        errors = {field: text} if field else {}
        return web.page(
            request,
            "case.html",
            409 if refusal.reason != Refusal.NOT_ALLOWED else 403,
            **case_context(
                request,
                user,
                await web.cases.view(CaseRef(user.municipality, reference)),
                form_errors=errors,
                active=slug,
                submitted=data,
                message=f"Afvist: {text}",
            ),
        )
    request.session["flash"] = result.message
    return RedirectResponse(f"/sager/{quote(reference, safe='')}", status_code=303)
