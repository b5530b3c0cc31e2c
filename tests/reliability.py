"""The reliability suite's tally: tests add what they tried and what happened; the run ends with one table.

Lost mails and duplicates with a different Message-ID must be 0, and so must forged replies accepted; the
tests assert that themselves, the table shows the whole picture (and the number of same-id duplicates, which
SMTP cannot rule out but the engine keeps low).
"""

from __future__ import annotations

from collections import Counter

TALLY: Counter = Counter()

ROWS = (
    ("cases run", "cases"),
    ("faults injected", "faults_injected"),
    ("faults survived", "faults_survived"),
    ("inputs tried", "inputs"),
    ("spoofs tried", "spoofs_tried"),
    ("spoofs refused", "spoofs_refused"),
    ("forged replies accepted", "spoofs_accepted"),
    ("mails expected", "mails_expected"),
    ("mails delivered", "mails_delivered"),
    ("mails lost", "mails_lost"),
    ("mails duplicated (same Message-ID)", "dup_same_id"),
    ("mails duplicated (different Message-ID)", "dup_different_id"),
)


def add(**counts: int) -> None:
    TALLY.update(counts)


def table() -> list[str]:
    width = max(len(label) for label, _ in ROWS)
    return [f"{label:<{width}}  {TALLY.get(key, 0):>8}" for label, key in ROWS]
