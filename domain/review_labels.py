"""The texts of an attendee's answer that a person must look at: a reply the gateway kept for the caseworker to
check (a forwarder, an unknown sender, an unreadable answer) and an answer that came with a comment."""

from __future__ import annotations

from domain.labels import TaskText, role

REVIEW_TITLE = {
    "unverified": "Svar modtaget, afsender ikke bekræftet",
    "sender_mismatch": "Svar fra en anden adresse end deltagerens",
    "not_attendee": "Svar fra en adresse, der ikke er inviteret",
    "ambiguous": "Svar med modstridende besked",
    "stale_sequence": "Svar på en ældre version af mødet",
}
ANSWER = {
    "ACCEPTED": "deltager",
    "DECLINED": "kan ikke deltage",
    "TENTATIVE": "deltager måske",
    "COUNTER": "foreslår et andet tidspunkt",
}


def reply_review(reason: str, number: int, sender: str, answer: str, comment: str, kept_as: str) -> TaskText:
    what = (
        f"Der er kommet et svar på møde {number} fra {sender}"
        + (f" ({ANSWER.get(answer, answer)})" if answer else "")
        + (f" med bemærkningen: {comment}" if comment else "")
        + ". Svaret er ikke registreret, fordi vi ikke kan være sikre på, hvem det kommer fra, eller hvad det "
        "betyder. Kontakt personen, og registrér svaret på sagen, hvis det er ægte."
        + (f" Mailen er gemt som {kept_as}." if kept_as else "")
    )
    return TaskText(REVIEW_TITLE.get(reason, "Svar modtaget, skal kontrolleres"), what)


def answer_with_comment(role_code: str, number: int, answer: str, comment: str) -> TaskText:
    return TaskText(
        f"Bemærkning til svar på møde {number}", f"{role(role_code)} {ANSWER.get(answer, answer)} og skriver: {comment}"
    )
