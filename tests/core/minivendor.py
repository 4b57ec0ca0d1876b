"""``mini``: a tiny test vendor over the real core, so core tests need no real vendor.

Everything here goes through the same code paths a real vendor uses: a ``Dialect`` that seeds
agents, a queue and a DID and turns call events into webhooks in the outbox; a ``VendorSpec``
with one listener whose routes authenticate by a ``token`` header, rate-limit on the tenant
clock, journal every request with ``emulators.vendor.journal``, and change the world only
through ``emulators.core.engine``. Its strings are ours (it imitates no real vendor).

``POST /v1/boom`` sets a ``mini.boom`` timer whose handler raises: a vendor bug on demand, so
tests can check that one tenant's raising timer stops that tenant and nobody else.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from emulators.core import engine
from emulators.core.agents import Agent
from emulators.core.errors import AgentNotFound, CoreError, NotFound
from emulators.core.events import Event
from emulators.core.formats import json_bytes, utc_iso
from emulators.core.paging import page
from emulators.core.queues import Member, Number, Queue
from emulators.core.seeding import HistoryPlan, synthesize_history
from emulators.core.timers import timer_handler
from emulators.core.world import Tenant
from emulators.registry import Registry, random_secret
from emulators.vendor import Listener, VendorSpec, journal, params_of

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


def routes(registry: Registry) -> list[Route]:
    def endpoint(operation: str, fn: Any) -> Any:
        async def handle(request: Request) -> Response:
            tenant = registry.find(NAME, request.headers.get("token", ""))
            if tenant is None:
                journal(request, registry, NAME, operation, None, 401)
                return _json({"error": "bad token"}, 401)
            if not tenant.limiter.allow(tenant.now()):
                journal(request, registry, NAME, operation, tenant, 429)
                return _json({"error": "slow down"}, 429)
            params = await params_of(request)
            try:
                status, body = fn(tenant, params)
            except (ValueError, KeyError):
                status, body = 400, {"error": "bad parameter"}
            except NotFound:
                status, body = 404, {"error": "not found"}
            except CoreError as exc:
                status, body = 409, {"error": exc.code}
            journal(request, registry, NAME, operation, tenant, status)
            return _json(body, status)
        return handle

    def list_calls(tenant: Tenant, p: dict[str, str]) -> tuple[int, Any]:
        offset, limit = int(p.get("offset", "0")), int(p.get("limit", "100"))
        if offset < 0 or not 1 <= limit <= 1000:
            raise ValueError(limit)
        return 200, [call_view(c) for c in page(list(tenant.newest_first()), offset, limit)]

    def place_call(tenant: Tenant, p: dict[str, str]) -> tuple[int, Any]:
        agent = tenant.agent_by_extension(p["extension"])
        if agent is None:
            raise AgentNotFound(extension=p["extension"])
        call = engine.click_to_call(tenant, agent.id, p["to"])
        return 201, call_view(call)

    def agents(tenant: Tenant, p: dict[str, str]) -> tuple[int, Any]:
        return 200, [{"id": a.id, "name": a.name, "extension": a.extension, "state": a.state}
                     for a in tenant.agents.values()]

    def boom(tenant: Tenant, p: dict[str, str]) -> tuple[int, Any]:
        tenant.clock.call_later(float(p.get("after", "1")), "mini.boom")
        return 202, {"boom_in": float(p.get("after", "1"))}

    return [Route("/v1/calls", endpoint("list-calls", list_calls), methods=["GET"]),
            Route("/v1/calls", endpoint("place-call", place_call), methods=["POST"]),
            Route("/v1/agents", endpoint("list-agents", agents), methods=["GET"]),
            Route("/v1/boom", endpoint("boom", boom), methods=["POST"])]


def _not_found(request: Request) -> Response:
    return JSONResponse({"error": "no such route"}, status_code=404)


SPEC = VendorSpec(name=NAME, title="Mini (test vendor)", dialect=MiniDialect(),
                  listeners=[Listener("mini", 18999, routes, _not_found)],
                  new_credentials=_new_credentials, credential_fields=("token",))
