"""One kind of refusal for every entry point, and the one kind of "try again later"."""

from __future__ import annotations

from domain.refusals import Refusal, refusal_field


class CaseRefusal(Exception):
    """The engine said no: `reason` (a code), `message` (Danish, for a person) and `field` (the request field
    it concerns, "" for the request as a whole). `problems` lists every (field, message) when there are
    several, as for a sick report with more than one bad field."""

    def __init__(
        self,
        reason: Refusal,
        message: str,
        field: str | None = None,
        problems: tuple[tuple[str, str], ...] = (),
        *,
        by_case: bool = False,
    ):
        super().__init__(message)
        self.by_case = by_case  # the case workflow's validator said no (its message is a clause, not a sentence)
        self.reason = reason
        self.message = message
        self.field = refusal_field(reason) if field is None else field
        self.problems = problems or ((self.field, message),)

    def __repr__(self) -> str:
        return f"CaseRefusal({self.reason.value}, {self.message!r}, field={self.field!r})"


class CaseUnavailable(Exception):
    """Temporal could not be reached or did not answer in time: nothing was decided, try again later."""
