"""The README's hostile-shape benchmark command runs (small scale) and prints every shape with its outcome."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.hostile_shapes import shapes

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_and_reports_every_shape():
    done = subprocess.run(
        [sys.executable, "bench/bench_gateway_hostile.py", "--scale", "8000", "--reference-seconds", "2"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    first_table = done.stdout.split("The largest version")[0]
    for name in shapes(10):
        assert f"{name} " in first_table and "refused before parsing" in first_table.split(name, 1)[1].split("\n")[0]
    assert "A genuine reply" in done.stdout
