"""The gateway's relay allow-list (FASTHOLD_GATEWAY_RELAY_NETWORKS): CIDR entries, IPv4 seen through a
dual-stack socket, a bad entry named in Danish, an empty list allowing nobody."""

from __future__ import annotations

import pytest

from mailing.relays import RelayNetworks


def test_only_the_relays_are_allowed():
    relays = RelayNetworks.parse("10.0.4.0/24, 10.0.5.17, 2001:db8::/32")
    assert relays.allows("10.0.4.25") and relays.allows("10.0.5.17") and relays.allows("2001:db8::1")
    assert relays.allows("::ffff:10.0.4.25")  # an IPv4 relay on a dual-stack socket
    assert not relays.allows("10.0.5.18") and not relays.allows("203.0.113.9") and not relays.allows("")
    assert not relays.allows("not an address")


def test_an_empty_list_allows_nobody():
    assert not RelayNetworks.parse("").allows("127.0.0.1")


def test_a_bad_entry_is_named_in_danish():
    with pytest.raises(ValueError) as refused:
        RelayNetworks.parse("10.0.4.0/24, mx.kommune.dk")
    assert "gateway_relay_networks" in str(refused.value) and "'mx.kommune.dk'" in str(refused.value)
    assert "er ikke en IP-adresse" in str(refused.value)
