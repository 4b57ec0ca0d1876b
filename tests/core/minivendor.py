"""``mini``: a tiny test vendor over the real core, so core tests need no real vendor.

Everything here goes through the same code paths a real vendor uses: a ``Dialect`` that seeds
agents, a queue and a DID and turns call events into webhooks in the outbox; a ``VendorSpec``
with one listener whose routes authenticate by a ``token`` header, rate-limit on the tenant
clock on the vendor kit's pipeline (``emulators.dialect``), and change the world only through
``emulators.core.engine``. Its strings are ours (it imitates no real vendor).

``POST /v1/boom`` sets a ``mini.boom`` timer whose handler raises: a vendor bug on demand, so
tests can check that one tenant's raising timer stops that tenant and nobody else.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from emulators.core import engine
from emulators.core.agents import Agent
from emulators.core.errors import AgentNotFound
from emulators.core.events import Event
from emulators.core.formats import json_bytes, utc_iso
from emulators.core.store import page_of
from emulators.core.queues import Member, Number, Queue
from emulators.core.seeding import HistoryPlan, synthesize_history
from emulators.core.timers import timer_handler
from emulators.core.world import Tenant
from emulators.dialect import errors as k
from emulators.dialect.ids import ASTERISK
from emulators.dialect.admission import check_rate_limit
from emulators.dialect.api import VendorApi
from emulators.dialect.errors import Err, ErrorTable, Refusal
from emulators.dialect.operation import Ctx, Operation
from emulators.dialect.params import Param, number, php_int
from emulators.registry import random_secret
from emulators.vendor import Listener, VendorSpec

NAME = "mini"
DEFAULT_TOKEN = "mini-default-token"
DID = "+15550100"
QUEUE_NUMBER = "600"
HISTORY = HistoryPlan(days=2, calls_per_hour=2.0)
"""A small seed history, so list/snapshot/isolation tests also cover shared seed calls."""


class MiniDialect:
    """Seeds two agents (201, 202) in one ringall queue reached by ``DID`` and a short call
    history; every call event becomes a JSON webhook to ``settings.webhooks.url``."""

    name = NAME
    id_scheme = ASTERISK
    settings: dict[str, Any] = {"rate_limit": {"limit": 50, "window": 60}}

    def seed(self, tenant: Tenant) -> None:
        tenant.credentials = {"token": DEFAULT_TOKEN}
        for n, name in ((1, "Alice Able"), (2, "Bob Baker")):
            tenant.agents[f"u{n}"] = Agent(id=f"u{n}", name=name, extension=f"20{n}")
        tenant.queues["q1"] = Queue(id="q1", number=QUEUE_NUMBER, name="Support",
                                    members=[Member("u1"), Member("u2")])
        tenant.numbers[DID] = Number(DID, "queue:q1", "Main line")
        synthesize_history(tenant, HISTORY)

    def on_event(self, tenant: Tenant, event: Event) -> None:
        if event.call_id is None:
            return
        fields = {"seq": event.seq, "type": event.type, "call": event.call_id, "at": utc_iso(event.at)}
        tenant.outbox.add(tenant, event=event.type, url=tenant.settings["webhooks"]["url"],
                          content_type="application/json", body=json_bytes(fields).decode(),
                          fields=fields, event_seq=event.seq, call_id=event.call_id)


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


def list_calls(ctx: Ctx) -> Any:
    tenant = ctx.tenant
    assert tenant is not None
    return [call_view(c) for c in page_of(tenant.newest_first(), ctx.params["offset"], ctx.params["limit"])]


def place_call(ctx: Ctx) -> Any:
    tenant = ctx.tenant
    assert tenant is not None
    agent = tenant.agent_by_extension(ctx.params["extension"])
    if agent is None:
        raise AgentNotFound(extension=ctx.params["extension"])
    return call_view(engine.click_to_call(tenant, agent.id, ctx.params["to"]))


def boom(ctx: Ctx) -> Any:
    tenant = ctx.tenant
    assert tenant is not None
    tenant.clock.call_later(ctx.params["after"], "mini.boom")
    return {"boom_in": ctx.params["after"]}


def list_agents(ctx: Ctx) -> Any:
    tenant = ctx.tenant
    assert tenant is not None
    return [{"id": a.id, "name": a.name, "extension": a.extension, "state": a.state}
            for a in tenant.agents.values()]


class MiniApi(VendorApi):
    """Token header, a rate limit, three operations, JSON in and out; a bad parameter is 400."""

    vendor = NAME
    operations = (
        Operation("list-calls", ("GET",), ("/v1/calls",), list_calls,
                  params=(Param("offset", php_int(0), default=0), Param("limit", php_int(1, 1000), default=100))),
        Operation("place-call", ("POST",), ("/v1/calls",), place_call, mutates=True,
                  params=(Param("extension", required=True), Param("to", required=True))),
        Operation("list-agents", ("GET",), ("/v1/agents",), list_agents),
        Operation("boom", ("POST",), ("/v1/boom",), boom, mutates=True, options={"status": 202},
                  params=(Param("after", number(0, 3600), default=1.0),)),
    )
    errors = ErrorTable({
        k.UNAUTHENTICATED: Err(401, "bad token"), k.RATE_LIMITED: Err(429, "slow down"),
        k.PARAM_INVALID: Err(400, "bad parameter"), k.NO_ROUTE: Err(404, "no such route"),
        k.METHOD_NOT_ALLOWED: Err(405, "no such route"), k.INTERNAL: Err(500, "internal"),
        "not_found": Err(404, "not found"), "core_error": Err(409, "core_error"),
    })
    auth_schemes = {"token": {"type": "apiKey", "in": "header", "name": "token"}}

    def authenticate(self, ctx: Ctx) -> None:
        ctx.tenant = ctx.registry.find(NAME, ctx.header("token"))
        if ctx.tenant is None:
            raise Refusal(k.BAD_CREDENTIAL, "no tenant has that token")

    def admit(self, ctx: Ctx) -> None:
        check_rate_limit(ctx)

    def render(self, ctx: Ctx, result: Any) -> Response:
        op = ctx.op
        status = 200 if op is None or not op.mutates else int(op.options.get("status", 201))
        return _json(result, status)

    def render_error(self, ctx: Ctx, err: Err, headers: Any) -> Response:
        message = err.message
        return Response(json_bytes({"error": message}), status_code=err.status,
                        media_type="application/json", headers=dict(headers))

    def core_error(self, ctx: Ctx, exc: Any) -> Err:
        found = super().core_error(ctx, exc)
        return found if found.status != 409 else Err(409, exc.code)


SPEC = VendorSpec(name=NAME, title="Mini (test vendor)", dialect=MiniDialect(),
                  listeners=[Listener("mini", 18999, MiniApi())],
                  new_credentials=_new_credentials, credential_fields=("token",))
