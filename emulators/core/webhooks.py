"""Outbound webhooks: a per-tenant outbox and one process-wide async dispatcher.

Vendor hooks render payloads (method, URL, headers, body) and put them in the outbox; the
dispatcher sends them with httpx, journals every attempt, and retries failures with
exponential backoff *on the tenant clock*, so a test can step through a receiver outage
deterministically. Deliveries to one URL go out in order (head-of-line), so nothing is lost or
reordered while a receiver is down. Without a target URL a payload is journalled as
``no_target``: scenario expectations can still read what would have been sent.

Delivery is at-least-once: an attempt whose answer never arrives (a time-out, a server stopped
mid-send, a restore while it was in flight) is sent again, and the receiver may get it twice.
A request that cannot be sent at all (a URL httpx cannot parse, an unsupported scheme) fails at
once: retrying cannot help, and the deliveries behind it must not wait.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .records import as_dict
from .store import FilledOnUse
from .timers import timer_handler

if TYPE_CHECKING:
    import httpx

    from .http1 import Http1Sender
    from .world import Tenant

log = logging.getLogger(__name__)

PENDING, DELIVERED, RETRYING, FAILED, NO_TARGET = "pending", "delivered", "retrying", "failed", "no_target"
ANSWER_KEEP = 4096
"""Characters of a receiver's answer kept on its delivery."""
DRAINS_PER_TENANT = 100
"""URLs of one tenant being sent to at once (one task each; the sender opens at most 100
connections). A callback URL per message made a task per message: 100,000 SMS, 100,000 tasks."""
CHANGES_KEEP = 4096
"""Delivery changes an outbox remembers (``Outbox.changes``) for readers catching up."""
DELIVERIES_KEEP = 5000
"""Settled deliveries (delivered, failed, no target) an outbox's journal keeps, the oldest
dropped first; one still to be sent is never dropped, nor one a scenario run holds
(``Outbox.hold``). Dropped in batches: the journal may hold an eighth more for a while."""
SETTLED = frozenset({DELIVERED, FAILED, NO_TARGET})


@dataclass
class Attempt:
    n: int
    at: float
    """Virtual time the attempt started."""
    wall: str
    """Wall-clock ISO time of the attempt (for people reading the journal)."""
    status: int | None = None
    error: str | None = None
    duration_ms: float = 0.0


@dataclass(slots=True)
class Delivery:
    id: str
    """Stable id: ``whd_<tenant seq>``; the same requests give the same ids."""
    event: str
    """The vendor's event name (e.g. CALL_STARTED)."""
    created_at: float
    url: str
    method: str
    content_type: str
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    """The payload as data (what the body encodes), for journals and expectations."""
    event_seq: int | None = None
    call_id: str | None = None
    state: str = PENDING
    next_attempt_at: float | None = None
    attempts: list[Attempt] = field(default_factory=list)
    redirected_from: str | None = None
    """The URL it was made for, when a redelivery sent it to the tenant's newer one."""
    answer: str = ""
    """What the receiver answered to the delivering attempt (its first ``ANSWER_KEEP``
    characters): some vendors read it (a CRM's answer to a PBX hook)."""

    def to_dict(self) -> dict[str, Any]:
        return as_dict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Delivery":
        data = dict(data)
        data["attempts"] = [Attempt(**a) for a in data.get("attempts", [])]
        return cls(**data)


def number(delivery: Delivery) -> int:
    """The delivery's place in its outbox (``whd_<number>``)."""
    return int(delivery.id[4:])


