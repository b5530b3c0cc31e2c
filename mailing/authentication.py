"""Whether the receiving mail server vouches for a reply's sender: Authentication-Results (RFC 8601).

The From header proves nothing, and neither does any header the sender can write. The municipality's own mail
server (the relay in front of the gateway) checks SPF, DKIM and DMARC, removes inbound headers that claim its
authserv-id (RFC 8601 section 5) and adds its verdict on top. So only the TOPMOST Authentication-Results header
is read, and it counts only when its authserv-id is a configured one, compared exactly: the id is the ADMD's
own token (RFC 8601 section 2.5), and a relay that strips its own id by exact match leaves a copy in other
letter case standing, which must then not be believed either. A header below another one, even with our id,
is something the sender (or a server on the way) wrote.

The header is parsed by `authres` (quoted values such as ``reason="policy; dmarc=pass"`` stay values). DMARC
must pass AND name the From domain in ``header.from``: a pass without ``header.from``, or for another domain,
proves nothing about this From. SPF and DKIM count only when configured, aligned relaxed with the From domain.
Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import authres

__all__ = ["MethodResult", "parse", "aligned", "sender_verified"]

_AUTHSERV = re.compile(r"([^\s;()\"]+)")


@dataclass(frozen=True)
class MethodResult:
    method: str  # dmarc | dkim | spf | ...
    result: str  # pass | fail | none | ...
    properties: dict  # "header.from" -> "bageriet.dk", values lower-cased


def parse(header: str) -> tuple[str, list[MethodResult]]:
    """(authserv-id exactly as written, results) of one Authentication-Results header value; ("", []) when it
    is not a valid header (a header we cannot read vouches for nothing)."""
    value = " ".join(header.split())
    try:
        parsed = authres.AuthenticationResultsHeader.parse_value(value)
    except Exception:  # authres raises its own SyntaxError and, on odd input, others: unreadable means untrusted
        return "", []
    # authres lower-cases the id; the comparison must see it as the sender wrote it.
    written = _AUTHSERV.match(value)
    if written is None or written.group(1).lower() != str(parsed.authserv_id or ""):
        return "", []
    results = []
    for r in parsed.results:
        props = {f"{p.type}.{p.name}".lower(): str(p.value or "").strip().lower() for p in r.properties}
        results.append(MethodResult(str(r.method).lower(), str(r.result).lower(), props))
    return written.group(1), results


def _domain(value: str) -> str:
    return value.rpartition("@")[2].lower().rstrip(".")


def aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment: the same domain, or one a subdomain of the other."""
    domain, from_domain = _domain(domain), _domain(from_domain)
    return bool(domain) and (
        domain == from_domain or domain.endswith("." + from_domain) or from_domain.endswith("." + domain)
    )


def sender_verified(
    headers: tuple[str, ...] | list[str],
    from_address: str,
    trusted_ids: frozenset[str],
    methods: frozenset[str] = frozenset({"dmarc"}),
) -> bool:
    """True when the topmost header is from a trusted authserv-id and reports a pass for the From domain."""
    from_domain = _domain(from_address) if "@" in from_address else ""
    if not from_domain or not trusted_ids or not headers:
        return False
    authserv, results = parse(headers[0])  # only the topmost: what the relay added last
    if authserv not in trusted_ids:
        return False
    for r in results:
        if r.result != "pass" or r.method not in methods:
            continue
        if r.method == "dmarc":
            # DMARC's verdict is about the domain it names; without header.from it names none.
            if _domain(r.properties.get("header.from", "")) == from_domain:
                return True
        elif r.method == "dkim":
            if aligned(r.properties.get("header.d") or r.properties.get("header.i", ""), from_domain):
                return True
        elif r.method == "spf":
            if aligned(r.properties.get("smtp.mailfrom", ""), from_domain):
                return True
    return False
