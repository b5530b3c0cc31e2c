"""Danish local time. The zone is loaded once at import, outside the workflow sandbox, so workflow code can
turn instants into local dates without touching the zoneinfo database itself."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")


def local_date(instant: datetime) -> date:
    return instant.astimezone(LOCAL_TZ).date()


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def local_end_of_day(day: date) -> datetime:
    return datetime.combine(day, time(23, 59), tzinfo=LOCAL_TZ)