class Outbox(FilledOnUse):
    filled_on_use = ("deliveries", "_open", "_by_id")
    """A world copied from a template makes its deliveries when first read: most tenants never
    look at the deliveries their seed made (docs/PERFORMANCE.md, "Tenant create and reset")."""

    def __init__(self, keep: int = DELIVERIES_KEEP) -> None:
        self.deliveries: list[Delivery] = []
        """The journal, oldest first: the newest ``keep`` settled deliveries and every one still
        to be sent (``seq - len(deliveries)`` were dropped: ``dropped``)."""
        self.seq = 0
        self.keep = max(1, keep)
        self.held_after: int | None = None
        """Deliveries numbered above it are never dropped (``hold``)."""
        self._next_trim = self._trim_at()
        self._open: dict[str, list[Delivery]] = {}
        """Per URL, the deliveries not yet settled, oldest first (so a send never scans all)."""
        self._fresh: OrderedDict[str, None] = OrderedDict()
        """URLs given something to send (a new delivery, a reopened one, a retry come due, a send
        cut short) since the dispatcher last looked: it looks at these, never at every URL."""
        self._by_id: dict[str, Delivery] = {}
        self.changes: deque[str] = deque(maxlen=CHANGES_KEEP)
        """Ids of the deliveries that changed (made, attempted, reopened), oldest first: change
        number ``change_seq - len(changes) + 1 + i`` is ``changes[i]``. Memory only: a reader
        (the dashboard's stream) catches up from a change number instead of reading them all."""
        self.change_seq = 0

    def touched(self, delivery: Delivery) -> None:
        """Note that ``delivery`` changed."""
        self.change_seq += 1
        self.changes.append(delivery.id)

    def add(self, tenant: "Tenant", *, event: str, url: str, method: str = "POST",
            content_type: str = "", body: str = "", headers: dict[str, str] | None = None,
            fields: dict[str, Any] | None = None, event_seq: int | None = None,
            call_id: str | None = None) -> Delivery:
        self.seq += 1
        delivery = Delivery(id=f"whd_{self.seq:06d}", event=event, created_at=tenant.now(), url=url,
                            method=method, content_type=content_type, body=body,
                            headers=dict(headers or {}), fields=dict(fields or {}),
                            event_seq=event_seq, call_id=call_id,
                            state=PENDING if url else NO_TARGET)
        self.deliveries.append(delivery)
        self._by_id[delivery.id] = delivery
        self.touched(delivery)
        if len(self.deliveries) >= self._next_trim:
            self._trim(tenant)
        if url:
            self._open.setdefault(url, []).append(delivery)
            self._fresh[url] = None
            tenant.notify(tenant)
        return delivery

    # -- the bound ---------------------------------------------------------------------------
    @property
    def dropped(self) -> int:
        """Deliveries made but no longer in the journal."""
        return self.seq - len(self.deliveries)

    def hold(self, after: int | None) -> None:
        """Keep every delivery numbered above ``after`` whatever the bound (a scenario run reads
        all it made); ``None`` lets the bound apply again from the next delivery."""
        self.held_after = after
        self._next_trim = self._trim_at(self.keep)

    def since(self, after: int) -> list[Delivery]:
        """The kept deliveries numbered above ``after``, oldest first."""
        deliveries = self.deliveries
        start = len(deliveries)
        while start and number(deliveries[start - 1]) > after:
            start -= 1
        return deliveries[start:]

    def _trim_at(self, held: int | None = None) -> int:
        """The journal length that makes the next trim: an eighth over what it holds (or over
        ``keep``), so a trim costs O(1) per delivery added however many are still unsettled."""
        held = max(self.keep, len(self.deliveries) if held is None else held)
        return held + max(1, held // 8)

    def _trim(self, tenant: "Tenant | None") -> None:
        """Drop the oldest settled deliveries beyond ``keep`` (see ``DELIVERIES_KEEP``)."""
        deliveries, held = self.deliveries, self.held_after
        excess = len(deliveries) - self.keep
        kept: list[Delivery] = []
        i = 0
        while excess > 0 and i < len(deliveries):
            delivery = deliveries[i]
            if held is not None and number(delivery) > held:
                break  # numbered in order: the rest are held too
            i += 1
            if delivery.state not in SETTLED:
                kept.append(delivery)
                continue
            excess -= 1
            self._by_id.pop(delivery.id, None)
            if tenant is not None and any(a.error for a in delivery.attempts):
                # a retry timer may outlive a redelivery that then succeeded: it must not name a
                # delivery the journal no longer has (a snapshot would be refused)
                tenant.clock.cancel_where("webhook.retry", delivery=delivery.id)
        deliveries[:i] = kept
        self._next_trim = self._trim_at()

    def reopen(self, delivery: Delivery, url: str | None = None) -> None:
        """Send a delivery again, to ``url`` when given (the tenant's current webhook URL,
        recorded in ``redirected_from`` when it differs); it keeps its place in its URL's order."""
        if url and url != delivery.url:
            waiting = self._open.get(delivery.url, [])
            if delivery in waiting:
                waiting.remove(delivery)
            if delivery.redirected_from is None and delivery.url:
                delivery.redirected_from = delivery.url
            delivery.url = url
        delivery.state, delivery.next_attempt_at = PENDING, None
        self.touched(delivery)
        self._fresh[delivery.url] = None
        waiting = self._open.setdefault(delivery.url, [])
        if delivery not in waiting:
            waiting.append(delivery)
            waiting.sort(key=number)

    def _waiting(self, url: str) -> list[Delivery]:
        waiting = [d for d in self._open.get(url, ()) if d.state in (PENDING, RETRYING)]
        if waiting:
            self._open[url] = waiting
        else:
            self._open.pop(url, None)
        return waiting

    def _head(self, url: str) -> Delivery | None:
        """The oldest unsettled delivery to ``url``. Settled ones leave from the front only, so
        an ordered drain costs O(1) per delivery instead of a pass over all that wait."""
        waiting = self._open.get(url)
        settled = 0
        if waiting:
            while settled < len(waiting) and waiting[settled].state not in (PENDING, RETRYING):
                settled += 1
            del waiting[:settled]
        if not waiting:
            self._open.pop(url, None)
            return None
        return waiting[0]

    def ready(self, url: str, now: float, ordered: bool) -> list[Delivery]:
        if ordered:
            head = self._head(url)
            waiting = [head] if head is not None else []
        else:
            waiting = self._waiting(url)
        return [d for d in waiting if d.next_attempt_at is None or d.next_attempt_at <= now]

    def wake(self, url: str) -> None:
        """Have the dispatcher look at ``url`` again (a retry came due, a send was cut short)."""
        self._fresh[url] = None

    def take_fresh(self, limit: int | None = None) -> list[str]:
        """The URLs to look at (see ``_fresh``) that still have something to send, oldest first,
        at most ``limit`` of them; forgets them (the others stay for a later look)."""
        fresh: list[str] = []
        # popitem: an add from another thread is taken now or left for the next look
        while self._fresh and (limit is None or len(fresh) < limit):
            url = self._fresh.popitem(last=False)[0]
            if self._head(url) is not None:
                fresh.append(url)
        return fresh

    @property
    def has_fresh(self) -> bool:
        return bool(self._fresh)

    def get(self, delivery_id: str) -> Delivery | None:
        return self._by_id.get(delivery_id)

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "deliveries": [d.to_dict() for d in self.deliveries]}

    def load(self, data: dict[str, Any]) -> None:
        self.__dict__.pop("_fill", None)  # (what a copy would make on first use is replaced)
        self.seq = int(data["seq"])
        self.deliveries = [Delivery.from_dict(d) for d in data["deliveries"]]
        self.deliveries.sort(key=number)  # the journal's order, whoever wrote the snapshot
        self._by_id = {d.id: d for d in self.deliveries}
        self.held_after = None
        if len(self.deliveries) >= self._trim_at(self.keep):
            self._trim(None)  # a snapshot from outside keeps the bound too (ours never reach it)
        self._next_trim = self._trim_at()
        self.changes.clear()
        self.change_seq = 0
        self._open = {}
        for d in self.deliveries:
            if d.url and d.state in (PENDING, RETRYING):
                self._open.setdefault(d.url, []).append(d)
        self._fresh = OrderedDict.fromkeys(self._open)


