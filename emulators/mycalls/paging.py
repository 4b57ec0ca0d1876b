"""The page object of MyCalls' lists (mycalls.txt: the app-list and call-log examples).

The keys are Django's ``Paginator`` and ``Page`` under other names (``totalItems`` = count,
``totalPages`` = num_pages, ``startIndex``/``endIndex`` = start_index()/end_index()), and the
examples' dict order is Python 2's, so the paging here is Django's, as its documentation's own
view does it: a ``pg`` that is not a number gives the first page, one out of range (below 1 or
past the end) the last page, and an empty list one empty page (indexes 0). ``cur`` is the
request URL as received; ``first`` and ``last`` are that URL with ``pg=<n>`` in place of any
``pg`` it had. 100 items a page (the app list's "max 100 items are listed in a page").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence, TypeVar
from urllib.parse import unquote_plus

from ..dialect.operation import Ctx

PAGE_SIZE = 100
APP_LIST_KEYS = ("endIndex", "last", "first", "startIndex", "totalItems", "cur", "totalPages")
"""The app-list example's page object, in its order."""
CALL_LOG_KEYS = ("totalItems", "last", "pageItems", "pageNumber", "cur", "endIndex", "startIndex",
                 "totalPages", "first")
"""The call-log example's page object, in its order (two more keys than the app list's)."""
PAGE_PARAM = "pg"

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    number: int
    """1-based page served (after Django's corrections)."""
    total: int
    pages: int
    start: int
    """Index of the first item in the whole list, 1-based (0 when the list is empty)."""
    end: int

    @property
    def items(self) -> int:
        return self.end - self.start + 1 if self.total else 0

    def of(self, items: Sequence[T]) -> Sequence[T]:
        return items[self.start - 1:self.end] if self.total else items[:0]


def requested(raw: Any) -> int:
    """``pg`` as Django reads it: ``int()`` of the text, the first page when it is not one."""
    if raw is None:
        return 1
    try:
        return int(str(raw))
    except ValueError:  # includes text past Python's 4300-digit int limit
        return 1


def page(total: int, number: int, size: int = PAGE_SIZE) -> Page:
    pages = max(1, -(-total // size))
    if not 1 <= number <= pages:
        number = pages
    if total == 0:
        return Page(number, 0, pages, 0, 0)
    start = size * (number - 1) + 1
    end = total if number == pages else number * size
    return Page(number, total, pages, start, end)


def request_url(ctx: Ctx) -> str:
    """The URL as the client sent it: scheme, ``Host``, raw path and query."""
    scope = ctx.scope
    host = ctx.header("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] in (None, 80, 443) else f"{server[0]}:{server[1]}"
    raw_path = scope.get("raw_path")
    path = raw_path.decode("latin-1") if isinstance(raw_path, bytes) and raw_path else (
        scope.get("root_path", "") + scope["path"])
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{scope.get('scheme', 'http')}://{host}{path}" + (f"?{query}" if query else "")


def with_page(url: str, number: int) -> str:
    """``url`` with ``pg=<number>`` last in place of any ``pg`` it had."""
    base, _, query = url.partition("?")
    kept = [part for part in query.split("&")
            if part and unquote_plus(part.partition("=")[0]) != PAGE_PARAM]
    return f"{base}?{'&'.join([*kept, f'{PAGE_PARAM}={number}'])}"


def page_object(ctx: Ctx, p: Page, keys: tuple[str, ...]) -> dict[str, Any]:
    """The page object (shared when remembered: callers only read it)."""
    return page_object_at(request_url(ctx), p, keys)


def page_object_at(cur: str, p: Page, keys: tuple[str, ...]) -> dict[str, Any]:
    """The page object of a request to ``cur`` (``request_url``)."""
    if len(cur) <= CACHED_URL:
        return _remembered_page_object(cur, p, keys)
    return _page_object(cur, p, keys)


CACHED_URL = 1024
"""Longest request URL whose page objects (and whole answers: ``kept``) are remembered (a cache
keyed by long client text would hold megabytes)."""


@lru_cache(maxsize=1024)
def _remembered_page_object(cur: str, p: Page, keys: tuple[str, ...]) -> dict[str, Any]:
    return _page_object(cur, p, keys)


def _page_object(cur: str, p: Page, keys: tuple[str, ...]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "totalItems": p.total, "totalPages": p.pages, "pageItems": p.items, "pageNumber": p.number,
        "startIndex": p.start, "endIndex": p.end, "cur": cur,
        "first": with_page(cur, 1), "last": with_page(cur, p.pages),
    }
    return {key: values[key] for key in keys}
