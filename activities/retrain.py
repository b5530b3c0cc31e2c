"""The retraining activity: a new decision-support model from the register's closed cases (or synthetic ones where
the municipality chose so), kept with its figures."""

from __future__ import annotations

from dataclasses import dataclass

from temporalio import activity

from config.settings import Settings


@dataclass(frozen=True)
class RetrainRequest:
    municipality: str
    synthetic: bool = False


@dataclass(frozen=True)
class RetrainDone:
    version: str  # "" when there was too little to learn from
    shown: bool
    note: str  # in Danish: the figures, or why no model was made


class RetrainActivities:
    def __init__(self, settings: Settings):
        self.settings = settings

    @activity.defn
    def retrain_model(self, request: RetrainRequest) -> RetrainDone:
        from decision_support.command import describe, retrain

        try:
            model = retrain(self.settings, synthetic=request.synthetic, municipality=request.municipality)
        except ValueError as err:  # too few closed cases, or only one outcome: nothing to learn yet
            activity.logger.info("retrain: no model: %s", err)
            return RetrainDone("", False, str(err))
        activity.logger.info("retrain: model %s, shown %s", model.version, model.shown)
        return RetrainDone(model.version, model.shown, describe(model, self.settings))
