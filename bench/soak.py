"""Soak: many clients for a while against a real ``telemock serve``; req/s and RSS over time.

    python bench/soak.py [--clients 200] [--seconds 60] [--tenants 8] [--interval 5]

Starts ``telemock serve`` (Kerauno and VoIPcloud, realtime clock) on free ports, creates
``--tenants`` tenants (half per vendor, VoIPcloud's without a rate limit), and keeps
``--clients`` keep-alive connections busy, each on one tenant, with a mix of reads and writes:

    VoIPcloud  get-user-calls 25%, get-queue-calls 8%, get-system-status 8%, call-to-number 8%
    Kerauno    reporting (cdr, the whole day) 25%, agent statuses 12.5%, makecall 12.5%

Writes place real calls, which ring, answer and end on the tenants' realtime clocks (sped up,
``--clock-speed``), so the worlds grow as they would; a write to a user who is still on a call
is refused (4xx), as the vendor would. Every ``--interval`` seconds it prints req/s, latency (p50/p99), answers by
class, and the server's RSS and CPU; at the end the totals. Uses the raw HTTP/1.1 client of
``http_bench.py`` (one asyncio process, not the bottleneck). A benchmark prints figures; it
never fails a test run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from http_bench import Conn, cpu_seconds, free_port, pct, request_bytes, stop_child  # noqa: E402

K_EXTENSIONS = ("2002", "3000", "3002", "3924")
V_USERS = ("1001", "1002", "1003", "1004", "1005", "1006", "1007")


def own_cpu() -> float:
    """CPU seconds of this (the load generator's) process so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Tenant:
    vendor: str
    port: int
    status_port: int
    credentials: dict[str, str]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    classes: dict[str, int] = field(default_factory=dict)
    failures: int = 0
    """Connection errors (the client reconnects)."""

    def add(self, status: int, seconds: float) -> None:
        self.latencies.append(seconds)
        key = f"{status // 100}xx"
        self.classes[key] = self.classes.get(key, 0) + 1


def vendor_request(t: Tenant, rng: random.Random, day: str) -> tuple[int, bytes]:
    """(port, raw request) of one operation chosen by the mix above."""
    roll = rng.random()
    if t.vendor == "voipcloud":
        headers = {"token": t.credentials["api_key"]}
        base = "/api/integration/v1/"
        if roll < 0.5:
            path = base + "get-user-calls?" + urlencode({"limit": rng.choice((10, 50, 100))})
        elif roll < 0.667:
            path = base + "get-queue-calls?limit=20"
        elif roll < 0.833:
            path = base + "get-system-status"
        else:
            body = json.dumps({"user_number": rng.choice(V_USERS),
                               "number_to_call": f"+6149157{rng.randrange(10000):04d}"}).encode()
            return t.port, request_bytes("POST", base + "call-to-number", t.port, headers, body)
        return t.port, request_bytes("GET", path, t.port, headers)
    key = t.credentials["key"]
    if roll < 0.5:
        query = urlencode({"key": key, "type": "cdr", "start_date": f"{day} 00:00:00",
                           "end_date": f"{day} 23:59:59"})  # the UTC day: most of today's calls
        return t.port, request_bytes("GET", f"/kerauno/api/v1/reporting/?{query}", t.port)
    if roll < 0.75:
        return t.status_port, request_bytes("GET", f"/v1/callflow/agent_statuses/4000?key={key}", t.status_port)
    form = urlencode({"key": key, "src": rng.choice(K_EXTENSIONS), "dst": f"+1555{rng.randrange(10**7):07d}"})
    raw = (f"POST /kerauno/api/v1/makecall/ HTTP/1.1\r\nhost: 127.0.0.1:{t.port}\r\n"
           f"content-type: application/x-www-form-urlencoded\r\ncontent-length: {len(form)}\r\n\r\n{form}")
    return t.port, raw.encode()


async def client(t: Tenant, seed: int, stop: float, tally: list[Tally], day: str) -> None:
    rng = random.Random(seed)
    conns: dict[int, Conn] = {}
    while time.perf_counter() < stop:
        port, raw = vendor_request(t, rng, day)
        t0 = time.perf_counter()
        try:
            if port not in conns:
                conns[port] = await Conn(port).open()
            status, _ = await conns[port].request(raw)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            tally[-1].failures += 1
            conn = conns.pop(port, None)
            if conn is not None:
                conn.close()
            await asyncio.sleep(0.05)
            continue
        tally[-1].add(status, time.perf_counter() - t0)
    for conn in conns.values():
        conn.close()


async def one(port: int, method: str, path: str, body: Any = None) -> Any:
    conn = await Conn(port).open()
    try:
        data = json.dumps(body).encode() if body is not None else b""
        status, answer = await conn.request(request_bytes(method, path, port, body=data))
    finally:
        conn.close()
    assert status < 300, answer
    return json.loads(answer)


async def soak(ports: dict[str, int], pid: int, clients: int, seconds: float, tenants_n: int,
               interval: float) -> dict[str, Any]:
    tenants: list[Tenant] = []
    for i in range(tenants_n):
        vendor = "voipcloud" if i % 2 else "kerauno"
        port = ports[vendor]
        settings = {"rate_limit": {"limit": 0}} if vendor == "voipcloud" else {}
        info = await one(port, "POST", "/_emulator/tenants", {"id": f"soak{i}", "settings": settings})
        tenants.append(Tenant(vendor, port, ports["kerauno-status"], info["credentials"]))
    clock = await one(ports["kerauno"], "GET", "/_emulator/tenants/soak0/clock")
    day = clock["iso"][:10]
    start = time.perf_counter()
    stop = start + seconds
    tally = [Tally()]
    tasks = [asyncio.ensure_future(client(tenants[i % tenants_n], i, stop, tally, day)) for i in range(clients)]
    rows: list[dict[str, Any]] = []
    rss0, cpu0 = rss_mib(pid), cpu_seconds(pid)
    print(f"{'t s':>6} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>8} {'2xx':>7} {'4xx':>6} {'5xx':>4} "
          f"{'fail':>5} {'RSS MiB':>8} {'CPU %':>6} {'client CPU %':>13}")
    print(f"{0:>6.0f} {'':>8} {'':>7} {'':>8} {'':>7} {'':>6} {'':>4} {'':>5} {rss0:>8.1f}")
    last_t, last_cpu, last_own = start, cpu0, own_cpu()
    while time.perf_counter() < stop:
        await asyncio.sleep(min(interval, max(0.0, stop - time.perf_counter())))
        now, cpu, own = time.perf_counter(), cpu_seconds(pid), own_cpu()
        done = tally[-1]
        tally.append(Tally())
        done.latencies.sort()
        row = {"t": now - start, "rps": len(done.latencies) / (now - last_t), "p50_ms": pct(done.latencies, 50) * 1000,
               "p99_ms": pct(done.latencies, 99) * 1000, "classes": done.classes, "failures": done.failures,
               "rss_mib": rss_mib(pid), "cpu_pct": (cpu - last_cpu) / (now - last_t) * 100,
               "client_cpu_pct": (own - last_own) / (now - last_t) * 100}
        rows.append(row)
        c = done.classes
        print(f"{row['t']:>6.0f} {row['rps']:>8.0f} {row['p50_ms']:>7.1f} {row['p99_ms']:>8.1f} {c.get('2xx', 0):>7} "
              f"{c.get('4xx', 0):>6} {c.get('5xx', 0):>4} {done.failures:>5} {row['rss_mib']:>8.1f} "
              f"{row['cpu_pct']:>6.0f} {row['client_cpu_pct']:>13.0f}", flush=True)
        last_t, last_cpu, last_own = now, cpu, own
    await asyncio.gather(*tasks)
    calls = [len(await one(t.port, "GET", f"/_emulator/tenants/soak{i}/calls")) for i, t in enumerate(tenants)]
    total = sum(len(x.latencies) for x in tally)
    fivexx = sum(x.classes.get("5xx", 0) for x in tally)
    summary = {"clients": clients, "seconds": seconds, "tenants": tenants_n, "requests": total,
               "rps_mean": total / seconds, "rps_min": min(r["rps"] for r in rows),
               "rps_max": max(r["rps"] for r in rows),
               "5xx": fivexx, "failures": sum(x.failures for x in tally), "rss_start_mib": rss0,
               "rss_peak_mib": max(r["rss_mib"] for r in rows), "rss_end_mib": rows[-1]["rss_mib"],
               "calls_per_tenant": calls, "rows": rows}
    print(f"total {total} requests in {seconds:.0f} s: mean {summary['rps_mean']:.0f} req/s "
          f"(intervals {summary['rps_min']:.0f}-{summary['rps_max']:.0f}), 5xx {fivexx}, connection failures "
          f"{summary['failures']}; RSS {rss0:.1f} -> peak {summary['rss_peak_mib']:.1f} -> end "
          f"{summary['rss_end_mib']:.1f} MiB; calls per tenant at the end {calls}")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--interval", type=float, default=5.0, help="seconds per printed row")
    parser.add_argument("--clock-speed", type=float, default=60.0,
                        help="tenants' realtime factor: at 60 a placed call rings, talks and ends within "
                             "seconds, so writes keep succeeding and the worlds grow")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    ports = {name: free_port() for name in ("kerauno", "kerauno-status", "voipcloud")}
    cmd = [sys.executable, "-m", "emulators.cli", "serve", "--vendor", "kerauno", "--vendor", "voipcloud",
           "--clock-speed", str(args.clock_speed),
           *(x for name, port in ports.items() for x in ("--listener-port", f"{name}={port}"))]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    import subprocess
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        from http_bench import wait_ready
        for port in ports.values():
            wait_ready(port, "/_emulator/health")
        print(f"telemock serve pid {proc.pid}: {args.clients} clients, {args.tenants} tenants, {args.seconds:.0f} s, "
              f"clock speed {args.clock_speed:g}")
        summary = asyncio.run(soak(ports, proc.pid, args.clients, args.seconds, args.tenants, args.interval))
    finally:
        stop_child(proc)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
