"""Shared bits of the Kerauno tests: the doc's key, request helpers, a real webhook receiver."""

from __future__ import annotations

from support.clock import START  # noqa: F401  (re-exported for the Kerauno tests)
from support.receiver import Receiver, wait_until  # noqa: F401  (re-exported for the Kerauno tests)

KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
"""seeds/kerauno.txt line 32."""
MAKECALL = "/kerauno/api/v1/makecall/"
REPORTING = "/kerauno/api/v1/reporting/"
STATUSES = "/v1/callflow/agent_statuses/"
T = "/_emulator/tenants"
