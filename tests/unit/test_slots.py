from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from domain.slots import WorkingHours, propose_slots

CPH = ZoneInfo("Europe/Copenhagen")
HOURS = WorkingHours()

# Weekday holidays and default closed days 2025-2026, by hand (not from the code under test).
HAND_NON_WORKING = {
    date(2025, 1, 1),
    date(2025, 4, 17),
    date(2025, 4, 18),
    date(2025, 4, 21),
    date(2025, 5, 29),
    date(2025, 6, 5),
    date(2025, 6, 9),
    date(2025, 12, 24),
    date(2025, 12, 25),
    date(2025, 12, 26),
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 4, 2),
    date(2026, 4, 3),
    date(2026, 4, 6),
    date(2026, 5, 14),
    date(2026, 5, 25),
    date(2026, 6, 5),
    date(2026, 12, 24),
    date(2026, 12, 25),
    date(2026, 12, 31),
}


def cph(y, mo, d, h=0, mi=0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=CPH)


def propose(earliest, latest_day, busy=(), **kwargs):
    return propose_slots(
        earliest=earliest, latest_day=latest_day, hours=kwargs.pop("hours", HOURS), busy=list(busy), **kwargs
    )


def test_first_slot_of_each_of_the_next_days():
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 21)) == [
        cph(2025, 3, 10, 9),
        cph(2025, 3, 11, 9),
        cph(2025, 3, 12, 9),
    ]


def test_results_are_aware_and_in_copenhagen():
    for slot in propose(cph(2025, 3, 10, 8), date(2025, 3, 21)):
        assert slot.tzinfo is not None
        assert slot.tzinfo.key == "Europe/Copenhagen"


def test_easter_days_are_skipped():
    assert propose(cph(2025, 4, 16, 12), date(2025, 4, 30)) == [
        cph(2025, 4, 16, 12),
        cph(2025, 4, 22, 9),
        cph(2025, 4, 23, 9),
    ]


def test_christmas_and_closed_days_are_skipped():
    assert propose(cph(2025, 12, 22, 8), date(2025, 12, 31)) == [
        cph(2025, 12, 22, 9),
        cph(2025, 12, 23, 9),
        cph(2025, 12, 29, 9),
    ]


def test_closed_days_argument_is_used():
    slots = propose(cph(2025, 12, 22, 8), date(2025, 12, 31), closed_days=[[12, 23]])
    assert slots == [cph(2025, 12, 22, 9), cph(2025, 12, 24, 9), cph(2025, 12, 29, 9)]


def test_busy_time_blocks_with_travel_buffer():
    busy = [(cph(2025, 3, 10, 9), cph(2025, 3, 10, 10))]
    # Blocked 08:30-10:30, so 9:00, 9:30 and 10:00 (ends 11:00 but starts inside) are out.
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 21), busy)[0] == cph(2025, 3, 10, 10, 30)


def test_without_travel_buffer_the_slot_right_after_is_free():
    busy = [(cph(2025, 3, 10, 9), cph(2025, 3, 10, 10))]
    slots = propose(cph(2025, 3, 10, 8), date(2025, 3, 21), busy, travel_buffer=timedelta(0))
    assert slots[0] == cph(2025, 3, 10, 10)


def test_busy_in_utc_is_compared_as_an_instant():
    # 08:00-09:00 UTC is 09:00-10:00 in Copenhagen in March (UTC+1).
    utc = timezone.utc
    busy = [(datetime(2025, 3, 10, 8, tzinfo=utc), datetime(2025, 3, 10, 9, tzinfo=utc))]
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 21), busy)[0] == cph(2025, 3, 10, 10, 30)


def test_buffer_touching_but_not_overlapping_is_free():
    # Busy 10:30-11:00 blocks 10:00-11:30; a 9:00-10:00 meeting ends exactly at 10:00.
    busy = [(cph(2025, 3, 10, 10, 30), cph(2025, 3, 10, 11))]
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 21), busy)[0] == cph(2025, 3, 10, 9)


