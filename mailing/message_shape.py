"""Limits on an inbound message's shape, checked on the raw bytes before any parser sees it. Pure, linear.

The standard library's e-mail parser is quadratic on some shapes: 100 KB of Content-Type parameters took it
10 s, a few hundred nested or sibling parts seconds, and a subject of encoded words hundreds of megabytes. A
calendar reply needs none of that: a few dozen headers, a handful of parts, two or three levels of nesting.
So the shape is measured with byte scans (no parsing), and a message over a limit is kept and refused as
``too_complex`` without being parsed; the parse itself then runs with a time and memory bound
(``mailing.bounded_parse``) for whatever the limits do not foresee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Limits", "LIMITS", "shape_problem"]


@dataclass(frozen=True)
class Limits:
    header_bytes: int = 64_000  # the top-level header block
    header_lines: int = 400  # its lines, folded ones counted
    field_bytes: int = 8_000  # one header field, unfolded, anywhere in the message (part headers too)
    parameters: int = 40  # ';' in one header field: Content-Type parameters and the like
    parts: int = 64  # Content-Type fields in the whole message
    multiparts: int = 8  # multipart containers (bounds the nesting as well)
    encoded_words: int = 200  # '=?' anywhere in header fields


LIMITS = Limits()
_MULTIPART = re.compile(rb"^content-type:[ \t]*multipart/", re.IGNORECASE | re.MULTILINE)
_CONTENT_TYPE = re.compile(rb"^content-type:", re.IGNORECASE | re.MULTILINE)


def shape_problem(raw: bytes, limits: Limits = LIMITS) -> str | None:
    """None when the message is within every limit, else a short English reason (kept in the record)."""
    end = raw.find(b"\r\n\r\n")
    end = raw.find(b"\n\n") if end < 0 else end
    header = raw if end < 0 else raw[:end]
    if len(header) > limits.header_bytes:
        return f"header block over {limits.header_bytes} bytes"
    if header.count(b"\n") + 1 > limits.header_lines:
        return f"over {limits.header_lines} header lines"
    if len(_CONTENT_TYPE.findall(raw)) > limits.parts:
        return f"over {limits.parts} parts"
    if len(_MULTIPART.findall(raw)) > limits.multiparts:
        return f"over {limits.multiparts} multipart containers"
    return _fields_problem(raw, limits)


def _fields_problem(raw: bytes, limits: Limits) -> str | None:
    """Every header-like field (a 'Name:' line and its folded continuation lines), in the top header and in
    part headers alike, since the parser reads both; body lines that look like one are measured too, which
    only makes the limit stricter for text nobody needs that long."""
    size = params = words = 0
    in_field = False
    for line in raw.split(b"\n"):
        if in_field and line[:1] in (b" ", b"\t"):
            size += len(line)
            params += line.count(b";")
            words += line.count(b"=?")
        else:
            colon = line.find(b":")
            in_field = 0 < colon < 80 and b" " not in line[:colon] and line[:1] not in (b" ", b"\t", b"-")
            size, params, words = (len(line), line.count(b";"), line.count(b"=?")) if in_field else (0, 0, 0)
        if in_field:
            if size > limits.field_bytes:
                return f"a header field over {limits.field_bytes} bytes"
            if params > limits.parameters:
                return f"a header field with over {limits.parameters} parameters"
        if words > limits.encoded_words:
            return f"over {limits.encoded_words} encoded words in a header field"
    return None
