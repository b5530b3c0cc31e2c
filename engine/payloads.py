"""The payload converter: pydantic's, with one cache of type adapters for the whole process.

The worker builds a payload converter for every workflow instance it loads (each case taken into memory or
replayed), and pydantic's converter keeps its type adapters per converter. So every instance built the
adapters for CaseInput, CaseState and each activity's result from scratch: about 7 % of the worker's time
while cases were opened (py-spy, bench/bench_memory.py). Adapters depend only on the type and are safe to
share between threads, so one bounded cache serves them all.
"""

from __future__ import annotations

import functools

from pydantic import TypeAdapter
from temporalio.contrib.pydantic import PydanticJSONPlainPayloadConverter, PydanticPayloadConverter

ADAPTERS_KEPT = 1024  # distinct type hints: a few dozen are used; the bound only guards against surprises

shared_type_adapter = functools.lru_cache(maxsize=ADAPTERS_KEPT)(TypeAdapter)


class SharedCachePayloadConverter(PydanticPayloadConverter):
    def __init__(self) -> None:
        super().__init__()
        for converter in self.converters.values():
            if isinstance(converter, PydanticJSONPlainPayloadConverter):
                converter._type_adapter = shared_type_adapter
