"""The learning log's rules: what an entry must have, and the personal data a text may not hold."""

from __future__ import annotations

import pytest

from domain.learning_log import MAX_TEXT, Entry, check


def entry(
    text="Rundbordssamtalen på arbejdspladsen gav en plan for gradvis tilbagevenden.",
    kind="worked",
    tags=("employer_dialogue",),
    case="",
    clear=False,
) -> Entry:
    return Entry(kind, tags, text, case, clear)


def test_a_good_entry_passes():
    assert check(entry()) == {}
    assert check(entry(kind="idea", tags=("method", "visitation"), case="SAG-1", clear=True)) == {}


@pytest.mark.parametrize(
    "text, field, words",
    [
        ("", "text", "Skriv notatet."),
        ("x" * (MAX_TEXT + 1), "text", f"højst være {MAX_TEXT} tegn"),
        ("Borgeren 010180-1234 kom ikke", "text", "CPR-nummer"),
        ("Borgeren 0101801234 kom ikke", "text", "CPR-nummer"),
        ("Skriv til h.lund@bageriet.dk om det", "text", "e-mailadresse"),
        ("Ring på 22 33 44 55 i morgen", "text", "telefonnummer"),
        ("Ring på +45 22334455 i morgen", "text", "telefonnummer"),
    ],
)
def test_personal_data_and_missing_text_are_refused_in_danish(text, field, words):
    errors = check(entry(text=text))
    assert list(errors) == [field] and words in errors[field]


def test_kind_and_tags_are_named():
    assert check(entry(kind="gossip")) == {"kind": "Vælg, hvad notatet handler om."}
    assert check(entry(tags=())) == {"tags": "Vælg mindst ét emne."}
    assert check(entry(tags=("method", "weather"))) == {"tags": "Vælg emner fra listen."}


def test_numbers_that_are_not_personal_data_pass():
    assert check(entry(text="Vi holdt 12 ud af 14 første samtaler på arbejdspladsen i uge 8 (86 %).")) == {}
