"""Named value formats a contract can ask for (``!format sql-datetime``): one home for each.

A format checks a string; a value of another JSON type never has a format. Names are the ones
the vendor documents use where they have one (``Y-m-d``, ISO 8601, Asterisk's uniqueid).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Callable


def _pattern(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda text: compiled.fullmatch(text) is not None


def _sql_datetime(text: str) -> bool:
    if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text) is None:
        return False
    try:
        datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False
    return True


def _iso8601(text: str) -> bool:
    """A date and time with its offset (``2017-06-22T11:17:18+05:30``, ``...Z``)."""
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)", text) is None:
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _ymd(text: str) -> bool:
    if re.fullmatch(r"\d{4}-\d\d-\d\d", text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


FORMATS: dict[str, Callable[[str], bool]] = {
    "sql-datetime": _sql_datetime,
    "iso8601": _iso8601,
    "date": _ymd,
    "asterisk-uniqueid": _pattern(r"[0-9]{9,11}\.[0-9]+"),
    "digits": _pattern(r"[0-9]+"),
    "phone": _pattern(r"\+?[0-9]{2,20}"),
    "hex32": _pattern(r"[0-9a-f]{32}"),
    "hex40": _pattern(r"[0-9a-f]{40}"),
    "url": _pattern(r"https?://[^\s/]+(/[^\s]*)?"),
    "email": _pattern(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
}
"""Format name -> check. ``sql-datetime``: ``YYYY-MM-DD HH:MM:SS`` (Kerauno, Daktela);
``iso8601``: with an offset (MyCalls, VoIPcloud); ``date``: ``Y-m-d``; ``asterisk-uniqueid``:
``<epoch>.<sequence>``; ``digits``: a number written as a string; ``phone``: digits with an
optional leading ``+``."""


def known(name: str) -> bool:
    return name in FORMATS


def conforms(name: str, value: object) -> bool:
    return isinstance(value, str) and FORMATS[name](value)
