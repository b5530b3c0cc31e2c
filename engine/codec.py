"""Payload encryption: names, e-mail addresses and CPR numbers in workflow payloads are stored encrypted.

AES-256-GCM. Every encrypted payload names the key that encrypted it (metadata `encryption-key-id`), so keys
can be rotated without stopping running cases: the current key encrypts, the previous keys only decrypt
what was written with them. A case that lives for a year keeps old payloads in its history; they stay
readable for as long as their key is listed (FASTHOLD_PAYLOAD_PREVIOUS_KEYS), see the README's runbook.

Temporal's server and UI see only ciphertext; the codec server (ops/codec_server.py) lets authorised
operators decode in the UI.
"""

from __future__ import annotations

import base64
import binascii
import copy
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec, SerializationContext, WithSerializationContext

ENCODING = b"binary/encrypted"
# The id of the one key used before keys had ids of their own: histories written then carry it.
KEY_ID = b"fasthold-aesgcm-v1"


class UnknownKeyError(ValueError):
    """A payload was encrypted with a key this process does not have (not current, not among the previous)."""

    def __init__(self, key_id: str, workflow_id: str = ""):
        where = f" (workflow {workflow_id})" if workflow_id else ""
        super().__init__(f"unknown payload key id {key_id!r}{where}; add it to FASTHOLD_PAYLOAD_PREVIOUS_KEYS")
        self.key_id, self.workflow_id = key_id, workflow_id


class KeyMismatchError(UnknownKeyError):
    """A payload names a key id this process has, but its key is another one: two keys were made under one id
    (an empty FASTHOLD_PAYLOAD_KEY makes each machine generate its own under the default id)."""

    def __init__(self, key_id: str, workflow_id: str = ""):
        where = f" (workflow {workflow_id})" if workflow_id else ""
        ValueError.__init__(
            self, f"payload key id {key_id!r}{where} names another key than this process's key of that id"
        )
        self.key_id, self.workflow_id = key_id, workflow_id


class EncryptionCodec(PayloadCodec, WithSerializationContext):
    workflow_id = ""  # of the payloads at hand, when the SDK says (its own failure lines name only the run)

    def with_context(self, context: SerializationContext) -> EncryptionCodec:
        workflow_id = getattr(context, "workflow_id", None) or ""
        if workflow_id == self.workflow_id:
            return self
        bound = copy.copy(self)
        bound.workflow_id = workflow_id
        return bound

    def __init__(self, key: bytes, key_id: bytes | str = KEY_ID, previous: Mapping[bytes | str, bytes] | None = None):
        self.key_id = key_id.encode() if isinstance(key_id, str) else key_id
        self._keys: dict[bytes, AESGCM] = {}
        for kid, material in {**(previous or {}), self.key_id: key}.items():
            kid = kid.encode() if isinstance(kid, str) else kid
            if len(material) != 32:
                raise ValueError(
                    f"payload key {kid.decode(errors='replace')!r} must be 32 bytes (base64 of 32 random bytes)"
                )
            self._keys[kid] = AESGCM(material)
        self._aes = self._keys[self.key_id]

    @property
    def key_ids(self) -> list[str]:
        return sorted(k.decode() for k in self._keys)

    async def encode(self, payloads: Iterable[Payload]) -> list[Payload]:
        return [
            Payload(
                metadata={"encoding": ENCODING, "encryption-key-id": self.key_id},
                data=self._encrypt(p.SerializeToString()),
            )
            for p in payloads
        ]

    async def decode(self, payloads: Iterable[Payload]) -> list[Payload]:
        out = []
        for p in payloads:
            if p.metadata.get("encoding") != ENCODING:
                out.append(p)
                continue
            kid = p.metadata.get("encryption-key-id", b"")
            aes = self._keys.get(kid)
            if aes is None:
                raise UnknownKeyError(kid.decode(errors="replace"), self.workflow_id)
            try:
                out.append(Payload.FromString(aes.decrypt(p.data[:12], p.data[12:], None)))
            except InvalidTag:
                raise KeyMismatchError(kid.decode(errors="replace"), self.workflow_id) from None
        return out

    def _encrypt(self, data: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aes.encrypt(nonce, data, None)


def _b64key(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except (ValueError, binascii.Error):
        raise ValueError(f"{what} is not valid base64") from None


def load_key(configured: str, data_dir: Path) -> bytes:
    """The configured key, or for local use a key generated once into the data directory."""
    if configured:
        return _b64key(configured, "FASTHOLD_PAYLOAD_KEY")
    path = data_dir / "payload.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(AESGCM.generate_key(bit_length=256)).decode())
    return base64.b64decode(path.read_text().strip())


def parse_previous_keys(text: str) -> dict[bytes, bytes]:
    """`id=base64key,id=base64key` (FASTHOLD_PAYLOAD_PREVIOUS_KEYS): keys that only decrypt."""
    keys: dict[bytes, bytes] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        kid, sep, material = item.partition("=")
        if not sep or not kid.strip():
            raise ValueError("FASTHOLD_PAYLOAD_PREVIOUS_KEYS: expected id=base64key[,id=base64key]")
        # base64 may end in '=': partition at the first '=' keeps the padding with the key.
        keys[kid.strip().encode()] = _b64key(material, f"FASTHOLD_PAYLOAD_PREVIOUS_KEYS ({kid.strip()})")
    return keys


def codec_from_settings(settings) -> EncryptionCodec:
    """The codec every process uses: the current key (with its id) plus the previous keys for reading."""
    return EncryptionCodec(
        load_key(settings.payload_key, settings.data_path),
        settings.payload_key_id,
        parse_previous_keys(settings.payload_previous_keys),
    )
