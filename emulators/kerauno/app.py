"""Kerauno's routes, in doc order: one list per port (seeds/kerauno.txt lines 5-13).

Make Call and Reporting are PHP scripts on the PBX's web server: GET (query string) and POST
(form body) both work, with or without the trailing slash. Agent Statuses is a separate
service on port 57080 (GET, line 168).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from starlette.routing import BaseRoute, Route

from .handlers import agent_statuses, endpoint, makecall, reporting

if TYPE_CHECKING:
    from ..registry import Registry

MAKECALL = "/kerauno/api/v1/makecall/"
REPORTING = "/kerauno/api/v1/reporting/"
AGENT_STATUSES = "/v1/callflow/agent_statuses/{ring_group}"
PHP_METHODS = ["GET", "POST"]

API_PATHS = frozenset({MAKECALL, MAKECALL.rstrip("/"), REPORTING, REPORTING.rstrip("/")})
"""Paths that exist on the web port (a wrong method on them is a 405, not a 404)."""


def api_routes(registry: "Registry") -> Sequence[BaseRoute]:
    """Port 80 (``kerauno`` listener): Make Call and Reporting."""
    make, report = endpoint(registry, "makecall", makecall), endpoint(registry, "reporting", reporting)
    return [
        Route(MAKECALL, make, methods=PHP_METHODS),
        Route(MAKECALL.rstrip("/"), make, methods=PHP_METHODS),
        Route(REPORTING, report, methods=PHP_METHODS),
        Route(REPORTING.rstrip("/"), report, methods=PHP_METHODS),
    ]


def status_routes(registry: "Registry") -> Sequence[BaseRoute]:
    """Port 57080 (``kerauno-status`` listener): Agent Statuses."""
    statuses = endpoint(registry, "agent_statuses", agent_statuses)
    return [
        Route(AGENT_STATUSES, statuses, methods=["GET"]),
        Route(AGENT_STATUSES + "/", statuses, methods=["GET"]),
    ]