def test_earliest_in_another_zone_and_between_grid_points():
    earliest = datetime(2025, 3, 10, 9, 15, tzinfo=timezone.utc)  # 10:15 local
    assert propose(earliest, date(2025, 3, 21))[0] == cph(2025, 3, 10, 10, 30)


def test_earliest_after_the_last_slot_moves_to_the_next_day():
    assert propose(cph(2025, 3, 10, 14, 1), date(2025, 3, 21)) == [
        cph(2025, 3, 11, 9),
        cph(2025, 3, 12, 9),
        cph(2025, 3, 13, 9),
    ]


def test_never_after_latest_day_and_spreads_before_doubling_up():
    assert propose(cph(2025, 12, 18, 7), date(2025, 12, 19)) == [
        cph(2025, 12, 18, 9),
        cph(2025, 12, 18, 10),
        cph(2025, 12, 19, 9),
    ]


def test_second_round_on_a_day_does_not_overlap_the_first():
    slots = propose(cph(2025, 3, 10, 8), date(2025, 3, 11), count=5)
    assert slots == [
        cph(2025, 3, 10, 9),
        cph(2025, 3, 10, 10),
        cph(2025, 3, 10, 11),
        cph(2025, 3, 11, 9),
        cph(2025, 3, 11, 10),
    ]


def test_only_the_given_weekdays():
    hours = WorkingHours(days=(1, 3))  # Tuesday and Thursday
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 31), hours=hours) == [
        cph(2025, 3, 11, 9),
        cph(2025, 3, 13, 9),
        cph(2025, 3, 18, 9),
    ]


def test_weekend_hours_never_give_weekend_slots():
    hours = WorkingHours(days=(5, 6))
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 31), hours=hours) == []


def test_full_calendar_returns_empty_list():
    busy = [(cph(2025, 3, 10, 0), cph(2025, 3, 15, 0))]
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 14), busy) == []


def test_latest_day_before_earliest_returns_empty_list():
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 9)) == []


def test_only_holidays_in_range_returns_empty_list():
    assert propose(cph(2025, 4, 17, 8), date(2025, 4, 21)) == []


def test_dst_spring_keeps_local_wall_clock_time():
    hours = WorkingHours(start=time(10), end=time(11))
    slots = propose(cph(2025, 3, 27), date(2025, 4, 4), hours=hours)
    assert slots == [cph(2025, 3, 27, 10), cph(2025, 3, 28, 10), cph(2025, 3, 31, 10)]
    assert [s.hour for s in slots] == [10, 10, 10]
    assert [s.astimezone(timezone.utc).hour for s in slots] == [9, 9, 8]  # CET, CET, CEST


def test_dst_autumn_keeps_local_wall_clock_time():
    hours = WorkingHours(start=time(10), end=time(11))
    slots = propose(cph(2025, 10, 23), date(2025, 11, 4), hours=hours)
    assert slots == [cph(2025, 10, 23, 10), cph(2025, 10, 24, 10), cph(2025, 10, 27, 10)]
    assert [s.astimezone(timezone.utc).hour for s in slots] == [8, 8, 9]  # CEST, CEST, CET


def test_ten_oclock_in_march_and_november_is_ten_local():
    hours = WorkingHours(start=time(10), end=time(11))
    march = propose(cph(2026, 3, 30), date(2026, 3, 30), hours=hours, count=1)
    november = propose(cph(2026, 11, 2), date(2026, 11, 2), hours=hours, count=1)
    assert [s.hour for s in march + november] == [10, 10]
    assert march[0].utcoffset() == timedelta(hours=2)
    assert november[0].utcoffset() == timedelta(hours=1)


