"""A new expected duration of the absence (the employee's, and the employer's estimate under the 2026 reform).

Only the check is here; what it does is a new triage (`domain.triage`), which the workflow carries out with
decision support's estimate."""

from __future__ import annotations

from domain.decisions import Context, Refused, refuse_if_closed
from domain.model import CaseState
from domain.payloads import ExpectedDuration
from domain.practice import MAX_EXPECTED_WEEKS
from domain.refusals import Refusal


def validate(state: CaseState, context: Context, duration: ExpectedDuration) -> Refused | None:
    if refused := refuse_if_closed(context):
        return refused
    for weeks in (duration.employee_weeks, duration.employer_weeks):
        if weeks is not None and not 1 <= weeks <= MAX_EXPECTED_WEEKS:
            return Refused(Refusal.BAD_DURATION, f"forventet varighed skal være 1-{MAX_EXPECTED_WEEKS} uger")
    if duration.employee_weeks == state.expected_weeks and duration.employer_weeks in (
        None,
        state.employer_expected_weeks,
    ):
        # The same estimate sent again (Back and send, a second tab): recorded once.
        return Refused(Refusal.ALREADY_RECORDED, f"den forventede varighed er allerede {duration.employee_weeks} uger")
    return None
