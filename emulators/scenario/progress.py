"""A one-line progress bar on stderr (only when stderr is a terminal): simulated time, calls,
webhooks. Long runs (a 10,000-call day at --speed 60) show where they are."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from .durations import format_duration

WIDTH = 28


class StepLines:
    """A line per timeline step on stdout, for paced runs whose output is not a terminal (a CI
    log, a pipe): what happened when, as it happens. Reads the ``recent_steps`` of progress."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.label = label
        self.printed = 0

    def __call__(self, info: dict[str, Any]) -> None:
        for number, line in info.get("recent_steps", ()):
            if number > self.printed:
                self.stream.write(f"{self.label} {line}\n")
                self.printed = number
        self.stream.flush()


def paced_progress(label: str, speed: float | None, bar: "ProgressBar", stream: TextIO | None = None) -> Any:
    """What a run reports to: the bar (on a terminal), and step lines when paced into a
    non-terminal ``stream`` (stdout)."""
    stream = stream or sys.stdout
    if not speed or getattr(stream, "isatty", lambda: False)():
        return bar
    lines = StepLines(label, stream)

    def both(info: dict[str, Any]) -> None:
        bar(info)
        lines(info)
    return both


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.shown = False

    def __call__(self, info: dict[str, Any]) -> None:
        if not self.enabled:
            return
        sim = float(info.get("simulated", 0.0))
        planned = max(float(info.get("planned", 0.0)), 1.0)
        frac = 1.0 if info.get("done") else min(sim / planned, 0.999)
        filled = int(frac * WIDTH)
        bar = "#" * filled + "." * (WIDTH - filled)
        line = (f"\r{self.label} [{bar}] {format_duration(sim)}/{format_duration(planned)} "
                f"calls {info.get('calls', 0)}  webhooks {info.get('webhooks', 0)}")
        self.stream.write(line[:160] + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
