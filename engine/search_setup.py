"""Registers the project's search attributes on a Temporal namespace (idempotent)."""

from __future__ import annotations

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from engine.search_attributes import ALL


async def register_search_attributes(client: Client, namespace: str) -> list[str]:
    """Add the attributes the namespace lacks; returns their names."""
    try:
        existing = set(
            (
                await client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
            ).custom_attributes
        )
    except RPCError as err:
        # The time-skipping test server can add search attributes but not list them.
        if err.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        existing = set()
    missing = {key.name: IndexedValueType.ValueType(key.indexed_value_type) for key in ALL if key.name not in existing}
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)
