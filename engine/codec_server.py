"""The codec server: lets Temporal UI show decrypted case payloads to those allowed to see them.

Temporal UI (2.5x) posts encrypted payloads to `<endpoint>/decode?preserveStorageRefs=true` (and `/encode`)
as JSON, with an `X-Namespace` header, after a CORS preflight; this server answers with them decoded by the
same keys the worker uses. Paths are matched without their query string: the UI's own requests must work,
not only hand-made ones.

Who may decode: only the UI's origin (CORS), and, when FASTHOLD_CODEC_TOKEN is set, only requests that carry
the token. Temporal UI cannot send a fixed token of ours: it sends either the access token of its own OIDC
sign-in (`passAccessToken`, https only) or the browser's cookies for the codec server (`includeCredentials`).
So the server accepts the token two ways:
  - `Authorization: Bearer <token>`, for scripts and for a proxy in front of it;
  - a cookie set by its own sign-in page, GET/POST /login, which an operator opens once per browser session.
    The UI then sends the cookie when "include credentials" is on (TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true in
    the UI container; in the dev server's UI, the Codec Server settings of the browser). The cookie holds an
    HMAC of the token, never the token.
Decoded payloads never show a CPR number: the sick report's `cpr` field reads "(skjult)" (the number is in
the register's citizen_identities, for those whose work needs it). In production the municipality's single
sign-on proxy in front of this server can set its own cookie instead.

    python -m engine.codec_server      # FASTHOLD_CODEC_HOST/PORT, FASTHOLD_CODEC_TOKEN, the payload keys
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import logging
import signal
import threading
import urllib.parse
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

from engine.codec import EncryptionCodec

log = logging.getLogger("fasthold.codec")
MAX_BODY = 4 * 1024 * 1024
COOKIE = "fasthold_codec"
COOKIE_SECONDS = 8 * 3600
HIDDEN = "(skjult)"
ALLOWED_HEADERS = "Content-Type, X-Namespace, Authorization, Authorization-Extras"

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


class CodecServer:
    def __init__(self, codec: EncryptionCodec, host: str, port: int, allowed_origin: str, token: str = "",
                 namespace: str = "", cookie_secure: bool = False):
        self.codec, self.allowed_origin, self.token = codec, allowed_origin, token
        self.namespace, self.cookie_secure = namespace, cookie_secure
        self.httpd = ThreadingHTTPServer((host, port), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True, name="codec-server")

    def start(self) -> "CodecServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    def transform(self, path: str, body: dict) -> dict:
        payloads = [json_format.ParseDict(p, Payload()) for p in body.get("payloads", [])]
        if path == "/decode":
            result = [without_cpr(p) for p in asyncio.run(self.codec.decode(payloads))]
        else:
            result = asyncio.run(self.codec.encode(payloads))
        return {"payloads": [json_format.MessageToDict(p) for p in result]}

    def authorised(self, headers) -> bool:
        if not self.token:
            return True
        bearer = headers.get("Authorization", "")
        if bearer.startswith("Bearer ") and hmac.compare_digest(bearer[7:].encode(), self.token.encode()):
            return True
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("Cookie", ""))
        except Exception:  # a malformed cookie header is no proof of anything
            return False
        morsel = cookie.get(COOKIE)
        return morsel is not None and hmac.compare_digest(morsel.value, session_value(self.token))

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # requests carry personal data: never log them
                pass

            @property
            def route(self) -> str:
                # The UI adds ?preserveStorageRefs=true; a proxy may add a trailing slash.
                return urllib.parse.urlsplit(self.path).path.rstrip("/") or "/"

            def _cors(self) -> None:
                if self.headers.get("Origin") not in (None, server.allowed_origin):
                    return  # no CORS headers: the browser refuses to hand the answer to another site
                self.send_header("Access-Control-Allow-Origin", server.allowed_origin)
                self.send_header("Vary", "Origin")
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", ALLOWED_HEADERS)
                self.send_header("Access-Control-Allow-Credentials", "true")
                self.send_header("Access-Control-Max-Age", "600")

            def _send(self, status: int, data: bytes, content_type: str, extra: dict | None = None) -> None:
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _reply(self, status: int, body: dict) -> None:
                self._send(status, json.dumps(body).encode(), "application/json")

            def _page(self, status: int, message: str = "", extra: dict | None = None) -> None:
                self._send(status, LOGIN_PAGE.format(message=message).encode(), "text/html; charset=utf-8", extra)

            def do_OPTIONS(self) -> None:
                self.send_response(204)
                self._cors()
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                if self.route == "/health":
                    return self._reply(200, {"status": "ok", "keys": len(server.codec.key_ids)})
                if self.route == "/login":
                    return self._page(200)
                return self._reply(404, {"error": "not found"})

            def _body(self) -> bytes | None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self._reply(413, {"error": "too large"})
                    return None
                return self.rfile.read(length)

            def do_POST(self) -> None:
                if self.route == "/login":
                    return self._login()
                if self.route not in ("/decode", "/encode"):
                    return self._reply(404, {"error": "not found"})
                if not server.authorised(self.headers):
                    return self._reply(401, {"error": "unauthorized"})
                namespace = self.headers.get("X-Namespace")
                if server.namespace and namespace and namespace != server.namespace:
                    return self._reply(403, {"error": "namespace not served here"})
                raw = self._body()
                if raw is None:
                    return
                try:
                    return self._reply(200, server.transform(self.route, json.loads(raw or b"{}")))
                except Exception as err:  # a bad request must not stop the server
                    log.warning("codec request refused: %s", type(err).__name__)
                    return self._reply(400, {"error": type(err).__name__})

            def _login(self) -> None:
                raw = self._body()
                if raw is None:
                    return
                given = urllib.parse.parse_qs(raw.decode(errors="replace")).get("token", [""])[0]
                if not server.token:
                    return self._page(200, "<p>Kodeserveren kræver ingen adgangsnøgle.</p>")
                if not hmac.compare_digest(given.encode(), server.token.encode()):
                    log.warning("codec sign-in refused")
                    return self._page(401, "<p role=\"alert\">Forkert adgangsnøgle.</p>")
                cookie = (f"{COOKIE}={session_value(server.token)}; Path=/; HttpOnly; SameSite=Lax; "
                          f"Max-Age={COOKIE_SECONDS}" + ("; Secure" if server.cookie_secure else ""))
                log.info("codec sign-in accepted")
                return self._page(200, "<p role=\"status\">Du er logget ind. Åbn sagen i Temporal UI.</p>",
                                  {"Set-Cookie": cookie})

        return Handler


def from_settings(settings) -> CodecServer:
    from engine.codec import codec_from_settings

    return CodecServer(codec_from_settings(settings), settings.codec_host, settings.codec_port,
                       allowed_origin=settings.codec_origin, token=settings.codec_token,
                       namespace=settings.temporal_namespace, cookie_secure=settings.codec_cookie_secure)


def main() -> int:
    from config.settings import load_settings
    from engine.logs import configure_logging

    settings = load_settings()
    configure_logging(settings, "codec")
    server = from_settings(settings).start()
    log.info("codec server listening on %s:%s for %s (token %s, keys %s)", settings.codec_host, server.port,
             settings.codec_origin, "required" if settings.codec_token else "not required",
             ", ".join(html.escape(k) for k in server.codec.key_ids))
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
