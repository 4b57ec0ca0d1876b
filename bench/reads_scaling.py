"""How the history-reading operations grow with the stored calls: one page of a day's calls out
of 1k, 10k, 100k and 1M, each vendor's app called as ASGI in this process, and what a stored
call costs in memory.

    python bench/reads_scaling.py [--sizes 1000,10000,100000,1000000] [--requests 200]
                                  [--only kerauno,voipcloud] [--json out.json]

Per vendor, the default tenant of ``telemock serve`` (manual clock at the fixed test instant);
copies of its seed history's last week are laid back over three years (each copy a new call
with its own id, legs and times: ``grow``) until it holds N calls, and become the tenant's
history. Each operation asks
for the calls of one day in the middle of that history (a page of up to 100 where the operation
pages). p50 / p95 of ``--requests`` requests after 20 unmeasured ones; the first request after
the history grew (it builds the shared indexes) is reported apart. Memory: tracemalloc's growth
while the history is built, and the RSS growth, per call. Issue #16's targets: a page of 100
out of 1,000,000 in <= 2 ms p50, <= 1 KiB per stored call. Prints figures; never fails a test.

``--http``: each read over HTTP beside bare Starlette answering the very same bytes (child
processes, ``http_bench``'s keep-alive client, alternating rounds, the median): the ratio of
requests per second and of server CPU per request (target >= 0.6).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import sys
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

WEEK = 7 * 86400.0


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def grow(history: tuple[Any, ...], size: int) -> tuple[Any, ...]:
    """``history`` with copies of its last week added before it until ``size`` calls: copy i
    moved back by i * (three years / copies), so a million calls span three years (a copy's
    week overlaps the next ones': a busy centre) and no time goes before 1970."""
    if size <= len(history):
        return tuple(history[-size:])
    week = [c for c in history if c.created_at >= history[-1].created_at - WEEK]
    copies = -(-(size - len(history)) // len(week))
    step = max(3600.0, 3 * 365 * 86400.0 / copies)
    out: list[Any] = []
    seq = 0
    for back in range(1, copies + 1):
        shift = WEEK + step * back
        for call in week:
            seq += 1
            moved: dict[float, float] = {}  # equal times stay one object, as the seed builder shares them

            def m(v: float | None, moved: dict[float, float] = moved, shift: float = shift) -> float | None:
                return None if v is None else moved.setdefault(v, v - shift)
            at = m(call.created_at)
            cid = f"{int(at)}.{900000 + seq}"
            legs = [dataclasses.replace(leg, id=f"{cid}-{n}", created_at=m(leg.created_at),
                                        ringing_at=m(leg.ringing_at), answered_at=m(leg.answered_at),
                                        ended_at=m(leg.ended_at))
                    for n, leg in enumerate(call.legs, 1)]
            copy = dataclasses.replace(
                call, id=cid, created_at=at, legs=legs, tags=dict(call.tags) if call.tags else call.tags,
                tried=[], transfers=[], answered_at=m(call.answered_at), ended_at=m(call.ended_at),
                queue_entered_at=m(call.queue_entered_at), queue_left_at=m(call.queue_left_at))
            copy.compact()  # as every stored ended call is held
            out.append(copy)
    out = out[: size - len(history)]
    out.extend(history)
    out.sort(key=lambda c: c.created_at)  # stable: the history's own order kept
    return tuple(out)


# -- the requests: (operation, listener, method, path, query, headers, json body) ----------------
Request = tuple[str, str, str, str, dict[str, Any], dict[str, str], Any]


def requests_for(vendor: str, t: Any, day: datetime) -> list[Request]:
    d = day.strftime("%Y-%m-%d")
    c = t.credentials
    if vendor == "kerauno":
        q = {"key": c["key"], "start_date": f"{d} 00:00:00", "end_date": f"{d} 23:59:59"}
        return [(f"reporting {kind} {fmt}", "kerauno", "GET", "/kerauno/api/v1/reporting/",
                 {**q, "type": kind, "export_type": fmt}, {}, None)
                for kind in ("cdr", "ring_groups") for fmt in ("json", "csv", "xml")]
    if vendor == "voipcloud":
        h = {"token": c["api_key"]}
        q = {"from_date": d, "to_date": d, "limit": 100}
        return [("v1 get-user-calls", "voipcloud", "GET", "/api/integration/v1/get-user-calls", q, h, None),
                ("v1 get-queue-calls", "voipcloud", "GET", "/api/integration/v1/get-queue-calls", q, h, None),
                ("v2 get-user-calls", "voipcloud", "GET", "/api/integration/v2/get-user-calls", q, h, None)]
    if vendor == "daktela":
        q = {"access_token": c["access_token"], "datetime_from": f"{d} 00:00:00", "datetime_to": f"{d} 23:59:59"}
        return [("CDR", "daktela", "GET", "/api/3.5/CDR/json", q, {}, None),
                ("StatsCalls", "daktela", "GET", "/api/4.1/StatsCalls/json", {**q, "skip": 0, "take": 100}, {}, None),
                ("GetAttempts", "daktela", "GET", "/api/4.1/GetAttempts/json", {**q, "skip": 0, "take": 100}, {}, None)]
    if vendor == "mycalls":
        app = "1a11fe2082b044b4a3b55718c79c29d5"
        return [("call log", "mycalls", "GET", f"/api/v1/app/{app}/calls", {}, {"X-APIKey": c["apikey"]}, None)]
    if vendor == "cpaas":
        h = {"account": "account_1", "auth": c["account_1"]}
        return [("get_cdr_by_date", "cpaas", "POST", "/api/get_cdr_by_date", {}, h,
                 {"start_call_date": d, "end_call_date": d, "record_count": "100", "offset": "0"}),
                ("get_cdr_statistics", "cpaas", "GET", "/api/get_cdr_statistics", {}, h, None)]
    raise SystemExit(f"unknown vendor {vendor}")


def asgi_call(app: Any, method: str, path: str, query: dict[str, Any], headers: dict[str, str],
              body: Any) -> Callable[[], Any]:
    raw = json.dumps(body).encode() if body is not None else b""
    hdrs = [(b"host", b"127.0.0.1"), *((k.lower().encode(), v.encode()) for k, v in headers.items())]
    if body is not None:
        hdrs += [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    scope = {"type": "http", "http_version": "1.1", "method": method, "path": path, "raw_path": path.encode(),
             "query_string": urlencode(query).encode(), "root_path": "", "headers": hdrs, "scheme": "http",
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
    got: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": raw, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            got["status"] = message["status"]
        elif message["type"] == "http.response.body":
            got["bytes"] = got.get("bytes", 0) + len(message.get("body", b""))

    async def once() -> dict[str, Any]:
        got.clear()
        await app(scope, receive, send)
        return dict(got)
    return once


def measure_vendor(vendor: str, sizes: list[int], n: int) -> list[dict[str, Any]]:
    from emulators.core import calllog
    from emulators.core.world import merge
    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    vendors = load_vendors([vendor])
    registry = Registry(vendors, settings=merge({}, {"clock": {"start": "2026-01-05T14:00:00Z", "mode": "manual"},
                                                     "rate_limit": {"limit": 0}}))
    spec = vendors[vendor]
    apps = {lst.name: listener_app(registry, spec, lst, lifespan=False) for lst in spec.listeners}
    t = registry.get(vendor, "default")
    base = tuple(t.history)
    out = []
    for size in sizes:
        t.history = ()
        gc.collect()
        tracemalloc.start()
        rss0 = rss_bytes()
        t0 = time.perf_counter()
        grown = grow(base, size)
        built = time.perf_counter() - t0
        traced = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        rss = rss_bytes() - rss0
        t.history = grown
        tracemalloc.start()
        t1 = time.perf_counter()
        calllog.of(t)  # the shared index of this history, built once
        index_s = time.perf_counter() - t1
        index_bytes = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        mid = grown[len(grown) // 2].created_at
        day = datetime.fromtimestamp(mid, ZoneInfo(t.timezone))
        row: dict[str, Any] = {"vendor": vendor, "calls": len(grown), "build_s": built, "index_s": index_s,
                               "traced_bytes_per_call": traced / len(grown), "rss_bytes_per_call": rss / len(grown),
                               "index_bytes_per_call": index_bytes / len(grown),
                               "ops": {}}
        for name, listener, method, path, query, headers, body in requests_for(vendor, t, day):
            once = asgi_call(apps[listener], method, path, query, headers, body)
            first_t = time.perf_counter()
            first = asyncio.run(once())
            first_s = time.perf_counter() - first_t

            async def run(once: Callable[[], Any] = once) -> list[float]:
                for _ in range(min(20, n)):
                    await once()
                times = []
                for _ in range(n):
                    s = time.perf_counter()
                    await once()
                    times.append(time.perf_counter() - s)
                return sorted(times)
            times = asyncio.run(run())
            row["ops"][name] = {"status": first.get("status"), "bytes": first.get("bytes"), "first_ms": first_s * 1e3,
                                "p50_ms": times[len(times) // 2] * 1e3, "p95_ms": times[int(len(times) * 0.95)] * 1e3}
        out.append(row)
        t.history = base
        del grown
    return out


# -- over HTTP, beside bare Starlette serving the same bytes (``--http``) -----------------------
def telemock_listener(vendor: str, listener: str) -> Any:
    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    vendors = load_vendors([vendor])
    registry = Registry(vendors, settings={"clock": {"mode": "realtime"}, "rate_limit": {"limit": 0}})
    spec = vendors[vendor]
    return listener_app(registry, spec, next(lst for lst in spec.listeners if lst.name == listener))


def bare_listener(bodies_file: str) -> Any:
    """Starlette answering each (path, query) with the bytes telemock answered it with."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    bodies = json.loads(Path(bodies_file).read_text())

    async def endpoint(request: Any) -> Response:
        body, media = bodies[request.url.path + "?" + request.url.query]
        return Response(body.encode("latin-1"), media_type=media)
    paths = {key.split("?")[0] for key in bodies}
    return Starlette(routes=[Route(path, endpoint, methods=["GET", "POST"]) for path in paths])


def http_ratios(vendor: str, seconds: float, rounds: int, connections: int, scratch: Path) -> list[dict[str, Any]]:
    """Each read of ``vendor`` (default tenant, the day of its history's middle call; Kerauno
    also the document's example day) loaded on telemock and on bare Starlette answering the same
    bytes, alternately; the median round of each."""
    import http_bench as hb
    import httpx

    from emulators.registry import Registry
    from emulators.vendors import load_vendors

    probe = Registry(load_vendors([vendor]), settings={"clock": {"mode": "realtime"}}).get(vendor, "default")
    day = datetime.fromtimestamp(probe.history[len(probe.history) // 2].created_at, ZoneInfo(probe.timezone))
    reqs = requests_for(vendor, probe, day)
    if vendor == "kerauno":
        reqs += [(f"{name} (doc day)", lst, m, path, {**q, "start_date": "2014-09-09 00:00:00",
                                                    "end_date": "2014-09-09 23:59:59"}, h, b)
                 for name, lst, m, path, q, h, b in reqs if "json" in name]
    out = []
    for listener in sorted({r[1] for r in reqs}):
        procs: dict[str, Any] = {}
        try:
            port = hb.free_port()
            procs["telemock"] = hb.start_child(
                [sys.executable, __file__, "--serve", "telemock", "--vendor", vendor, "--listener", listener,
                 "--port", str(port)], port, "/_emulator/health")
            ports = {"telemock": port}
            mine = [r for r in reqs if r[1] == listener]
            bodies = {}
            with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
                for _, _, method, path, query, headers, body in mine:
                    r = client.request(method, path, params=query, headers=headers, json=body)
                    bodies[path + "?" + urlencode(query)] = (r.content.decode("latin-1"), r.headers["content-type"])
            (scratch / "bodies.json").write_text(json.dumps(bodies))
            port = hb.free_port()
            first = next(iter(bodies))
            procs["bare"] = hb.start_child(
                [sys.executable, __file__, "--serve", "bare", "--bodies", str(scratch / "bodies.json"),
                 "--port", str(port)], port, first)
            ports["bare"] = port
            for name, _, method, path, query, headers, body in mine:
                raw_body = json.dumps(body).encode() if body is not None else b""
                runs: dict[str, list[dict[str, Any]]] = {"bare": [], "telemock": []}
                for _ in range(rounds):
                    for kind in ("bare", "telemock"):
                        raw = hb.request_bytes(method, path + "?" + urlencode(query), ports[kind], headers, raw_body)
                        cpu0 = hb.cpu_seconds(procs[kind].pid)
                        result = asyncio.run(hb.load(ports[kind], raw, seconds, connections, 0.5))
                        result["cpu_us"] = (hb.cpu_seconds(procs[kind].pid) - cpu0) / max(1, result["requests"]) * 1e6 \
                            * seconds / (seconds + 0.5)
                        runs[kind].append(result)
                med = {k: sorted(v, key=lambda x: x["rps"])[len(v) // 2] for k, v in runs.items()}
                out.append({"vendor": vendor, "op": name, "bytes": len(bodies[path + "?" + urlencode(query)][0]),
                            "bare_rps": med["bare"]["rps"], "telemock_rps": med["telemock"]["rps"],
                            "ratio": med["telemock"]["rps"] / med["bare"]["rps"],
                            "cpu_ratio": med["bare"]["cpu_us"] / med["telemock"]["cpu_us"],
                            "telemock_p99_ms": med["telemock"]["p99_ms"], "errors": med["telemock"]["errors"]})
                r = out[-1]
                print(f"| {vendor} | {name} | {r['bytes']:,} | {r['bare_rps']:,.0f} | {r['telemock_rps']:,.0f} | "
                      f"{r['ratio']:.2f} | {r['cpu_ratio']:.2f} | {r['telemock_p99_ms']:.1f} |", flush=True)
        finally:
            for proc in procs.values():
                hb.stop_child(proc)
    return out


def report(rows: list[dict[str, Any]]) -> str:
    lines = ["| vendor | calls | operation | status | bytes | p50 ms | p95 ms | first ms | traced B/call "
             "| RSS B/call | index B/call |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for name, op in r["ops"].items():
            lines.append(f"| {r['vendor']} | {r['calls']:,} | {name} | {op['status']} | {op['bytes']:,} | "
                         f"{op['p50_ms']:.3f} | {op['p95_ms']:.3f} | {op['first_ms']:.1f} | "
                         f"{r['traced_bytes_per_call']:.0f} | {r['rss_bytes_per_call']:.0f} | "
                         f"{r['index_bytes_per_call']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--only", default="kerauno,voipcloud,daktela,mycalls,cpaas")
    ap.add_argument("--json")
    ap.add_argument("--http", action="store_true", help="ratios against bare Starlette over HTTP instead")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--serve", choices=("telemock", "bare"), help=argparse.SUPPRESS)
    ap.add_argument("--vendor", help=argparse.SUPPRESS)
    ap.add_argument("--listener", help=argparse.SUPPRESS)
    ap.add_argument("--bodies", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.serve:
        import http_bench as hb
        import uvicorn
        app = telemock_listener(a.vendor, a.listener) if a.serve == "telemock" else bare_listener(a.bodies)
        uvicorn.run(app, port=a.port, **hb.UVICORN)
        return 0
    if a.http:
        import tempfile
        print("| vendor | operation | bytes | bare req/s | telemock req/s | ratio | CPU ratio | telemock p99 ms |\n"
              "|---|---|---|---|---|---|---|---|", flush=True)
        found = []
        with tempfile.TemporaryDirectory() as scratch:
            for vendor in a.only.split(","):
                found += http_ratios(vendor, a.seconds, a.rounds, a.connections, Path(scratch))
        if a.json:
            Path(a.json).write_text(json.dumps(found, indent=1))
        return 0
    sizes = [int(s) for s in a.sizes.split(",")]
    rows: list[dict[str, Any]] = []
    for vendor in a.only.split(","):
        rows += measure_vendor(vendor, sizes, a.requests)
        print(report([r for r in rows if r["vendor"] == vendor]).split("\n", 2)[-1], flush=True)
    print(report(rows))
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
