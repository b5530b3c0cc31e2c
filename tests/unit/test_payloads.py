"""Every workflow instance gets its own payload converter; the type adapters behind them are built once per
process (engine/payloads.py), and values still round-trip exactly."""

from __future__ import annotations

from datetime import date

from domain.model import CaseInput, CaseState, Employee, Employer
from engine.payloads import SharedCachePayloadConverter, shared_type_adapter


def a_case() -> CaseInput:
    return CaseInput(
        "SAG-1",
        "101",
        date(2026, 11, 2),
        12,
        Employee("Mette Sørensen", "mette@example.dk"),
        Employer("Bageriet ApS", "12345674", "Nørrebrogade 10", "Henrik Lund", "henrik@example.dk"),
    )


def test_two_converters_share_the_adapters_and_round_trip():
    first, second = SharedCachePayloadConverter(), SharedCachePayloadConverter()
    payloads = first.to_payloads([a_case(), None])
    assert first.from_payloads(payloads, [CaseInput, CaseState | None]) == [a_case(), None]
    built = shared_type_adapter.cache_info().misses
    assert second.from_payloads(payloads, [CaseInput, CaseState | None]) == [a_case(), None]
    assert shared_type_adapter.cache_info().misses == built  # the second converter built nothing
