"""Whether the receiving mail server vouches for a reply's sender: Authentication-Results (RFC 8601).

The From header proves nothing. The municipality's own mail server checks SPF, DKIM and DMARC and records the
results in an Authentication-Results header that names itself (its authserv-id). Only such a header is
believed, only from a configured authserv-id (the server must remove headers that claim its id from mail it
receives, as RFC 8601 section 5 requires), and only a pass ALIGNED with the From domain counts: DMARC by
default; SPF or DKIM when configured (their domain must be the From domain or its parent/child). Pure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_RESULT = re.compile(r"^\s*([a-z0-9_-]+)\s*=\s*([a-z]+)\b(.*)$", re.IGNORECASE | re.DOTALL)
_PROPERTY = re.compile(r"\b(header\.from|header\.d|header\.i|smtp\.mailfrom|smtp\.from)\s*=\s*([^\s;]+)",
                       re.IGNORECASE)


@dataclass(frozen=True)
class MethodResult:
    method: str          # dmarc | dkim | spf | ...
    result: str          # pass | fail | none | ...
    properties: dict


def _strip_comments(text: str) -> str:
    depth, out = 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def parse(header: str) -> tuple[str, list[MethodResult]]:
    """(authserv-id, results) of one Authentication-Results header value."""
    parts = [p.strip() for p in _strip_comments(header).split(";")]
    authserv = parts[0].split()[0].lower() if parts and parts[0].split() else ""
    results = []
    for part in parts[1:]:
        found = _RESULT.match(part)
        if not found:
            continue
        props = {k.lower(): v.strip().strip('"').lower() for k, v in _PROPERTY.findall(found.group(3))}
        results.append(MethodResult(found.group(1).lower(), found.group(2).lower(), props))
    return authserv, results


def aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment: the same domain, or one a subdomain of the other."""
    domain, from_domain = domain.lower().rstrip("."), from_domain.lower().rstrip(".")
    return bool(domain) and (domain == from_domain or domain.endswith("." + from_domain)
                             or from_domain.endswith("." + domain))


def _domain_of(value: str) -> str:
    return value.rpartition("@")[2] if "@" in value else value


def sender_verified(headers: tuple[str, ...] | list[str], from_address: str, trusted_ids: frozenset[str],
                    methods: frozenset[str] = frozenset({"dmarc"})) -> bool:
    """True when the topmost header from a trusted authserv-id reports an aligned pass by an accepted method."""
    from_domain = _domain_of(from_address.lower())
    if not from_domain or not trusted_ids:
        return False
    for header in headers:
        authserv, results = parse(header)
        if authserv not in trusted_ids:
            continue
        for r in results:
            if r.result != "pass" or r.method not in methods:
                continue
            if r.method == "dmarc":
                if aligned(r.properties.get("header.from", from_domain), from_domain):
                    return True
            elif r.method == "dkim":
                if aligned(_domain_of(r.properties.get("header.d") or r.properties.get("header.i", "")), from_domain):
                    return True
            elif r.method == "spf":
                if aligned(_domain_of(r.properties.get("smtp.mailfrom", "")), from_domain):
                    return True
        return False  # only the topmost header of our own server counts
    return False
