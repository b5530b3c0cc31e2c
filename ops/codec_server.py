"""The codec server: lets Temporal UI show decrypted case payloads to those allowed to see them.

Temporal UI (2.5x) posts encrypted payloads to `<endpoint>/decode?preserveStorageRefs=true` (and `/encode`)
as JSON, with an `X-Namespace` header, after a CORS preflight; this server answers with them decoded by the
same keys the worker uses. Paths are matched without their query string: the UI's own requests must work,
not only hand-made ones.

Who may decode: only the UI's origin, and, when FASTHOLD_CODEC_TOKEN is set, only requests that carry the
token. A request with another Origin is refused (403), not only denied the CORS headers: a browser would
not hand the answer over, but a script would read it. A request with no Origin is not a browser's (the
`temporal` CLI, a proxy's health check): the token decides. Temporal UI cannot send a fixed token of ours: it sends
either the access token of its own OIDC
sign-in (`passAccessToken`, https only) or the browser's cookies for the codec server (`includeCredentials`).
So the server accepts the token two ways:
  - `Authorization: Bearer <token>`, for scripts and for a proxy in front of it;
  - a cookie set by its own sign-in page, GET/POST /login, which an operator opens once per browser session.
    The UI then sends the cookie when "include credentials" is on (TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true in
    the UI container; in the dev server's UI, the Codec Server settings of the browser). The cookie holds an
    HMAC of the token, never the token.
Tokens are compared as UTF-8 bytes, however they come (a header's bytes, a form's text), so a token with
æ, ø or å works the same as Bearer token and on the sign-in page.
Served by Starlette on uvicorn, the stack of the web workbench.
Decoded payloads never show a CPR number: the sick report's `cpr` field reads "(skjult)" (the number is in
the register's citizen_identities, for those whose work needs it). In production the municipality's single
sign-on proxy in front of this server can set its own cookie instead.

    python -m ops.codec_server      # FASTHOLD_CODEC_HOST/PORT, FASTHOLD_CODEC_TOKEN, the payload keys
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import logging
import socket
import threading
import urllib.parse

import uvicorn
from google.protobuf import json_format
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from temporalio.api.common.v1 import Payload

from engine.codec import EncryptionCodec

log = logging.getLogger("fasthold.codec")
MAX_BODY = 4 * 1024 * 1024
COOKIE = "fasthold_codec"
COOKIE_SECONDS = 8 * 3600
HIDDEN = "(skjult)"
ALLOWED_HEADERS = ["Content-Type", "X-Namespace", "Authorization", "Authorization-Extras"]
NO_STORE = {"Cache-Control": "no-store"}

LOGIN_PAGE = """<!doctype html>
<html lang="da"><head><meta charset="utf-8"><title>Log ind på kodeserveren</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>Log ind på kodeserveren</h1>
<p>Kodeserveren dekrypterer sagernes data, så du kan læse dem i Temporal UI. Indtast adgangsnøglen fra driften.</p>
{message}
<form method="post" action="/login">
<label for="token">Adgangsnøgle</label><br>
<input id="token" name="token" type="password" autocomplete="off" required>
<button type="submit">Log ind</button>
</form>
<p>Temporal UI skal sende cookies til kodeserveren: i Temporal UI's indstillinger for <em>Codec Server</em>
skal <em>Include cross-origin credentials</em> være slået til.</p>
</body></html>
"""


def _hide_cpr(value):
    if isinstance(value, dict):
        return {k: (HIDDEN if k.lower() == "cpr" and v else _hide_cpr(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_hide_cpr(v) for v in value]
    return value


def without_cpr(payload: Payload) -> Payload:
    """Operators read cases, never CPR numbers: the sick report's `cpr` field is shown hidden."""
    if payload.metadata.get("encoding") != b"json/plain" or b'"cpr"' not in payload.data.lower():
        return payload
    try:
        value = json.loads(payload.data)
    except ValueError:
        return payload
    return Payload(metadata=dict(payload.metadata), data=json.dumps(_hide_cpr(value), ensure_ascii=False).encode())


