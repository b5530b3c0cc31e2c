"""Hostile message shapes against the gateway's defences: what the gateway does with each (limits on the raw
bytes, then a parse bounded in time and memory in a child process) next to the bare reference (the standard
library parser in this process, as the gateway did before it measured shapes). Also the largest version of each shape
that the limits let through, parsed the bounded way: the worst a sender can make the gateway wait. And the
cost of the bounded parse for a genuine reply. Prints figures; asserts nothing about time.

    PYTHONPATH=. .venv/bin/python bench/bench_gateway_hostile.py [--scale 8000] [--reference-seconds 20]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mailing.bounded_parse import parse_bounded  # noqa: E402
from mailing.imip import ImipError, parse_inbound  # noqa: E402
from mailing.message_shape import shape_problem  # noqa: E402
from tests.fixtures.replies import FIXTURE_DIR  # noqa: E402
from tests.hostile_shapes import shapes  # noqa: E402

CALENDAR_LIMIT = 2_000_000


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def gateway_path(raw: bytes) -> tuple[float, str]:
    started = time.perf_counter()
    problem = shape_problem(raw)
    if problem:
        return time.perf_counter() - started, "refused before parsing"
    try:
        parse_bounded(raw, CALENDAR_LIMIT)
        outcome = "parsed"
    except ImipError as err:
        outcome = err.code
    return time.perf_counter() - started, outcome


_REFERENCE = """
import resource, sys, time
sys.path.insert(0, sys.argv[1])
from mailing.imip import ImipError, parse_inbound
from mailing.reply_policy import message_key
raw = sys.stdin.buffer.read()
started = time.perf_counter()
try:
    message_key(raw); parse_inbound(raw)
except ImipError:
    pass
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def reference(raw: bytes, limit: float) -> str:
    """The bare standard-library parse, as before: in a child only so that this run survives it."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _REFERENCE, str(ROOT)], input=raw, capture_output=True, timeout=limit
        )
        seconds, peak = (float(v) for v in done.stdout.split())
        return f"{seconds:8.2f} s  peak {peak:6.0f} MB"
    except subprocess.TimeoutExpired:
        return f"  > {limit:.0f} s (stopped)"
    except ValueError:
        return "  crashed"


def largest_passing(name: str, scale: int) -> bytes | None:
    """The largest version of a shape (by its scale) that the limits let through, by bisection."""
    low, high = 1, scale
    if shape_problem(shapes(low)[name]):
        return None
    while low < high:
        middle = (low + high + 1) // 2
        if shape_problem(shapes(middle)[name]):
            high = middle - 1
        else:
            low = middle
    return shapes(low)[name]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=8000, help="size of each shape (8000: the issue's sizes)")
    parser.add_argument("--reference-seconds", type=float, default=20.0, help="stop a bare parse after this")
    args = parser.parse_args()
    hostile = shapes(args.scale)
    print(f"{'shape':26s} {'size':>9s} | {'gateway':>9s}  outcome                 | bare stdlib parse (reference)")
    before = rss_mb()
    for name, raw in hostile.items():
        seconds, outcome = gateway_path(raw)
        print(
            f"{name:26s} {len(raw) / 1000:7.1f} kB | {seconds:7.3f} s  {outcome:22s} | "
            f"{reference(raw, args.reference_seconds)}"
        )
    print(f"gateway process peak RSS: {before:.0f} MB before, {rss_mb():.0f} MB after the hostile shapes")

    print("\nThe largest version of each shape the limits let through, parsed the bounded way:")
    for name in hostile:
        raw = largest_passing(name, args.scale)
        if raw is None:
            print(f"{name:26s} refused at any size")
            continue
        seconds, outcome = gateway_path(raw)
        print(
            f"{name:26s} {len(raw) / 1000:7.1f} kB | {seconds:7.3f} s  {outcome:22s} | "
            f"{reference(raw, args.reference_seconds)}"
        )

    genuine = (FIXTURE_DIR / "outlook_accept.eml").read_bytes()
    rounds = 10
    started = time.perf_counter()
    for _ in range(rounds):
        parse_inbound(genuine, CALENDAR_LIMIT)
    bare = (time.perf_counter() - started) / rounds
    started = time.perf_counter()
    for _ in range(rounds):
        gateway_path(genuine)
    bounded = (time.perf_counter() - started) / rounds
    print(
        f"\nA genuine reply (outlook_accept.eml), mean of {rounds}: bounded {bounded * 1000:.0f} ms, "
        f"bare in-process {bare * 1000:.1f} ms (the child's start is the difference)"
    )


if __name__ == "__main__":
    main()
