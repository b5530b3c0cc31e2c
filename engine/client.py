"""Connecting to Temporal with the project's data converter (payload encryption)."""
from __future__ import annotations

import dataclasses

import temporalio.converter
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DefaultFailureConverterWithEncodedAttributes

from config.settings import Settings
from engine.codec import EncryptionCodec, load_key


def data_converter(settings: Settings) -> temporalio.converter.DataConverter:
    # The pydantic converter round-trips dates, tuples and nested dataclasses that the default one does not.
    # Failure messages and stack traces are encoded (so encrypted) too: an error's text may quote case data.
    codec = EncryptionCodec(load_key(settings.payload_key, settings.data_path))
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec,
                               failure_converter_class=DefaultFailureConverterWithEncodedAttributes)


async def connect(settings: Settings) -> Client:
    return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace,
                                data_converter=data_converter(settings))
