"""A sliding-window request limiter read on the tenant clock (never the wall clock)."""

from __future__ import annotations

from collections import deque
from typing import Any


class RateLimiter:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = int(limit)
        """Accepted requests allowed inside any window; 0 disables limiting."""
        self.window = float(window)  # as ``load`` gives it: a snapshot round-trips byte for byte
        """Window length in seconds."""
        self._hits: deque[float] = deque()

    def allow(self, now: float) -> bool:
        """Record a request at ``now`` if the window has room; rejected requests do not count."""
        if self.limit <= 0:
            return True
        while self._hits and self._hits[0] <= now - self.window:
            self._hits.popleft()
        if len(self._hits) >= self.limit:
            return False
        self._hits.append(now)
        return True

    def retry_after(self, now: float) -> int:
        """Whole seconds until the oldest hit leaves the window."""
        if not self._hits:
            return 0
        return max(1, int(self._hits[0] + self.window - now + 0.999))

    def configure(self, limit: int, window: float) -> None:
        self.limit, self.window = int(limit), float(window)

    def to_dict(self) -> dict[str, Any]:
        return {"limit": self.limit, "window": self.window, "hits": list(self._hits)}

    def load(self, data: dict[str, Any]) -> None:
        self.limit, self.window = int(data["limit"]), float(data["window"])
        self._hits = deque(float(h) for h in data["hits"])
