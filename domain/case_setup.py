"""The parts of a case's state set when the case starts: its rule set, its deadlines and its caseworker.

`CaseState` holds them as optional because a state exists (and is carried across continue-as-new) before the
case workflow has looked them up. Everything that decides about a case runs after that, so these accessors
turn a missing part into a plain error instead of an AttributeError further on, and give the types a value
that is known to be there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.deadlines import CaseDeadlines
from domain.rulesets import RuleSet

if TYPE_CHECKING:
    from domain.model import CaseState, Caseworker


def case_rules(state: CaseState) -> RuleSet:
    """The rule set the case runs under."""
    if state.rules is None:
        raise ValueError(f"case {state.reference} has no rule set yet")
    return state.rules


def case_deadlines(state: CaseState) -> CaseDeadlines:
    """The case's deadlines, computed with its rule set when the case starts."""
    if state.deadlines is None:
        raise ValueError(f"case {state.reference} has no deadlines yet")
    return state.deadlines


def case_caseworker(state: CaseState) -> Caseworker:
    """The caseworker on the case, assigned when the case starts."""
    if state.caseworker is None:
        raise ValueError(f"case {state.reference} has no caseworker yet")
    return state.caseworker
