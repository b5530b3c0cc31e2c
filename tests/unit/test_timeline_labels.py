"""Every timeline event the workflows note has a Danish name: people read the timeline, not the code's words
("partial recovery", "info form sent" were shown as they stood)."""

from __future__ import annotations

import re
from pathlib import Path

from domain.labels import EVENT, event

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / "workflows"
DECISIONS = ROOT / "domain" / "decisions"  # a decision notes an event as an effect: Note("...")


def noted_events() -> set[str]:
    found = set()
    for path in WORKFLOWS.glob("*.py"):
        found |= set(re.findall(r'self\.note\("([a-z_]+)"', path.read_text(encoding="utf-8")))
    for path in DECISIONS.glob("*.py"):
        found |= set(re.findall(r'\bNote\("([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_the_walk_finds_the_events():
    assert {"meeting_booked", "partial_recovery", "caseworker_reassigned"} <= noted_events()


def test_every_noted_event_has_a_danish_name():
    missing = sorted(e for e in noted_events() if e not in EVENT)
    assert not missing, missing
    assert all("_" not in event(e) for e in noted_events())
