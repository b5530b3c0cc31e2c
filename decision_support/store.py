"""Every trained model is kept with its figures, as one JSON file under <data_dir>/models/; none is overwritten.
The model used for an estimate is the newest that passed validation, and only while decision support is on."""

from __future__ import annotations

import json
from pathlib import Path

from decision_support.model import RiskModel


def models_dir(data_path: Path) -> Path:
    return data_path / "models"


def save(model: RiskModel, data_path: Path) -> Path:
    folder = models_dir(data_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{model.version}.json"
    if path.exists():
        raise FileExistsError(f"a model {model.version} is already kept")
    path.write_text(json.dumps(model.to_dict(), default=str, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def all_models(data_path: Path) -> list[RiskModel]:
    """Every kept model, oldest first (versions sort by time)."""
    folder = models_dir(data_path)
    return [RiskModel.from_dict(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(folder.glob("*.json"))]


def model_in_use(data_path: Path, enabled: bool) -> RiskModel | None:
    """The newest validated model, or None when decision support is off or no model has passed validation."""
    if not enabled:
        return None
    shown = [m for m in all_models(data_path) if m.shown]
    return shown[-1] if shown else None
