"""Connecting to Temporal with the project's data converter (payload encryption) and connection security.

Every process (worker, mail gateway, command line, web) connects through `connect`, so pointing them all at a
self-hosted cluster with mTLS, or at Temporal Cloud with an API key, is a matter of settings only:

    FASTHOLD_TEMPORAL_TLS_CERT_FILE / _KEY_FILE (+ _CA_FILE, _SERVER_NAME)   mTLS to a self-hosted cluster
    FASTHOLD_TEMPORAL_API_KEY (+ FASTHOLD_TEMPORAL_NAMESPACE=<ns>.<account>)  Temporal Cloud
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import temporalio.converter
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DefaultFailureConverterWithEncodedAttributes
from temporalio.service import TLSConfig

from config.settings import Settings, SettingsError
from engine.codec import codec_from_settings
from engine.payloads import SharedCachePayloadConverter


def data_converter(settings: Settings) -> temporalio.converter.DataConverter:
    # The pydantic converter round-trips dates, tuples and nested dataclasses that the default one does not.
    # Failure messages and stack traces are encoded (so encrypted) too: an error's text may quote case data.
    return dataclasses.replace(
        pydantic_data_converter,
        payload_converter_class=SharedCachePayloadConverter,
        payload_codec=codec_from_settings(settings),
        failure_converter_class=DefaultFailureConverterWithEncodedAttributes,
    )


class ConnectionSettingsError(SettingsError):
    """Settings that cannot make a connection, with the cause in Danish for the person at a terminal."""

    def __init__(self, english: str, danish: str):
        super().__init__(english)
        self.danish = danish


def _read(path: str, setting: str) -> bytes:
    try:
        return Path(path).expanduser().read_bytes()
    except OSError as err:
        name = f"FASTHOLD_{setting.upper()}"
        raise ConnectionSettingsError(
            f"{name}: cannot read {path}: {err.strerror}", f"Kan ikke læse filen {path} ({name}): {err.strerror}."
        ) from None


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS for the connection: False (plain, the dev server), True (system CAs) or a TLSConfig (mTLS, own CA)."""
    cert, key = settings.temporal_tls_cert_file, settings.temporal_tls_key_file
    if bool(cert) != bool(key):
        raise ConnectionSettingsError(
            "FASTHOLD_TEMPORAL_TLS_CERT_FILE and FASTHOLD_TEMPORAL_TLS_KEY_FILE go together (mTLS)",
            "FASTHOLD_TEMPORAL_TLS_CERT_FILE og FASTHOLD_TEMPORAL_TLS_KEY_FILE skal sættes sammen (mTLS): "
            f"{'nøglen' if cert else 'certifikatet'} mangler.",
        )
    wanted = (
        settings.temporal_tls or bool(cert) or bool(settings.temporal_api_key) or bool(settings.temporal_tls_ca_file)
    )
    if not wanted:
        return False
    if not (cert or settings.temporal_tls_ca_file or settings.temporal_tls_server_name):
        return True
    return TLSConfig(
        server_root_ca_cert=_read(settings.temporal_tls_ca_file, "temporal_tls_ca_file")
        if settings.temporal_tls_ca_file
        else None,
        client_cert=_read(cert, "temporal_tls_cert_file") if cert else None,
        client_private_key=_read(key, "temporal_tls_key_file") if key else None,
        domain=settings.temporal_tls_server_name or None,
    )


def connect_options(settings: Settings) -> dict:
    """Keyword arguments for `Client.connect`, from settings alone (tested without a server)."""
    return {
        "target_host": settings.temporal_address,
        "namespace": settings.temporal_namespace,
        "data_converter": data_converter(settings),
        "tls": tls_config(settings),
        "api_key": settings.temporal_api_key or None,
    }


async def connect(settings: Settings, **overrides) -> Client:
    return await Client.connect(**{**connect_options(settings), **overrides})
