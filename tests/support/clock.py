"""The one fixed clock start of every test (the project's reproducible default)."""

from __future__ import annotations

from datetime import datetime

from emulators.defaults import DEFAULT_CLOCK_START

START_ISO = DEFAULT_CLOCK_START
START = datetime.fromisoformat(START_ISO.replace("Z", "+00:00")).timestamp()
"""2026-01-05T14:00:00Z in epoch seconds."""
FIXED_CLOCK = {"clock": {"start": START_ISO, "mode": "manual", "speed": 1.0}}
"""Tenant settings: a manual clock from the fixed start, so every answer is reproducible."""
TEST_HOST = "testserver"
"""The Host starlette's TestClient sends (registries in tests allow it: ``allowed_hosts``)."""
