"""Who vouches for a reply's sender: Authentication-Results (RFC 8601) from a trusted authserv-id, with a pass
aligned to the From domain. Examples follow RFC 8601's appendix and what Exchange Online and Postfix with
OpenDMARC write."""

from __future__ import annotations

import pytest

from mailing.authentication import aligned, parse, sender_verified

TRUSTED = frozenset({"mx.kommune.dk"})
FROM = "henrik.lund@bageriet.dk"


def test_a_header_is_read_with_comments_and_properties():
    authserv, results = parse(
        "mx.kommune.dk 1; spf=pass (sender SPF authorized) smtp.mailfrom=bageriet.dk; "
        "dkim=pass header.d=bageriet.dk header.s=sel1; dmarc=pass (p=reject) "
        "header.from=bageriet.dk"
    )
    assert authserv == "mx.kommune.dk"
    assert [(r.method, r.result) for r in results] == [("spf", "pass"), ("dkim", "pass"), ("dmarc", "pass")]
    assert results[1].properties["header.d"] == "bageriet.dk"


@pytest.mark.parametrize(
    "headers, methods, expected",
    [
        (["mx.kommune.dk; dmarc=pass header.from=bageriet.dk"], {"dmarc"}, True),
        (["mx.kommune.dk; dmarc=pass header.from=Bageriet.DK"], {"dmarc"}, True),  # a domain's case does not
        (["mx.kommune.dk; dmarc=fail header.from=bageriet.dk"], {"dmarc"}, False),
        (["mx.kommune.dk; dmarc=pass header.from=evil.example"], {"dmarc"}, False),  # not the From domain
        (["mx.kommune.dk; dmarc=pass header.from=mail.bageriet.dk"], {"dmarc"}, False),  # DMARC names From itself
        (["mx.evil.example; dmarc=pass header.from=bageriet.dk"], {"dmarc"}, False),  # not our server
        (["mx.kommune.dk; spf=pass smtp.mailfrom=bageriet.dk"], {"dmarc"}, False),  # SPF not accepted
        (["mx.kommune.dk; spf=pass smtp.mailfrom=bounce.bageriet.dk"], {"dmarc", "spf"}, True),  # relaxed
        (["mx.kommune.dk; spf=pass smtp.mailfrom=evil.example"], {"spf"}, False),  # not aligned
        (["mx.kommune.dk; dkim=pass header.d=bageriet.dk"], {"dkim"}, True),
        (["mx.kommune.dk; dkim=pass header.i=@mail.bageriet.dk"], {"dkim"}, True),
        (["mx.kommune.dk; dkim=pass header.d=evil.example"], {"dkim"}, False),
        # Only the topmost header counts: a pass written below it, by a forger or another server, does not.
        (
            ["mx.kommune.dk; dmarc=fail header.from=bageriet.dk", "mx.kommune.dk; dmarc=pass header.from=bageriet.dk"],
            {"dmarc"},
            False,
        ),
        ([], {"dmarc"}, False),
        (["garbage without structure"], {"dmarc"}, False),
    ],
)
def test_only_an_aligned_pass_from_a_trusted_server_vouches(headers, methods, expected):
    assert sender_verified(headers, FROM, TRUSTED, frozenset(methods)) is expected


# The forgeries that were applied before, each written as an attacker would write it.
FORGERIES = {
    "below another server's header": [
        "mx.other.example; dmarc=none header.from=bageriet.dk",
        "mx.kommune.dk; dmarc=pass header.from=bageriet.dk",
    ],
    "authserv-id in other letter case": ["MX.Kommune.DK; dmarc=pass header.from=bageriet.dk"],
    "no header.from": ["mx.kommune.dk; dmarc=pass"],
    "header.from of another domain": ["mx.kommune.dk; dmarc=pass header.from=example.com"],
    "pass inside a quoted reason": ['mx.kommune.dk; dmarc=fail reason="policy; dmarc=pass" header.from=bageriet.dk'],
    "pass inside a comment": ["mx.kommune.dk; dmarc=fail (dmarc=pass) header.from=bageriet.dk"],
    "our id as a version suffix": ["mx.kommune.dk.evil.example; dmarc=pass header.from=bageriet.dk"],
    "our id quoted": ['"mx.kommune.dk"; dmarc=pass header.from=bageriet.dk'],
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forged_verdict_vouches_for_nothing(name):
    assert sender_verified(FORGERIES[name], FROM, TRUSTED) is False, name


def test_a_quoted_value_is_a_value_not_a_result():
    authserv, results = parse('mx.kommune.dk; dmarc=fail reason="policy; dmarc=pass" header.from=bageriet.dk')
    assert authserv == "mx.kommune.dk"
    assert [(r.method, r.result) for r in results] == [("dmarc", "fail")]


def test_nothing_is_trusted_without_a_configured_server_or_a_sender():
    header = ["mx.kommune.dk; dmarc=pass header.from=bageriet.dk"]
    assert sender_verified(header, FROM, frozenset()) is False
    assert sender_verified(header, "", TRUSTED) is False


def test_alignment_is_relaxed_but_not_loose():
    assert aligned("bageriet.dk", "bageriet.dk") and aligned("mail.bageriet.dk", "bageriet.dk")
    assert not aligned("notbageriet.dk", "bageriet.dk") and not aligned("", "bageriet.dk")
