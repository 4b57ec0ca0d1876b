"""100,000 SMS through Daktela's SMS engine (issue 11's busy-day bench; goal <= 10 s).

    python bench/sms_bench.py [--count 100000] [--runs 1] [--json out.json]

What a Daktela client does, in-process over HTTP (starlette's TestClient on the Daktela listener
as ``telemock serve`` builds it, manual clock, the registry's webhook dispatcher running):

1. SetSMSSettings: ``outgoing_callback`` to a local sink (``bench/sink.py``, its own process),
   ``sending_rate_limit`` 100 per 60 s (it throttles SendSMS only).
2. SendGroupSMS in groups of up to 20,000 numbers (the documented maximum), one message each;
   the last group scheduled (``datetime_scheduled`` an hour ahead), the others at once.
3. 1 % of the count as single SendSMS calls (throttled by the rate limit), with
   ``confirmation=yes`` (a delivery report, so a second callback).
4. The clock advanced through the control plane an hour at a time until StatusSMS says nothing
   waits (two SIM ports, 3 s a message: ~42 simulated hours for 100,000).
5. Every message's callback counted at the sink (one per send, one per delivery report).

Prints wall and CPU seconds per phase, the callbacks' drain, peak RSS, and the Python heap the
messages hold (tracemalloc, a separate run with ``--tracemalloc``; it slows the run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

TARGET_WALL = 10.0
TOKEN = "1234567890123456789012345678901234567890"
GROUP_MAX = 20_000
T = "/_emulator/tenants/default"


def timed(label: str, fn: Any, out: dict[str, Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    out[label] = (time.perf_counter() - wall, time.process_time() - cpu)
    return value


def child(count: int, trace: bool, callbacks: bool = True) -> dict[str, Any]:
    import http_bench as hb
    from sink import Sink
    from starlette.testclient import TestClient

    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    two = (os.cpu_count() or 1) >= 2
    sink = Sink(hb.free_port(), cpu=1 if two else None)
    if two:
        os.sched_setaffinity(0, {0})
    specs = load_vendors(["daktela"])
    registry = Registry(specs, settings={"clock": {"start": "2026-01-05T14:00:00Z", "mode": "manual"}},
                        allowed_hosts=["testserver"])
    spec = specs["daktela"]
    client = TestClient(listener_app(registry, spec, spec.listeners[0]))
    client.__enter__()
    tenant = registry.get("daktela", "default")
    assert tenant is not None
    if trace:
        import tracemalloc
        tracemalloc.start()
    singles = count // 100
    grouped = count - singles
    out: dict[str, Any] = {"count": count, "singles": singles}

    def call(action: str, **params: Any) -> Any:
        r = client.post(f"/api/3.1/{action}/json", data={"access_token": TOKEN, **params})
        assert r.status_code == 200, r.text[:300]
        body = r.json()
        assert body["status"] == 1, body
        return body.get("result")

    def number(i: int) -> str:
        return f"60{i:07d}"

    def settings() -> None:
        hook = {"outgoing_callback": f"{sink.url}/sms?sms=$id&to=$number"} if callbacks else {}
        call("SetSMSSettings", sending_rate_limit="100", sending_rate_time="60", **hook)

    def groups() -> int:
        sent, n = 0, 0
        while sent < grouped:
            size = min(GROUP_MAX, grouped - sent)
            params = {f"number[{i}]": number(sent + i) for i in range(size)}
            last = sent + size >= grouped and sent > 0
            if last:
                params["datetime_scheduled"] = "2026-01-05 16:00:00"  # Prague: an hour ahead
            call("SendGroupSMS", message="Pripominame Vam zitrejsi termin. Odpovezte ANO.",
                 accountcode=f"g{n}", **params)
            sent, n = sent + size, n + 1
        return n

    def single() -> None:
        for i in range(singles):
            call("SendSMS", number=number(grouped + i), message="Vas kod je 4821", confirmation="yes")

    def run() -> int:
        advances = 0
        while True:
            r = client.post(f"{T}/clock/advance", json={"seconds": 3600})
            assert r.status_code == 200, r.text[:300]
            advances += 1
            if call("StatusSMS")["count_waiting"] == "0":
                return advances

    timed("settings", settings, out)
    out["groups"] = timed("submit_groups", groups, out)
    timed("submit_singles", single, out)
    out["advances"] = timed("clock", run, out)
    engine_done = time.perf_counter()
    if trace:
        import tracemalloc
        out["heap_mib"] = tracemalloc.get_traced_memory()[0] / 2**20
        out["heap_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    from emulators.core import sms as core_sms
    messages = list(core_sms.messages(tenant))
    states: dict[str, int] = {}
    for m in messages:
        states[m.status] = states.get(m.status, 0) + 1
    out["states"] = states
    expected = sum(1 for d in tenant.outbox.deliveries if d.event != "sms_email" and d.url)
    try:
        done = sink.wait_for(expected, timeout=600)
        out["callbacks"] = expected
        out["callbacks_drained_after_s"] = max(0.0, done - engine_done)
    finally:
        client.__exit__(None, None, None)
        sink.close()
    out["engine_wall_s"] = sum(out[k][0] for k in ("settings", "submit_groups", "submit_singles", "clock"))
    out["engine_cpu_s"] = sum(out[k][1] for k in ("settings", "submit_groups", "submit_singles", "clock"))
    out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def run_child(count: int, trace: bool, callbacks: bool = True) -> dict[str, Any] | None:
    cmd = [sys.executable, __file__, "--child", "--count", str(count)] + (["--tracemalloc"] if trace else [])
    cmd += [] if callbacks else ["--no-callbacks"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        print(f"crashed:\n{done.stderr[-3000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(r: dict[str, Any]) -> str:
    phases = "  ".join(f"{k} {r[k][0]:.2f}s" for k in ("submit_groups", "submit_singles", "clock"))
    heap = f", heap {r['heap_mib']:.0f} MiB (peak {r['heap_peak_mib']:.0f})" if "heap_mib" in r else ""
    return (f"{r['count']} SMS ({r['groups']} groups, {r['singles']} single): engine {r['engine_wall_s']:.2f} s wall "
            f"/ {r['engine_cpu_s']:.2f} s CPU (target {TARGET_WALL:g} s; {phases}, {r['advances']} clock advances); "
            f"{r['callbacks']} callbacks at the sink {r['callbacks_drained_after_s']:.2f} s later; "
            f"RSS {r['rss_mib']:.0f} MiB{heap}; states {r['states']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--no-callbacks", action="store_true", help="without outgoing_callback (the engine alone)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.count, args.tracemalloc, not args.no_callbacks)))
        return 0
    results = []
    for _ in range(max(1, args.runs)):
        r = run_child(args.count, args.tracemalloc, not args.no_callbacks)
        if r is None:
            return 1
        print(describe(r))
        results.append(r)
    if args.json:
        Path(args.json).write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
