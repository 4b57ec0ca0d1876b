"""What a scenario run found: every check with what was expected and what happened.

Statuses: ``passed`` (every check held), ``failed`` (an expectation did not hold), ``error``
(a step the core refused, or a ``wait_until`` that timed out, stopped the timeline),
``skipped`` (the scenario does not apply to this vendor; the reason says why).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

PASSED, FAILED, ERROR, SKIPPED = "passed", "failed", "error", "skipped"
EXIT_CODES = {PASSED: 0, FAILED: 1, ERROR: 1, SKIPPED: 3}
"""``telemock scenario run`` exit codes (2 is a malformed file or bad usage)."""


@dataclass
class Check:
    kind: str
    """``step`` | ``cdrs`` | ``totals`` | ``states`` | ``events`` | ``webhooks`` | ``api``."""
    name: str
    """What was checked, e.g. ``expect.cdrs.c1.disposition``."""
    line: int
    """Line of the scenario file that asked for it."""
    ok: bool | None
    """True held, False failed, None skipped (``reason`` says why)."""
    expected: str = ""
    actual: str = ""
    reason: str = ""

    def line_text(self, file: str) -> str:
        head = f"{file}:{self.line}: {self.name}"
        if self.ok is None:
            return f"SKIP {head}: {self.reason}"
        if self.ok:
            return f"ok   {head}"
        text = f"FAIL {head}"
        if self.expected or self.actual:
            text += f"\n       expected: {self.expected}\n       actual:   {self.actual}"
        if self.reason:
            text += f"\n       {self.reason}"
        return text


@dataclass
class Result:
    scenario: str
    file: str
    vendor: str
    tenant: str
    status: str = PASSED
    reason: str = ""
    """Why the run is skipped or stopped early."""
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    scoped_out: list[str] = field(default_factory=list)
    """Expectations written for another vendor (shown with --verbose)."""
    stats: dict[str, Any] = field(default_factory=dict)
    webhook_bodies: list[str] = field(default_factory=list)
    """Every webhook body the vendor rendered, in order (determinism is checked on these)."""
    api_answers: list[str] = field(default_factory=list)
    """``<status> <body>`` of every API expectation's request, in order."""

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.ok is False]

    def skipped(self) -> list[Check]:
        return [c for c in self.checks if c.ok is None]

    def settle(self) -> None:
        """Fix the status from the checks (an error or skip already set stays)."""
        if self.status in (ERROR, SKIPPED):
            return
        self.status = FAILED if self.failures() else PASSED

    def summary(self) -> str:
        if self.status == SKIPPED:
            return f"SKIPPED: {self.scenario} on {self.vendor} — not applicable"
        held = sum(1 for c in self.checks if c.ok)
        s = self.stats
        line = (f"{self.status.upper()}: {self.scenario} on {self.vendor} — {held}/{len(self.checks)} checks held"
                f", {len(self.failures())} failed, {len(self.skipped())} skipped")
        if s:
            line += (f"; {s.get('calls', 0)} calls, {s.get('events', 0)} events, {s.get('webhooks', 0)} webhooks, "
                     f"{s.get('simulated', '0s')} simulated in {s.get('wall_seconds', 0):.2f}s")
        return line

    def report(self, verbose: bool = False) -> str:
        lines = [self.summary()]
        if self.reason:
            lines.append(f"  {self.status}: {self.reason}")
        for check in self.checks:
            if verbose or check.ok is not True:
                lines.append("  " + check.line_text(self.file).replace("\n", "\n  "))
        for note in self.notes:
            lines.append(f"  note: {note}")
        if verbose:
            lines.extend(f"  n/a:  {item}" for item in self.scoped_out)
        return "\n".join(lines)

    def assert_expectations(self) -> "Result":
        """Raise AssertionError with the report unless the scenario passed; return self."""
        if not self.passed:
            raise AssertionError(self.report())
        return self

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out.pop("webhook_bodies")
        out.pop("api_answers")
        out["summary"] = self.summary()
        return out
