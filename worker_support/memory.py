"""Keep the worker's resident memory flat: at most a few glibc malloc arenas.

glibc gives each thread that allocates its own arena, up to eight per core, and memory freed in one arena is
not reused by another. The worker has many threads (the activity executor, the SDK's Rust core, the metrics
server), so a burst leaves several half-empty arenas behind. Two arenas is the setting commonly used for
threaded Python servers; it must be set before those threads start. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # from glibc's malloc.h


def limit_malloc_arenas(arenas: int) -> bool:
    """Ask glibc for at most `arenas` malloc arenas; False where there is no glibc (or 0 asked: no limit)."""
    if arenas <= 0:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False
