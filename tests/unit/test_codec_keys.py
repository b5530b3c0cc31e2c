"""Payload keys have ids: the current key encrypts, previous keys still decrypt, an unknown id is named."""

from __future__ import annotations

import base64
import os

import pytest
from temporalio.api.common.v1 import Payload

from config.settings import load_settings
from engine.codec import KEY_ID, EncryptionCodec, UnknownKeyError, codec_from_settings, parse_previous_keys

PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=b'{"name": "Mette"}')


async def test_rotation_keeps_old_payloads_readable():
    old_key, new_key = os.urandom(32), os.urandom(32)
    old = EncryptionCodec(old_key)
    [written_before] = await old.encode([PLAIN])
    assert written_before.metadata["encryption-key-id"] == KEY_ID

    rotated = EncryptionCodec(new_key, "v2", previous={KEY_ID: old_key})
    [written_after] = await rotated.encode([PLAIN])
    assert written_after.metadata["encryption-key-id"] == b"v2"
    assert await rotated.decode([written_before, written_after]) == [PLAIN, PLAIN]
    # A process that was not given the new key cannot read what it wrote, and says which key it lacks.
    with pytest.raises(UnknownKeyError, match="v2"):
        await old.decode([written_after])


def test_keys_from_settings():
    old, new = base64.b64encode(os.urandom(32)).decode(), base64.b64encode(os.urandom(32)).decode()
    settings = load_settings(
        env={
            "FASTHOLD_PAYLOAD_KEY": new,
            "FASTHOLD_PAYLOAD_KEY_ID": "2026-11",
            "FASTHOLD_PAYLOAD_PREVIOUS_KEYS": f"fasthold-aesgcm-v1={old}",
        }
    )
    codec = codec_from_settings(settings)
    assert codec.key_id == b"2026-11" and codec.key_ids == ["2026-11", "fasthold-aesgcm-v1"]
    assert parse_previous_keys("") == {}
    with pytest.raises(ValueError, match="id=base64key"):
        parse_previous_keys("nokey")
    with pytest.raises(ValueError, match="not valid base64"):
        parse_previous_keys("v1=???")
    with pytest.raises(ValueError, match="32 bytes"):
        EncryptionCodec(os.urandom(32), "v2", previous={"v1": b"short"})
