"""Fast track (tidlig opfølgning): who asked, whether the employee agreed, which deadline holds.

The law:
- The employer may ask for fast track within the first 5 weeks of absence (sygedagpengeloven § 7 c),
  the employee at any time (§ 7 d). The first follow-up conversation is then due within 2 weeks of
  the request (fast_track_due).
- An EMPLOYER's request needs the employee's consent. The employee is told by a letter from
  Nemrefusion and, if they agree, returns the form "senest 2 bankdage efter afsendelsen af brevet"
  (bekendtgørelse om opfølgning i sygedagpengesager § 4, stk. 1). The letter goes out on the day of
  the request, so the consent is due 2 bank days after the request day (fast_track_consent_due).
- If the employee says no, the ordinary deadline holds (cabiweb.dk, "Fast track": "Den sygemeldte kan
  modsætte sig ... I så fald afholder jobcentret den første opfølgningssamtale efter de almindelige
  regler").
- SILENCE means no fast track: the law asks for the employee's active agreement ("Er lønmodtageren
  indforstået ..., skal lønmodtageren udfylde og returnere det vedlagte skema"), and no agreement was
  given. After the window the case runs on the ordinary deadline (LAPSED).
- A yes that comes after the window: "kan kommunen vælge at fortsætte den tidlige opfølgning" (§ 4,
  stk. 2). That is the caseworker's choice (`accept_late`); without it the request stays lapsed.

While consent is pending, no fast-track deadline exists, so none can be breached: the ordinary
first-meeting deadline is the only one. Pure functions over a frozen value; the workflow stores the
value and replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from domain.deadlines import (
    REQUESTED_BY_EMPLOYEE,
    REQUESTED_BY_EMPLOYER,
    SOURCE_FAST_TRACK,
    STATUTORY,
    CaseDeadlines,
    Deadline,
    fast_track_allowed,
    fast_track_consent_due,
    fast_track_due,
)
from domain.rulesets import RuleSet


class Consent(StrEnum):
    NOT_NEEDED = "not_needed"  # the employee asked: their request is their consent
    PENDING = "pending"  # the employer asked; the employee has until consent_due
    GIVEN = "given"  # the employee agreed (in time, or late and the caseworker accepted it)
    REFUSED = "refused"  # the employee said no: ordinary deadline
    LAPSED = "lapsed"  # no yes within the window: ordinary deadline


@dataclass(frozen=True)
class FastTrackStatus:
    """A fast-track request and where it stands. `due` is set only while the fast track is in force."""

    requested_by: str  # employer | employee
    requested_on: date
    consent: str  # Consent value
    consent_due: date | None = None  # last day for the employee's yes (employer's request only)
    answered_on: date | None = None  # when the employee answered (yes or no)
    due: date | None = None  # last day for the fast-track meeting, pulled back to a working day

    @property
    def in_force(self) -> bool:
        return self.consent in (Consent.NOT_NEEDED.value, Consent.GIVEN.value)

    @property
    def pending(self) -> bool:
        return self.consent == Consent.PENDING.value

    def deadline(self) -> Deadline | None:
        """The fast-track meeting deadline (statutory) while in force, else None."""
        if not self.in_force or self.due is None:
            return None
        return Deadline("fast_track", self.due, STATUTORY, SOURCE_FAST_TRACK)


def request_fast_track(requested_by: str, request_day: date, first_day: date, rules: RuleSet) -> FastTrackStatus:
    """Open a fast-track request. The employee's own request is in force at once; the employer's
    waits for the employee's consent. Raises ValueError for a request the law does not allow
    (an employer after week 5, an unknown requester, a day before the first day)."""
    if not fast_track_allowed(requested_by, request_day, first_day, rules):
        raise ValueError(
            f"an employer may ask for fast track only in the first {rules.fast_track_employer_window_weeks} weeks"
        )
    if requested_by == REQUESTED_BY_EMPLOYEE:
        return FastTrackStatus(
            requested_by, request_day, Consent.NOT_NEEDED.value, due=fast_track_due(request_day, rules)
        )
    assert requested_by == REQUESTED_BY_EMPLOYER
    return FastTrackStatus(
        requested_by, request_day, Consent.PENDING.value, consent_due=fast_track_consent_due(request_day, rules)
    )


def answer_consent(
    status: FastTrackStatus, agrees: bool, answered_on: date, rules: RuleSet, *, accept_late: bool = False
) -> FastTrackStatus:
    """Record the employee's answer to the employer's request.

    A no is final. A yes on or before consent_due puts the fast track in force, with the meeting due
    within 2 weeks of the REQUEST (not of the consent). A later yes does so only with `accept_late`
    (the municipality's choice, bek. § 4 stk. 2); otherwise the request is LAPSED.
    Raises ValueError when there is no employer request waiting for an answer.
    """
    if status.consent not in (Consent.PENDING.value, Consent.LAPSED.value):
        raise ValueError(f"no consent is awaited: the request is {status.consent}")
    if answered_on < status.requested_on:
        raise ValueError(
            f"an answer ({answered_on.isoformat()}) cannot come before the request ({status.requested_on.isoformat()})"
        )
    if not agrees:
        return replace(status, consent=Consent.REFUSED.value, answered_on=answered_on, due=None)
    assert status.consent_due is not None
    if answered_on <= status.consent_due or accept_late:
        return replace(
            status, consent=Consent.GIVEN.value, answered_on=answered_on, due=fast_track_due(status.requested_on, rules)
        )
    return replace(status, consent=Consent.LAPSED.value, answered_on=answered_on, due=None)


def lapse_if_silent(status: FastTrackStatus, today: date) -> FastTrackStatus:
    """A pending request whose consent window has passed without an answer lapses (silence = no)."""
    if status.pending and status.consent_due is not None and today > status.consent_due:
        return replace(status, consent=Consent.LAPSED.value)
    return status


def latest_first_meeting_day(deadlines: CaseDeadlines, status: FastTrackStatus | None) -> date:
    """The last working day for the first meeting: the ordinary one, or the fast-track one when
    that is earlier and the fast track is in force. A pending, refused or lapsed request changes nothing."""
    if status is not None and status.in_force and status.due is not None:
        return min(deadlines.latest_meeting_day, status.due)
    return deadlines.latest_meeting_day