def session_value(token: str) -> str:
    """What the sign-in cookie holds: proof of the token, not the token."""
    return hmac.new(token.encode(), b"fasthold-codec-session", hashlib.sha256).hexdigest()


def header_bytes(value: str) -> bytes:
    """A header as the bytes the client sent (ASGI servers hand them on as latin-1 text)."""
    return value.encode("latin-1", errors="replace")


def _error(status: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error}, status_code=status, headers=NO_STORE)


class CodecServer:
    """The codec server's app, and (for the embedded run and the tests) uvicorn serving it in a thread."""

    def __init__(
        self,
        codec: EncryptionCodec,
        host: str,
        port: int,
        allowed_origin: str,
        token: str = "",
        namespace: str = "",
        cookie_secure: bool = False,
    ):
        self.codec, self.allowed_origin, self.token = codec, allowed_origin, token
        self.namespace, self.cookie_secure = namespace, cookie_secure
        self.host, self._port = host, port
        self.app = self._app()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ who may
    def authorised(self, request: Request) -> bool:
        if not self.token:
            return True
        expected = self.token.encode("utf-8")
        bearer = header_bytes(request.headers.get("authorization", ""))
        if bearer.startswith(b"Bearer ") and hmac.compare_digest(bearer[7:], expected):
            return True
        cookie = request.cookies.get(COOKIE)
        return cookie is not None and hmac.compare_digest(
            cookie.encode("utf-8", errors="replace"), session_value(self.token).encode()
        )

    def origin_allowed(self, request: Request, *, own_page: bool = False) -> bool:
        origin = request.headers.get("origin")
        if origin is None:
            return True  # not a browser: the token decides
        own = f"{request.url.scheme}://{request.headers.get('host', '')}"
        return origin == self.allowed_origin or (own_page and origin == own)

    # ------------------------------------------------------------------ the endpoints
    async def transform(self, path: str, body: dict) -> dict:
        payloads = [json_format.ParseDict(p, Payload()) for p in body.get("payloads", [])]
        if path == "decode":
            result = [without_cpr(p) for p in await self.codec.decode(payloads)]
        else:
            result = await self.codec.encode(payloads)
        return {"payloads": [json_format.MessageToDict(p) for p in result]}

    async def _body(self, request: Request) -> bytes | None:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY:
            return None
        body = await request.body()
        return None if len(body) > MAX_BODY else body

    async def codec_endpoint(self, request: Request) -> Response:
        if not self.origin_allowed(request):
            return _error(403, "origin not allowed")
        if not self.authorised(request):
            return _error(401, "unauthorized")
        namespace = request.headers.get("x-namespace")
        if self.namespace and namespace and namespace != self.namespace:
            return _error(403, "namespace not served here")
        raw = await self._body(request)
        if raw is None:
            return _error(413, "too large")
        try:
            answer = await self.transform(request.path_params["action"], json.loads(raw or b"{}"))
        except Exception as err:  # a bad request must not stop the server
            log.warning("codec request refused: %s", type(err).__name__)
            return _error(400, type(err).__name__)
        return JSONResponse(answer, headers=NO_STORE)

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "keys": len(self.codec.key_ids)}, headers=NO_STORE)

    def _page(self, status: int, message: str = "", headers: dict | None = None) -> HTMLResponse:
        return HTMLResponse(
            LOGIN_PAGE.format(message=message), status_code=status, headers={**NO_STORE, **(headers or {})}
        )

    async def login_page(self, request: Request) -> Response:
        return self._page(200)

    async def login(self, request: Request) -> Response:
        if not self.origin_allowed(request, own_page=True):
            return _error(403, "origin not allowed")
        raw = await self._body(request)
        if raw is None:
            return _error(413, "too large")
        given = urllib.parse.parse_qs(raw.decode("utf-8", errors="replace")).get("token", [""])[0]
        if not self.token:
            return self._page(200, "<p>Kodeserveren kræver ingen adgangsnøgle.</p>")
        if not hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8")):
            log.warning("codec sign-in refused")
            return self._page(401, '<p role="alert">Forkert adgangsnøgle.</p>')
        cookie = f"{COOKIE}={session_value(self.token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age={COOKIE_SECONDS}" + (
            "; Secure" if self.cookie_secure else ""
        )
        log.info("codec sign-in accepted")
        return self._page(
            200, '<p role="status">Du er logget ind. Åbn sagen i Temporal UI.</p>', {"Set-Cookie": cookie}
        )

    def _app(self) -> Starlette:
        async def not_found(request: Request, exc) -> Response:
            return _error(getattr(exc, "status_code", 404), "not found")

        routes = [
            Route("/health", self.health, methods=["GET"]),
            Route("/login", self.login_page, methods=["GET"]),
            Route("/login", self.login, methods=["POST"]),
            # The UI adds ?preserveStorageRefs=true (the query is not part of the path); a proxy may add a slash.
            Route("/{action:str}", self.codec_endpoint, methods=["POST"]),
            Route("/{action:str}/", self.codec_endpoint, methods=["POST"]),
        ]
        cors = Middleware(
            CORSMiddleware,
            allow_origins=[self.allowed_origin],
            allow_methods=["POST", "OPTIONS"],
            allow_headers=ALLOWED_HEADERS,
            allow_credentials=True,
            max_age=600,
        )
        app = Starlette(routes=routes, middleware=[cors], exception_handlers={404: not_found, 405: not_found})
        app.router.redirect_slashes = False
        return _only_codec_actions(app)

    # ------------------------------------------------------------------ serving in a thread
    def start(self) -> CodecServer:
        """Listen (the port is taken at once, so a clash is an error here), then serve in a thread."""
        sock = socket.create_server((self.host, self._port), reuse_port=False)
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        self._server = server = uvicorn.Server(config)
        server.install_signal_handlers = lambda: None  # older uvicorn; newer ones leave signals to the main thread
        self._thread = threading.Thread(
            target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True, name="codec-server"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)

    @property
    def port(self) -> int:
        return self._port


