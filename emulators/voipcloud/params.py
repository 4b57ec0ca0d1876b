"""Parameters of the VoIPcloud operations (voipcloud.txt, each operation's parameter table).

Where the seed is silent the rules follow the PHP the API is written in: integers as
``filter_var(FILTER_VALIDATE_INT)`` reads them, dates as ``date_format:Y-m-d`` checks them, and
an empty value as the documented default ``''`` (docs/FIDELITY.md). Every rule refuses with
"Parameters error" before anything happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Mapping
from zoneinfo import ZoneInfo

from ..dialect import errors as k
from ..dialect.errors import Refusal
from ..dialect.params import YMD, Param, choice, comma_list, php_int, text

LIMIT_DEFAULT, LIMIT_MIN, LIMIT_MAX = 100, 1, 10000
"""Seed: "(default: 100), the limit value should be in the range from 1 to 10000"."""
OFFSET_DEFAULT = 0

NUMBER = text(pattern=r"\+?[0-9]{3,20}", name="number")
"""A dialable number or extension: digits, optionally one leading ``+``."""
USER_NUMBER = text(pattern=r"\+?[0-9]{1,20}", name="user_number")

FROM_DATE = Param("from_date", YMD, doc="Start date of period (Y-m-d), inclusive", example="2020-12-18")
TO_DATE = Param("to_date", YMD, doc="End date of period (Y-m-d), inclusive", example="2020-12-18")
LIMIT = Param("limit", php_int(LIMIT_MIN, LIMIT_MAX), default=LIMIT_DEFAULT,
              doc="Max records, 1 to 10000 (default 100)")
OFFSET = Param("offset", php_int(0), default=OFFSET_DEFAULT, doc="Records to skip (default 0)")


def list_params(names_param: str, names_doc: str) -> tuple[Param, ...]:
    return (FROM_DATE, TO_DATE, LIMIT, OFFSET,
            Param(names_param, comma_list(fold_case=True), doc=names_doc))


CALL_TO_NUMBER = (
    Param("user_number", USER_NUMBER, required=True, doc="Extension or phone number of the user"),
    Param("number_to_call", NUMBER, required=True, doc="Phone number to call"),
)


# -- integration API v2 (no vendor document: docs/FIDELITY.md, from client evidence) ----------
NEWEST_FIRST, OLDEST_FIRST = "newest_first", "oldest_first"
SORT_BY = Param("sort_by", choice((NEWEST_FIRST, OLDEST_FIRST)), default=NEWEST_FIRST,
                doc="newest_first (default; what every client sends) or oldest_first", example=NEWEST_FIRST)
UNIQUE_CALL_ID = Param("unique_call_id", text(max_len=32, pattern=r"[0-9]+", name="unique_call_id"),
                       doc="Only the call with this id (an empty list when there is none)")
CALLER_ID = Param("caller_id", NUMBER, doc="Number to present to the called party (optional)")


def v2_list_params(names_param: str | None = None, names_doc: str = "") -> tuple[Param, ...]:
    names = (Param(names_param, comma_list(fold_case=True), doc=names_doc),) if names_param else ()
    return (SORT_BY, FROM_DATE, TO_DATE, LIMIT, OFFSET, UNIQUE_CALL_ID, *names)


V2_CALL_TO_NUMBER = (*CALL_TO_NUMBER, CALLER_ID)
"""v1's two parameters and the optional ``caller_id``; anything else sent (``user``,
``user_name``) is ignored."""


@dataclass(frozen=True)
class Window:
    """The validated time window and page of one call-list request."""

    since: float | None
    """Epoch of ``from_date`` 00:00 in the tenant's zone (inclusive), or None: any time."""
    until: float | None
    """Epoch of the day after ``to_date`` 00:00 (exclusive: ``to_date`` is inclusive)."""
    limit: int
    offset: int
    names: frozenset[str] | None
    """Case-folded names to keep, or None: all."""


def window(params: Mapping[str, Any], names_param: str | None, tz: str) -> Window:
    """The request's window; ``names_param`` None: an operation without a names filter."""
    first, last = params["from_date"], params["to_date"]
    if first is not None and last is not None and first > last:
        raise Refusal(k.PARAM_INVALID, "from_date is after to_date")
    names = params[names_param] if names_param is not None else None
    return _window(first, last, params["limit"], params["offset"], names, tz)


@lru_cache(maxsize=1024)
def _window(first: date | None, last: date | None, limit: int, offset: int,
            names: frozenset[str] | None, tz: str) -> Window:
    """The window, once per distinct request (a ``Window`` is immutable): clients poll the
    same few windows, and a zone conversion costs more than the rest of a request."""
    since = _day_start(first, tz) if first is not None else None
    until = None
    if last is not None and last < date.max:
        until = _day_start(last + timedelta(days=1), tz)
    return Window(since, until, limit, offset, names)


def _day_start(day: date, tz: str) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).timestamp()
