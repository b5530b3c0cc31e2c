"""The web workbench as an ASGI application (Starlette): routes, sessions, CSRF, security headers and the
error pages. Every page asks `case_service` and shows the answer; no traceback ever reaches a person.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import asynccontextmanager
from datetime import timedelta

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from case_service import CaseService
from case_service.bulk import BulkReassignments
from case_service.lead_tasks import LeadTasks
from case_service.lists import CaseLists
from config.settings import Settings
from localrun.local_secrets import web_secret
from mailing.rendering import dato, datotid, kortdato
from register.db import Register
from register.roster import load_roster
from register.web_sessions import WebSessions
from web import employer, model_card, pages, replies_page, report_pages, team_pages, team_tasks
from web.auth import SignIn

log = logging.getLogger("fasthold.web")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # The employer's reply link carries its token in the path: it must never leave in a Referer.
    "Referrer-Policy": "no-referrer",
}


class Web:
    """What every page needs: settings, the service layer, the roster, sign-in and the templates."""

    def __init__(self, settings: Settings, client=None):
        self.settings = settings
        self.client = client
        self.roster = load_roster(settings.roster_path)
        register = Register(settings.resolved_database_url)
        self.signin = SignIn(settings, self.roster, WebSessions(register, timedelta(minutes=settings.web_idle_minutes)))
        self.lists = CaseLists(register, self.roster)
        self.lead_tasks = LeadTasks(register, self.roster)
        self.register = register
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters.update(dato=dato, datotid=datotid, kortdato=kortdato)

    @property
    def cases(self) -> CaseService:
        return CaseService(self.client, self.settings)

    @property
    def bulk(self) -> BulkReassignments:
        return BulkReassignments(self.client, self.settings)

    def page(self, request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        user = self.signin.current(request)
        html = self.templates.get_template(template).render(
            request=request,
            user=user,
            csrf=request.session.get("csrf", "") if "session" in request.scope else "",
            flash=request.session.pop("flash", None) if "session" in request.scope else None,
            **context,
        )
        return HTMLResponse(html, status_code=status)


def create_app(settings: Settings, client=None) -> Starlette:
    """The workbench. With `client` None it connects to Temporal when it starts (as `python -m web` does)."""
    web = Web(settings, client)

    @asynccontextmanager
    async def lifespan(app):
        if web.client is None:
            from engine.client import connect

            web.client = await connect(settings)
        yield

    async def security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith(("/sager", "/opgaver", "/team", "/svar", "/rapport", "/drift")):
            response.headers["Cache-Control"] = "no-store"
        return response

    async def not_found(request: Request, exc: HTTPException) -> Response:
        messages = {
            404: ("Siden findes ikke", "Tjek adressen, eller gå til forsiden."),
            405: ("Handlingen er ikke mulig her", "Brug knapperne på siden."),
            403: ("Du har ikke adgang", "Siden hører til en sag, du ikke har adgang til."),
        }
        title, text = messages.get(exc.status_code, ("Der skete en fejl", "Prøv igen."))
        return web.page(request, "error.html", exc.status_code, title=title, text=text)

    async def crashed(request: Request, exc: Exception) -> Response:
        # The details go to the log (no personal data in them); the person gets a plain Danish page.
        log.error("page failed: %s %s: %s", request.method, request.url.path.split("/")[1], type(exc).__name__)
        log.debug("page failed", exc_info=exc)
        html = web.templates.get_template("error.html").render(
            request=request,
            user=None,
            csrf="",
            flash=None,
            title="Der skete en fejl",
            text="Siden kunne ikke vises lige nu. Prøv igen om lidt, eller kontakt it-driften.",
        )
        return HTMLResponse(html, status_code=500)

    routes = [
        Route("/", pages.home),
        Route("/login", pages.login, methods=["GET", "POST"]),
        Route("/login/oidc", pages.login_oidc),
        Route("/auth/callback", pages.oidc_callback),
        Route("/logout", pages.logout, methods=["POST"]),
        Route("/opgaver", pages.my_tasks),
        Route("/sager", pages.my_cases),
        Route("/sager/{reference}", pages.case_page),
        Route("/sager/{reference}/handling/{action}", pages.case_action, methods=["POST"]),
        Route("/team", team_pages.team_page),
        Route("/team/omfordel", team_pages.bulk_reassign, methods=["POST"]),
        Route("/team/omfordeling/{job}", team_pages.bulk_progress),
        Route("/team/opgave/{task}", team_tasks.task_page),
        Route("/team/opgave/{task}", team_tasks.hand_over, methods=["POST"]),
        Route("/rapport", report_pages.report_page),
        Route("/rapport/sammenligning.csv", report_pages.comparison_csv),
        Route("/rapport/evaluering.zip", report_pages.evaluation_zip),
        Route("/rapport/varighed.png", report_pages.duration_png),
        Route("/rapport/laeringslog", report_pages.learning_log_page),
        Route("/rapport/laeringslog/skriv", report_pages.learning_log_write, methods=["POST"]),
        Route("/rapport/vis", report_pages.report_html),
        Route("/rapport.csv", report_pages.report_csv),
        Route("/modelkort", model_card.model_card),  # decision support's model card
        Route("/drift/svar", replies_page.replies_page),  # operations' kept refused replies
        Route("/drift/svar/genbehandl", replies_page.reprocess_reply, methods=["POST"]),
        Route("/svar/{token}", employer.reply_page, methods=["GET", "POST"]),
        Route("/sundhed", lambda request: Response("ok", media_type="text/plain")),
        Mount("/static", StaticFiles(packages=[("web", "static")]), name="static"),
    ]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(BaseHTTPMiddleware, dispatch=security_headers),
            Middleware(
                SessionMiddleware,
                secret_key=web_secret(settings),
                session_cookie="fasthold_session",
                max_age=8 * 3600,
                same_site="lax",
                https_only=settings.base_url.startswith("https://"),
            ),
        ],
        exception_handlers={HTTPException: not_found, Exception: crashed},
    )
    app.state.web = web
    return app


def new_submission_id() -> str:
    return secrets.token_urlsafe(12)
