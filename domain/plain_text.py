"""Text that will stand in a mail header, a calendar line or a page: no line breaks, no invisible controls.

A name with a CR/LF could add a header to every mail about the case; a right-to-left override can make a
name or address read as something else. Such text is refused where it enters (the sick report) and, in case
something slips through another way, flattened where a header is written (mailing.mime).
"""
from __future__ import annotations

import unicodedata

# Directional overrides and isolates, and the invisible marks that can hide them (Trojan Source, CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def hidden_characters(text: str) -> list[str]:
    """Control and bidirectional-override characters in the text, as U+XXXX."""
    return [f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS]


def one_line(text: str) -> str:
    """The text on one line, controls and overrides replaced by spaces, runs of space collapsed."""
    return " ".join("".join(" " if (unicodedata.category(ch) == "Cc" or ch in BIDI_CONTROLS) else ch
                            for ch in text).split())
