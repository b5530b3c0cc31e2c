"""Signing in: OpenID Connect through the municipality's identity provider in production (Authlib; settings
only), a local sign-in for the roster's people in the embedded run. The session is a signed, HTTP-only cookie;
every form carries the session's CSRF token. The cookie names a session kept in the register
(`register.web_sessions`): signing out, from any tab, or `web_idle_minutes` without a page ends it there, and
a copy of the cookie is refused from then on.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import warnings

from starlette.requests import Request

from case_service.access import User, roster_users
from config.settings import Settings
from localrun.local_secrets import local_password
from register.web_sessions import WebSessions

log = logging.getLogger("fasthold.web")


class SignIn:
    def __init__(self, settings: Settings, roster: dict, sessions: WebSessions | None = None):
        self.settings = settings
        self.users = roster_users(roster)
        self.sessions = sessions
        self.oauth = None
        if settings.oidc_issuer:
            import authlib.deprecate  # noqa: F401  (it sets its own "always" filter on import: first, then ours)

            with warnings.catch_warnings():  # Authlib announces its own httpx module's future, not ours
                warnings.simplefilter("ignore", DeprecationWarning)
                from authlib.integrations.starlette_client import OAuth

            self.oauth = OAuth()
            self.oauth.register(
                "kommune",
                client_id=settings.oidc_client_id,
                client_secret=settings.oidc_client_secret,
                server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
                client_kwargs={"scope": "openid email profile"},
            )

    @property
    def uses_oidc(self) -> bool:
        return self.oauth is not None

    def check_local(self, username: str, password: str) -> User | None:
        """The embedded run's sign-in: a roster person's e-mail address and the local password."""
        if self.uses_oidc:
            return None
        user = self.users.get(username.strip().lower())
        expected = local_password(self.settings)
        if user is None or not hmac.compare_digest(password.encode(), expected.encode()):
            return None
        return user

    def from_claims(self, claims: dict) -> User | None:
        value = str(claims.get(self.settings.oidc_user_claim) or "").lower()
        return self.users.get(value)

    def current(self, request: Request) -> User | None:
        if "signed_in" in request.state._state:  # asked several times per page: the register once
            return request.state.signed_in
        email = request.session.get("user")
        user = self.users.get(email) if email else None
        if (
            user is not None
            and self.sessions is not None
            and not self.sessions.alive(request.session.get("sid", ""), email)
        ):
            request.session.clear()  # ended by a sign-out (perhaps in another tab) or by being idle
            user = None
        request.state.signed_in = user
        return user

    def start_session(self, request: Request, user: User) -> None:
        request.session.clear()
        request.session["user"] = user.email
        request.session["csrf"] = secrets.token_urlsafe(24)
        if self.sessions is not None:
            request.session["sid"] = self.sessions.start(user.email)
        request.state.signed_in = user
        log.info("signed in (%s)", user.role)

    def end_session(self, request: Request) -> None:
        if self.sessions is not None:
            self.sessions.end(request.session.get("sid", ""))
        request.session.clear()
        request.state.signed_in = None

    @staticmethod
    def csrf_ok(request: Request, submitted: str) -> bool:
        expected = request.session.get("csrf", "")
        return bool(expected) and hmac.compare_digest(expected.encode(), (submitted or "").encode())
