"""The learning log's rules (STAR 2025: "der skal ikke kun deles succeshistorier – også udfordringer og mindre
velfungerende elementer"): the kinds of entry, the tags, and what a text may hold. Pure: no I/O.

A text is about the work, never about a citizen. A CPR-shaped number is refused outright (a CPR number must
never sit in free text); an e-mail address or a phone number is refused too, since neither belongs in a note
about method. Names cannot be recognised reliably: the form warns, and the export leaves a case-linked text out
unless its author marked it clear of personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = {"worked": "Det virkede", "did_not_work": "Det virkede ikke", "challenge": "Udfordring", "idea": "Idé"}
TAGS = {
    "employer_dialogue": "Dialog med arbejdsgiver",
    "visitation": "Visitation",
    "incapacity": "Vurdering af uarbejdsdygtighed",
    "health_advice": "Sundhedsfaglig rådgivning",
    "method": "Metode",
}
MAX_TEXT = 2000

_CPR = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[a-zA-Z]{2,}")
_PHONE = re.compile(r"(?<!\d)(?:\+45[\s-]?)?(?:\d{2}[\s-]?){3}\d{2}(?!\d)")


@dataclass(frozen=True)
class Entry:
    kind: str
    tags: tuple[str, ...]
    text: str
    case_reference: str  # '' = not linked to a case
    clear_of_personal_data: bool


def check(entry: Entry) -> dict[str, str]:
    """Problems by field, in Danish; empty when the entry may be saved."""
    errors: dict[str, str] = {}
    if entry.kind not in KINDS:
        errors["kind"] = "Vælg, hvad notatet handler om."
    if not entry.tags:
        errors["tags"] = "Vælg mindst ét emne."
    elif set(entry.tags) - set(TAGS):
        errors["tags"] = "Vælg emner fra listen."
    text = entry.text.strip()
    if not text:
        errors["text"] = "Skriv notatet."
    elif len(text) > MAX_TEXT:
        errors["text"] = f"Notatet må højst være {MAX_TEXT} tegn (det er {len(text)})."
    elif _CPR.search(text):
        errors["text"] = (
            "Notatet ser ud til at indeholde et CPR-nummer. Fjern det: skriv om arbejdet, ikke om borgeren."
        )
    elif _EMAIL.search(text):
        errors["text"] = "Notatet indeholder en e-mailadresse. Fjern den: skriv om arbejdet, ikke om personer."
    elif _PHONE.search(text):
        errors["text"] = "Notatet ser ud til at indeholde et telefonnummer. Fjern det."
    if len(entry.case_reference) > 40:
        errors["case_reference"] = "Sagsnummeret er for langt."
    return errors
