"""``mini``: the one test vendor, over the real core and the vendor kit, so core, control-plane
and scenario tests need no real vendor. Its strings are ours (it imitates no real vendor).

Everything goes through the code paths a real vendor uses: a ``Dialect`` that seeds agents, a
queue, a DID and a short history and turns call events into webhooks in the outbox; a
``VendorApi`` whose table authenticates by a ``token`` (header, or ``key`` in the query),
rate-limits on the tenant clock and changes the world only through ``emulators.core.engine``.

Three specs share it: ``mini`` (a JSON webhook for every call event), ``toy`` (the webhooks a
product would send: call.started / answered / transferred / parked / ended) and ``quiet`` (no
webhooks, like VoIPcloud). ``POST /v1/boom`` sets a ``mini.boom`` timer whose handler raises: a
vendor bug on demand, so tests can check that one tenant's raising timer stops that tenant only.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from emulators.core import engine
from emulators.core import events as ev
from emulators.core.agents import Agent
from emulators.core.errors import AgentNotFound
from emulators.core.events import Event
from emulators.core.formats import json_bytes, utc_iso
from emulators.core.queues import Member, Number, Queue
from emulators.core.seeding import HistoryPlan, synthesize_history
from emulators.core.store import page_of
from emulators.core.timers import timer_handler
from emulators.core.world import Tenant
from emulators.dialect import errors as k
from emulators.dialect.admission import check_rate_limit
from emulators.dialect.api import VendorApi
from emulators.dialect.errors import Err, ErrorTable, Refusal
from emulators.dialect.ids import ASTERISK
from emulators.dialect.operation import Ctx, Operation
from emulators.dialect.params import QUERY, Param, number, php_int
from emulators.registry import random_secret
from emulators.vendor import Listener, VendorSpec

NAME = "mini"
DEFAULT_TOKEN = "mini-default-token"
DID = "+15550100"
QUEUE_NUMBER = "600"
HISTORY = HistoryPlan(days=2, calls_per_hour=2.0)
"""A small seed history, so list/snapshot/isolation tests also cover shared seed calls."""
ALL_BUT_WEBHOOKS = frozenset({"inbound_calls", "click_to_call", "queues", "ring_groups", "agent_login",
                              "queue_login", "pause", "hold", "transfer", "attended_transfer", "park",
                              "dtmf", "faults"})
EVERY_EVENT, PRODUCT, NONE = "every_event", "product", "none"
"""Webhook styles: every call event as it happens, a product's five call webhooks, none."""


class MiniDialect:
    """Seeds two agents (201, 202) in one ringall queue reached by ``DID`` and a short call
    history; call events become JSON webhooks to ``settings.webhooks.url`` (per ``hooks``)."""

    id_scheme = ASTERISK

    def __init__(self, name: str, hooks: str) -> None:
        self.name = name
        self.hooks = hooks
        self.settings: dict[str, Any] = {"rate_limit": {"limit": 50, "window": 60}}
        self.features = ALL_BUT_WEBHOOKS | ({"webhooks"} if hooks != NONE else set())

    def seed(self, tenant: Tenant) -> None:
        if not tenant.credentials:
            tenant.credentials = {"token": f"{self.name}-default-token"}
        for n, name in ((1, "Alice Able"), (2, "Bob Baker")):
            tenant.agents[f"u{n}"] = Agent(id=f"u{n}", name=name, extension=f"20{n}")
        tenant.queues["q1"] = Queue(id="q1", number=QUEUE_NUMBER, name="Support",
                                    members=[Member("u1"), Member("u2")])
        tenant.numbers[DID] = Number(DID, "queue:q1", "Main line")
        synthesize_history(tenant, HISTORY)

    def on_event(self, tenant: Tenant, event: Event) -> None:
        if event.call_id is None or self.hooks == NONE:
            return
        if self.hooks == EVERY_EVENT:
            name = event.type
            fields: dict[str, Any] = {"seq": event.seq, "type": event.type, "call": event.call_id,
                                      "at": utc_iso(event.at)}
        else:
            found = _product_hook(tenant, event)
            if found is None:
                return
            name, fields = found
        tenant.outbox.add(tenant, event=name, url=str(tenant.settings["webhooks"]["url"]),
                          content_type="application/json", body=json_bytes(fields).decode(),
                          fields=fields, event_seq=event.seq, call_id=event.call_id)


def _product_hook(tenant: Tenant, event: Event) -> tuple[str, dict[str, Any]] | None:
    call = tenant.calls[event.call_id or ""]
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
        return None
    return name, {"event": name, "at": utc_iso(event.at), **fields}


BOOM = "the mini vendor's test timer exploded"


@timer_handler("mini.boom")
def _boom(tenant: Tenant, payload: dict[str, Any]) -> None:
    raise RuntimeError(BOOM)


def _new_credentials(tenant: Tenant) -> dict[str, str]:
    return {"token": random_secret()}