def test_deterministic_and_independent_of_busy_order():
    busy = [
        (cph(2025, 3, 11, 9), cph(2025, 3, 11, 12)),
        (cph(2025, 3, 10, 13), cph(2025, 3, 10, 14)),
        (cph(2025, 3, 10, 9), cph(2025, 3, 10, 10)),
    ]
    first = propose(cph(2025, 3, 10, 8), date(2025, 3, 21), busy, count=4)
    assert first == propose(cph(2025, 3, 10, 8), date(2025, 3, 21), list(reversed(busy)), count=4)
    assert first == [cph(2025, 3, 10, 10, 30), cph(2025, 3, 11, 12, 30), cph(2025, 3, 12, 9), cph(2025, 3, 13, 9)]


def test_properties_over_two_years():
    # A crowded calendar: mornings busy on even days, afternoons on odd days, plus a
    # long block every 10th day. Every proposal must obey every rule.
    start = date(2025, 1, 1)
    busy = []
    for offset in range(0, 740):
        day = start + timedelta(days=offset)
        if offset % 2 == 0:
            busy.append((cph(day.year, day.month, day.day, 8), cph(day.year, day.month, day.day, 11)))
        else:
            busy.append((cph(day.year, day.month, day.day, 12), cph(day.year, day.month, day.day, 16)))
        if offset % 10 == 0:
            busy.append((cph(day.year, day.month, day.day, 0), cph(day.year, day.month, day.day, 23, 59)))
    buffer = timedelta(minutes=30)
    duration = timedelta(hours=1)
    for offset in range(0, 720, 3):
        first = start + timedelta(days=offset)
        earliest = cph(first.year, first.month, first.day, 10, 10)
        latest = first + timedelta(days=9)
        slots = propose(earliest, latest, busy)
        assert len(slots) <= 3
        assert slots == sorted(slots)
        assert len({s.date() for s in slots}) == len(slots)  # enough days: one per day
        for slot in slots:
            local = slot.astimezone(CPH)
            assert local.weekday() < 5 and local.date() not in HAND_NON_WORKING
            assert earliest <= slot and local.date() <= latest
            assert time(9) <= local.time() and (local + duration).time() <= time(15)
            for b_start, b_end in busy:
                assert not (b_start - buffer < slot + duration and slot < b_end + buffer)


def test_working_hours_accept_a_list_of_days():
    assert WorkingHours(days=[0, 2]).days == (0, 2)


def test_count_zero_returns_nothing():
    assert propose(cph(2025, 3, 10, 8), date(2025, 3, 21), count=0) == []


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(earliest=datetime(2025, 3, 10, 8)),
        dict(busy=[(datetime(2025, 3, 10, 9), cph(2025, 3, 10, 10))]),
        dict(duration=timedelta(0)),
        dict(step=timedelta(0)),
        dict(travel_buffer=timedelta(minutes=-1)),
        dict(hours=WorkingHours(start=time(15), end=time(9))),
    ],
)
def test_invalid_arguments_raise(kwargs):
    args = dict(earliest=cph(2025, 3, 10, 8), latest_day=date(2025, 3, 21), hours=HOURS, busy=[])
    args.update(kwargs)
    with pytest.raises(ValueError):
        propose_slots(**args)


def test_working_hours_and_slots_round_trip_through_temporal_pydantic_converter():
    from temporalio.contrib.pydantic import pydantic_data_converter

    hours = WorkingHours(days=(0, 2), start=time(8, 30), end=time(14))
    slots = propose(cph(2025, 10, 23), date(2025, 11, 4))
    converter = pydantic_data_converter.payload_converter
    back_hours, back_slots = converter.from_payloads(
        converter.to_payloads([hours, slots]), [WorkingHours, list[datetime]]
    )
    assert back_hours == hours
    assert back_slots == slots
    assert all(s.utcoffset() == o.utcoffset() for s, o in zip(back_slots, slots, strict=False))


def test_a_long_absence_that_began_before_the_window_still_blocks_its_days():
    # Away from 1 March until noon on 11 March: nothing on the 10th, the 11th only after noon and the buffer.
    busy = [(cph(2025, 3, 1, 0), cph(2025, 3, 11, 12))]
    slots = propose(cph(2025, 3, 10, 8), date(2025, 3, 11), busy, count=1)
    assert slots == [cph(2025, 3, 11, 12, 30)]