def _only_codec_actions(app):
    """Only /decode and /encode are codec actions: any other path is 404 before it reaches a handler."""

    async def guarded(scope, receive, send):
        if scope["type"] == "http":
            path = scope["path"].rstrip("/") or "/"
            if path not in ("/health", "/login", "/decode", "/encode"):
                response = _error(404, "not found")
                if scope.get("method") == "OPTIONS":  # a preflight for an unknown path: CORS still answers
                    return await app(scope, receive, send)
                return await response(scope, receive, send)
        return await app(scope, receive, send)

    return guarded


def from_settings(settings) -> CodecServer:
    from engine.codec import codec_from_settings

    return CodecServer(
        codec_from_settings(settings),
        settings.codec_host,
        settings.codec_port,
        allowed_origin=settings.codec_origin,
        token=settings.codec_token,
        namespace=settings.temporal_namespace,
        cookie_secure=settings.codec_cookie_secure,
    )


def main() -> int:
    from config.settings import load_settings
    from observability.logs import configure_logging

    settings = load_settings()
    configure_logging(settings, "codec")
    server = from_settings(settings)
    log.info(
        "codec server listening on %s:%s for %s (token %s, keys %s)",
        settings.codec_host,
        settings.codec_port,
        settings.codec_origin,
        "required" if settings.codec_token else "not required",
        ", ".join(html.escape(k) for k in server.codec.key_ids),
    )
    # uvicorn handles SIGTERM and SIGINT: it stops taking requests and finishes those under way.
    uvicorn.run(
        server.app,
        host=settings.codec_host,
        port=settings.codec_port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
