"""Daktela's most polled reads against bare Starlette, in the same run: GetQueues and
RTUsersState (a wallboard asks every second or two).

    python bench/daktela_bench.py [--seconds 5] [--connections 8] [--rounds 3] [--json out.json]

Two servers in child processes under the same uvicorn settings: ``telemock serve``'s Daktela
listener (default tenant: the doc's contact centre, realtime clock) and a bare Starlette app
that answers each path with the very bytes telemock answered it with at the start (so both send
the same bodies; the bare one computes nothing). Loaded alternately by the keep-alive client of
``http_bench.py``; the median round per server. Also each app's cost alone (ASGI in-process).
Target (issue #10): telemock/bare >= 0.6 for both. A benchmark prints figures; it never fails a
test run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import http_bench as hb  # noqa: E402  (the load generator and child-process helpers)

TOKEN = "1234567890123456789012345678901234567890"
PATHS = {"GetQueues": f"/api/4.1/GetQueues/json?access_token={TOKEN}",
         "RTUsersState": f"/api/4.1/RTUsersState/json?access_token={TOKEN}"}
TARGET = 0.6


def telemock_app() -> Any:
    """The Daktela listener exactly as ``telemock serve --vendor daktela`` builds it."""
    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    vendors = load_vendors(["daktela"])
    registry = Registry(vendors, settings={"clock": {"mode": "realtime"}})
    spec = vendors["daktela"]
    return listener_app(registry, spec, spec.listeners[0])


def bare_app(bodies: dict[str, bytes]) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    def constant(body: bytes) -> Any:
        async def endpoint(request: Any) -> Response:
            return Response(body, media_type="application/json")
        return endpoint

    return Starlette(routes=[Route(PATHS[name].split("?")[0], constant(body)) for name, body in bodies.items()])


def serve(kind: str, port: int, bodies_file: str | None) -> None:
    import uvicorn

    if kind == "bare":
        bodies = {k: v.encode() for k, v in json.loads(Path(bodies_file or "").read_text()).items()}
        app = bare_app(bodies)
    else:
        app = telemock_app()
    uvicorn.run(app, port=port, **hb.UVICORN)


def bodies_of(port: int) -> dict[str, str]:
    out = {}
    for name, path in PATHS.items():
        status, body = asyncio.run(hb.one(port, hb.request_bytes("GET", path, port)))
        assert status == 200 and json.loads(body)["status"] == 1, body[:200]
        out[name] = body.decode()
    return out


def throughput(seconds: float, connections: int, warmup: float, rounds: int, scratch: Path) -> dict[str, Any]:
    procs: dict[str, Any] = {}
    try:
        port = hb.free_port()
        procs["telemock"] = hb.start_child([sys.executable, __file__, "--serve", "telemock", "--port", str(port)],
                                           port, "/_emulator/health")
        ports = {"telemock": port}
        bodies = bodies_of(port)
        (scratch / "bodies.json").write_text(json.dumps(bodies))
        port = hb.free_port()
        procs["bare"] = hb.start_child([sys.executable, __file__, "--serve", "bare", "--port", str(port),
                                        "--bodies", str(scratch / "bodies.json")], port, PATHS["GetQueues"])
        ports["bare"] = port
        out: dict[str, Any] = {"sizes": {name: len(body.encode()) for name, body in bodies.items()}}
        for name, path in PATHS.items():
            runs: dict[str, list[dict[str, Any]]] = {"bare": [], "telemock": []}
            for _ in range(rounds):
                for kind in ("bare", "telemock"):
                    raw = hb.request_bytes("GET", path, ports[kind])
                    cpu0 = hb.cpu_seconds(procs[kind].pid)
                    result = asyncio.run(hb.load(ports[kind], raw, seconds, connections, warmup))
                    cpu = hb.cpu_seconds(procs[kind].pid) - cpu0
                    result["server_cpu_us_per_req"] = cpu / (result["requests"] * (seconds + warmup) / seconds) * 1e6
                    runs[kind].append(result)
            medians = {kind: sorted(r, key=lambda x: x["rps"])[len(r) // 2] for kind, r in runs.items()}
            out[name] = {**medians, "rounds": {k: [round(x["rps"]) for x in r] for k, r in runs.items()},
                         "ratio": medians["telemock"]["rps"] / medians["bare"]["rps"],
                         "cpu_ratio": medians["bare"]["server_cpu_us_per_req"]
                         / medians["telemock"]["server_cpu_us_per_req"]}
    finally:
        for proc in procs.values():
            hb.stop_child(proc)
    return out


def asgi_costs(n: int) -> dict[str, Any]:
    """Microseconds per request of each app called as ASGI in this process (best of 5)."""
    async def measure(app: Any, path: str) -> float:
        route, _, query = path.partition("?")
        scope = {"type": "http", "http_version": "1.1", "method": "GET", "path": route, "raw_path": route.encode(),
                 "query_string": query.encode(), "root_path": "", "headers": [(b"host", b"127.0.0.1:8083")],
                 "scheme": "http", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8083)}

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                assert message["status"] == 200

        for _ in range(100):
            await app(scope, receive, send)
        best = float("inf")
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(n // 5):
                await app(scope, receive, send)
            best = min(best, (time.perf_counter() - t0) / (n // 5))
        return best * 1e6

    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    vendors = load_vendors(["daktela"])
    registry = Registry(vendors, settings={"clock": {"mode": "realtime"}})
    spec = vendors["daktela"]
    app = listener_app(registry, spec, spec.listeners[0], lifespan=False)
    out = {}
    for name, path in PATHS.items():
        telemock = asyncio.run(measure(app, path))
        body: list[bytes] = []

        async def capture(message: dict[str, Any], body: list[bytes] = body) -> None:
            if message["type"] == "http.response.body":
                body.append(message.get("body", b""))

        route, _, query = path.partition("?")
        asyncio.run(app({"type": "http", "http_version": "1.1", "method": "GET", "path": route,
                         "raw_path": route.encode(), "query_string": query.encode(), "root_path": "",
                         "headers": [], "scheme": "http", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 1)},
                        _receive, capture))
        bare = asyncio.run(measure(bare_app({name: b"".join(body)}), path))
        out[name] = {"bare_us": bare, "telemock_us": telemock}
    return out


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


def report(r: dict[str, Any]) -> str:
    t = r["throughput"]
    lines = [f"Daktela reads vs bare Starlette serving the same bytes ({r['connections']} connections, "
             f"{r['seconds']} s after {r['warmup']} s warm-up, median of {r['rounds']} alternating rounds)",
             f"  {'action':<13} {'bytes':>6} {'server':<9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU us/req':>11}"]
    for name in PATHS:
        x = t[name]
        for kind in ("bare", "telemock"):
            y = x[kind]
            lines.append(f"  {name:<13} {t['sizes'][name]:>6} {kind:<9} {y['rps']:>8.0f} {y['p50_ms']:>7.2f} "
                         f"{y['p99_ms']:>7.2f} {y['server_cpu_us_per_req']:>11.0f}   rounds {x['rounds'][kind]}")
        a = r["asgi"][name]
        lines.append(f"  {name:<13} ratio telemock/bare {x['ratio']:.2f} by req/s, {x['cpu_ratio']:.2f} by server "
                     f"CPU (target >= {TARGET}); app alone: bare {a['bare_us']:.0f} us, telemock "
                     f"{a['telemock_us']:.0f} us")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--serve", choices=["bare", "telemock"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--bodies", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port, args.bodies)
        return 0
    import tempfile
    with tempfile.TemporaryDirectory(prefix="daktela-bench-") as scratch:
        result: dict[str, Any] = {"seconds": args.seconds, "warmup": args.warmup, "connections": args.connections,
                                  "rounds": args.rounds,
                                  "throughput": throughput(args.seconds, args.connections, args.warmup, args.rounds,
                                                           Path(scratch)),
                                  "asgi": asgi_costs(2000)}
    print(report(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
