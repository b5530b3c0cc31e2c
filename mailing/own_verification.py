"""The gateway's own check of a reply's sender, for a municipality without a relay that writes
Authentication-Results: a DKIM signature (dkimpy) by the From domain, aligned as that domain's DMARC record
asks (dnspython looks it up). An aligned DKIM pass is a DMARC pass; SPF cannot be checked here (the gateway
sees only the relay's address, not the sender's), so without a valid aligned signature nothing is vouched for.

Off by default (`gateway_verify_dkim`); `gateway_dns_server` (ip:port) points the look-ups at a resolver of
the municipality's choosing (the tests run a stub resolver on loopback).
"""

from __future__ import annotations

import logging

import dkim
import dns.exception
import dns.resolver

__all__ = ["OwnVerification"]

log = logging.getLogger("fasthold.gateway")
MAX_SIGNATURES = 5  # a message with more is not worth more look-ups


class OwnVerification:
    def __init__(self, resolver: dns.resolver.Resolver, timeout: float = 5.0):
        self.resolver, self.timeout = resolver, timeout

    @classmethod
    def from_settings(cls, settings) -> OwnVerification | None:
        if not settings.gateway_verify_dkim:
            return None
        server = settings.gateway_dns_server.strip()
        if not server:
            return cls(dns.resolver.Resolver())
        resolver = dns.resolver.Resolver(configure=False)
        host, _, port = server.rpartition(":") if server.count(":") == 1 else (server, "", "53")
        resolver.nameservers, resolver.port = [host], int(port or 53)
        return cls(resolver)

    def txt(self, name: bytes, timeout: float = 5.0) -> bytes | None:
        """dkimpy's look-up: the first TXT record's strings, joined (DKIM keys are split into 255-byte strings)."""
        try:
            answer = self.resolver.resolve(name.decode("ascii").rstrip("."), "TXT", lifetime=min(timeout, self.timeout))
        except (dns.exception.DNSException, UnicodeError, ValueError):
            return None
        for record in answer:
            return b"".join(record.strings)
        return None

    def _dkim_alignment(self, domain: str) -> str:
        """adkim of the domain's DMARC record (its own, else the parent's): 's' strict, 'r' relaxed (default)."""
        labels = domain.split(".")
        for candidate in (domain, ".".join(labels[-2:])):
            record = self.txt(f"_dmarc.{candidate}".encode("ascii", "replace"))
            if record and record.lower().startswith(b"v=dmarc1"):
                for tag in record.decode("ascii", "replace").split(";"):
                    key, _, value = tag.strip().partition("=")
                    if key.lower() == "adkim":
                        return "s" if value.strip().lower() == "s" else "r"
                return "r"
        return "r"

    def verified(self, raw: bytes, from_domain: str) -> bool:
        """True when a DKIM signature verifies and its d= is aligned with the From domain."""
        from_domain = from_domain.lower().rstrip(".")
        if not from_domain:
            return False
        try:
            checker = dkim.DKIM(raw, minkey=1024, timeout=int(self.timeout))
            count = sum(1 for name, _ in checker.headers if name.lower() == b"dkim-signature")
        except Exception:  # an unreadable message has no signature we can trust
            return False
        strict = None
        for index in range(min(count, MAX_SIGNATURES)):
            try:
                if not checker.verify(idx=index, dnsfunc=self.txt):
                    continue
            except Exception:  # dkimpy's DKIMException and what odd input makes of it: this one does not count
                continue
            signer = (checker.domain or b"").decode("ascii", "replace").lower().rstrip(".")
            if strict is None:
                strict = self._dkim_alignment(from_domain) == "s"
            if signer == from_domain or (
                not strict and (signer.endswith("." + from_domain) or from_domain.endswith("." + signer))
            ):
                return True
        return False
