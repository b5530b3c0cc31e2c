"""Which of the caseworker's rules a meeting time named by hand breaks: outside her working days and hours, on
a day the job centre is closed (weekend, public holiday, the municipality's closed days), or after the
meeting's deadline. Such a time is not refused outright (sometimes it is what everyone agreed), but it needs
the caseworker's explicit confirmation, and the audit trail records which rules it broke."""

from __future__ import annotations

from datetime import date, datetime, time

from domain.calendar_dk import ClosedDays, is_working_day
from domain.localtime import LOCAL_TZ
from domain.model import Caseworker

OUTSIDE_HOURS, CLOSED_DAY, PAST_DEADLINE = "outside_hours", "closed_day", "past_deadline"


def rules_broken(
    start: datetime, end: datetime, worker: Caseworker, closed_days: ClosedDays, deadline: date | None
) -> tuple[str, ...]:
    local_start, local_end = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
    broken = []
    if not is_working_day(local_start.date(), closed_days):
        broken.append(CLOSED_DAY)
    if (
        local_start.weekday() not in tuple(worker.work_days)
        or local_start.date() != local_end.date()
        or local_start.time() < time.fromisoformat(worker.work_start)
        or local_end.time() > time.fromisoformat(worker.work_end)
    ):
        broken.append(OUTSIDE_HOURS)
    if deadline is not None and local_start.date() > deadline:
        broken.append(PAST_DEADLINE)
    return tuple(broken)
