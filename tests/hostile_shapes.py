"""Messages shaped to stall or bloat the standard library's e-mail parser, at the sizes that did:
each a few hundred kilobytes at most. Shared by the shape tests and bench/bench_gateway_hostile.py."""

from __future__ import annotations


def _message(extra_headers: bytes = b"", content_type: bytes = b"text/plain", body: bytes = b"Svar\r\n") -> bytes:
    return (
        b"From: henrik@bageriet.example\r\nTo: invitationer@jobcenter.example.dk\r\nSubject: Svar\r\n"
        b"Message-ID: <hostile@bageriet.example>\r\nMIME-Version: 1.0\r\n"
        + extra_headers
        + b"Content-Type: "
        + content_type
        + b"\r\n\r\n"
        + body
    )


def _fold(raw: bytes) -> bytes:
    """Lines over 900 bytes folded (CRLF + space), as a sender must to get them through SMTP (RFC 5321 4.5.3.1.6)."""
    lines = []
    for line in raw.split(b"\r\n"):
        while len(line) > 900:
            lines.append(line[:900])
            line = b" " + line[900:]
        lines.append(line)
    return b"\r\n".join(lines)


def shapes(n: int = 8000) -> dict[str, bytes]:
    """name -> raw message; ``n`` scales each (8000: the sizes that held the gateway for seconds)."""
    return {name: _fold(raw) for name, raw in _shapes(n).items()}


def _shapes(n: int) -> dict[str, bytes]:
    calendar = b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nEND:VCALENDAR\r\n"
    nested = b"".join(
        b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (i, i + 1) for i in range(n // 8)
    )
    parts = b"".join(b"--b\r\nContent-Type: text/calendar; method=REPLY\r\n\r\n" + calendar for _ in range(n // 8))
    return {
        "encoded_words_subject": _message(
            b"Subject: " + b"".join(b"=?utf-8?q?=C3=A6=C3=B8?=" for _ in range(n)) + b"\r\n"
        ),
        "content_type_parameters": _message(
            content_type=b"text/calendar" + b"".join(b';\r\n p%d="v"' % i for i in range(n))
        ),
        "part_header_parameters": _message(
            content_type=b'multipart/mixed; boundary="b"',
            body=(
                b"--b\r\nContent-Type: text/calendar"
                + b"".join(b"; p%d=v" % i for i in range(n // 4))
                + b"\r\n\r\n"
                + calendar
                + b"--b--\r\n"
            ),
        ),
        "many_headers": _message(b"".join(b"X-H%d: v\r\n" % i for i in range(n))),
        "long_folded_header": _message(b"X-Long: " + b"\r\n ".join(b"a" * 70 for _ in range(n)) + b"\r\n"),
        "deep_nesting": _message(content_type=b'multipart/mixed; boundary="b0"', body=nested),
        "many_parts": _message(content_type=b'multipart/mixed; boundary="b"', body=parts + b"--b--\r\n"),
        "escaped_quotes": _message(content_type=b'text/calendar; x="' + b'\\"' * n + b'"'),
        "nested_comments": _message(b"Reply-To: " + b"(" * n + b")" * n + b" a@b.example\r\n"),
        "many_addresses": _message(
            b"Cc: " + b", ".join(b'"n%d" <a%d@b.example>' % (i, i) for i in range(n // 4)) + b"\r\n"
        ),
    }
