"""The employer's reply page, reached from the request e-mail without signing in.

The link's token is signed, expires, and names the case and the employer contact. A GET only shows the
question (mail scanners open every link); a POST answers, through the service layer, exactly as the
caseworker's `arbejdsgiver` command or a calendar answer would. A second click sends the same update id, so
the case takes it once. The form is protected by a double-submit cookie (the page has no session).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from case_service import CaseRefusal, CaseUnavailable
from case_service.commands import CaseRef, EmployerReply
from domain.localtime import LOCAL_TZ
from domain.model import MeetingStatus, Phase
from mailing.links import LinkError, read_employer_token

COOKIE = "fasthold_svar"


async def reply_page(request: Request) -> Response:
    web = request.app.state.web
    token = request.path_params["token"]
    try:
        link = read_employer_token(web.settings, token)
    except LinkError as bad:
        text = (
            "Linket er udløbet. Kontakt sagsbehandleren, eller svar på e-mailen, så hjælper vi dig."
            if bad.expired
            else "Linket er ikke gyldigt. Brug linket i den e-mail, du har fået, eller kontakt sagsbehandleren."
        )
        return web.page(request, "error.html", 410 if bad.expired else 404, title="Linket virker ikke", text=text)
    ref = CaseRef(link.municipality, link.reference)
    try:
        view = await web.cases.view(ref)
    except CaseRefusal:
        return web.page(
            request,
            "error.html",
            404,
            title="Sagen findes ikke længere",
            text="Sagen er afsluttet, eller linket er forkert. Kontakt sagsbehandleren.",
        )
    except CaseUnavailable:
        return web.page(
            request,
            "error.html",
            503,
            title="Prøv igen om lidt",
            text="Systemet svarer ikke lige nu. Prøv igen om lidt.",
        )
    if view.case.employer.contact_email.lower() != link.employer_email:
        return web.page(
            request,
            "error.html",
            404,
            title="Linket virker ikke",
            text="Linket hører ikke til sagens kontaktperson. Kontakt sagsbehandleren.",
        )
    if view.state.phase == Phase.CLOSED:
        # Least privilege: a closed case's link says only that; the employee's name and the question are gone.
        return web.page(
            request,
            "error.html",
            410,
            title="Sagen er afsluttet",
            text="Sagen er afsluttet, så der er ikke noget at svare på. Kontakt jobcentret, hvis I har spørgsmål.",
        )
    planned = [m for m in view.state.meetings if m.status == MeetingStatus.INVITED]
    context = dict(
        view=view,
        meeting=planned[0] if planned else None,
        token=token,
        errors={},
        message="",
        done="",
        submitted={},
        local=lambda dt: dt.astimezone(LOCAL_TZ),
    )
    if request.method == "GET":
        nonce = request.cookies.get(COOKIE) or secrets.token_urlsafe(16)
        response = web.page(request, "employer_reply.html", nonce=nonce, **context)
        response.set_cookie(
            COOKIE,
            nonce,
            max_age=3600,
            httponly=True,
            samesite="strict",
            path="/svar",
            secure=web.settings.base_url.startswith("https://"),
        )
        return response

    form = {k: str(v) for k, v in (await request.form()).items()}
    nonce = form.get("nonce", "")
    if not nonce or not hmac.compare_digest(nonce.encode(), (request.cookies.get(COOKIE) or "").encode()):
        return web.page(
            request,
            "employer_reply.html",
            400,
            nonce=request.cookies.get(COOKIE) or "",
            **{**context, "message": "Siden var udløbet. Indlæs den igen, og svar en gang til."},
        )
    choice = form.get("answer", "")
    reply, errors = _reply(choice, form)
    if errors:
        return web.page(
            request,
            "employer_reply.html",
            400,
            nonce=nonce,
            **{**context, "errors": errors, "submitted": form, "message": "Svaret mangler noget."},
        )
    # The same answer to the same link is one update, however often the button is pressed.
    digest = hashlib.sha256(
        "|".join([token, choice, reply.reason, str(reply.proposed_start), reply.comment]).encode()
    ).hexdigest()[:32]
    try:
        result = await web.cases.employer_reply(ref, link.employer_email, reply, update_id=f"employer-{digest}")
    except CaseRefusal as refusal:
        text = refusal.message[:1].upper() + refusal.message[1:]
        field = {"reason": "reason", "start": "proposed_start"}.get(refusal.field, "")
        return web.page(
            request,
            "employer_reply.html",
            409,
            nonce=nonce,
            **{
                **context,
                "errors": {field: text} if field else {},
                "submitted": form,
                "message": f"Svaret kunne ikke registreres: {text}",
            },
        )
    except CaseUnavailable:
        return web.page(
            request,
            "error.html",
            503,
            title="Prøv igen om lidt",
            text="Systemet svarer ikke lige nu. Dit svar er ikke registreret. Prøv igen om lidt.",
        )
    thanks = {
        "ja": "Tak. Samtalen holdes hos jer på arbejdspladsen.",
        "nej": "Tak. Samtalen holdes i stedet på jobcentret, og I får en ny invitation.",
    }.get(choice, result.message)
    return web.page(request, "employer_reply.html", nonce=nonce, **{**context, "done": thanks})


def _reply(choice: str, form: dict[str, str]) -> tuple[EmployerReply | None, dict[str, str]]:
    actor = "arbejdsgiver (svarside)"
    if choice == "ja":
        return EmployerReply(True, actor=actor), {}
    if choice == "nej":
        reason = form.get("reason", "").strip()[:1000]
        if not reason:
            return None, {"reason": "Skriv kort, hvorfor samtalen ikke kan holdes hos jer."}
        return EmployerReply(False, reason, actor=actor), {}
    if choice == "andet":
        try:
            start = datetime.fromisoformat(form.get("proposed_start", "").strip())
        except ValueError:
            return None, {"proposed_start": "Skriv et tidspunkt som ÅÅÅÅ-MM-DD TT:MM."}
        start = start if start.tzinfo else start.replace(tzinfo=LOCAL_TZ)
        return EmployerReply(
            None, proposed_start=start, comment=form.get("comment", "").strip()[:1000], actor=actor
        ), {}
    return None, {"answer": "Vælg et af svarene."}
