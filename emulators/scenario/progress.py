"""A one-line progress bar on stderr (only when stderr is a terminal): simulated time, calls,
webhooks. Long runs (a 10,000-call day at --speed 60) show where they are."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from .durations import format_duration

WIDTH = 28


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
