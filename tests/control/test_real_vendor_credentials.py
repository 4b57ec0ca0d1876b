"""Every real vendor gives a new tenant random credentials of the documented shape."""

from __future__ import annotations

import re
from typing import Any

import pytest

T = "/_emulator/tenants"
SHAPES = {"kerauno": ("key", r"[0-9a-f]{40}"),       # Kerauno doc: API Key, varchar(40), SHA1-like
          "voipcloud": ("api_key", r"[0-9a-f]{40}")}  # VoIPcloud doc: 40 hex digits


@pytest.mark.parametrize("vendor", sorted(SHAPES))
def test_created_tenants_get_random_keys_of_the_vendors_shape(emu_factory: Any, vendor: str) -> None:
    field, shape = SHAPES[vendor]
    emu = emu_factory(vendor)
    client = emu.client(emu.registry.vendors[vendor].listeners[0].name)
    default = client.get(f"{T}/default").json()["credentials"][field]
    keys = [client.post(T, json={}).json()["credentials"][field] for _ in range(3)]
    assert all(re.fullmatch(shape, k) for k in keys) and len({default, *keys}) == 4
    client.delete(f"{T}/t0001")
    again = client.post(T, json={"id": "t0001"}).json()["credentials"][field]
    assert again not in keys  # a re-created id does not inherit the deleted tenant's key
    own = client.post(T, json={"credentials": {field: "f" * 40}}).json()
    assert own["credentials"] == {field: "f" * 40}  # a test may still fix its own
    assert emu_factory(vendor).client(emu.registry.vendors[vendor].listeners[0].name) \
        .get(f"{T}/default").json()["credentials"][field] == default  # the doc's example, every time