def call_view(call: Any) -> dict[str, Any]:
    """The mini vendor's rendering of a call (a stand-in for a real vendor's views.py)."""
    return {"id": call.id, "from": call.caller, "to": call.callee, "state": call.state,
            "disposition": call.disposition, "start": utc_iso(call.created_at),
            "end": utc_iso(call.ended_at) if call.ended_at is not None else None,
            "duration": call.duration(), "talk": call.talk_time(), "agent": call.answered_by}


def _json(data: Any, status: int = 200) -> Response:
    return Response(json_bytes(data), status_code=status, media_type="application/json")


def _tenant(ctx: Ctx) -> Tenant:
    assert ctx.tenant is not None
    return ctx.tenant


def list_calls(ctx: Ctx) -> Any:
    return [call_view(c) for c in page_of(_tenant(ctx).newest_first(), ctx.params["offset"], ctx.params["limit"])]


def ended_calls(ctx: Ctx) -> Any:
    """``GET /calls``: the ended calls (CDRs), newest first, in a product's own shape."""
    return {"calls": [{"id": c.id, "from": c.caller, "to": c.callee, "disposition": c.disposition,
                       "duration": c.duration(), "talk": c.talk_time(), "answered_by": c.answered_by}
                      for c in _tenant(ctx).newest_first() if c.ended]}


def place_call(ctx: Ctx) -> Any:
    tenant = _tenant(ctx)
    agent = tenant.agent_by_extension(ctx.params["extension"])
    if agent is None:
        raise AgentNotFound(extension=ctx.params["extension"])
    return call_view(engine.click_to_call(tenant, agent.id, ctx.params["to"]))


def boom(ctx: Ctx) -> Any:
    _tenant(ctx).clock.call_later(ctx.params["after"], "mini.boom")
    return {"boom_in": ctx.params["after"]}


def list_agents(ctx: Ctx) -> Any:
    return [{"id": a.id, "name": a.name, "extension": a.extension, "state": a.state}
            for a in _tenant(ctx).agents.values()]


class MiniApi(VendorApi):
    """A ``token`` (header, or ``key`` in the query), a rate limit, five operations, JSON in and
    out; a bad parameter is 400."""

    vendor = NAME
    operations = (
        Operation("list-calls", ("GET",), ("/v1/calls",), list_calls,
                  params=(Param("offset", php_int(0), default=0), Param("limit", php_int(1, 1000), default=100))),
        Operation("place-call", ("POST",), ("/v1/calls",), place_call, mutates=True,
                  params=(Param("extension", required=True), Param("to", required=True))),
        Operation("list-agents", ("GET",), ("/v1/agents",), list_agents),
        Operation("boom", ("POST",), ("/v1/boom",), boom, mutates=True, options={"status": 202},
                  params=(Param("after", number(0, 3600), default=1.0),)),
        Operation("calls", ("GET",), ("/calls",), ended_calls),
    )
    errors = ErrorTable({
        k.UNAUTHENTICATED: Err(401, "bad token"), k.RATE_LIMITED: Err(429, "slow down"),
        k.PARAM_INVALID: Err(400, "bad parameter"), k.NO_ROUTE: Err(404, "no such route"),
        k.METHOD_NOT_ALLOWED: Err(405, "no such route"), k.INTERNAL: Err(500, "internal"),
        "not_found": Err(404, "not found"), "core_error": Err(409, "core_error"),
    })
    auth_schemes = {"token": {"type": "apiKey", "in": "header", "name": "token"}}

    def __init__(self, vendor: str = NAME) -> None:
        self.vendor = vendor  # type: ignore[misc]
        super().__init__()

    def authenticate(self, ctx: Ctx) -> None:
        token = ctx.header("token") or str(ctx.value("key", QUERY) or "")
        ctx.tenant = ctx.registry.find(self.vendor, token)
        if ctx.tenant is None:
            raise Refusal(k.BAD_CREDENTIAL, "no tenant has that token")

    def admit(self, ctx: Ctx) -> None:
        check_rate_limit(ctx)

    def render(self, ctx: Ctx, result: Any) -> Response:
        op = ctx.op
        status = 200 if op is None or not op.mutates else int(op.options.get("status", 201))
        return _json(result, status)

    def render_error(self, ctx: Ctx, err: Err, headers: Any) -> Response:
        return Response(json_bytes({"error": err.message}), status_code=err.status,
                        media_type="application/json", headers=dict(headers))

    def core_error(self, ctx: Ctx, exc: Any) -> Err:
        found = super().core_error(ctx, exc)
        return found if found.status != 409 else Err(409, exc.code)


def make_spec(name: str, hooks: str, port: int = 18999) -> VendorSpec:
    return VendorSpec(name=name, title=f"{name} (test vendor)", dialect=MiniDialect(name, hooks),
                      listeners=[Listener(name, port, MiniApi(name))],
                      new_credentials=_new_credentials, credential_fields=("token",))


SPEC = make_spec(NAME, EVERY_EVENT)
TOY = make_spec("toy", PRODUCT, 9999)
QUIET = make_spec("quiet", NONE, 9998)
