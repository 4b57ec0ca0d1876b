"""Durations as people write them in scenarios: ``5s``, ``2m``, ``1h30m``, ``250ms`` or a number.

A bare number means seconds. The pattern is shared with the JSON Schema so that an editor
flags a bad duration with the same rule the loader applies. No duration may be longer than the
clock's whole range (1970 to its bound, 3000-01-01): a longer one could only push a clock past
what any date format can render.
"""

from __future__ import annotations

import math
import re

from ..core.clock import EARLIEST, LATEST

DURATION_PATTERN = r"^([0-9]+(\.[0-9]+)?(ms|h|m|s))+$"
"""One or more ``<number><unit>`` parts; units ms, s, m, h (``1h30m``, ``2.5s``)."""

_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}

MAX_DURATION = LATEST - EARLIEST
"""Seconds from the clock's earliest to its latest instant (~1030 years): the longest duration."""


def parse_duration(value: object) -> float:
    """Seconds in ``value``; raises ValueError with a readable message otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"{value} is negative; a duration is 0 or more")
        return _bounded(float(value), value)
    if not isinstance(value, str) or not re.fullmatch(DURATION_PATTERN, value.strip()):
        raise ValueError(f"{_shown(value)} is not a duration (write e.g. 30s, 2m, 1h30m, 250ms)")
    return _bounded(sum(float(n) * _UNIT[u] for n, u in _PART.findall(value.strip())), value)


def _bounded(seconds: float, written: object) -> float:
    if math.isnan(seconds):
        raise ValueError(f"{written!r} is not a duration")
    if not seconds <= MAX_DURATION:
        raise ValueError(f"{_shown(written)} is longer than any clock can run (at most "
                         f"{MAX_DURATION:.0f}s: the clock stops at 3000-01-01)")
    return seconds


def _shown(value: object, keep: int = 40) -> str:
    """``repr(value)``, cut short: a message must not repeat a megabyte of input."""
    text = repr(value)
    return text if len(text) <= keep else text[:keep] + "..."


def format_duration(seconds: float) -> str:
    """Short human form: ``1h02m03s``, ``45s``, ``1.5s``."""
    if seconds < 60:
        return f"{seconds:g}s"
    whole = int(round(seconds))
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h}h{m:02d}m{s:02d}s"
    return f"{m}m{s:02d}s"
