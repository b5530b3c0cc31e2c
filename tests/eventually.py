"""The one way a test waits for something that happens in another process or task: `eventually()`.

A server, a worker or a gateway does its work a moment after the call that set it off, so a test asks again
until the answer is there. Every such wait is bounded, and a wait that runs out fails the test with what it
waited for and the last answer it saw: never a silent return, never a fixed sleep that hopes it was enough.

    state = await eventually_async(lambda: handle.query(CaseWorkflow.state_now), what="the meeting booked",
                                   until=lambda s: s.meetings)
    mails = eventually(lambda: sink.to(address), what=f"a mail to {address}", timeout=15)

`check` returns the value to test (awaitable in `eventually_async`); `until` says when it is good enough
(default: the value is truthy); `what` may be a function, called only to word the failure (the state of
things when the wait ran out), and `show` words the last value seen (default: its repr, shortened). The
value that passed is returned. An exception of a type in `ignoring` counts as "not yet" (a server still
starting refuses connections); any other exception fails at once.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")

_NOTHING = object()


class _Attempts:
    """What one wait has seen so far, and the message it fails with."""

    def __init__(
        self,
        what: str | Callable[[], str],
        timeout: float,
        ignoring: tuple[type[BaseException], ...],
        show: Callable[[Any], str] | None,
    ):
        self.what, self.timeout, self.ignoring, self.show = what, timeout, ignoring, show or _short
        self.deadline = time.monotonic() + timeout
        self.tries = 0
        self.last: Any = _NOTHING
        self.last_error: BaseException | None = None

    def saw(self, value: Any) -> None:
        self.tries += 1
        self.last, self.last_error = value, None

    def failed(self, err: BaseException) -> None:
        if not isinstance(err, self.ignoring):
            raise err
        self.tries += 1
        self.last_error = err

    def over(self) -> bool:
        return time.monotonic() >= self.deadline

    def give_up(self) -> AssertionError:
        seen = (
            f"last error: {self.last_error!r}"
            if self.last_error is not None
            else "nothing was returned"
            if self.last is _NOTHING
            else f"last seen: {self.show(self.last)}"
        )
        what = self.what() if callable(self.what) else self.what
        error = AssertionError(f"waited {self.timeout:g} s ({self.tries} tries) for {what}; {seen}")
        error.__cause__ = self.last_error
        return error


def _short(value: Any, limit: int = 2000) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


def _truthy(value: Any) -> bool:
    return bool(value)


def eventually(
    check: Callable[[], T],
    *,
    what: str | Callable[[], str],
    timeout: float = 30.0,
    every: float = 0.2,
    until: Callable[[T], Any] = _truthy,
    ignoring: tuple[type[BaseException], ...] = (),
    show: Callable[[T], str] | None = None,
) -> T:
    """Call `check` every `every` seconds until `until(value)` holds; return that value, or fail after
    `timeout` seconds naming `what` and the last value (or error) seen. For plain (blocking) tests."""
    attempts = _Attempts(what, timeout, ignoring, show)
    while True:
        try:
            value = check()
        except Exception as err:
            attempts.failed(err)
        else:
            attempts.saw(value)
            if until(value):
                return value
        if attempts.over():
            raise attempts.give_up()
        time.sleep(every)


async def eventually_async(
    check: Callable[[], T | Awaitable[T]],
    *,
    what: str | Callable[[], str],
    timeout: float = 30.0,
    every: float = 0.1,
    until: Callable[[T], Any] = _truthy,
    ignoring: tuple[type[BaseException], ...] = (),
    show: Callable[[T], str] | None = None,
) -> T:
    """The same wait inside an event loop: `check` may return a value or an awaitable, and the loop runs
    (the worker, the SMTP server, the gateway in the same process go on) between tries."""
    attempts = _Attempts(what, timeout, ignoring, show)
    while True:
        try:
            value = check()
            if inspect.isawaitable(value):
                value = await value
        except Exception as err:
            attempts.failed(err)
        else:
            attempts.saw(value)
            if until(value):
                return value  # type: ignore[return-value]
        if attempts.over():
            raise attempts.give_up()
        await asyncio.sleep(every)
