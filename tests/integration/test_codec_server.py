"""The codec server decrypts payloads for Temporal UI, only for the UI's origin and only with the token."""
from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request

import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload

from engine.codec import EncryptionCodec
from engine.codec_server import CodecServer

ORIGIN = "http://127.0.0.1:8233"


@pytest.fixture
def server():
    server = CodecServer(EncryptionCodec(os.urandom(32)), "127.0.0.1", 0, ORIGIN, token="s3cret").start()
    yield server
    server.stop()


def post(server, path, body, token="s3cret"):
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}{path}", data=json.dumps(body).encode(),
                                     method="POST", headers={"Content-Type": "application/json",
                                                             **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, dict(response.headers), json.loads(response.read())


async def test_decode_gives_back_what_the_worker_encrypted(server):
    plain = Payload(metadata={"encoding": b"json/plain"}, data=b'{"employee": "Mette S\\u00f8rensen"}')
    [encrypted] = await server.codec.encode([plain])
    assert b"Mette" not in encrypted.data
    status, headers, body = post(server, "/decode", {"payloads": [json_format.MessageToDict(encrypted)]})
    assert status == 200 and headers["Access-Control-Allow-Origin"] == ORIGIN
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
        post(server, "/decode", {"payloads": [{"metadata": {"encoding": base64.b64encode(b"binary/encrypted")
                                                            .decode(), "encryption-key-id": base64.b64encode(
                                                                b"fasthold-aesgcm-v1").decode()},
                                               "data": base64.b64encode(b"not a ciphertext at all").decode()}]})
    assert bad.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as missing:
        post(server, "/steal", {})
    assert missing.value.code == 404
    assert post(server, "/decode", {"payloads": []})[0] == 200
