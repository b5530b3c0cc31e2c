"""Production settings: the same case paths with the register on a real PostgreSQL server.

The tests are imported from their modules, so they run here again with this module's `settings`, which
points the register at PostgreSQL; everything else (time-skipping server, SMTP server) is as there.
"""

from __future__ import annotations

import pytest

from tests.integration.test_case_paths import (  # noqa: F401  (collected again, on PostgreSQL)
    test_a_case_from_before_july_2026_breaches_the_statutory_week_eight_deadline,
    test_a_decline_leads_to_a_new_proposal_with_sequence_plus_one,
    test_an_unmet_week_eight_target_is_escalated_then_recorded_as_a_missed_target,
    test_concurrent_cases_never_double_book_one_caseworker,
    test_follow_ups_measure_and_reassessment,
    test_reassignment_gives_the_new_caseworker_the_open_tasks,
)
from tests.integration.test_case_slice import test_sick_report_to_closed_case  # noqa: F401
from tests.integration.test_law_paths import test_partial_recovery_keeps_the_case_running_with_follow_ups  # noqa: F401  (collected again, on PostgreSQL)


@pytest.fixture
def settings(settings, pg_url):
    return settings.replace(database_url=pg_url)


def test_this_module_really_uses_postgresql(settings, register):
    assert register.engine.dialect.name == "postgresql"
