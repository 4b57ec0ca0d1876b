"""Deterministic id generators, seeded per tenant and carried in snapshots."""

from __future__ import annotations

import hashlib
from typing import Any


class IdGenerator:
    """Counters per id family; the same seed and the same calls give the same ids."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.counters: dict[str, int] = {}

    def next(self, family: str, start: int = 1) -> int:
        value = self.counters.get(family, start - 1) + 1
        self.counters[family] = value
        return value

    def asterisk_uniqueid(self, epoch: float) -> str:
        """Asterisk style ``<epoch seconds>.<sequence>`` (e.g. ``1410275433.3986``)."""
        return f"{int(epoch)}.{self.next('uniqueid', start=1000)}"

    def hex(self, family: str, length: int = 10) -> str:
        """A stable pseudo-random hex id: a hash of (seed, family, counter)."""
        n = self.next("hex:" + family)
        digest = hashlib.sha1(f"{self.seed}:{family}:{n}".encode()).hexdigest()
        while len(digest) < length:
            digest += hashlib.sha1(digest.encode()).hexdigest()
        return digest[:length]

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "counters": dict(self.counters)}

    def load(self, data: dict[str, Any]) -> None:
        self.seed = int(data["seed"])
        self.counters = {str(k): int(v) for k, v in data["counters"].items()}
