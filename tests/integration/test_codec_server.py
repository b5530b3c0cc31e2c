"""The codec server decrypts payloads for Temporal UI, only for the UI's origin and only with the token."""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

from engine.codec import EncryptionCodec
from ops.codec_server import CodecServer

ORIGIN = "http://127.0.0.1:8233"


@pytest.fixture
def server():
    server = CodecServer(EncryptionCodec(os.urandom(32)), "127.0.0.1", 0, ORIGIN, token="s3cret").start()
    yield server
    server.stop()


def post(server, path, body, token="s3cret", origin=ORIGIN):
    """A POST as Temporal UI's page sends it (from its origin)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{server.port}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Origin": origin,
            **({"Authorization": f"Bearer {token}"} if token else {}),
        },
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, json.loads(response.read())


async def test_decode_gives_back_what_the_worker_encrypted(server):
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"employee": "Mette S\\u00f8rensen"}')
    [encrypted] = await server.codec.encode([plain])
    assert b"Mette" not in encrypted.data
    status, headers, body = post(server, "/decode", {"payloads": [json_format.MessageToDict(encrypted)]})
    assert status == 200 and headers["access-control-allow-origin"] == ORIGIN
    decoded = json_format.ParseDict(body["payloads"][0], Payload())
    assert decoded == plain
    # And the other way: what the UI encodes (e.g. a signal typed in it) the worker can read.
    status, _, body = post(server, "/encode", {"payloads": [json_format.MessageToDict(plain)]})
    again = json_format.ParseDict(body["payloads"][0], Payload())
    assert again.metadata["encoding"] == b"binary/encrypted" and (await server.codec.decode([again]))[0] == plain


def test_without_the_token_nothing_is_decoded(server):
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(server, "/decode", {"payloads": []}, token="")
    assert refused.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as wrong:
        post(server, "/decode", {"payloads": []}, token="gæt")
    assert wrong.value.code == 401


def test_bad_requests_are_refused_and_the_server_keeps_serving(server):
    with pytest.raises(urllib.error.HTTPError) as bad:
        post(
            server,
            "/decode",
            {
                "payloads": [
                    {
                        "metadata": {
                            "encoding": base64.b64encode(b"binary/encrypted").decode(),
                            "encryption-key-id": base64.b64encode(b"fasthold-aesgcm-v1").decode(),
                        },
                        "data": base64.b64encode(b"not a ciphertext at all").decode(),
                    }
                ]
            },
        )
    assert bad.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as missing:
        post(server, "/steal", {})
    assert missing.value.code == 404
    assert post(server, "/decode", {"payloads": []})[0] == 200


def raw_request(server, method, path, headers=None, body=b""):
    """A request as Temporal UI's browser sends it (http.client: nothing added or normalised)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


