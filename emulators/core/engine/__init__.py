"""The call engine: every call flow of the simulated PBX, driven by the tenant clock.

Public functions are the actions an API, a scenario or the control plane can take; each one
validates first and raises a ``CoreError`` before changing anything. Simulated people act
through timers (``leg.answer``, ``call.hangup``, ...) whose delays come from their
``Behaviour`` and the tenant's ``sim`` settings, drawn from the tenant's seeded RNG.

The modules, lowest first: ``lookup`` (find or refuse), ``ringing`` (calls, legs, agent
states, queue offers), ``ending``, ``bridging`` (connect a conversation, drop an agent),
``conversation`` (hold, transfer, park, DTMF), ``answering`` (answer, reject, failed rings),
``placing`` (click-to-call, inbound calls), ``remote`` (calls between two outside parties),
``dialing`` (calls the system places between outside numbers; transfer and hang-up by leg),
``pickup`` (an agent takes a waiting call), ``sessions`` (login, pause, queue membership) and
``timer_handlers`` (what each timer does). Use them through this package:
``from emulators.core import engine; engine.click_to_call(tenant, agent_id, "+15550100")``.
"""

from __future__ import annotations

from . import timer_handlers  # noqa: F401  (registers the engine's timers)
from .answering import answer, reject
from .conversation import hold, park, resume, send_dtmf, transfer, unpark
from .dialing import bridge_numbers, dial_number, hangup_leg, transfer_leg
from .ending import hangup
from .lookup import get_agent, get_call, get_queue
from .pickup import pickup
from .placing import click_to_call, inbound_call, unreachable
from .remote import remote_call
from .ringing import FAULT_DISPOSITION
from .scripting import let_ring, plan_talk
from .sessions import login, logout, pause, queue_login, queue_logout, unpause

__all__ = [
    "FAULT_DISPOSITION", "answer", "bridge_numbers", "click_to_call", "dial_number", "get_agent",
    "get_call", "get_queue", "hangup", "hangup_leg", "hold", "inbound_call", "let_ring", "login", "logout",
    "park", "pause", "pickup", "plan_talk", "queue_login", "queue_logout", "reject", "remote_call",
    "resume", "send_dtmf", "transfer", "transfer_leg", "unpark", "unpause", "unreachable",
]
