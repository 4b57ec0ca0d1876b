"""What a vendor package provides: its dialect over the core, its HTTP listeners (each an API on
the kit, ``emulators.dialect``), and how new tenants get credentials.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from .core.world import Dialect, Tenant

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from .control.plane import ControlPlane
    from .dialect.api import VendorApi


@dataclass
class Listener:
    """One HTTP port of a vendor (the vendor's exact paths are served from its root)."""

    name: str
    default_port: int
    api: "VendorApi"
    """The operations this port serves, on the kit's pipeline."""


@dataclass
class VendorSpec:
    name: str
    title: str
    dialect: Dialect
    listeners: list[Listener]
    new_credentials: Callable[[Tenant], dict[str, str]]
    """Credentials for a tenant created through the control plane (default tenant: seed's)."""
    credential_fields: Sequence[str] = field(default_factory=tuple)
    """Which credential values identify the tenant (looked up by ``Registry.find``)."""
    control_routes: "Callable[[ControlPlane], list[BaseRoute]] | None" = None
    """The vendor's own control-plane extras (``/_emulator/tenants/{tid}/<vendor>/...``, made
    with ``plane.route`` so they get the access rules), added to every listener's plane."""
    describe_credentials: Callable[[dict[str, str]], str] | None = None
    """How the start-up banner shows the default tenant's credentials (default ``name=value``
    for each)."""
