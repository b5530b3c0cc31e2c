"""Operations' page of kept refused replies: the messages the mail gateway kept without applying
(an unknown meeting, an unreadable calendar, a case that refused it), newest first, each with its reason, when
it came, the case it names and whether it may be reprocessed, and a button that feeds it through again once the
cause is fixed (as `fasthold genbehandl`), audited under the signed-in operator. Only the roster's `operations`
people see it; it shows no sender, subject or content, and never a CPR number."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from case_service.access import UserRole
from case_service.kept_replies import KeptReplies, ReprocessRefused
from case_service.replies import SenderTrust
from web.pages import page, web_of
from web.paging import asked_page, page_of

A_PAGE = 50
# The gateway's reason codes, as an operator reads them.
REASONS = {
    "unknown_uid": "Svarer på et møde, registret ikke kender",
    "unverified": "Afsenderen kunne ikke bekræftes",
    "sender_mismatch": "Svaret kommer fra en anden adresse end den inviterede",
    "not_attendee": "Afsenderen er ikke inviteret til mødet",
    "stale_sequence": "Svarer på en ældre udgave af invitationen",
    "meeting_not_planned": "Mødet er ikke længere planlagt",
    "case_closed": "Sagen er afsluttet",
    "refused_by_engine": "Sagen afviste svaret",
    "refused_by_case": "Sagen afviste svaret",
    "duplicate": "En gentagelse af en besked, der allerede er modtaget",
    "unreadable": "Beskeden kan ikke læses",
    "not_calendar": "Beskeden har ingen kalenderdel",
    "malformed_calendar": "Kalenderdelen er ugyldig",
    "no_method": "Kalenderdelen siger ikke, hvad den er (METHOD mangler)",
    "unsupported_method": "Kalenderdelen er ikke et svar",
    "too_large": "Kalenderdelen er for stor",
    "too_complex": "Beskeden er for kompleks til at blive læst sikkert",
    "bad_partstat": "Svaret er hverken ja, nej eller måske",
    "bad_proposal": "Forslaget til et nyt tidspunkt kan ikke læses",
    "internal_error": "En fejl i systemet under behandlingen",
}


def kept(request: Request) -> KeptReplies:
    web = web_of(request)
    settings = web.settings
    return KeptReplies(web.cases, web.register, settings.data_path, SenderTrust.from_settings(settings))


def _for_operations(handler):
    """Marks a handler the `page` wrapper lets operations reach (every other signed-in page refuses them)."""
    handler.for_operations = True
    return handler


def _operations_only(user) -> None:
    if user.role != UserRole.OPERATIONS:
        raise HTTPException(403)


async def _render(request: Request, user, status: int = 200, *, message: str = "", error: str = "") -> Response:
    replies = kept(request)
    rows = await replies.rows() if replies.available else []
    return web_of(request).page(
        request,
        "replies.html",
        status,
        available=replies.available,
        paged=page_of(rows, asked_page(request), A_PAGE),
        reasons=REASONS,
        reprocessable=sum(r.why_not is None for r in rows),
        message=message,
        error=error,
    )


@page
@_for_operations
async def replies_page(request: Request, user) -> Response:
    _operations_only(user)
    return await _render(request, user)


@page
@_for_operations
async def reprocess_reply(request: Request, user) -> Response:
    _operations_only(user)
    web = web_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    if not web.signin.csrf_ok(request, form.get("csrf", "")):
        return await _render(
            request, user, 400, error="Formularen var udløbet. Indlæs siden igen, og prøv en gang til."
        )
    replies = kept(request)
    if not replies.available:
        return await _render(request, user, 409, error="Postindgangen findes ikke på denne maskine.")
    try:
        seen = int(form.get("seen", ""))
    except ValueError:
        seen = -1  # not from the page as shown: refused as out of date, never fed through blindly
    try:
        applied, reason, text = await replies.reprocess(form.get("name", "")[:200], actor=user.actor, seen=seen)
    except ReprocessRefused as refused:
        return await _render(request, user, 409, error=str(refused))
    request.session["flash"] = (
        text
        if applied
        else (
            f"Svaret er genbehandlet, men stadig afvist: {REASONS.get(reason, reason)}. Det står stadig på listen; "
            "ret årsagen, og prøv igen."
        )
    )
    return RedirectResponse("/drift/svar", status_code=303)
