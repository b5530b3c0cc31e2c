"""Typed search attributes: what operations filter cases by in Temporal UI. Never personal data."""

from temporalio.common import SearchAttributeKey

CASE_REFERENCE = SearchAttributeKey.for_keyword("CaseReference")
MUNICIPALITY = SearchAttributeKey.for_keyword("Municipality")
CASEWORKER = SearchAttributeKey.for_keyword("Caseworker")
CASE_PHASE = SearchAttributeKey.for_keyword("CasePhase")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
DEADLINE_BREACHED = SearchAttributeKey.for_bool("DeadlineBreached")

ALL = (CASE_REFERENCE, MUNICIPALITY, CASEWORKER, CASE_PHASE, NEXT_DEADLINE, DEADLINE_BREACHED)

# The names and types the dev server is started with (`temporal server start-dev --search-attribute`).
CLI_TYPES = {"keyword": "Keyword", "datetime": "Datetime", "bool": "Bool"}


def cli_flags() -> list[str]:
    flags = []
    for key in ALL:
        flags += ["--search-attribute", f"{key.name}={CLI_TYPES[key.indexed_value_type.name.lower()]}"]
    return flags
