"""The worker's malloc arena limit reaches glibc (worker_support/memory.py); 0 leaves glibc's default."""

from __future__ import annotations

from worker_support.memory import limit_malloc_arenas


def test_glibc_takes_the_limit():  # the machines this runs on are Debian: glibc
    assert limit_malloc_arenas(2) is True


def test_no_limit_asked_changes_nothing():
    assert limit_malloc_arenas(0) is False
