"""Which machines may hand mail to the gateway: the municipality's relays, as a CIDR allow-list. Pure.

The gateway is never the internet-facing MX. Its trust in an Authentication-Results header rests on the relay
having added it (and stripped inbound copies of its own authserv-id), so a message that did not come through
the relay must not be taken at all: anyone else is refused when the connection opens, before a byte is read.
"""

from __future__ import annotations

import ipaddress

__all__ = ["RelayNetworks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RelayNetworks:
    """``"10.0.4.0/24, 10.0.5.17"`` -> an allow-list; an empty list allows nobody."""

    def __init__(self, networks: tuple[Network, ...]):
        self.networks = networks

    @classmethod
    def parse(cls, text: str) -> RelayNetworks:
        """Raises ValueError with a Danish message naming the setting and the bad entry."""
        networks = []
        for entry in (e.strip() for e in text.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(
                    f"gateway_relay_networks: '{entry}' er ikke en IP-adresse eller et net (CIDR, fx 10.0.4.0/24)"
                ) from None
        return cls(tuple(networks))

    def allows(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # a dual-stack socket shows an IPv4 relay as ::ffff:a.b.c.d
        return any(address in network for network in self.networks)

    def __str__(self) -> str:
        return ", ".join(str(n) for n in self.networks) or "(ingen)"
