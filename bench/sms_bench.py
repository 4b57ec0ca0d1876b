"""100,000 SMS through Daktela's SMS engine (issue 11's busy-day bench; goal <= 10 s).

    python bench/sms_bench.py [--count 100000] [--runs 1] [--no-callbacks] [--json out.json]

What a Daktela client does, against ``telemock serve --vendor daktela`` (manual clock at the
document's day) pinned to CPU 0; the client and the callbacks' sink (``bench/sink.py``) on CPU 1:

1. SetSMSSettings: ``outgoing_callback`` to the sink (unless ``--no-callbacks``: the engine
   alone), ``sending_rate_limit`` 100 per 60 s (it throttles SendSMS only).
2. SendGroupSMS in groups of up to 20,000 numbers (the documented maximum), one message each;
   the last group scheduled (``datetime_scheduled`` an hour ahead), the others at once.
3. 1 % of the count as single SendSMS calls (throttled by the rate limit), with
   ``confirmation=yes`` (a delivery report, so a second callback).
4. The clock advanced through the control plane an hour at a time until StatusSMS says nothing
   waits (two SIM ports, 3 s a message: ~42 simulated hours for 100,000).
5. With callbacks: until the sink has counted them all (one per send, one per delivery report)
   and none is pending in the webhook journal.

Prints wall seconds per phase (the engine's: 1 - 4), the server's CPU seconds, how long after the
engine the last callback arrived, and the server's peak RSS (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import os
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


def child(count: int, callbacks: bool = True) -> dict[str, Any]:
    import http_bench as hb
    import httpx
    from sink import Sink

    two = (os.cpu_count() or 1) >= 2
    sink = Sink(hb.free_port(), cpu=1 if two else None)
    if two:
        os.sched_setaffinity(0, {1})  # the client beside the sink; the server has CPU 0
    port = hb.free_port()
    env = hb.child_env()
    server = subprocess.Popen(hb.telemock_cmd("--vendor", "daktela", "--port", str(port), "--clock-mode", "manual",
                                              "--clock-start", "2026-01-05T14:00:00Z"),
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              preexec_fn=(lambda: os.sched_setaffinity(0, {0})) if two else None)
    hb.wait_ready(port, "/_emulator/health")
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600)
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

    try:
        cpu0 = hb.cpu_seconds(server.pid)
        wall0 = time.perf_counter()
        timed("settings", settings, out)
        out["groups"] = timed("submit_groups", groups, out)
        timed("submit_singles", single, out)
        out["advances"] = timed("clock", run, out)
        engine_done = time.perf_counter()
        out["engine_wall_s"] = engine_done - wall0
        out["engine_cpu_s"] = hb.cpu_seconds(server.pid) - cpu0  # the server's, callbacks sent so far included
        expected = count + singles if callbacks else 0  # a callback per send, one per delivery report
        done = sink.wait_for(expected, timeout=900) if callbacks else engine_done
        while callbacks and client.get(f"{T}/journal/webhooks", params={"state": "pending", "limit": 1}).json():
            time.sleep(0.05)  # (the seed's own waiting messages went out too)
        out["callbacks"] = sink.count()
        out["callbacks_drained_after_s"] = max(0.0, done - engine_done)
        out["rss_mib"] = _peak_rss_mib(server.pid)
    finally:
        client.close()
        hb.stop_child(server)
        sink.close()
    return out


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_child(count: int, callbacks: bool = True) -> dict[str, Any] | None:
    cmd = [sys.executable, __file__, "--child", "--count", str(count)]
    cmd += [] if callbacks else ["--no-callbacks"]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        print(f"crashed:\n{done.stderr[-3000:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def describe(r: dict[str, Any]) -> str:
    phases = "  ".join(f"{k} {r[k][0]:.2f}s" for k in ("submit_groups", "submit_singles", "clock"))
    return (f"{r['count']} SMS ({r['groups']} groups, {r['singles']} single): engine {r['engine_wall_s']:.2f} s wall "
            f"/ {r['engine_cpu_s']:.2f} s CPU (target {TARGET_WALL:g} s; {phases}, {r['advances']} clock advances); "
            f"{r['callbacks']} callbacks at the sink {r['callbacks_drained_after_s']:.2f} s later; "
            f"server peak RSS {r['rss_mib']:.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", metavar="FILE")
    parser.add_argument("--no-callbacks", action="store_true", help="without outgoing_callback (the engine alone)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.count, not args.no_callbacks)))
        return 0
    results = []
    for _ in range(max(1, args.runs)):
        r = run_child(args.count, not args.no_callbacks)
        if r is None:
            return 1
        print(describe(r))
        results.append(r)
    if args.json:
        Path(args.json).write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
