"""A list shown a page at a time: the page asked for (kept within range), its rows, and how many pages."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from starlette.requests import Request


@dataclass(frozen=True)
class Paged:
    rows: list
    page: int
    pages: int
    total: int


def page_of(items: list, page: int, size: int) -> Paged:
    pages = max(1, ceil(len(items) / size))
    page = min(max(1, page), pages)
    return Paged(items[(page - 1) * size : page * size], page, pages, len(items))


def asked_page(request: Request) -> int:
    try:
        return int(request.query_params.get("side", "1"))
    except ValueError:
        return 1
