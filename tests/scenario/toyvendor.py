"""Two small, real vendors for testing the scenario runner without depending on a real one.

``toy`` pushes JSON webhooks (call.started / call.answered / call.transferred / call.parked /
call.ended) and serves ``GET /calls?key=...`` (its CDRs, newest first). ``quiet`` is the same
PBX without webhooks (like VoIPcloud). Both are complete dialects: they seed a tenant, hear its
events and answer HTTP through the ordinary listener app, so nothing of ours is mocked.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from emulators.core import events as ev
from emulators.core.agents import Agent
from emulators.core.events import Event
from emulators.core.formats import json_bytes, utc_iso
from emulators.core.queues import Member, Number, Queue
from emulators.core.world import Tenant
from emulators.dialect import errors as k
from emulators.dialect.ids import ASTERISK
from emulators.dialect.api import VendorApi
from emulators.dialect.errors import Err, ErrorTable, Refusal
from emulators.dialect.operation import Ctx, Operation
from emulators.dialect.params import QUERY
from emulators.registry import random_secret
from emulators.vendor import Listener, VendorSpec

ALL_BUT_WEBHOOKS = frozenset({"inbound_calls", "click_to_call", "queues", "ring_groups", "agent_login",
                              "queue_login", "pause", "hold", "transfer", "attended_transfer", "park",
                              "dtmf", "faults"})


class ToyDialect:
    def __init__(self, name: str, webhooks: bool) -> None:
        self.name = name
        self.settings: dict[str, Any] = {"timezone": "UTC"}
        self.webhooks = webhooks
        self.id_scheme = ASTERISK
        self.features = ALL_BUT_WEBHOOKS | ({"webhooks"} if webhooks else set())

    def seed(self, tenant: Tenant) -> None:
        if not tenant.credentials:
            tenant.credentials = {"key": f"{self.name}-default-key"}
        tenant.agents["u1"] = Agent(id="u1", name="Seed One", extension="101")
        tenant.agents["u2"] = Agent(id="u2", name="Seed Two", extension="102")
        tenant.queues["sales"] = Queue(id="sales", number="600", name="Sales",
                                       members=[Member("u1"), Member("u2")])
        tenant.numbers["+15550600"] = Number("+15550600", "queue:sales")

    def on_event(self, tenant: Tenant, event: Event) -> None:
        if not self.webhooks or event.call_id is None:
            return
        call = tenant.calls[event.call_id]
        if event.type == ev.CALL_CREATED:
            name, fields = "call.started", {"id": call.id, "from": call.caller, "to": call.callee}
        elif event.type == ev.CALL_ANSWERED:
            name, fields = "call.answered", {"id": call.id, "agent": call.agent_id}
        elif event.type == ev.CALL_TRANSFERRED and event.data.get("phase") == "complete":
            name, fields = "call.transferred", {"id": call.id, "to": str(event.data.get("to"))}
        elif event.type == ev.CALL_PARKED:
            name, fields = "call.parked", {"id": call.id, "slot": event.data["slot"]}
        elif event.type == ev.CALL_ENDED:
            name, fields = "call.ended", {"id": call.id, "disposition": call.disposition,
                                          "duration": call.duration(), "talk": call.talk_time()}
        else:
            return
        fields = {"event": name, "at": utc_iso(event.at), **fields}
        tenant.outbox.add(tenant, event=name, url=str(tenant.settings["webhooks"]["url"]),
                          content_type="application/json", body=json_bytes(fields).decode(),
                          fields=fields, event_seq=event.seq, call_id=call.id)


def _calls(ctx: Ctx) -> Any:
    tenant = ctx.tenant
    assert tenant is not None
    return {"calls": [{"id": c.id, "from": c.caller, "to": c.callee, "disposition": c.disposition,
                       "duration": c.duration(), "talk": c.talk_time(), "answered_by": c.answered_by}
                      for c in tenant.newest_first() if c.ended]}


class ToyApi(VendorApi):
    operations = (Operation("calls", ("GET",), ("/calls",), _calls),)
    errors = ErrorTable({k.UNAUTHENTICATED: Err(401, "bad key"), k.PARAM_INVALID: Err(400, "bad"),
                         k.NO_ROUTE: Err(404, "Not Found"), k.INTERNAL: Err(500, "internal")})

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor  # type: ignore[misc]
        super().__init__()

    def authenticate(self, ctx: Ctx) -> None:
        ctx.tenant = ctx.registry.find(self.vendor, str(ctx.value("key", QUERY) or ""))
        if ctx.tenant is None:
            raise Refusal(k.BAD_CREDENTIAL)

    def render(self, ctx: Ctx, result: Any) -> Response:
        return Response(json_bytes(result), media_type="application/json")

    def render_error(self, ctx: Ctx, err: Err, headers: Any) -> Response:
        return Response(json_bytes({"error": err.message}), status_code=err.status,
                        media_type="application/json", headers=dict(headers))


def make_spec(name: str, webhooks: bool) -> VendorSpec:
    return VendorSpec(name=name, title=name, dialect=ToyDialect(name, webhooks),
                      listeners=[Listener(name, 9999, ToyApi(name))],
                      new_credentials=lambda t: {"key": random_secret()},
                      credential_fields=("key",))


TOY = make_spec("toy", webhooks=True)
QUIET = make_spec("quiet", webhooks=False)
