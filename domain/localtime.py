"""Danish local time: the one time zone of the engine.

Deadlines in Danish law are Danish calendar dates, and every person the engine writes to reads Danish time, so
the zone is a constant, not a setting. It is loaded once at import, outside the workflow sandbox, so workflow
code can turn instants into local dates without touching the zoneinfo database itself.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from domain.practice import MORNING

LOCAL_TZ_NAME = "Europe/Copenhagen"
LOCAL_TZ = ZoneInfo(LOCAL_TZ_NAME)


def local_date(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def local_end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=LOCAL_TZ)


def at_morning(day: date) -> datetime:
    """When a dated step of that day is taken: reminders and tasks reach people at the start of a working day."""
    return datetime.combine(day, MORNING, tzinfo=LOCAL_TZ)
