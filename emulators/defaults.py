"""Constants that every layer (and the light pytest plugin) shares: standard library only."""

ADMIN_TOKEN_ENV = "TELEMOCK_ADMIN_TOKEN"
"""Environment variable holding the control plane's admin token (serve, plugin, CLI clients)."""

DEFAULT_CLOCK_START = "2026-01-05T14:00:00Z"
"""Where tests, scenarios and the pytest plugin start every tenant's (manual) clock, so the same
inputs give the same bytes. ``telemock serve`` starts at the current time instead."""

NEXT_SINCE = "X-Telemock-Next-Since"
"""The header of a paged control-plane list that says where its next page starts."""
