"""The learning log's export for evaluators: one CSV of entries and its data dictionary.

A linked case is named only by its pseudonym (the evaluation dataset's case_key); the text of a linked entry is
left out unless its author marked it clear of personal data.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from sqlalchemy.orm import Session

from domain.learning_log import TAGS
from register.learning_log import list_entries
from reporting.evaluation import case_key

COLUMNS = (
    ("written_on", "Dato for notatet.", "Date of the entry."),
    (
        "author_role",
        "Forfatterens rolle: caseworker (sagsbehandler) eller team_lead (teamleder).",
        "The author's role: caseworker or team_lead.",
    ),
    (
        "kind",
        "Art: worked (det virkede), did_not_work (det virkede ikke), challenge (udfordring), idea (idé).",
        "Kind: worked, did_not_work, challenge, idea.",
    ),
    (
        "tags",
        "Emner, adskilt af |: " + ", ".join(f"{k} ({v.lower()})" for k, v in TAGS.items()) + ".",
        "Tags, separated by |: employer_dialogue, visitation, incapacity (assessment of incapacity for work), "
        "health_advice, method.",
    ),
    (
        "case_key",
        "Pseudonym for den tilknyttede sag (som i sager.csv); tom = ingen sag.",
        "Pseudonym of the linked case (as in sager.csv); empty = no case.",
    ),
    (
        "text",
        "Notatet. Tomt, når notatet er knyttet til en sag og forfatteren ikke har markeret det fri for "
        "personoplysninger.",
        "The entry. Empty when it is linked to a case and the author did not mark it clear of personal data.",
    ),
    (
        "text_left_out",
        "true, når teksten er udeladt af hensyn til personoplysninger.",
        "true when the text was left out to protect personal data.",
    ),
)


def learning_log_csv(session: Session, municipality: str, start: date, end: date, secret: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c[0] for c in COLUMNS])
    for e in reversed(list_entries(session, municipality, start, end)):
        left_out = bool(e.case_reference) and not e.clear_of_personal_data
        writer.writerow(
            [
                e.written_on.isoformat(),
                e.author_role,
                e.kind,
                "|".join(e.tags),
                case_key(secret, municipality, e.case_reference) if e.case_reference else "",
                "" if left_out else e.text,
                "true" if left_out else "false",
            ]
        )
    return out.getvalue().encode("utf-8")


def learning_log_dictionary_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kolonne_column", "beskrivelse_da", "description_en"])
    writer.writerows(COLUMNS)
    return out.getvalue().encode("utf-8")
