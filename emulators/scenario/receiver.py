"""The network between the emulator and a webhook receiver, as a scenario controls it.

``Receiver`` is the httpx transport of the dispatcher a scenario run uses. Requests to the
built-in receiver URL are answered here and recorded (what a test would see arrive); requests
to any other URL go out over the real network, unless a ``webhook_receiver`` step has taken
the receiver down (connection refused), set it to answer an error status, or made it slower
than the dispatcher's timeout (a timeout). Faults thus work for a real ``--webhook-url`` too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

BUILTIN_URL = "http://receiver.scenario.invalid/webhooks"
"""Where deliveries go when the scenario asks for webhooks but names no URL (.invalid: RFC 2606)."""


@dataclass
class Received:
    url: str
    method: str
    content_type: str
    body: bytes


@dataclass
class Receiver(httpx.AsyncBaseTransport):
    state: str = "up"
    """``up`` | ``down`` (connection refused) | ``error`` (answers ``status``)."""
    status: int = 503
    latency: float = 0.0
    """Seconds the receiver takes to answer; more than the dispatcher timeout is a timeout."""
    timeout: float = 5.0
    received: list[Received] = field(default_factory=list)
    """What the receiver accepted (2xx), in arrival order."""
    refused: int = 0
    """Attempts that failed because of an injected fault."""
    real: httpx.AsyncBaseTransport | None = None

    def set(self, state: str, status: int = 503, latency: float = 0.0) -> None:
        self.state, self.status, self.latency = state, status, latency

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.state == "down":
            self.refused += 1
            raise httpx.ConnectError("connection refused (scenario: receiver down)", request=request)
        if self.latency > self.timeout:
            self.refused += 1
            raise httpx.ReadTimeout("receiver too slow (scenario latency)", request=request)
        if self.state == "error":
            self.refused += 1
            return httpx.Response(self.status, text="scenario: receiver error", request=request)
        body = await request.aread()
        if str(request.url).startswith(BUILTIN_URL.rsplit("/", 1)[0]):
            self.received.append(Received(str(request.url), request.method,
                                          request.headers.get("content-type", ""), body))
            return httpx.Response(200, text="ok", request=request)
        if self.real is None:
            self.real = httpx.AsyncHTTPTransport()
        response = await self.real.handle_async_request(request)
        if 200 <= response.status_code < 300:
            self.received.append(Received(str(request.url), request.method,
                                          request.headers.get("content-type", ""), body))
        return response

    async def aclose(self) -> None:
        if self.real is not None:
            await self.real.aclose()
            self.real = None
