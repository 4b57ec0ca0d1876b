"""A loaded, validated scenario: plain data the runner interprets (nothing here touches a tenant)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .yamlpos import Mark, Path, Positions


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file, where it is, and what to do about it."""

    file: str
    mark: Mark | None
    message: str

    def __str__(self) -> str:
        where = f"{self.mark.line}:{self.mark.column}" if self.mark else "1:1"
        return f"{self.file}:{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file that cannot be run; nothing of it was applied."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass
class Step:
    index: int
    """Position in the timeline (0-based)."""
    name: str
    """The action (``inbound_call``, ``hold``, ``wait_until``, ``expect_error`` ...)."""
    args: dict[str, Any]
    at: float | None
    """Offset from the start in seconds, when the step says ``at``."""
    after: float
    """Delay after the previous step (0 when ``at`` is given)."""
    optional: bool = False
    note: str = ""
    line: int = 0

    def describe(self) -> str:
        return f"step {self.index + 1} ({self.name}, line {self.line})"


@dataclass
class Scenario:
    file: str
    name: str
    description: str = ""
    vendors: list[str] = field(default_factory=list)
    """Vendors it applies to; empty: every vendor."""
    seed: int | None = None
    start: str | None = None
    """ISO instant the clock starts at; None: the tenant's own start."""
    end: float | None = None
    world: dict[str, Any] = field(default_factory=dict)
    webhooks: dict[str, Any] | None = None
    steps: list[Step] = field(default_factory=list)
    generators: list[dict[str, Any]] = field(default_factory=list)
    expect: dict[str, Any] = field(default_factory=dict)
    positions: Positions = field(default_factory=lambda: Positions({}, {}))
    source: str = ""
    """The YAML text it was loaded from (sent as is to a remote control plane)."""

    def line_of(self, path: Path) -> int:
        return self.positions.of(path).line

    def where(self, path: Path) -> str:
        return f"{self.file}:{self.line_of(path)}"
