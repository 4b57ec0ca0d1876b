"""Webhook dispatch: deliveries per second from the core outbox to a local sink (goal >= 2,000/s).

    python bench/webhook_bench.py [--count 20000] [--urls 1] [--tenants 1] [--json out.json]

One process holds the registry's dispatcher exactly as ``telemock serve`` runs it (one asyncio
loop, httpx, one drain task per tenant and URL, ordered deliveries: one in flight per URL, as the
default webhook policy has it). ``--count`` deliveries (a 300-byte JSON body each, the size of a
call event) are put in the outboxes of ``--tenants`` tenants across ``--urls`` URLs of the sink,
all at once; the clock starts at the first kick and stops when the sink has counted the last one.
The sink (``bench/sink.py``) is its own process, pinned to the second CPU when there are two, the
dispatcher to the first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import http_bench as hb  # noqa: E402
from sink import Sink  # noqa: E402

TARGET = 2000.0
BODY = json.dumps({"event": "CALL_ENDED", "call_id": "1767621600.1234", "from": "+15550100001",
                   "to": "+15550100002", "duration": 123, "disposition": "ANSWERED",
                   "agent": "1001", "queue": "Support", "started_at": "2026-01-05T14:00:00Z",
                   "ended_at": "2026-01-05T14:02:03Z", "pad": "x" * 60})


def pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > cpu:
        os.sched_setaffinity(0, {cpu})


def measure(count: int, urls: int, tenants: int) -> dict[str, Any]:
    from emulators.registry import Registry
    from emulators.vendors import load_vendors

    two = (os.cpu_count() or 1) >= 2
    sink = Sink(hb.free_port(), cpu=1 if two else None)
    if two:
        pin(0)
    try:
        registry = Registry(load_vendors(["kerauno"]), settings={"clock": {"mode": "manual"}})
        owners = [registry.get("kerauno", "default")] + [registry.create("kerauno") for _ in range(tenants - 1)]

        async def run() -> tuple[float, float]:
            await registry.dispatcher.start()
            warm = owners[0]  # a running server has its HTTP client and a connection already
            warm.outbox.add(warm, event="warm-up", url=f"{sink.url}/warm-up", content_type="application/json",
                            body=BODY)
            registry.dispatcher.kick(warm)
            await registry.dispatcher.idle()
            for i in range(count):
                tenant = owners[i % tenants]
                tenant.outbox.add(tenant, event="bench", url=f"{sink.url}/hook/{i % urls}",
                                  content_type="application/json", body=BODY)
            t0 = time.perf_counter()
            for tenant in owners:
                registry.dispatcher.kick(tenant)
            while True:
                await registry.dispatcher.idle()
                if all(d.state not in ("pending", "retrying") for t in owners for d in t.outbox.deliveries):
                    break
                await asyncio.sleep(0)
            t1 = time.perf_counter()
            await registry.dispatcher.stop()
            return t0, t1

        cpu0 = time.process_time()
        t0, t1 = asyncio.run(run())
        cpu = time.process_time() - cpu0
        got = sink.count() - 1
        delivered = sum(1 for t in owners for d in t.outbox.deliveries if d.state == "delivered" and d.event == "bench")
    finally:
        sink.close()
    wall = t1 - t0
    return {"count": count, "urls": urls, "tenants": tenants, "delivered": delivered, "sink_got": got,
            "wall_s": wall, "per_s": delivered / wall, "cpu_us_per_delivery": cpu / count * 1e6,
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--urls", type=int, default=1)
    parser.add_argument("--tenants", type=int, default=1)
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    r = measure(args.count, args.urls, args.tenants)
    print(f"webhooks: {r['delivered']}/{r['count']} delivered ({r['sink_got']} at the sink) to {r['urls']} URL(s) "
          f"of {r['tenants']} tenant(s) in {r['wall_s']:.2f} s: {r['per_s']:.0f}/s "
          f"(target >= {TARGET:.0f}), {r['cpu_us_per_delivery']:.0f} us CPU each, RSS {r['rss_mib']:.0f} MiB")
    if args.json:
        Path(args.json).write_text(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
