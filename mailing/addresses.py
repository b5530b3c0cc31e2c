"""Mail addresses built as objects (`email.headerregistry.Address`), never as text pasted into a header.

A name is something a person typed (a sick report, a roster). Written into a header as text, even quoted by
`formataddr`, it can become more recipients: the header folding of Python's email package re-renders a long or
non-ASCII name and can drop the quotes, so `Henrik <spy@evil.example> Lund` or `Åse "x", spy@evil.example,`
puts spy@evil.example in To (reply-all reaches him). So the address part is parsed on its own and must be one
plain addr-spec, and the name keeps only what a name needs: the characters that delimit or build addresses
(``<>@,;:"\\()[]``, and ``=?`` that would start an encoded word), line breaks, controls, invisible format characters
and line/paragraph separators are
replaced by spaces. What remains cannot form an address however it is folded or decoded.
"""

from __future__ import annotations

import unicodedata
from email.headerregistry import Address

__all__ = ["mailbox", "display_name", "parse_mailbox"]

_SPECIALS = frozenset('<>@,;:"\\()[]=?')  # = and ? too: a name must not hold an encoded word
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def display_name(name: str) -> str:
    """The name with every character that could delimit or hide an address replaced by a space."""
    kept = "".join(
        " " if (ch in _SPECIALS or unicodedata.category(ch) in _DROPPED_CATEGORIES) else ch for ch in name or ""
    )
    return " ".join(kept.split())


def mailbox(name: str, address: str) -> Address:
    """One recipient: raises ValueError unless ``address`` is exactly one plain addr-spec."""
    address = (address or "").strip()
    if not address or any(ch.isspace() or unicodedata.category(ch) in _DROPPED_CATEGORIES for ch in address):
        raise ValueError("not a single e-mail address")
    parsed = Address(addr_spec=address)  # raises on anything but exactly one addr-spec
    if not parsed.username or not parsed.domain:
        raise ValueError("not a single e-mail address")
    return Address(display_name=display_name(name), username=parsed.username, domain=parsed.domain)


def parse_mailbox(text: str) -> Address:
    """A configured ``Name <address>`` or bare address (settings such as mail_from) as one Address."""
    from email.headerregistry import HeaderRegistry

    header = HeaderRegistry()("From", text)
    if len(header.addresses) != 1:
        raise ValueError(f"not exactly one address: {text!r}")
    found = header.addresses[0]
    return mailbox(found.display_name, found.addr_spec)
