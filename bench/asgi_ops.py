"""Per-request cost of every operation of ``bench/ops.py`` called as ASGI in this process.

No sockets, no uvicorn, no load generator: each operation's telemock listener app beside the
bare Starlette app answering the same bytes, best of several batches, so the figure barely moves
with the rest of the machine. It is the quick loop for optimising the pipeline and a vendor's
reads (``bench/run.py`` is the recorded, end-to-end figure):

    python bench/asgi_ops.py                      # every operation: us per request, ratio
    python bench/asgi_ops.py --op GetSMS --profile  # one operation under pyinstrument

The ratio is bare/telemock time per request of the application alone; uvicorn's own cost per
request (~40 us here) is the same for both, so the HTTP ratio of ``run.py`` is higher than this.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from ops import OPS, Op  # noqa: E402

CLOCK_START = "2026-01-05T14:00:00Z"
"""As ``bench/run.py`` starts the server."""


def telemock_apps() -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    """Every listener's app as ``telemock serve`` builds it, and the default tenants' credentials
    (rate limits off, as ``run.py`` sets them)."""
    from emulators.registry import DEFAULT_TENANT, Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    vendors = load_vendors()
    registry = Registry(vendors, settings={"clock": {"start": CLOCK_START, "mode": "realtime", "speed": 1.0},
                                           "rate_limit": {"limit": 0}})
    apps = {listener.name: listener_app(registry, spec, listener, lifespan=False)
            for spec in vendors.values() for listener in spec.listeners}
    creds = {name: dict(registry.get(name, DEFAULT_TENANT).credentials) for name in vendors}
    return apps, creds


def bare_app(body: bytes, media_type: str) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(request: Any) -> Response:
        return Response(body, media_type=media_type)
    return Starlette(routes=[Route("/bare", endpoint, methods=["GET", "POST"])])


class Call:
    """One request, replayable against an ASGI app."""

    def __init__(self, op: Op, creds: dict[str, str], path: str | None = None) -> None:
        target, headers, self.body = op.fill(creds)
        parts = urlsplit(target)
        self.scope = {"type": "http", "http_version": "1.1", "method": op.method, "path": path or parts.path,
                      "raw_path": (path or parts.path).encode(), "query_string": parts.query.encode(),
                      "root_path": "", "scheme": "http", "client": ("127.0.0.1", 50000),
                      "server": ("127.0.0.1", 8000),
                      "headers": [(b"host", b"127.0.0.1:8000")]
                      + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
                      + ([(b"content-length", str(len(self.body)).encode())] if self.body else [])}
        self.status = 0
        self.media = b""
        self.out = bytearray()

    async def receive(self) -> dict[str, Any]:
        return {"type": "http.request", "body": self.body, "more_body": False}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.out.clear()
            self.media = dict(message.get("headers", [])).get(b"content-type", b"")
        elif message["type"] == "http.response.body":
            self.out += message.get("body", b"")

    async def once(self, app: Any) -> None:
        await app(dict(self.scope), self.receive, self.send)

    async def timed(self, app: Any, n: int, batches: int) -> float:
        """Best per-request microseconds over ``batches`` batches of ``n``."""
        for _ in range(max(50, n // 10)):
            await self.once(app)
        best = float("inf")
        for _ in range(batches):
            t0 = time.perf_counter()
            for _ in range(n):
                await self.once(app)
            best = min(best, (time.perf_counter() - t0) / n)
        return best * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--op", action="append", help="operation name (repeatable; default: all)")
    parser.add_argument("-n", type=int, default=1000, help="requests per batch")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="profile the telemock app with pyinstrument")
    args = parser.parse_args(argv)
    apps, creds = telemock_apps()
    chosen = [op for op in OPS if not args.op or op.name in args.op]
    if not chosen:
        print(f"no such operation; the operations: {', '.join(op.name for op in OPS)}", file=sys.stderr)
        return 2
    ratios = []
    for op in chosen:
        call = Call(op, creds[op.vendor])
        app = apps[op.listener]
        asyncio.run(call.once(app))
        if call.status != 200 or not op.ok(bytes(call.out)):
            print(f"{op.vendor}: {op.name}: not a success ({call.status}): {bytes(call.out)[:200]!r}")
            continue
        body, media = bytes(call.out), call.media.decode()
        if args.profile:
            from pyinstrument import Profiler
            with Profiler(interval=0.0001) as profiler:
                asyncio.run(call.timed(app, args.n, args.batches))
            profiler.print(show_all=False)
        mock = asyncio.run(call.timed(app, args.n, args.batches))
        bare = Call(op, creds[op.vendor], path="/bare")
        bare_us = asyncio.run(bare.timed(bare_app(body, media), args.n, args.batches))
        ratios.append(bare_us / mock)
        print(f"{op.vendor + ': ' + op.name:<46} {len(body):>7,} B  bare {bare_us:6.1f} us  "
              f"telemock {mock:7.1f} us  ratio {bare_us / mock:.2f}", flush=True)
    if len(ratios) > 1:
        print(f"median ratio {statistics.median(ratios):.2f}, worst {min(ratios):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
