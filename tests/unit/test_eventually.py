"""The tests' one waiting helper: it returns what it waited for, and a wait that runs out fails loudly with what
it waited for and what it last saw (a silent timeout would let a test pass on a state it never reached)."""

from __future__ import annotations

import itertools

import pytest

from tests.eventually import eventually, eventually_async


def test_it_returns_the_first_value_that_is_good_enough():
    counter = itertools.count()
    assert eventually(lambda: next(counter), until=lambda n: n >= 3, what="three", every=0.001) == 3


def test_a_wait_that_runs_out_names_what_it_waited_for_and_the_last_value():
    with pytest.raises(AssertionError) as failure:
        eventually(lambda: [], what="a mail to anna@example.com", timeout=0.05, every=0.01)
    assert "a mail to anna@example.com" in str(failure.value) and "last seen: []" in str(failure.value)


def test_an_error_it_was_told_to_ignore_is_not_yet_and_is_shown_at_the_end():
    def refused():
        raise ConnectionRefusedError("nothing listens")

    with pytest.raises(AssertionError, match="nothing listens") as failure:
        eventually(refused, what="the server", timeout=0.05, every=0.01, ignoring=(ConnectionError,))
    assert isinstance(failure.value.__cause__, ConnectionRefusedError)


def test_any_other_error_fails_at_once():
    calls = []

    def broken():
        calls.append(1)
        raise KeyError("bug")

    with pytest.raises(KeyError):
        eventually(broken, what="anything", timeout=5, every=0.01, ignoring=(ConnectionError,))
    assert len(calls) == 1


def test_the_failure_can_describe_the_state_of_things_when_it_ran_out():
    seen = {"phase": "booking"}
    with pytest.raises(AssertionError, match="phase is booking") as failure:
        eventually(lambda: None, what=lambda: f"the meeting held (phase is {seen['phase']})", timeout=0.02, every=0.01)
    assert "nothing was returned" not in str(failure.value)


async def test_the_async_wait_awaits_what_the_check_returns_and_lets_the_loop_run():
    import asyncio

    box: list[int] = []
    asyncio.get_running_loop().call_later(0.05, box.append, 7)

    async def look():
        return list(box)

    assert await eventually_async(look, what="the value", timeout=2, every=0.01) == [7]


async def test_the_async_wait_fails_loudly_too():
    with pytest.raises(AssertionError, match=r"waited 0.05 s .* for the case settled; last seen: 'busy'"):
        await eventually_async(
            lambda: "busy", until=lambda s: s == "idle", what="the case settled", timeout=0.05, every=0.01
        )
