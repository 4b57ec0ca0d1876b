"""VoIPcloud PBX integration API v1 (Beta): seeds/voipcloud.txt, on port 8085."""

from __future__ import annotations

from ..vendor import Listener, VendorSpec
from .app import routes
from .handlers import not_found
from .seed import DIALECT, VENDOR, new_credentials

DEFAULT_PORT = 8085

SPEC = VendorSpec(
    name=VENDOR,
    title="VoIPcloud PBX integration API (Beta)",
    dialect=DIALECT,
    # direct: every operation's endpoint answers every error itself (handlers.endpoint)
    listeners=[Listener(name=VENDOR, default_port=DEFAULT_PORT, routes=routes, not_found=not_found,
                        direct=True)],
    new_credentials=new_credentials,
    credential_fields=("api_key",),
)

__all__ = ["SPEC"]
