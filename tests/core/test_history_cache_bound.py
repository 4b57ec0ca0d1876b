"""The seeded histories' cache keeps the newest few: tenants made at ever new clock starts (a
server on ``--clock-start now``) no longer grow it without end, and a tenant whose history left
the cache still has it, the same as a new tenant of that start gets."""

from __future__ import annotations

from emulators.core import seeding
from emulators.registry import Registry
from emulators.vendors import load_vendors


def test_the_cache_is_bounded_and_histories_stay_the_same() -> None:
    registry = Registry(load_vendors(["voipcloud"]))
    first = None
    for day in range(seeding.CACHE_KEEP + 8):
        start = f"2026-02-{1 + day % 28:02d}T{10 + day // 28:02d}:00:00Z"
        tenant = registry.create("voipcloud", settings={"clock": {"start": start, "mode": "manual"}})
        first = first or (start, tenant)
        assert len(seeding._CACHE) <= seeding.CACHE_KEEP
    start, kept = first  # its history left the cache long ago
    again = registry.create("voipcloud", settings={"clock": {"start": start, "mode": "manual"}})
    assert [c.to_dict() for c in again.history] == [c.to_dict() for c in kept.history]
    assert kept.history and again.history is not kept.history