async def test_the_uis_own_request_is_answered_after_its_preflight(server):
    # Temporal UI 2.5x: OPTIONS preflight, then POST /decode?preserveStorageRefs=true with X-Namespace.
    status, headers, _ = raw_request(
        server,
        "OPTIONS",
        "/decode?preserveStorageRefs=true",
        {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        },
    )
    assert status in (200, 204) and headers["access-control-allow-origin"] == ORIGIN
    assert "x-namespace" in headers["access-control-allow-headers"].lower()
    assert headers["access-control-allow-credentials"] == "true"
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"employer": "Bageriet Kornet ApS"}')
    [encrypted] = await server.codec.encode([plain])
    body = json.dumps({"payloads": [json_format.MessageToDict(encrypted)]}).encode()
    status, headers, data = raw_request(
        server,
        "POST",
        "/decode?preserveStorageRefs=true",
        {
            "Origin": ORIGIN,
            "Content-Type": "application/json",
            "X-Namespace": "default",
            "Authorization": "Bearer s3cret",
        },
        body,
    )
    assert status == 200 and headers["access-control-allow-origin"] == ORIGIN
    assert json_format.ParseDict(json.loads(data)["payloads"][0], Payload()) == plain
    # Another site's page gets no CORS grant, so its browser never hands it the answer.
    _, headers, _ = raw_request(
        server,
        "OPTIONS",
        "/decode?preserveStorageRefs=true",
        {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in headers


def test_the_sign_in_cookie_stands_in_for_the_token(server):
    from ops.codec_server import COOKIE, session_value

    status, _, page = raw_request(server, "GET", "/login")
    assert status == 200 and "Adgangsnøgle" in page.decode()
    status, headers, _ = raw_request(
        server, "POST", "/login", {"Content-Type": "application/x-www-form-urlencoded"}, b"token=forkert"
    )
    assert status == 401 and "set-cookie" not in headers
    status, headers, _ = raw_request(
        server, "POST", "/login", {"Content-Type": "application/x-www-form-urlencoded"}, b"token=s3cret"
    )
    cookie = headers["set-cookie"]
    assert status == 200 and "HttpOnly" in cookie and "s3cret" not in cookie
    value = cookie.split(";")[0]
    assert value == f"{COOKIE}={session_value('s3cret')}"
    status, _, _ = raw_request(
        server,
        "POST",
        "/decode?preserveStorageRefs=true",
        {"Cookie": value, "Content-Type": "application/json"},
        b'{"payloads": []}',
    )
    assert status == 200
    status, _, _ = raw_request(server, "POST", "/decode", {"Cookie": f"{COOKIE}=guess"}, b'{"payloads": []}')
    assert status == 401


def test_health_and_namespace(server):
    status, _, data = raw_request(server, "GET", "/health")
    assert status == 200 and json.loads(data)["status"] == "ok"
    server.namespace = "default"
    status, _, _ = raw_request(
        server, "POST", "/decode", {"X-Namespace": "other", "Authorization": "Bearer s3cret"}, b'{"payloads": []}'
    )
    assert status == 403


async def test_a_cpr_number_is_never_shown(server):
    plain = Payload(
        metadata={"encoding": b"json/plain"},
        data=json.dumps({"employee": {"name": "Mette", "cpr": "0101801234"}}).encode(),
    )
    [encrypted] = await server.codec.encode([plain])
    _, _, body = post(server, "/decode", {"payloads": [json_format.MessageToDict(encrypted)]})
    decoded = json_format.ParseDict(body["payloads"][0], Payload())
    assert b"0101801234" not in decoded.data and json.loads(decoded.data)["employee"]["cpr"] == "(skjult)"


def test_another_origin_is_refused_not_only_denied_cors(server):
    """A script can forge nothing a browser would stop: with or without a token, another site's request is 403."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        post(server, "/decode", {"payloads": []}, origin="http://evil.example")
    assert refused.value.code == 403
    open_server = CodecServer(server.codec, "127.0.0.1", 0, ORIGIN).start()  # no token: the embedded run
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            post(open_server, "/decode", {"payloads": []}, token="", origin="http://evil.example")
        assert refused.value.code == 403
        assert post(open_server, "/decode", {"payloads": []}, token="")[0] == 200
        # No Origin at all is not a browser (the temporal CLI): the token decides, and here there is none.
        assert (
            raw_request(open_server, "POST", "/decode", {"Content-Type": "application/json"}, b'{"payloads": []}')[0]
            == 200
        )
    finally:
        open_server.stop()


def test_a_token_with_danish_letters_works_as_bearer_and_on_the_sign_in_page():
    import http.client

    token = "nøgle-æblegrød-Å"
    server = CodecServer(EncryptionCodec(os.urandom(32)), "127.0.0.1", 0, ORIGIN, token=token).start()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.putrequest("POST", "/decode")
        conn.putheader("Authorization", b"Bearer " + token.encode("utf-8"))  # as curl and the temporal CLI send it
        conn.putheader("Content-Type", "application/json")
        body = b'{"payloads": []}'
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        assert conn.getresponse().status == 200
        conn.close()
        status, headers, _ = raw_request(
            server,
            "POST",
            "/login",
            {"Content-Type": "application/x-www-form-urlencoded"},
            ("token=" + urllib.parse.quote(token)).encode(),
        )
        assert status == 200 and "set-cookie" in headers
        wrong = raw_request(server, "POST", "/decode", {"Authorization": b"Bearer " + "nøgle".encode()}, b"{}")
        assert wrong[0] == 401
    finally:
        server.stop()
