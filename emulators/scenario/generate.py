"""Load generators: many calls with random arrival times, talk times and patience, all drawn
from a generator-private RNG seeded by (scenario seed, generator index, id), so the same seed
gives the same day, and adding a generator does not change the calls of another.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, NamedTuple

from .durations import parse_duration

DEFAULT_PREFIX = "+1555"
DEFAULT_DIGITS = 7


class Arrival(NamedTuple):
    """One generated call (immutable; a named tuple because a busy day makes ten thousand, and
    a frozen dataclass is several times slower to build)."""

    at: float
    """Seconds from the scenario start."""
    order: int
    """Tie-breaker across generators (index * 10^7 + n)."""
    label: str
    """``<generator id>-<n>`` (1-based)."""
    generator: str
    caller: str
    to: str
    talk: float | None
    patience: float | None


@dataclass(frozen=True)
class Dist:
    """A talk/patience distribution with its durations already in seconds."""

    kind: str
    mean: float | None
    lo: float | None
    hi: float | None

    @classmethod
    def parse(cls, dist: dict[str, Any] | None) -> "Dist | None":
        if not dist:
            return None
        def get(key: str) -> float | None:
            return parse_duration(dist[key]) if key in dist else None
        return cls(str(dist.get("dist", "exponential")), get("mean"), get("min"), get("max"))


def draw(rng: random.Random, dist: Dist | None) -> float | None:
    """One sample in whole seconds (>= 1), or None without a distribution."""
    if dist is None:
        return None
    lo, hi, mean = dist.lo, dist.hi, dist.mean
    if dist.kind == "fixed":
        value = mean if mean is not None else (lo if lo is not None else hi or 0.0)
    elif dist.kind == "uniform" or mean is None:
        a = lo if lo is not None else 0.0
        b = hi if hi is not None else (2 * mean if mean is not None else a)
        value = rng.uniform(a, b)
    else:
        value = rng.expovariate(1.0 / mean) if mean > 0 else 0.0
    if lo is not None:
        value = max(lo, value)
    if hi is not None:
        value = min(hi, value)
    return float(max(1, round(value)))


def arrivals(spec: dict[str, Any], seed: int, index: int) -> list[Arrival]:
    """Every call one ``calls`` generator makes, in arrival order."""
    label = str(spec.get("id", "gen"))
    rng = random.Random(f"telemock-scenario:{seed}:{index}:{label}")
    count = int(spec["count"])
    over = parse_duration(spec["over"])
    start = parse_duration(spec.get("start", 0))
    if spec.get("arrival", "poisson") == "uniform":
        times = [start + over * n / count for n in range(count)]
    else:
        # A Poisson process conditioned on `count` arrivals in the window: sorted uniform times.
        times = sorted(start + rng.uniform(0.0, over) for _ in range(count))
    targets = spec["to"] if isinstance(spec["to"], list) else [spec["to"]]
    source = spec.get("from", {})
    prefix = str(source.get("prefix", DEFAULT_PREFIX))
    digits = int(source.get("digits", DEFAULT_DIGITS))
    space = 10 ** digits
    numbers = rng.sample(range(space), count) if count <= space else [n % space for n in range(count)]
    talk, patience = Dist.parse(spec.get("talk")), Dist.parse(spec.get("patience"))
    base = index * 10_000_000
    # The draws per call, in this order: target (only when there are several), talk, patience.
    several = len(targets) > 1
    only = str(targets[0])
    out = []
    for n, at in enumerate(times):
        out.append(Arrival(round(at, 3), base + n, f"{label}-{n + 1}", label, f"{prefix}{numbers[n]:0{digits}d}",
                           str(targets[rng.randrange(len(targets))]) if several else only,
                           draw(rng, talk), draw(rng, patience)))
    return out


def planned_span(generators: list[dict[str, Any]]) -> float:
    """Seconds from the start until the last generated call can arrive."""
    return max((parse_duration(g.get("start", 0)) + parse_duration(g["over"]) for g in generators), default=0.0)
