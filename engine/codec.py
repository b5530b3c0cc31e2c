"""Payload encryption: names, e-mail addresses and CPR numbers in workflow payloads are stored encrypted.

AES-256-GCM with a key from the settings (or a key file generated for local use). Temporal's server and UI
see only ciphertext; the codec server (engine/codec_server.py) lets authorised operators decode in the UI.
"""
from __future__ import annotations

import base64
import os
from pathlib import Path
from typing import Iterable, List

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = b"fasthold-aesgcm-v1"


class EncryptionCodec(PayloadCodec):
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("payload key must be 32 bytes (base64 of 32 random bytes)")
        self._aes = AESGCM(key)

    async def encode(self, payloads: Iterable[Payload]) -> List[Payload]:
        return [
            Payload(metadata={"encoding": ENCODING, "encryption-key-id": KEY_ID}, data=self._encrypt(p.SerializeToString()))
            for p in payloads
        ]

    async def decode(self, payloads: Iterable[Payload]) -> List[Payload]:
        out = []
        for p in payloads:
            if p.metadata.get("encoding") != ENCODING:
                out.append(p)
                continue
            if p.metadata.get("encryption-key-id") != KEY_ID:
                raise ValueError(f"unknown payload key id {p.metadata.get('encryption-key-id')!r}")
            out.append(Payload.FromString(self._decrypt(p.data)))
        return out

    def _encrypt(self, data: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aes.encrypt(nonce, data, None)

    def _decrypt(self, data: bytes) -> bytes:
        return self._aes.decrypt(data[:12], data[12:], None)


def load_key(configured: str, data_dir: Path) -> bytes:
    """The configured key, or for local use a key generated once into the data directory."""
    if configured:
        try:
            return base64.b64decode(configured, validate=True)
        except ValueError:
            raise ValueError("FASTHOLD_PAYLOAD_KEY is not valid base64") from None
    path = data_dir / "payload.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(AESGCM.generate_key(bit_length=256)).decode())
    return base64.b64decode(path.read_text().strip())
