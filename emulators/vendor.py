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
    mounted: "tuple[VendorApi, ...]" = ()
    """Further APIs on this port, each answering the paths under its ``prefix`` (a second
    version of the vendor's API beside the first); every other path is ``api``'s."""

    @property
    def apis(self) -> "tuple[VendorApi, ...]":
        """Every API this port serves, ``api`` first (OpenAPI, contracts, the table fuzzer)."""
        return (self.api, *self.mounted)

    def api_for(self, path: str) -> "VendorApi":
        """The API that answers ``path`` (as the port's app routes: a mounted API its prefix)."""
        return next((other for other in self.mounted if path.startswith(other.prefix)), self.api)

    documented_port: bool = False
    """``default_port`` is the vendor document's own port, kept even where it is a poor choice
    (inside the ephemeral range 32768-60999); other defaults stay outside that range."""

    @property
    def path_prefix(self) -> str:
        """The leading path segments every operation shares (``/kerauno/api/v1/``)."""
        split = [[s for s in path.split("/") if s] for op in self.api.operations for path in op.paths]
        common: list[str] = []
        for parts in zip(*split):
            if len(set(parts)) != 1 or parts[0].startswith("{"):
                break
            common.append(parts[0])
        return "/" + "".join(f"{segment}/" for segment in common)

    @property
    def mount(self) -> str:
        """Where single-port mode mounts the listener (and its control plane): ``/<name>``."""
        return f"/{self.name}"

    @property
    def keeps_mount(self) -> bool:
        """Its own paths already start with ``/<name>/`` (Kerauno's ``/kerauno/api/...``):
        single-port mode serves them as they are, not a second time below ``/<name>``."""
        return self.path_prefix.startswith(self.mount + "/")

    def gateway_urls(self, root: str) -> tuple[str, str]:
        """(base URL of the vendor's own paths, URL of the control plane) in single-port
        mode at ``root`` (``http://host:port``)."""
        root = root.rstrip("/")
        return (root if self.keeps_mount else root + self.mount), f"{root}{self.mount}/_emulator"


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
