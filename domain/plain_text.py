"""Text that will stand in a mail header, a calendar line or a page: no line breaks, no invisible controls.

A name with a CR/LF could add a header to every mail about the case; a right-to-left override can make a
name or address read as something else. Such text is refused where it enters (the sick report) and, in case
something slips through another way, flattened where a header is written (mailing.mime).
"""

from __future__ import annotations

import unicodedata

# Directional overrides and isolates, and the invisible marks that can hide them (Trojan Source, CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


# Controls (Cc), invisible format characters (Cf: zero-width spaces, tag characters, soft hyphens, the
# overrides above), line and paragraph separators (Zl, Zp), and code points that are not characters.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
# Letters that render as nothing (Hangul fillers, braille blank, ...): a name of only these is no name.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f\u17b4\u17b5")


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in HIDDEN_CATEGORIES or ch in BIDI_CONTROLS


def hidden_characters(text: str) -> list[str]:
    """Control, format, separator and bidirectional-override characters in the text, as U+XXXX."""
    return [f"U+{ord(ch):04X}" for ch in text if _hidden(ch)]


def visible(text: str) -> bool:
    """Whether the text shows anything: at least one letter, digit or sign that is not blank-looking."""
    return any(
        not _hidden(ch) and not ch.isspace() and ch not in BLANK_LOOKING and unicodedata.category(ch)[0] in "LNPS"
        for ch in text
    )


def one_line(text: str) -> str:
    """The text on one line, controls and overrides replaced by spaces, runs of space collapsed."""
    return " ".join("".join(" " if _hidden(ch) else ch for ch in text).split())


def printable(text: str, *, keep_newlines: bool = True) -> str:
    """What a person wrote, safe for a terminal, a page or a mail: escape sequences (ESC, OSC, CSI ...), other
    controls, invisible format characters and overrides removed; line breaks kept as plain newlines."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    kept = "".join(ch for ch in lines if (ch == "\n" and keep_newlines) or (ch == "\t") or not _hidden(ch))
    return kept.replace("\t", " ")
