"""VoIPcloud PBX integration API v1 (Beta): voipcloud.txt, on port 8085; beside it on the same
port, integration API v2 (``/api/integration/v2/``), the version public clients call."""

from __future__ import annotations

from ..vendor import Listener, VendorSpec
from .api import API
from .api_v2 import API_V2
from .seed import DIALECT, VENDOR, new_credentials

DEFAULT_PORT = 8085

SPEC = VendorSpec(
    name=VENDOR,
    title="VoIPcloud PBX integration API (Beta)",
    dialect=DIALECT,
    listeners=[Listener(name=VENDOR, default_port=DEFAULT_PORT, api=API, mounted=(API_V2,))],
    new_credentials=new_credentials,
    credential_fields=("api_key",),
)

__all__ = ["SPEC"]
