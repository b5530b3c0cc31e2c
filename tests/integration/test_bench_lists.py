"""The README's list-page benchmark runs as documented (small numbers here), and its own checks hold: every
page shows all of the caseworker's cases and tasks, read from the register without Temporal. No time is
asserted: the figures are for BENCHMARKS.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_lists_runs_and_prints_every_page_beside_its_reference():
    done = subprocess.run(
        [sys.executable, "bench/bench_lists.py", "--cases", "120", "--mine", "40", "--loads", "2", "--churn", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for page in ("Mine opgaver", "Mine sager", "Team (", "reference: sign-in page"):
        assert page in done.stdout, done.stdout
