"""Secrets for the embedded run: the configured value, or one generated once into the data directory.

Production sets every secret in its environment; a fresh machine running `scripts/run.sh` gets working ones
with nothing to configure, kept across restarts (owner-readable only).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def local_secret(configured: str, data_dir: Path, filename: str, *, nbytes: int = 32) -> str:
    if configured:
        return configured
    path = data_dir / filename
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it meanwhile: use theirs
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
    return path.read_text(encoding="utf-8").strip()


def web_secret(settings) -> str:
    return local_secret(settings.web_secret, settings.data_path, "web-secret.key")


def local_password(settings) -> str:
    return local_secret(settings.local_password, settings.data_path, "local-password.txt", nbytes=12)
