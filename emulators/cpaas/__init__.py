"""A self-hosted CPaaS (cpaas.txt, "Document for CPaaS APIs"): click-to-call, scheduled
callbacks, voice OTP, contact and DND lists, campaigns that dial, CDRs, statistics and
live-call control, for two accounts on one server. It pushes no webhooks.
"""

from __future__ import annotations

from ..vendor import Listener, VendorSpec
from . import control
from .accounts import ACCOUNTS, VENDOR, describe, new_credentials
from .api import API_APP
from .seed import DIALECT

DEFAULT_PORT = 8090
"""The real server answers on port 80 (``http://localhost/api/...``); 8090 needs no privileges."""

SPEC = VendorSpec(
    name=VENDOR,
    title="Self-hosted CPaaS (click-to-call, callbacks, OTP, campaigns)",
    dialect=DIALECT,
    listeners=[Listener(name=VENDOR, default_port=DEFAULT_PORT, api=API_APP)],
    new_credentials=new_credentials,
    credential_fields=ACCOUNTS,
    describe_credentials=describe,
    control_routes=control.routes,
)

__all__ = ["SPEC"]
