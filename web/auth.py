"""Signing in: OpenID Connect through the municipality's identity provider in production (Authlib; settings
only), a local sign-in for the roster's people in the embedded run. The session is a signed, HTTP-only cookie;
every form carries the session's CSRF token.
"""
from __future__ import annotations

import hmac
import logging
import secrets
import warnings

from starlette.requests import Request

from case_service.access import User, roster_users
from config.settings import Settings
from engine.local_secrets import local_password

log = logging.getLogger("fasthold.web")


class SignIn:
    def __init__(self, settings: Settings, roster: dict):
        self.settings = settings
        self.users = roster_users(roster)
        self.oauth = None
        if settings.oidc_issuer:
            import authlib.deprecate  # noqa: F401  (it sets its own "always" filter on import: first, then ours)

            with warnings.catch_warnings():  # Authlib announces its own httpx module's future, not ours
                warnings.simplefilter("ignore", DeprecationWarning)
                from authlib.integrations.starlette_client import OAuth

            self.oauth = OAuth()
            self.oauth.register(
                "kommune", client_id=settings.oidc_client_id, client_secret=settings.oidc_client_secret,
                server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
                client_kwargs={"scope": "openid email profile"})

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
        email = request.session.get("user")
        return self.users.get(email) if email else None

    @staticmethod
    def start_session(request: Request, user: User) -> None:
        request.session.clear()
        request.session["user"] = user.email
        request.session["csrf"] = secrets.token_urlsafe(24)
        log.info("signed in (%s)", user.role)

    @staticmethod
    def csrf_ok(request: Request, submitted: str) -> bool:
        expected = request.session.get("csrf", "")
        return bool(expected) and hmac.compare_digest(expected.encode(), (submitted or "").encode())
