"""What a case update reports back when it has done what was asked: a typed result, not a prefixed string.

`kind` names the outcome (the confirmation text is chosen by the command and this kind), `value` carries the
one figure the text needs (a date in ISO form, a track, a name). A workflow update returns it; the service
layer and every entry point read its fields, never parse a string.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UpdateResult:
    kind: str = "done"  # e.g. "done", "consent_due", "given", "task_created", "already_given"
    value: str = ""

    @property
    def shown(self) -> str:
        """The one word an answer is known by where only a word fits (a delivered attendee answer's outcome):
        the value, or the kind when there is no value ("task_created")."""
        return self.value or self.kind


def done(value: object = "") -> UpdateResult:
    """The ordinary outcome, carrying one value (a status, a date, an id; enums as their value)."""
    return UpdateResult("done", str(value))


def from_legacy(text: str | UpdateResult | dict[str, object]) -> UpdateResult:
    """An update result as the workflows returned it before typed results ("consent_due:2035-09-20", "watch"):
    a history recorded then, or a case still running old code, answers this way. A result decoded without its
    type (a plain dict) is taken too."""
    if isinstance(text, UpdateResult):
        return text
    if isinstance(text, dict):
        return UpdateResult(str(text.get("kind", "done")), str(text.get("value", "")))
    kind, sep, value = str(text or "").partition(":")
    return UpdateResult(kind, value) if sep else UpdateResult("done", kind)
