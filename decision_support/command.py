"""`fasthold model`: train a new model (from the register's closed cases, or synthetic ones) and show the model
in use with its figures. The same training runs on a Temporal Schedule (workflows/retrain.py)."""

from __future__ import annotations

from datetime import datetime

from config.settings import Settings
from decision_support import store
from decision_support.cases import register_cases, synthetic_cases
from decision_support.features import check_features
from decision_support.model import RiskModel, train
from domain.localtime import LOCAL_TZ


def add_model_parser(sub) -> None:
    s = sub.add_parser("model", help="beslutningsstøtte: træn en ny model, eller vis modellen i brug")
    s.add_argument("--traen", action="store_true", help="træn og validér en ny model (alle modeller gemmes)")
    s.add_argument(
        "--syntetisk",
        action="store_true",
        help="træn på syntetiske sager (når kommunen endnu ingen afsluttede sager har)",
    )
    s.add_argument("--antal", type=int, default=4000, help="antal syntetiske sager (standard 4000)")
    s.add_argument("--seed", type=int, default=7, help="frø for de syntetiske sager (samme frø, samme model)")


def features_setting(settings: Settings) -> tuple[str, ...]:
    return check_features([f.strip() for f in settings.decision_support_features.split(",") if f.strip()])


def retrain(
    settings: Settings, *, synthetic: bool, count: int = 4000, seed: int = 7, municipality: str | None = None
) -> RiskModel:
    """Train a new model, keep it with its figures, and return it (shown or not)."""
    if synthetic:
        cases = synthetic_cases(count, seed)
    else:
        from register.db import Register

        register = Register(settings.resolved_database_url)
        try:
            with register.session() as session:
                cases = register_cases(session, municipality or settings.municipality)
        finally:
            register.dispose()
    version = datetime.now(LOCAL_TZ).strftime("%Y%m%dT%H%M%S%f")
    model = train(
        cases,
        features=features_setting(settings),
        min_cases=settings.decision_support_min_cases,
        version=("syntetisk-" if synthetic else "") + version,
        seed=seed,
    )
    store.save(model, settings.data_path)
    return model


def describe(model: RiskModel | None, settings: Settings) -> str:
    if not settings.decision_support:
        return "Beslutningsstøtten er slået fra (FASTHOLD_DECISION_SUPPORT=false)."
    if model is None:
        return "Ingen model er valideret endnu, så der vises ingen risikovurdering. Træn en med: fasthold model --traen"
    f = model.figures
    lines = [
        f"Model {model.version}" + (" (SYNTETISKE DATA)" if model.synthetic else ""),
        f"  Lært af {model.train_cases} sager ({model.trained_from} til {model.trained_to}), testet på "
        f"{model.test_cases} nyere ({model.tested_from} til {model.tested_to})",
        f"  AUC {f.auc:.3f} (reglen: {f.rule_auc:.3f}), Brier {f.brier:.3f} (reglen: {f.rule_brier:.3f})",
        f"  Vises: {'ja' if model.shown else 'nej: ' + model.refusal}",
    ]
    return "\n".join(lines)


def model_from_args(args, settings: Settings) -> str:
    if args.traen:
        model = retrain(settings, synthetic=args.syntetisk, count=args.antal, seed=args.seed, municipality=args.kommune)
        return describe(model, settings) + ("" if model.shown else "\nModellen er gemt, men vises ikke.")
    return describe(store.model_in_use(settings.data_path, settings.decision_support), settings)
