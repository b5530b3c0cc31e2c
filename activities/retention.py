"""The retention activity: erase personal data of cases that ended longer ago than the configured time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from temporalio import activity

from register.db import Register
from register.retention import cutoff_for, erase_ended_before


@dataclass(frozen=True)
class RetentionRequest:
    retention_days: int


@dataclass(frozen=True)
class RetentionDone:
    cases: int
    identities: int


class RetentionActivities:
    def __init__(self, register: Register):
        self.register = register

    @activity.defn
    def erase_personal_data(self, request: RetentionRequest) -> RetentionDone:
        now = datetime.now(timezone.utc)
        result = erase_ended_before(self.register, cutoff_for(now, request.retention_days), now)
        activity.logger.info("retention: personal data erased for %s case(s)", result.cases)
        return RetentionDone(result.cases, result.identities)
