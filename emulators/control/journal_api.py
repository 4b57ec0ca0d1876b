"""The journals: vendor requests (per tenant, and those no tenant was found for), webhook
deliveries (with redelivery) and domain events, each paged by ``since``/``limit``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.routing import BaseRoute

from .errors import ControlError
from .lists import after_seq, by_seq, page_args

if TYPE_CHECKING:
    from .plane import ControlPlane


def entry_seq(entry: dict[str, Any]) -> int:
    """A journal entry's ``seq``; 0 (never listed) for a malformed entry from a restored snapshot."""
    seq = entry.get("seq")
    return seq if isinstance(seq, int) else 0


def event_seq(event: Any) -> int:
    return int(event.seq)


def delivery_number(delivery: Any) -> int:
    """The ``n`` of a delivery id ``whd_<n>`` (the webhook journal's sequence)."""
    number = str(delivery.id).rpartition("_")[2]
    return int(number) if number.isascii() and number.isdigit() else 0


def routes(plane: "ControlPlane") -> list[BaseRoute]:
    from .plane import PREFIX, TENANT
    registry, vendor = plane.registry, plane.vendor

    async def requests_journal(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        since, limit = page_args(request)
        return by_seq(after_seq(tenant.requests.entries, since, entry_seq), limit, entry_seq, dict)

    async def unauthenticated_journal(request: Request) -> Any:
        since, limit = page_args(request)
        entries = registry.unauthenticated(vendor).entries
        return by_seq(after_seq(entries, since, entry_seq), limit, entry_seq, dict)

    async def webhook_journal(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        since, limit = page_args(request)
        state = request.query_params.get("state")
        found = (d for d in after_seq(tenant.outbox.deliveries, since, delivery_number)
                 if state is None or d.state == state)
        return by_seq(found, limit, delivery_number, lambda d: d.to_dict())

    async def redeliver(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        delivery = tenant.outbox.get(request.path_params["did"])
        if delivery is None:
            raise ControlError(404, "no such delivery")
        current = str(tenant.settings.get("webhooks", {}).get("url") or "")
        if not current:  # the URL a user fixed is the one to send to, never a stale one
            raise ControlError(409, "the tenant has no webhook URL; set settings webhooks.url first")
        tenant.outbox.reopen(delivery, current)
        tenant.notify(tenant)
        return delivery.to_dict()

    async def events(request: Request) -> Any:
        tenant = plane.tenant_of(request)
        since, limit = page_args(request)
        kind = request.query_params.get("type")
        found = (e for e in after_seq(tenant.events, since, event_seq) if kind is None or e.type == kind)
        return by_seq(found, limit, event_seq, lambda e: e.to_dict())

    return [
        plane.route(PREFIX + "/journal/unauthenticated", unauthenticated_journal, ["GET"]),
        plane.route(TENANT + "/journal/requests", requests_journal, ["GET"]),
        plane.route(TENANT + "/journal/webhooks", webhook_journal, ["GET"]),
        plane.route(TENANT + "/journal/webhooks/{did}/redeliver", redeliver, ["POST"]),
        plane.route(TENANT + "/events", events, ["GET"]),
    ]
