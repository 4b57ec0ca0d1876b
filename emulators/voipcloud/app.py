"""VoIPcloud's routes: the seed's five operations at their exact paths, in doc order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.routing import BaseRoute, Route

from .handlers import OPERATIONS, endpoint

if TYPE_CHECKING:
    from ..registry import Registry


def routes(registry: "Registry") -> list[BaseRoute]:
    return [Route(op.path, endpoint(registry, op), methods=[op.method]) for op in OPERATIONS]
