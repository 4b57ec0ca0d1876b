"""Seed worlds' person names are faker's, whether stored (default seed) or drawn at once.

``core/seed_names.py`` stores faker's names for the default seed so that start-up does not
import faker; these tests hold the stored names, and the names tenants show over HTTP, to
what faker itself draws for the same locale and seed.
"""

from __future__ import annotations

from typing import Any

import pytest
from faker import Faker

from emulators.core.seed_names import COUNT, KEYS, STORED

UNNAMED = ("a3002", "a1133", "a3924", "a4433")
"""Kerauno agents the doc gives no name (kerauno/seed.py ``_DIRECTORY``), in order."""
WEEK = {"type": "cdr", "start_date": "2025-12-01 00:00:00", "end_date": "2026-01-05 23:59:59"}


def faker_names(locale: str, seed: int, count: int) -> list[str]:
    fake = Faker(locale, providers=["faker.providers.person"])
    fake.seed_instance(seed)
    return [fake.name() for _ in range(count)]


def test_stored_names_are_what_faker_draws() -> None:
    assert set(STORED) == set(KEYS)
    for (locale, seed), names in STORED.items():
        assert list(names) == faker_names(locale, seed, COUNT), (
            f"faker now draws other names for {locale}/{seed}: "
            "python -m emulators.core.seed_names > emulators/core/seed_names.py")


@pytest.mark.parametrize("seed", [0, 7])  # 0: stored names; 7: drawn from faker
def test_kerauno_world_names_come_from_faker(emu_factory: Any, seed: int) -> None:
    emu = emu_factory("kerauno", seed=seed)
    web = emu.client("kerauno")
    agents = {a["id"]: a["name"] for a in web.get("/_emulator/tenants/default/agents").json()}
    assert [agents[a] for a in UNNAMED] == faker_names("en_US", seed, len(UNNAMED))
    key = emu.tenant("kerauno").credentials["key"]
    rows = web.get("/kerauno/api/v1/reporting/", params={**WEEK, "key": key}).json()
    callers = {row["source_name"] for row in rows.values() if row["call_type"] in ("Inbound", "Ring Groups")}
    assert callers and callers <= set(faker_names("en_US", seed, COUNT))
