"""Proposing meeting times for the first follow-up meeting at the workplace.

Pure and deterministic: the busy intervals come from an activity; this module only chooses.
Workflow code must import it within `workflow.unsafe.imports_passed_through()`, because
the sandbox hands out proxied ZoneInfo objects that `datetime` refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from domain.calendar_dk import DEFAULT_CLOSED_DAYS, ClosedDays, is_working_day, normalise_closed_days
from domain.localtime import LOCAL_TZ_NAME


@dataclass(frozen=True)
class WorkingHours:
    """When the caseworker can hold meetings, as local wall-clock times."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    start: time = time(9, 0)
    end: time = time(15, 0)

    def __post_init__(self) -> None:
        # A JSON round trip through Temporal turns the tuple into a list.
        object.__setattr__(self, "days", tuple(self.days))


def _by_local_day(
    blocked: list[tuple[datetime, datetime]], zone: tzinfo, first: date, last: date
) -> dict[date, list[tuple[datetime, datetime]]]:
    """The blocked intervals under each local day they touch, within [first, last]: a slot lies within one
    local day, so only that day's intervals can clash with it. Without this, a caseworker with many booked
    meetings made every proposal scan all of them for every candidate slot (seen in a profile of 1,000 cases)."""
    found: dict[date, list[tuple[datetime, datetime]]] = {}
    for start, end in blocked:
        day, until = max(start.astimezone(zone).date(), first), min(end.astimezone(zone).date(), last)
        while day <= until:
            found.setdefault(day, []).append((start, end))
            day += timedelta(days=1)
    return found


def propose_slots(
    *,
    earliest: datetime,
    latest_day: date,
    hours: WorkingHours,
    busy: Sequence[tuple[datetime, datetime]],
    duration: timedelta = timedelta(hours=1),
    count: int = 3,
    step: timedelta = timedelta(minutes=30),
    tz: str = LOCAL_TZ_NAME,
    closed_days: ClosedDays = DEFAULT_CLOSED_DAYS,
    travel_buffer: timedelta = timedelta(minutes=30),
) -> list[datetime]:
    """Up to `count` meeting start times, in chronological order, aware in `tz`.

    Candidates start at hours.start and every `step` after it, end by hours.end, fall on
    working days in hours.days, start at or after `earliest` and on or before `latest_day`
    (local date). A candidate is free when it does not touch any busy interval widened by
    `travel_buffer` on both sides, since the caseworker travels to the workplace.

    Proposals are spread: first the earliest free slot of each day, day by day; only when
    the days run out does a day get a second proposal (one that does not overlap its
    first). An empty list means nothing fits and the caller should escalate.
    """
    _require_aware("earliest", earliest)
    if duration <= timedelta(0) or step <= timedelta(0):
        raise ValueError("duration and step must be positive")
    if travel_buffer < timedelta(0):
        raise ValueError("travel_buffer must not be negative")
    if hours.start >= hours.end:
        raise ValueError("working hours must start before they end")
    if count < 1:
        return []

    zone = _zone(tz)
    blocked = []
    for index, (start, end) in enumerate(busy):
        _require_aware(f"busy[{index}] start", start)
        _require_aware(f"busy[{index}] end", end)
        blocked.append((start - travel_buffer, end + travel_buffer))
    closed = normalise_closed_days(closed_days)
    allowed_weekdays = frozenset(hours.days)
    blocked_on = _by_local_day(blocked, zone, earliest.astimezone(zone).date(), latest_day)

    def free_slots(day: date) -> list[datetime]:
        slots = []
        slot = datetime.combine(day, hours.start, tzinfo=zone)
        last_end = datetime.combine(day, hours.end, tzinfo=zone)
        todays = blocked_on.get(day, ())
        # Wall-clock arithmetic on purpose: 10:00 stays 10:00 local across DST changes.
        while slot + duration <= last_end:
            slot_end = slot + duration
            if slot >= earliest and not any(b_start < slot_end and slot < b_end for b_start, b_end in todays):
                slots.append(slot)
            slot += step
        return slots

    per_day: list[list[datetime]] = []
    day = earliest.astimezone(zone).date()
    while day <= latest_day:
        if day.weekday() in allowed_weekdays and is_working_day(day, closed):
            slots = free_slots(day)
            if slots:
                per_day.append(slots)
                if len(per_day) == count:
                    break  # one per day already fills the list
        day += timedelta(days=1)

    chosen: list[list[datetime]] = [[] for _ in per_day]
    total = 0
    while total < count:
        added = False
        for slots, picked in zip(per_day, chosen, strict=True):
            if total == count:
                break
            after = picked[-1] + duration if picked else None
            nxt = next((s for s in slots if after is None or s >= after), None)
            if nxt is not None:
                picked.append(nxt)
                total += 1
                added = True
        if not added:
            break
    return sorted(s for picked in chosen for s in picked)


def _zone(name: str) -> tzinfo:
    zone = ZoneInfo(name)
    try:
        datetime(2000, 1, 1, tzinfo=zone)
    except TypeError:
        # Temporal's sandbox wraps ZoneInfo objects in a proxy that datetime rejects.
        raise RuntimeError(
            "ZoneInfo is unusable inside Temporal's workflow sandbox: import domain.slots "
            "within workflow.unsafe.imports_passed_through()"
        ) from None
    return zone


def _require_aware(what: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")
