"""Decision support's estimate for one case: the model in use (the newest validated one, while the setting is on)
read from <data_dir>/models. It estimates; the workflow gives a person a task, never a decision."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from temporalio import activity

from decision_support import store
from decision_support.features import CaseFeatures
from decision_support.model import estimate
from domain.model import RiskNote


@dataclass(frozen=True)
class RiskRequest:
    employee_weeks: int
    employer_weeks: int | None
    earlier_benefit_days: int = 0
    partial: bool = False


class DecisionSupportActivities:
    def __init__(self, data_path: Path, enabled: bool):
        self.data_path, self.enabled = data_path, enabled

    @activity.defn
    def risk_estimate(self, request: RiskRequest) -> RiskNote | None:
        """None when decision support is off or no model has passed validation: then nothing is shown."""
        model = store.model_in_use(self.data_path, self.enabled)
        if model is None:
            return None
        risk = estimate(
            model,
            CaseFeatures(request.employee_weeks, request.employer_weeks, request.earlier_benefit_days, request.partial),
        )
        return RiskNote(
            round(risk.probability, 4),
            risk.band,
            tuple((f.label, round(f.contribution, 4)) for f in risk.top),
            model.version,
            model.synthetic,
        )
