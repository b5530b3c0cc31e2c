"""Signing in with OpenID Connect (Authlib), against a small identity provider on loopback that really signs
its ID tokens (RS256, keys published at its jwks_uri): discovery, the redirect with state and nonce, the code
exchange, the signature and nonce checks, and the mapping of the e-mail claim to the roster."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from register.db import upgrade
from tests.conftest import free_port
from web.app import create_app

CLIENT_ID, CLIENT_SECRET = "fasthold-web", "hemmelig-i-test"


class IdentityProvider:
    """Discovery, JWKS and a token endpoint; `next_email` is who signs in, `nonces` what the app asked for."""

    def __init__(self):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.next_email = ""
        self.nonce = ""
        self.token_requests: list[dict] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, data: dict, status: int = 200):
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": f"{provider.issuer}/authorize",
                            "token_endpoint": f"{provider.issuer}/token",
                            "jwks_uri": f"{provider.issuer}/jwks",
                            "response_types_supported": ["code"],
                            "subject_types_supported": ["public"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                elif self.path == "/jwks":
                    self._json({"keys": [provider.key.as_dict(private=False)]})
                else:
                    self._json({"error": "not_found"}, 404)

            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                provider.token_requests.append(form)
                now = int(time.time())  # real now: token lifetimes are checked against the real clock
                claims = {
                    "iss": provider.issuer,
                    "sub": "u-1",
                    "aud": CLIENT_ID,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": provider.nonce,
                    "email": provider.next_email,
                }
                id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, provider.key)
                self._json({"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token})

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def idp():
    provider = IdentityProvider()
    yield provider
    provider.server.shutdown()


@pytest.fixture
def web(settings, idp):
    upgrade(settings.resolved_database_url)  # sessions are kept in the register
    app = create_app(
        settings.replace(
            oidc_issuer=idp.issuer,
            oidc_client_id=CLIENT_ID,
            oidc_client_secret=CLIENT_SECRET,
            public_base_url="http://fasthold.test",
        )
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://fasthold.test")


async def sign_in(web, idp, email: str) -> httpx.Response:
    first = await web.get("/login?videre=/sager")
    assert first.status_code == 303 and first.headers["location"].startswith("/login/oidc")
    redirect = await web.get(first.headers["location"])
    assert redirect.status_code == 302
    to = urlparse(redirect.headers["location"])
    query = {k: v[0] for k, v in parse_qs(to.query).items()}
    assert f"{to.scheme}://{to.netloc}{to.path}" == f"{idp.issuer}/authorize"
    assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == "http://fasthold.test/auth/callback"
    assert query["response_type"] == "code" and "openid" in query["scope"] and query["state"] and query["nonce"]
    idp.nonce, idp.next_email = query["nonce"], email  # the person signs in at the provider
    return await web.get(f"/auth/callback?code=kode-1&state={query['state']}")


async def test_a_roster_caseworker_signs_in_through_the_identity_provider(web, idp):
    done = await sign_in(web, idp, "Anna.Berg@jobcenter.example.dk")
    assert done.status_code == 303 and done.headers["location"] == "/sager"
    assert idp.token_requests[0]["code"] == ["kode-1"]
    home = await web.get("/")
    assert home.status_code == 303 and home.headers["location"] == "/opgaver"  # signed in, as a caseworker
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    # The local sign-in is not offered when the municipality's provider is configured.
    assert (
        await web.post("/login", data={"username": "anna.berg@jobcenter.example.dk", "password": "x"})
    ).status_code == 303
    # Signing out ends the session on the server: a copy of the cookie from before opens nothing after.
    copy = dict(web.cookies)
    page = await web.get("/rapport")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert (await web.post("/logout", data={"csrf": csrf})).headers["location"] == "/login"
    async with httpx.AsyncClient(transport=web._transport, base_url="http://fasthold.test", cookies=copy) as thief:
        assert (await thief.get("/rapport")).headers["location"].startswith("/login")


async def test_someone_not_in_the_roster_is_not_let_in(web, idp):
    refused = await sign_in(web, idp, "ukendt@jobcenter.example.dk")
    assert refused.status_code == 403 and "Du har ikke adgang" in refused.text
    assert (await web.get("/")).headers["location"] == "/login"


async def test_a_forged_state_or_a_wrong_nonce_is_refused(web, idp):
    await web.get("/login/oidc")
    forged = await web.get("/auth/callback?code=kode-1&state=forfalsket")
    assert forged.status_code == 400 and "Log ind mislykkedes" in forged.text
    first = await web.get("/login/oidc")
    state = parse_qs(urlparse(first.headers["location"]).query)["state"][0]
    idp.nonce, idp.next_email = "en-anden-nonce", "anna.berg@jobcenter.example.dk"
    replayed = await web.get(f"/auth/callback?code=kode-1&state={state}")
    assert replayed.status_code == 400
    assert (await web.get("/")).headers["location"] == "/login"
