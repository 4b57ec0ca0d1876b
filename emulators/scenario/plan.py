"""Planning a run before the clock moves: does the scenario apply to this vendor, what is
checked when, where webhooks go, and how long the day is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import generate
from .actions import step_needs
from .capabilities import Capabilities
from .durations import parse_duration
from .model import Scenario
from .receiver import BUILTIN_URL

DRAIN_HORIZON = 2 * 86400.0
"""How long after its last planned moment a run may keep going before it is stopped."""


@dataclass
class Checkpoint:
    at: float
    """Absolute virtual time."""
    order: int
    kind: str
    """``states`` | ``api``."""
    item: dict[str, Any]
    index: int


def not_applicable(scenario: Scenario, caps: Capabilities) -> str | None:
    """Why the scenario cannot run on this vendor, or None. Optional steps never count."""
    if scenario.vendors and caps.vendor not in scenario.vendors:
        return f"the scenario applies to {', '.join(scenario.vendors)} only"
    needing: dict[str, list[str]] = {}  # feature -> the steps that need it
    for step in scenario.steps:
        lacks = [f for f in step_needs(step.name, step.args) if not caps.has(f)]
        if lacks and not step.optional:
            needing.setdefault(lacks[0], []).append(step.describe())
    missing = [f"{' and '.join(steps) if len(steps) < 3 else f'{steps[0]} and {len(steps) - 1} more steps'} "
               f"need{'s' if len(steps) == 1 else ''} {feature}: {caps.lacks_message(feature)}"
               for feature, steps in needing.items()]
    if scenario.generators and not caps.has("inbound_calls"):
        missing.append(f"generate: {caps.lacks_message('inbound_calls')}")
    return "; ".join(missing) or None


def webhook_patch(hooks: dict[str, Any] | None, url: str | None) -> dict[str, Any] | None:
    """The tenant settings patch for the scenario's ``webhooks:`` (and ``--webhook-url``)."""
    if hooks is None and url is None:
        return None
    patch: dict[str, Any] = {}
    for key, value in (hooks or {}).items():
        patch[key] = parse_duration(value) if key in ("backoff_base", "backoff_max", "timeout") else value
    patch["url"] = url or (hooks or {}).get("url") or BUILTIN_URL
    return {"webhooks": patch}


def asks_for_a_receiver(expect: dict[str, Any]) -> bool:
    """Does an expectation ask whether webhooks arrived (``delivered``, ``in_order``)? Then a
    file without ``webhooks:`` still needs a receiver: the built-in one."""
    return any("delivered" in block or "in_order" in block for block in expect.get("webhooks", []))


def checkpoints(expect: dict[str, Any], t0: float) -> list[Checkpoint]:
    """``states`` and timed ``api`` expectations, in the order they are due."""
    out: list[Checkpoint] = []
    for i, item in enumerate(expect.get("states", [])):
        out.append(Checkpoint(t0 + parse_duration(item["at"]), len(out), "states", item, i))
    for i, item in enumerate(expect.get("api", [])):
        if "at" in item:
            out.append(Checkpoint(t0 + parse_duration(item["at"]), len(out), "api", item, i))
    return sorted(out, key=lambda c: (c.at, c.order))


def span(scenario: Scenario, points: list[Checkpoint], t0: float) -> float:
    """Seconds of the planned day (for the progress bar and the safety stop)."""
    static = [s.at for s in scenario.steps if s.at is not None] + [c.at - t0 for c in points]
    return max([*static, sum(s.after for s in scenario.steps), generate.planned_span(scenario.generators), 0.0])


def arrivals(scenario: Scenario, seed: int) -> list[generate.Arrival]:
    return sorted((a for i, g in enumerate(scenario.generators) for a in generate.arrivals(g, seed, i)),
                  key=lambda a: (a.at, a.order))
