"""The model card : what the decision support's model is, how it was validated and against what, its
errors per age band and gender, every kept model, and (for a team lead) the watched cases by estimate. For team
leads and the data protection officer; a caseworker sees it too, so she knows what an estimate rests on."""

from __future__ import annotations

import asyncio
import base64
import io

from starlette.requests import Request
from starlette.responses import Response

from decision_support import store
from decision_support.command import features_setting
from decision_support.features import FEATURES
from decision_support.model import BANDS, RiskModel
from domain.triage import Track
from web.pages import UserRole, page, visible_views, web_of


def calibration_png(model: RiskModel) -> str:
    """The calibration plot (estimate against what happened, per tenth) as a data: URL the page may show."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4.2, 4.2), dpi=100)
    axes = figure.subplots()
    axes.plot([0, 1], [0, 1], linestyle="--", color="#747474", label="perfekt kalibreret")
    points = model.figures.calibration
    axes.plot([p for p, _, _ in points], [o for _, o, _ in points], marker="o", color="#0059b3", label="modellen")
    axes.set_xlabel("Modellens skøn")
    axes.set_ylabel("Andel med fravær over 26 uger")
    axes.legend(loc="upper left")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def decisions_counted(database_url: str, municipality: str) -> dict[str, int]:
    """The caseworkers' decisions on high estimates, from the audit trail: called in, and not."""
    from sqlalchemy import select

    from register.db import Register
    from register.models import AuditEvent, CaseRow

    register = Register(database_url)
    try:
        with register.session() as session:
            details = session.scalars(
                select(AuditEvent.detail)
                .join(CaseRow, CaseRow.id == AuditEvent.case_id)
                .where(AuditEvent.action == "follow_up_decision", CaseRow.municipality == municipality)
            ).all()
    finally:
        register.dispose()
    called = sum(1 for d in details if d.get("call_in") == "True")
    return {"called_in": called, "not_called_in": len(details) - called}


@page
async def model_card(request: Request, user) -> Response:
    web = web_of(request)
    settings = web.settings
    models = store.all_models(settings.data_path)
    in_use = store.model_in_use(settings.data_path, settings.decision_support)
    watched = []
    if user.role == UserRole.TEAM_LEAD and in_use is not None:
        views = [v for v in await visible_views(request, user) if v.state.track == Track.WATCH]
        watched = sorted(views, key=lambda v: -(v.state.risk.probability if v.state.risk else -1))
    decided = await asyncio.to_thread(decisions_counted, settings.resolved_database_url, user.municipality)
    return web.page(
        request,
        "model_card.html",
        enabled=settings.decision_support,
        model=in_use,
        decided=decided,
        models=list(reversed(models)),
        plot=calibration_png(in_use) if in_use else None,
        features=[(name, FEATURES[name]) for name in features_setting(settings)],
        min_cases=settings.decision_support_min_cases,
        bands=BANDS,
        watched=watched,
    )
