"""The suite must not depend on the day it runs (it went red on 4 December 2026 when a simulation met
Christmas). A test takes its days from tests/dates.py or from its server's clock; the machine's clock is read
only where a test really means the real now (a certificate checked by TLS against the real clock, a DTSTAMP,
a dev server whose clock is the real one), and such a line says so with a `# real now:` comment."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent
MACHINE_CLOCK = re.compile(r"\b(date\.today\(\)|datetime\.now\(|datetime\.utcnow\(|time\.time\(\))")
# Code that writes these calls as text to check other code, or that defines the suite's today.
EXEMPT = {"unit/test_workflow_determinism.py", "unit/test_no_machine_dates.py", "dates.py"}


def machine_clock_reads(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        if name in EXEMPT or name.startswith("vendor/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if MACHINE_CLOCK.search(line) and "# real now:" not in line:
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_no_test_reads_the_machines_date_without_saying_why():
    assert machine_clock_reads(TESTS) == []


def test_the_check_finds_a_machine_date(tmp_path):
    (tmp_path / "test_x.py").write_text(
        "first = date.today() - timedelta(days=14)\nstamp = datetime.now(timezone.utc)  # real now: a DTSTAMP\n"
    )
    assert machine_clock_reads(tmp_path) == ["test_x.py:1: first = date.today() - timedelta(days=14)"]
