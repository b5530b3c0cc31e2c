"""Closed cases to learn from: the municipality's own (the register), or synthetic ones where none exist yet.

The label is whether the absence lasted MORE than 26 weeks (the reform's threshold), from the first day of absence
to the end of the case.

Synthetic cases (the embedded run, the tests) come from a small people model with a fixed seed, so training is
reproducible. Its numbers are ASSUMPTIONS chosen to be plausible, not figures taken from jobindsats.dk or Danmarks
Statistik (we could not check those here): most sickness-benefit cases are short and a minority pass 26 weeks; both
parties' estimates are noisy readings of the true duration, the employer's somewhat noisier and sometimes missing;
earlier sickness and a higher age raise the risk. Every model trained on them is marked synthetic, and every page
that shows one says so.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from decision_support.features import CaseFeatures

THRESHOLD_WEEKS = 26
AGE_BANDS = ("<30", "30-49", "50+")
GENDERS = ("k", "m")


@dataclass(frozen=True)
class ClosedCase:
    first_day: date
    features: CaseFeatures
    weeks: float  # how long the absence lasted
    gender: str | None = None  # evaluation only, never a feature
    synthetic: bool = False

    @property
    def long(self) -> bool:
        return self.weeks > THRESHOLD_WEEKS


def synthetic_cases(count: int, seed: int, start: date = date(2025, 1, 1), days: int = 540) -> list[ClosedCase]:
    """`count` closed cases with first days spread over `days` from `start`, the same for the same seed."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        age = rng.choices(AGE_BANDS, (0.3, 0.45, 0.25))[0]
        earlier = rng.choice((0, 0, 0, 0, rng.randint(10, 120)))
        partial = rng.random() < 0.15
        mu = (
            math.log(7)
            + (0.35 if age == "50+" else -0.15 if age == "<30" else 0)
            + (0.35 if earlier else 0)
            - (0.2 if partial else 0)
        )
        weeks = max(1.0, math.exp(rng.gauss(mu, 0.95)))
        employee = min(52, max(1, round(weeks * math.exp(rng.gauss(0, 0.55)))))
        employer = None if rng.random() < 0.2 else min(52, max(1, round(weeks * math.exp(rng.gauss(0, 0.7)))))
        first_day = start + timedelta(days=rng.randrange(days))
        cases.append(
            ClosedCase(
                first_day,
                CaseFeatures(employee, employer, earlier, partial, age),
                round(weeks, 1),
                rng.choice(GENDERS),
                synthetic=True,
            )
        )
    return sorted(cases, key=lambda c: c.first_day)


def register_cases(session, municipality: str) -> list[ClosedCase]:
    """The municipality's closed cases with an end date, oldest first. Partial sick-listing and earlier benefit are
    not kept as columns yet, so they read as absent; the register holds no gender."""
    from sqlalchemy import select

    from register.models import CaseRow

    rows = session.scalars(
        select(CaseRow)
        .where(CaseRow.municipality == municipality, CaseRow.end_date.is_not(None))
        .order_by(CaseRow.first_day)
    )
    return [
        ClosedCase(
            r.first_day,
            CaseFeatures(r.expected_weeks, r.employer_expected_weeks),
            ((r.end_date - r.first_day).days + 1) / 7,
        )
        for r in rows
        if r.end_date >= r.first_day
    ]