def backoff(policy: dict[str, Any], attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
    try:
        delay = float(policy["backoff_base"]) * float(policy["backoff_factor"]) ** (attempt - 1)
    except OverflowError:  # a large factor after many attempts: the cap applies
        delay = float("inf")
    return min(delay, float(policy["backoff_max"]))


@timer_handler("webhook.retry", delivery="delivery")
def _retry_due(tenant: "Tenant", payload: dict[str, Any]) -> None:
    delivery = tenant.outbox.get(str(payload.get("delivery", "")))
    if delivery is not None:
        tenant.outbox.wake(delivery.url)
    tenant.notify(tenant)


def _answered(tenant: "Tenant", delivery: Delivery) -> None:
    """Let the dialect read the receiver's answer (``on_delivered``, optional); its trouble is
    logged, never the dispatcher's."""
    hook = getattr(tenant.dialect, "on_delivered", None)
    if hook is None:
        return
    try:
        hook(tenant, delivery)
    except Exception:  # a dialect's bug must not stop deliveries
        log.exception("%s: on_delivered failed for %s", tenant.dialect.name, delivery.id)


def _describe(exc: BaseException) -> str:
    """``Type: message`` of the error that matters (an ExceptionGroup's first leaf: anyio wraps
    e.g. a port out of range in one)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@functools.lru_cache(maxsize=256)
def _unsendable(url: str) -> str | None:
    """Why ``url`` can never be sent to, for what httpx would only report as a network error
    (and so retry): a port out of range. Remembered per URL (a tenant has few; parsing one
    cost a seventh of a delivery)."""
    import httpx

    from .http1 import port_problem
    try:
        port = httpx.URL(url).port
    except httpx.InvalidURL:
        return None  # httpx says so itself, as a permanent error
    return port_problem(port)


def _is_permanent(exc: Exception) -> bool:
    """True when the request cannot be sent at all, so a retry would fail the same way."""
    import httpx
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError)):
        return True
    return not isinstance(exc, httpx.HTTPError)  # InvalidURL, a port out of range, ...


class Dispatcher:
    """Sends every tenant's deliveries from one event loop; ``kick`` is thread-safe."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None
        self._fast: Http1Sender | None = None
        """Plain http:// deliveries go through it (same bytes, a fifth of httpx's CPU); none
        when a transport is given (a scenario's in-process receiver, a test's mock)."""
        self._transport = transport
        self._tasks: dict[tuple["Tenant", str], asyncio.Task[None]] = {}
        """One drain task per (tenant, URL): keyed by the tenant object, never by ``id()``,
        which a new tenant could reuse while an old one's task is still running."""
        self._kicked: set["Tenant"] = set()
        """Tenants whose outbox will be looked at on the loop's next turn."""
        self._draining: dict["Tenant", set[asyncio.Task[None]]] = {}
        """Per tenant, its drain tasks not yet finished (at most ``DRAINS_PER_TENANT``)."""

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    def _http(self) -> "httpx.AsyncClient":
        """The HTTP client, made on first send (importing httpx costs start-up time)."""
        if self._client is None:
            import httpx

            from .http1 import Http1Sender
            self._client = httpx.AsyncClient(transport=self._transport)
            if self._transport is None:
                self._fast = Http1Sender(self._client)
        return self._client

    async def _request(self, delivery: Delivery, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
        """Status and body of the receiver's answer (httpx's exceptions on trouble)."""
        client = self._http()
        content = delivery.body.encode("utf-8") or None
        fast = self._fast
        if fast is not None and fast.handles(delivery.url):
            return await fast.request(delivery.method, delivery.url, headers=headers, content=content,
                                      timeout=timeout)
        from .http1 import Unsendable
        unsendable = _unsendable(delivery.url)
        if unsendable is not None:
            raise Unsendable(unsendable)
        response = await client.request(delivery.method, delivery.url, headers=headers, content=content,
                                        timeout=timeout)
        return response.status_code, response.content

    async def stop(self) -> None:
        self._kicked.clear()
        for task in list(self._tasks.values()):
            task.cancel()
        self._tasks.clear()
        self._draining.clear()
        if self._fast is not None:
            await self._fast.aclose()
        if self._client is not None:
            await self._client.aclose()
        self._client, self._fast = None, None
        self._loop = None

    def attach(self, tenant: "Tenant") -> None:
        tenant.notify = self.kick

    def kick(self, tenant: "Tenant") -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if tenant in self._kicked:
            return  # a look at its outbox is already planned: a burst of adds costs one
        self._kicked.add(tenant)
        if running is loop:
            loop.call_soon(self._ensure, tenant)
        else:
            loop.call_soon_threadsafe(self._ensure, tenant)

    def forget(self, tenant: "Tenant") -> None:
        """A deleted tenant: stop sending its deliveries (an attempt in flight is dropped)."""
        tenant.notify = lambda tenant: None
        self._kicked.discard(tenant)
        for key in [k for k in self._tasks if k[0] is tenant]:
            self._tasks.pop(key).cancel()
        self._draining.pop(tenant, None)

    def _ensure(self, tenant: "Tenant") -> None:
        if tenant not in self._kicked:
            return  # forgotten (or the dispatcher stopped) since the kick
        self._kicked.discard(tenant)
        draining = self._draining.setdefault(tenant, set())
        room = DRAINS_PER_TENANT - len(draining)
        if room <= 0:
            return  # the next drain to finish looks again
        for url in tenant.outbox.take_fresh(room):
            key = (tenant, url)
            task = self._tasks.get(key)
            if task is None or task.done():
                at = [url]
                task = self._tasks[key] = asyncio.ensure_future(self._drain(tenant, at))
                draining.add(task)
                task.add_done_callback(functools.partial(self._finished, tenant, at))

    def _finished(self, tenant: "Tenant", at: list[str], task: "asyncio.Task[None]") -> None:
        """A drain that ended leaves the table (a tenant may have many one-off URLs) and makes
        room for the URLs still waiting their turn."""
        key = (tenant, at[0])
        if self._tasks.get(key) is task:
            del self._tasks[key]
        draining = self._draining.get(tenant)
        if draining is not None:
            draining.discard(task)
            if tenant.outbox.has_fresh:
                self.kick(tenant)

    async def idle(self, tenant: "Tenant | None" = None) -> None:
        """Wait until no delivery (of ``tenant``, or of anyone) is being sent right now."""
        while True:
            if self._kicked if tenant is None else tenant in self._kicked:
                await asyncio.sleep(0)  # a kick's look at the outbox comes first
                continue
            tasks = [t for (owner, _), t in self._tasks.items()
                     if not t.done() and (tenant is None or owner is tenant)]
            if not tasks:
                return
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _drain(self, tenant: "Tenant", at: list[str]) -> None:
        """Send what waits for ``at[0]``, then carry on with the tenant's next URL waiting its
        turn (``at[0]`` follows): the connection just used is reused at once, where a new task
        a loop turn later would find it closed past the sender's idle limit."""
        task = asyncio.current_task()
        try:
            while True:
                await self._drain_rounds(tenant, at[0])
                following = self._next_url(tenant)
                if following is None:
                    return
                if self._tasks.get((tenant, at[0])) is task:
                    del self._tasks[(tenant, at[0])]
                at[0] = following
                self._tasks[(tenant, following)] = task  # type: ignore[assignment]
        except BaseException:  # cancelled (the dispatcher stopped) or torn down: look again later
            tenant.outbox.wake(at[0])
            raise

    def _next_url(self, tenant: "Tenant") -> str | None:
        """A URL of ``tenant`` with something to send and no drain of its own, or None."""
        while True:
            taken = tenant.outbox.take_fresh(1)
            if not taken:
                return None
            other = self._tasks.get((tenant, taken[0]))
            if other is None or other.done():
                return taken[0]
            # that URL's drain is running: it reads its outbox again every round

    async def _drain_rounds(self, tenant: "Tenant", url: str) -> None:
        while True:
            outbox = tenant.outbox  # a reset or restore replaces it: read it again every round
            policy = tenant.settings["webhooks"]
            ordered = bool(policy.get("ordered", True))
            ready = outbox.ready(url, tenant.now(), ordered)
            if not ready:
                return
            for delivery in ready:
                ok = await self._send(tenant, outbox, delivery, policy)
                if tenant.outbox is not outbox:
                    break  # the world changed under the send: start over from the new one
                if not ok and ordered and delivery.state == RETRYING:
                    return

    async def _send(self, tenant: "Tenant", outbox: Outbox, delivery: Delivery,
                    policy: dict[str, Any]) -> bool:
        """One attempt; it is journalled on ``delivery`` unless ``outbox`` was replaced (by a
        reset or restore) while it was in flight: the attempt belonged to a world that is gone,
        and the new world's journal says what the new world has sent."""
        from .http1 import Unsendable  # (httpx and the sender load with the first delivery)
        attempt = Attempt(n=len(delivery.attempts) + 1, at=tenant.now(),
                          wall=datetime.now(timezone.utc).isoformat())
        headers = dict(delivery.headers)
        if delivery.content_type:
            headers["content-type"] = delivery.content_type
        started = time.perf_counter()
        permanent = False
        answer = ""
        try:
            status, content = await self._request(delivery, headers, float(policy["timeout"]))
            attempt.status = status
            ok = 200 <= status < 300
            if not ok:
                attempt.error = f"HTTP {status}"
            answer = content[:ANSWER_KEEP * 4].decode("utf-8", "replace")[:ANSWER_KEEP] if ok else ""
        except Unsendable as exc:
            attempt.error, permanent, ok = str(exc), True, False
        except Exception as exc:  # whatever the URL or the network does, the attempt is journalled
            attempt.error = _describe(exc)
            permanent = _is_permanent(exc)
            ok = False
        attempt.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        if tenant.outbox is not outbox:
            return ok
        delivery.attempts.append(attempt)
        if ok:
            delivery.state, delivery.next_attempt_at = DELIVERED, None
            delivery.answer = answer
            _answered(tenant, delivery)
        elif permanent or attempt.n >= int(policy["max_attempts"]):
            delivery.state, delivery.next_attempt_at = FAILED, None
        else:
            delivery.state = RETRYING
            delivery.next_attempt_at = tenant.now() + backoff(policy, attempt.n)
            tenant.clock.call_at(delivery.next_attempt_at, "webhook.retry", delivery=delivery.id)
        outbox.touched(delivery)
        return ok
