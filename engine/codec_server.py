"""The codec server: lets Temporal UI show decrypted case payloads to those allowed to see them.

Temporal UI posts encrypted payloads to /decode (and /encode) as JSON; this server answers with them decoded
by the same key the worker uses. It listens on loopback by default, allows only the UI's origin (CORS), and,
when a token is configured, requires it as a bearer token, so reading personal data stays an authorised act.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

from engine.codec import EncryptionCodec

log = logging.getLogger("fasthold.codec")
MAX_BODY = 4 * 1024 * 1024


class CodecServer:
    def __init__(self, codec: EncryptionCodec, host: str, port: int, allowed_origin: str, token: str = ""):
        self.codec, self.allowed_origin, self.token = codec, allowed_origin, token
        self.httpd = ThreadingHTTPServer((host, port), self._handler())
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
        coder = self.codec.decode if path == "/decode" else self.codec.encode
        result = asyncio.run(coder(payloads))
        return {"payloads": [json_format.MessageToDict(p) for p in result]}

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # requests carry personal data: never log them
                pass

            def _cors(self) -> None:
                self.send_header("Access-Control-Allow-Origin", server.allowed_origin)
                self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                self.send_header("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization")
                self.send_header("Access-Control-Allow-Credentials", "true")

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self._cors()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_OPTIONS(self) -> None:
                self.send_response(200)
                self._cors()
                self.end_headers()

            def do_POST(self) -> None:
                if self.path not in ("/decode", "/encode"):
                    return self._reply(404, {"error": "not found"})
                if server.token and self.headers.get("Authorization") != f"Bearer {server.token}":
                    return self._reply(401, {"error": "unauthorized"})
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    return self._reply(413, {"error": "too large"})
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                    return self._reply(200, server.transform(self.path, body))
                except Exception as err:  # a bad request must not stop the server
                    log.warning("codec request refused: %s", type(err).__name__)
                    return self._reply(400, {"error": type(err).__name__})

        return Handler
