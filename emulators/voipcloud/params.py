"""Parameter rules of the VoIPcloud operations (seed lines 24-30, 44-50, 64-70, 84-87).

Every rule raises ``VoipcloudError(400)`` ("Parameters error") before anything happens.
Where the seed is silent the rules follow the PHP the API is written in: integers as
``filter_var(FILTER_VALIDATE_INT)`` reads them, dates as ``date_format:Y-m-d`` checks them,
and an empty value as the documented default ``''`` (docs/FIDELITY.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Mapping
from zoneinfo import ZoneInfo

from .errors import PARAMETERS_ERROR, VoipcloudError

LIMIT_DEFAULT, LIMIT_MIN, LIMIT_MAX = 100, 1, 10000
"""Seed: "(default: 100), the limit value should be in the range from 1 to 10000"."""
OFFSET_DEFAULT = 0
OFFSET_MAX = 2**63 - 1
"""PHP_INT_MAX: a larger offset is not an integer to PHP."""

_PHP_INT = re.compile(r"[+-]?(0|[1-9][0-9]{0,18})")
_PHP_SPACE = " \t\n\r\v\f"
_YMD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NUMBER = re.compile(r"\+?[0-9]{3,20}")
"""A dialable number or extension: digits, optionally one leading ``+``."""
_USER_NUMBER = re.compile(r"\+?[0-9]{1,20}")


def _bad() -> VoipcloudError:
    return VoipcloudError(PARAMETERS_ERROR)


def php_int(raw: str) -> int:
    """An integer as PHP's FILTER_VALIDATE_INT accepts it (surrounding blanks, sign, no
    leading zeros, within PHP_INT range); anything else is a parameters error."""
    text = raw.strip(_PHP_SPACE)
    if not _PHP_INT.fullmatch(text):
        raise _bad()
    value = int(text)
    if not -OFFSET_MAX - 1 <= value <= OFFSET_MAX:
        raise _bad()
    return value


def optional(params: Mapping[str, str], name: str) -> str | None:
    """The parameter's value, or None when absent or ``''`` (the documented default)."""
    value = params.get(name)
    return None if value is None or value == "" else value


def ymd(raw: str) -> date:
    """A ``Y-m-d`` date (e.g. 2020-12-18): exactly four, two and two digits, a real day."""
    if not _YMD.fullmatch(raw):
        raise _bad()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad() from None


def _day_start(day: date, tz: str) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(tz)).timestamp()


@dataclass(frozen=True)
class ListQuery:
    """The validated parameters of one call-list request."""

    since: float | None
    """Epoch of ``from_date`` 00:00 in the tenant's zone (inclusive), or None: any time."""
    until: float | None
    """Epoch of the day after ``to_date`` 00:00 (exclusive: ``to_date`` is inclusive)."""
    limit: int
    offset: int
    names: frozenset[str] | None
    """Case-folded names to keep, or None: all."""


CACHED_TEXT = 256
"""Most characters of limit, offset and names whose parsed query is kept (``_list_query``):
a cache keyed by long client-chosen text would hold megabytes. (Dates are 10 characters or
refused, and a refusal is never cached.)"""


def list_query(params: Mapping[str, str], names_param: str, tz: str) -> ListQuery:
    limit, offset, wanted = optional(params, "limit"), optional(params, "offset"), optional(params, names_param)
    parse = _list_query
    if len(limit or "") + len(offset or "") + len(wanted or "") > CACHED_TEXT:
        parse = _list_query.__wrapped__
    return parse(limit, offset, optional(params, "from_date"), optional(params, "to_date"), wanted, tz)


@lru_cache(maxsize=1024)
def _list_query(raw_limit: str | None, raw_offset: str | None, raw_from: str | None,
                raw_to: str | None, raw_names: str | None, tz: str) -> ListQuery:
    """``list_query`` once per distinct raw values (a ``ListQuery`` is immutable; a refusal
    raises and is never cached): clients poll with the same few queries."""
    limit = LIMIT_DEFAULT if raw_limit is None else php_int(raw_limit)
    if not LIMIT_MIN <= limit <= LIMIT_MAX:
        raise _bad()
    offset = OFFSET_DEFAULT if raw_offset is None else php_int(raw_offset)
    if offset < 0:
        raise _bad()
    first = ymd(raw_from) if raw_from is not None else None
    last = ymd(raw_to) if raw_to is not None else None
    if first is not None and last is not None and first > last:
        raise _bad()
    since = _day_start(first, tz) if first is not None else None
    until = None
    if last is not None and last < date.max:
        until = _day_start(last + timedelta(days=1), tz)
    return ListQuery(since, until, limit, offset, names(raw_names))


def names(raw: str | None) -> frozenset[str] | None:
    """A comma-separated list of object names; blanks around names and empty items are
    ignored, matching is case-insensitive (a MySQL ``_ci`` collation). None: all."""
    if raw is None:
        return None
    items = frozenset(part.strip().casefold() for part in raw.split(",") if part.strip())
    return items or None


def user_number(params: Mapping[str, str]) -> str:
    value = params.get("user_number") or ""
    if not _USER_NUMBER.fullmatch(value):
        raise _bad()
    return value


def number_to_call(params: Mapping[str, str]) -> str:
    value = params.get("number_to_call") or ""
    if not _NUMBER.fullmatch(value):
        raise _bad()
    return value
