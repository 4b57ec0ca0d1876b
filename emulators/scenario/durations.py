"""Durations as people write them in scenarios: ``5s``, ``2m``, ``1h30m``, ``250ms`` or a number.

A bare number means seconds. The pattern is shared with the JSON Schema so that an editor
flags a bad duration with the same rule the loader applies.
"""

from __future__ import annotations

import re

DURATION_PATTERN = r"^([0-9]+(\.[0-9]+)?(ms|h|m|s))+$"
"""One or more ``<number><unit>`` parts; units ms, s, m, h (``1h30m``, ``2.5s``)."""

_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)")
_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(value: object) -> float:
    """Seconds in ``value``; raises ValueError with a readable message otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"{value} is negative; a duration is 0 or more")
        return float(value)
    if not isinstance(value, str) or not re.fullmatch(DURATION_PATTERN, value.strip()):
        raise ValueError(f"{value!r} is not a duration (write e.g. 30s, 2m, 1h30m, 250ms)")
    return sum(float(n) * _UNIT[u] for n, u in _PART.findall(value.strip()))


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
