"""Deterministic id generators, seeded per tenant and carried in snapshots."""

from __future__ import annotations

import hashlib
from typing import Any, Protocol


class IdGenerator:
    """Counters per id family; the same seed and the same calls give the same ids."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.counters: dict[str, int] = {}

    def next(self, family: str, start: int = 1) -> int:
        value = self.counters.get(family, start - 1) + 1
        self.counters[family] = value
        return value

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


class IdScheme(Protocol):
    """How a vendor's PBX names calls and numbers channels (a dialect provides one)."""

    def call_id(self, ids: IdGenerator, at: float) -> str:
        """The id of a call created at virtual time ``at``."""
        ...

    def channel(self, ids: IdGenerator) -> int:
        """The next channel sequence number (vendors render channel names from it)."""
        ...


class CountingIds:
    """The core's own scheme when a dialect names none: ``call-<n>`` and channels 1, 2, ..."""

    def call_id(self, ids: IdGenerator, at: float) -> str:
        return f"call-{ids.next('call')}"

    def channel(self, ids: IdGenerator) -> int:
        return ids.next("channel")
