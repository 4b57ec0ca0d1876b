"""Paging of the control plane's lists (calls, events, journals, tenants): ``?since`` and
``?limit``, so a poller only ever fetches what is new and no answer grows without bound.

The answer stays a plain JSON list, oldest first; when more entries follow, the header
``X-Telemock-Next-Since`` carries the ``since`` of the next page.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import islice
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse

from ..defaults import NEXT_SINCE  # answer header: more entries follow from this ``since``

DEFAULT_LIMIT = 500
"""Entries per page when the caller names no ``limit``."""
MAX_LIMIT = 5000
"""Largest ``limit`` (the request journal keeps 5000 entries: one page holds all of it)."""

Item = TypeVar("Item")


class PageError(ValueError):
    pass


def page_args(request: Request) -> tuple[int, int]:
    """(since, limit) from the query string: whole numbers, ``limit`` from 1 to ``MAX_LIMIT``."""
    query = request.query_params
    since = _whole(query.get("since", "0"))
    if since is None:
        raise PageError("since must be a whole number")
    limit = _whole(query.get("limit", str(DEFAULT_LIMIT)))
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise PageError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return since, limit


def _whole(raw: str) -> int | None:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return int(raw)


def after_seq(items: Sequence[Item], since: int, seq: Callable[[Item], int]) -> Iterator[Item]:
    """The items whose ``seq`` is greater than ``since`` (``items`` ascending by ``seq``)."""
    if isinstance(items, list):  # random access: start by bisection (events may be 200 000)
        start = bisect_right(items, since, key=seq)
        return (items[i] for i in range(start, len(items)))
    return (item for item in items if seq(item) > since)


def by_seq(items: Iterable[Item], limit: int, seq: Callable[[Item], int],
           render: Callable[[Item], Any]) -> JSONResponse:
    """One page of ``items`` (already past ``since`` and filtered: ``after_seq``); next
    ``since``: the last ``seq`` of this page."""
    chosen = list(islice(items, limit + 1))
    more = len(chosen) > limit
    del chosen[limit:]
    return _answer([render(item) for item in chosen], seq(chosen[-1]) if more else None)


def by_position(items: Iterable[Item], since: int, limit: int,
                render: Callable[[Item], Any]) -> JSONResponse:
    """One page of ``items`` in their order (creation order), skipping the first ``since``."""
    chosen = list(islice(items, since, since + limit + 1))
    more = len(chosen) > limit
    del chosen[limit:]
    return _answer([render(item) for item in chosen], since + limit if more else None)


def _answer(page: list[Any], next_since: int | None) -> JSONResponse:
    headers = {NEXT_SINCE: str(next_since)} if next_since is not None else None
    return JSONResponse(page, headers=headers)
