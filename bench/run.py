"""The whole performance table in one command: every vendor's reads and writes side by side with a
bare Starlette app in the same run, the scaling curve (1k - 1M stored calls), start-up, memory,
tenants, the busy day, 100,000 SMS, the 100,000-contact campaign and webhook dispatch.

    python bench/run.py                  # the full table, 3 runs (~20 min), writes bench/results.md
    python bench/run.py --quick          # a one-minute sample to size your CI
    python bench/run.py --only http --runs 1 --seconds 2
    python bench/run.py --only goals --only scaling --sizes 1000,10000

Method (bench/README.md; results and targets: docs/PERFORMANCE.md):

- **HTTP.** ``telemock serve`` (all five vendors, each on its own port, realtime clock from the
  documents' day, rate limits off) and a bare Starlette app that answers every operation's path
  with the very bytes and content type telemock answered it with first (it computes nothing), both
  under the same uvicorn settings, both pinned to CPU 0; the load generator pinned to CPU 1: wrk
  (``apt install wrk``) when installed, else the built-in asyncio client of http_bench.py. Each
  operation: 32 keep-alive connections, bare then telemock, ``--seconds`` after ``--warmup``;
  req/s, p50/p99 and server CPU per request (from /proc). Every answer is checked a success before
  and after its load.
- **Scaling.** In a fresh process per size, a tenant of VoIPcloud, Daktela and Kerauno given N
  stored calls by the core's history builder (``core.seeding``: the same ``Call`` records the
  engine leaves, the fastest honest route), then a page read in-process (ASGI): get-user-calls
  limit=100, a CDR window and a Reporting window holding the newest 100 calls; median of the
  reads, and the process's RSS growth per stored call.
- **Goals.** Each in its own process: spawn to first 200 of every listener and idle RSS; tenant
  create/reset in-process per vendor and over HTTP; ``busy_day.py``; ``sms_bench.py``;
  ``campaign.py``; ``webhook_bench.py``.

``--runs`` repeats everything; the table gives min - max over runs. It never fails: figures, not
tests (exit 0 unless a bench crashed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import http_bench as hb  # noqa: E402
from ops import OPS, READ, WRITE, Op  # noqa: E402

CLOCK_START = "2026-01-05T14:00:00Z"
CONNECTIONS = 32
TARGETS = {"read_ratio": 0.6, "read_p99_ms": 5.0, "write_ratio": 0.3, "ready_s": 0.5, "idle_rss_mib": 80.0,
           "tenant_p95_ms": 1.0, "busy_day_s": 3.0, "sms_s": 10.0, "campaign_s": 10.0, "webhooks_per_s": 2000.0,
           "page_p50_ms": 2.0, "bytes_per_call": 1024.0}
QUICK_OPS = ("get-user-calls", "reporting cdr json", "GetQueues", "call log", "get_cdr_by_date", "SendSMS")
SERVER_CPU, LOAD_CPU = 0, 1
STEALING = 0.02
"""A load the hypervisor took more than this share of its seconds from (on the server's or the
load generator's CPU: ``steal`` in /proc/stat) is counted in the table's note: every request in
flight waits those milliseconds out (docs/PERFORMANCE.md, "Stolen time")."""


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def two_cpus() -> bool:
    return hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) >= 2


def stolen_ms() -> tuple[float, float] | None:
    """Milliseconds the hypervisor has taken from the server's and the load's CPU since boot
    (None without both CPUs or a ``steal`` column in /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            lines = stat.read().splitlines()
    except OSError:
        return None
    steal = {}
    for line in lines:
        fields = line.split()
        if fields and fields[0][:3] == "cpu" and fields[0][3:].isdigit() and len(fields) > 8:
            steal[int(fields[0][3:])] = int(fields[8])
    if SERVER_CPU not in steal or LOAD_CPU not in steal:
        return None
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    return steal[SERVER_CPU] * tick_ms, steal[LOAD_CPU] * tick_ms


def pinned(cpu: int) -> Any:
    """A preexec_fn pinning a child to ``cpu`` (nothing on a one-CPU machine)."""
    if not two_cpus():
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def py(script: str, *args: str, timeout: float = 1800, parse: bool = True) -> dict[str, Any]:
    """Run a bench script's child mode; its last stdout line is JSON (``parse``)."""
    done = subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{script} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]) if parse else {}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def machine() -> dict[str, Any]:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT).stdout
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                           cwd=ROOT).stdout.strip()
    import starlette
    import uvicorn
    return {"cpu": model or platform.processor(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "implementation": platform.python_implementation(), "uvicorn": uvicorn.__version__,
            "starlette": starlette.__version__, "commit": commit.strip() + ("+changes" if dirty else ""),
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "load": list(os.getloadavg()),
            "wrk": bool(shutil.which("wrk")), "pinned": two_cpus()}


# ---------------------------------------------------------------------------------------------
# HTTP: telemock and the bare app
# ---------------------------------------------------------------------------------------------
def bare_app(spec_file: str) -> Any:
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    answers = json.loads(Path(spec_file).read_text())

    def constant(body: bytes, media_type: str) -> Any:
        async def endpoint(request: Any) -> Response:
            return Response(body, media_type=media_type)
        return endpoint

    return Starlette(routes=[Route(f"/bare/{i}", constant(a["body"].encode("latin-1"), a["type"]),
                                   methods=["GET", "POST"]) for i, a in enumerate(answers)])


def serve_bare(port: int, spec_file: str) -> None:
    import uvicorn
    uvicorn.run(bare_app(spec_file), port=port, **hb.UVICORN)


class Telemock:
    """``telemock serve`` with every vendor, each listener on a free port, pinned to CPU 0."""

    def __init__(self) -> None:
        from emulators.vendors import load_vendors
        self.ports = {listener.name: hb.free_port() for spec in load_vendors().values()
                      for listener in spec.listeners}
        self.vendor_of = {listener.name: name for name, spec in load_vendors().items() for listener in spec.listeners}
        args = hb.telemock_cmd("--clock-start", CLOCK_START)
        for name, port in self.ports.items():
            args += ["--listener-port", f"{name}={port}"]
        self.proc = subprocess.Popen(args, env=hb.child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     preexec_fn=pinned(SERVER_CPU))
        for port in self.ports.values():
            hb.wait_ready(port, "/_emulator/health")
        self.creds: dict[str, dict[str, str]] = {}
        for listener, vendor in self.vendor_of.items():
            if listener != vendor:
                continue
            port = self.ports[listener]
            self.creds[vendor] = hb.control(port, "GET", "/_emulator/tenants/default")["credentials"]
            status, _ = asyncio.run(hb.one(port, hb.request_bytes(
                "PATCH", "/_emulator/tenants/default/settings", port,
                body=json.dumps({"rate_limit": {"limit": 0}}).encode())))
            # vendors without a rate limit refuse the key (400): nothing to turn off

    def close(self) -> None:
        hb.stop_child(self.proc)


def request_of(op: Op, port: int, creds: dict[str, str], path: str | None = None) -> bytes:
    target, headers, body = op.fill(creds)
    return hb.request_bytes(op.method, path or target, port, headers, body)


def answer(port: int, raw: bytes) -> tuple[int, bytes, str]:
    async def go() -> tuple[int, bytes, str]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        length, media = 0, ""
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"content-type":
                media = value.strip().decode()
        body = await reader.readexactly(length)
        writer.close()
        return int(head[9:12]), body, media
    return asyncio.run(go())


WRK_LINE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def lua_for(raw: bytes) -> str:
    """A wrk script sending exactly ``raw`` (method, target, headers, body)."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    out = [f"wrk.method = {json.dumps(method)}", f"wrk.path = {json.dumps(target)}",
           f"wrk.body = {json.dumps(body.decode('latin-1'))}"]
    for line in lines[1:]:
        name, _, value = line.partition(": ")
        if name.lower() not in ("host", "content-length"):
            out.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    return "\n".join(out) + "\n"


def wrk_load(port: int, raw: bytes, seconds: float, scratch: Path) -> dict[str, Any]:
    script = scratch / "req.lua"
    script.write_text(lua_for(raw))
    done = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--latency",
                           "-s", str(script), f"http://127.0.0.1:{port}"], capture_output=True, text=True,
                          preexec_fn=pinned(LOAD_CPU))
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    lat = {p: float(v) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[u] for p, v, u in WRK_LINE.findall(text)}
    return {"rps": rps, "requests": total, "p50_ms": lat.get("50", float("nan")),
            "p99_ms": lat.get("99", float("nan")),
            "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, errors.groups())) if errors else 0)}


def builtin_load(port: int, raw: bytes, seconds: float) -> dict[str, Any]:
    r = asyncio.run(hb.load(port, raw, seconds, CONNECTIONS, 0.0))
    return {"rps": r["rps"], "requests": r["requests"], "p50_ms": r["p50_ms"], "p99_ms": r["p99_ms"],
            "errors": r["errors"]}


def loaded(proc: subprocess.Popen[bytes], port: int, raw: bytes, seconds: float, warmup: float,
           scratch: Path) -> dict[str, Any]:
    use_wrk = shutil.which("wrk") is not None
    if warmup > 0:
        (wrk_load(port, raw, warmup, scratch) if use_wrk else builtin_load(port, raw, warmup))
    before, cpu0 = stolen_ms(), hb.cpu_seconds(proc.pid)
    result = wrk_load(port, raw, seconds, scratch) if use_wrk else builtin_load(port, raw, seconds)
    result["cpu_us"] = (hb.cpu_seconds(proc.pid) - cpu0) / max(1, result["requests"]) * 1e6
    after = stolen_ms()
    if before and after:
        result["stolen_ms"] = [b - a for a, b in zip(before, after)]
    return result


def http_table(ops: list[Op], seconds: float, warmup: float) -> dict[str, Any]:
    """One round per operation: bare, then telemock."""
    if two_cpus():
        os.sched_setaffinity(0, {LOAD_CPU})  # the built-in client runs here
    mock = Telemock()
    bare = None
    out: dict[str, Any] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="telemock-bench-") as tmp:
            scratch = Path(tmp)
            answers = []
            for op in ops:
                port = mock.ports[op.listener]
                status, body, media = answer(port, request_of(op, port, mock.creds[op.vendor]))
                if status != 200 or not op.ok(body):
                    raise RuntimeError(f"{op.vendor} {op.name}: {status} {body[:200]!r}")
                answers.append({"body": body.decode("latin-1"), "type": media.split(";")[0], "bytes": len(body)})
            (scratch / "answers.json").write_text(json.dumps(answers))
            bare_port = hb.free_port()
            bare = subprocess.Popen([sys.executable, __file__, "--serve-bare", str(bare_port),
                                     str(scratch / "answers.json")], env=hb.child_env(), stdout=subprocess.DEVNULL,
                                    preexec_fn=pinned(SERVER_CPU))
            hb.wait_ready(bare_port, "/bare/0")
            for i, op in enumerate(ops):
                port = mock.ports[op.listener]
                creds = mock.creds[op.vendor]
                b = loaded(bare, bare_port, request_of(op, bare_port, creds, f"/bare/{i}"), seconds, warmup, scratch)
                t = loaded(mock.proc, port, request_of(op, port, creds), seconds, warmup, scratch)
                status, body, _ = answer(port, request_of(op, port, creds))
                t["ok_after"] = status == 200 and op.ok(body)
                out[f"{op.vendor}: {op.name}"] = {"kind": op.kind, "bytes": answers[i]["bytes"], "bare": b,
                                                  "telemock": t, "ratio": t["rps"] / b["rps"] if b["rps"] else 0.0,
                                                  "cpu_ratio": b["cpu_us"] / t["cpu_us"] if t["cpu_us"] else 0.0}
            out["_tenant"] = suite_costs(mock)
            out["_idle_rss_mib_after_load"] = rss_mib(mock.proc.pid)
    finally:
        if bare is not None:
            hb.stop_child(bare)
        mock.close()
        if two_cpus():
            os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    return out


def suite_costs(mock: Telemock, n: int = 200) -> dict[str, Any]:
    """What a test suite pays per test: a tenant reset and a read, over HTTP, one connection."""
    port = mock.ports["voipcloud"]
    read = next(op for op in OPS if op.name == "get-user-calls")

    async def timed() -> dict[str, list[float]]:
        conn = await hb.Conn(port).open()
        times: dict[str, list[float]] = {"reset": [], "read": [], "create": []}
        for _ in range(n):
            for kind, raw in (("reset", hb.request_bytes("POST", "/_emulator/tenants/default/reset", port)),
                              ("read", request_of(read, port, mock.creds["voipcloud"]))):
                t0 = time.perf_counter()
                status, body = await conn.request(raw)
                times[kind].append(time.perf_counter() - t0)
                assert status < 300, body[:200]
        for _ in range(min(n, 100)):
            t0 = time.perf_counter()
            status, body = await conn.request(hb.request_bytes("POST", "/_emulator/tenants", port, body=b"{}"))
            times["create"].append(time.perf_counter() - t0)
            assert status < 300, body[:200]
        conn.close()
        return times
    times = asyncio.run(timed())
    # the default tenant's rate limit came back with the reset: turn it off again
    asyncio.run(hb.one(port, hb.request_bytes("PATCH", "/_emulator/tenants/default/settings", port,
                                              body=json.dumps({"rate_limit": {"limit": 0}}).encode())))
    return {k: {"p50_ms": hb.pct(sorted(v), 50) * 1000, "p95_ms": hb.pct(sorted(v), 95) * 1000}
            for k, v in times.items()}


# ---------------------------------------------------------------------------------------------
# scaling: N stored calls
# ---------------------------------------------------------------------------------------------
def scaling_child(n: int) -> dict[str, Any]:
    from emulators.core.formats import sql_datetime
    from emulators.core.seeding import HistoryPlan, synthesize_history
    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    specs = load_vendors(["voipcloud", "daktela", "kerauno"])
    registry = Registry(specs, settings={"clock": {"start": CLOCK_START, "mode": "manual"},
                                         "rate_limit": {"limit": 0}})
    out: dict[str, Any] = {"n": n}
    for vendor in specs:
        tenant = registry.create(vendor)
        # at most 20 calls an hour, which the directory's agents carry (at 1,900 an hour most
        # arrivals found no free agent: 1,000,000 asked gave 528,629): more days instead
        rate = min(20.0, n / (22 * 23))  # 22 weekdays in 30 days, 23 open hours
        days = max(30, math.ceil(n / (rate * 23 * 5 / 7)))
        plan = HistoryPlan(days=days, calls_per_hour=rate, open_hour=0, close_hour=23)
        rss0 = rss_mib(os.getpid())
        t0 = time.perf_counter()
        synthesize_history(tenant, plan)
        built = time.perf_counter() - t0
        history = list(tenant.history)
        stored = len(history)
        grew = (rss_mib(os.getpid()) - rss0) * 2**20
        newest = history[-100:]
        lo, hi = (sql_datetime(c.created_at, tenant.timezone) for c in (newest[0], newest[-1]))
        creds = tenant.credentials
        if vendor == "voipcloud":
            path, query, headers = "/api/integration/v1/get-user-calls", "limit=100", [(b"token", creds["api_key"])]
        elif vendor == "daktela":
            window = f"datetime_from={lo}&datetime_to={hi}"
            path, query, headers = "/api/3.5/CDR/json", f"access_token={creds['access_token']}&{window}", []
        else:
            window = f"start_date={lo}&end_date={hi}"
            path, query, headers = "/kerauno/api/v1/reporting/", f"key={creds['key']}&type=cdr&{window}", []
        app = listener_app(registry, specs[vendor], specs[vendor].listeners[0], lifespan=False)
        times, size = asgi_times(app, path, query.replace(" ", "%20"), headers, 30 if n >= 1_000_000 else 100)
        out[vendor] = {"stored": stored, "build_s": built, "bytes_per_call": grew / max(1, stored),
                       "p50_ms": statistics.median(times) * 1000, "answer_bytes": size}
        registry.delete(vendor, tenant.id)
        del history, tenant, newest
    return out


def asgi_times(app: Any, path: str, query: str, headers: list[tuple[bytes, Any]], reps: int) -> tuple[list[float], int]:
    scope = {"type": "http", "http_version": "1.1", "method": "GET", "path": path, "raw_path": path.encode(),
             "query_string": query.encode(), "root_path": "", "scheme": "http",
             "headers": [(b"host", b"127.0.0.1")] + [(k, v.encode() if isinstance(v, str) else v) for k, v in headers],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
    sizes: list[int] = []
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])
        elif message["type"] == "http.response.body":
            sizes.append(len(message.get("body", b"")))

    async def go() -> list[float]:
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            await app(scope, receive, send)
            times.append(time.perf_counter() - t0)
        return times
    times = asyncio.run(go())
    assert set(statuses) == {200}, statuses[:3]
    return times, sizes[-1]


# ---------------------------------------------------------------------------------------------
# goals: start-up, memory, tenants, the big runs
# ---------------------------------------------------------------------------------------------
def ready_and_rss(runs: int) -> dict[str, Any]:
    from emulators.vendors import load_vendors
    listeners = [listener.name for spec in load_vendors().values() for listener in spec.listeners]
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="telemock-pyc-") as pyc:
        for label, env in (("source", hb.child_env()), ("bytecode", hb.child_env(Path(pyc)))):
            times, rss = [], []
            for run in range(runs + (label == "bytecode")):
                ports = {name: hb.free_port() for name in listeners}
                args = hb.telemock_cmd()
                for name, port in ports.items():
                    args += ["--listener-port", f"{name}={port}"]
                t0 = time.perf_counter()
                proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, preexec_fn=pinned(SERVER_CPU))
                try:
                    ready = max(hb.wait_ready(port, "/_emulator/health") for port in ports.values()) - t0
                    time.sleep(1.0)
                    idle = rss_mib(proc.pid)
                finally:
                    hb.stop_child(proc)
                if label == "source" or run > 0:  # with bytecode: the first start only writes it
                    times.append(ready)
                    rss.append(idle)
            out[label] = {"ready_s": statistics.median(times), "ready_max_s": max(times),
                          "idle_rss_mib": statistics.median(rss)}
    return out


def tenants_child(n: int) -> dict[str, Any]:
    from emulators.registry import Registry
    from emulators.vendors import load_vendors

    specs = load_vendors()
    registry = Registry(specs)
    out = {}
    for vendor in specs:
        create, reset = [], []
        for _ in range(n):
            t0 = time.perf_counter()
            tenant = registry.create(vendor)
            create.append(time.perf_counter() - t0)
        for _ in range(n):
            t0 = time.perf_counter()
            tenant.reset()
            reset.append(time.perf_counter() - t0)
        out[vendor] = {"create_p95_ms": hb.pct(sorted(create), 95) * 1000,
                       "reset_p95_ms": hb.pct(sorted(reset), 95) * 1000}
    return out


def busy_days(count: int) -> dict[str, Any]:
    from emulators.vendors import VENDOR_MODULES
    out = {}
    for vendor in VENDOR_MODULES:
        done = subprocess.run([sys.executable, str(HERE / "busy_day.py"), "--child", "--vendor", vendor,
                               "--count", str(count)], capture_output=True, text=True, cwd=ROOT)
        if done.returncode != 0:
            raise RuntimeError(f"busy day {vendor}: {done.stderr[-2000:]}")
        r = json.loads(done.stdout.strip().splitlines()[-1])
        out[vendor] = {"wall_s": r["run_wall_s"], "rss_mib": r["rss_mib"], "status": r["status"],
                       "webhooks": r["webhooks"]}
    return out


def campaign(count: int, way: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(HERE / "campaign.py"), "--child", "--way", way, "--count",
                           str(count)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"campaign {way}: {done.stderr[-2000:]}")
    r = json.loads(done.stdout.strip().splitlines()[-1])
    return {"wall_s": r["run"][0], "rss_mib": r["rss_mib"], "status": r["status"]}


def goals(quick: bool) -> dict[str, Any]:
    scale = 10 if quick else 1
    out: dict[str, Any] = {"scale": scale}
    out["ready"] = ready_and_rss(2 if quick else 5)
    out["tenants"] = py("run.py", "--tenants-child", "100" if quick else "300")
    out["busy_day"] = busy_days(10_000 // scale)
    out["sms"] = py("sms_bench.py", "--child", "--count", str(100_000 // scale))
    out["sms_engine"] = py("sms_bench.py", "--child", "--no-callbacks", "--count", str(100_000 // scale))
    out["campaign"] = {way: campaign(100_000 // scale, way) for way in ("scenario", "http")}
    with tempfile.TemporaryDirectory() as tmp:
        py("webhook_bench.py", "--count", str(20_000 // scale), "--json", f"{tmp}/w.json", parse=False)
        out["webhooks"] = json.loads(Path(f"{tmp}/w.json").read_text())
    return out


# ---------------------------------------------------------------------------------------------
# the table
# ---------------------------------------------------------------------------------------------
def span(values: list[float], fmt: str = "{:.2f}") -> str:
    values = [v for v in values if v == v]
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    return fmt.format(lo) if fmt.format(lo) == fmt.format(hi) else f"{fmt.format(lo)} – {fmt.format(hi)}"


def met(values: list[float], target: float, at_least: bool) -> str:
    if not values:
        return "-"
    good = [v >= target if at_least else v <= target for v in values]
    return "yes" if all(good) else ("no" if not any(good) else f"{sum(good)} of {len(good)} runs")


def stolen_note(runs: list[dict[str, Any]], seconds: float) -> str:
    """What the hypervisor took from the two CPUs during the loads, in one sentence."""
    loads = [x[side] for r in runs for name, x in r["http"].items() if not name.startswith("_")
             for side in ("bare", "telemock")]
    stolen = [x["stolen_ms"] for x in loads if "stolen_ms" in x]
    if not stolen:
        return "Stolen time: not measured (one CPU, or no steal column in /proc/stat)."
    limit_ms = STEALING * seconds * 1000
    return (f"Stolen time (the hypervisor's `steal` in /proc/stat, during each load): up to "
            f"{max(s[0] for s in stolen):.0f} ms on the server's CPU and {max(s[1] for s in stolen):.0f} ms on "
            f"the load generator's; {sum(max(s) > limit_ms for s in stolen)} of {len(stolen)} loads lost more than "
            f"{STEALING:.0%} of their {seconds:g} s on one of them.")


def markdown(runs: list[dict[str, Any]], info: dict[str, Any], args: argparse.Namespace) -> str:
    n = len(runs)
    lines = [f"# telemock performance table ({'quick' if args.quick else 'full'} run)", "",
             f"`python bench/run.py{' --quick' if args.quick else ''}` — {n} run(s), {info['date']}, "
             f"commit {info['commit']}.", "",
             f"Machine: {info['cpu']}, {info['cpus']} CPUs, {info['implementation']} {info['python']}, "
             f"uvicorn {info['uvicorn']}, starlette {info['starlette']}; servers pinned to CPU {SERVER_CPU}, "
             f"load generator ({'wrk' if info['wrk'] else 'built-in asyncio client'}, {CONNECTIONS} connections) "
             f"on CPU {LOAD_CPU}{'' if info['pinned'] else ' (not pinned: one CPU)'}. Load average at the start of "
             f"each run: {', '.join('%.1f' % r['load'][0] for r in runs)}. Ranges are min – max over runs.", ""]
    if any("http" in r for r in runs):
        lines += [f"## HTTP: telemock against bare Starlette serving the same bytes ({args.seconds:g} s per server and "
                  f"operation after {args.warmup:g} s warm-up)", "",
                  "Reads: target ≥ 0.6 by req/s and p99 ≤ 5 ms; state-changing: ≥ 0.3.", "",
                  "| operation | bytes | bare req/s | telemock req/s | ratio | ratio by server CPU | telemock p99 ms "
                  "| bare p99 ms | errors | met? |", "|---|---|---|---|---|---|---|---|---|---|"]
        names = [k for k in runs[0]["http"] if not k.startswith("_")]
        for name in names:
            rows = [r["http"][name] for r in runs if name in r.get("http", {})]
            kind = rows[0]["kind"]
            ratios = [x["ratio"] for x in rows]
            p99 = [x["telemock"]["p99_ms"] for x in rows]
            target = TARGETS["read_ratio"] if kind == READ else TARGETS["write_ratio"]
            good = [rt >= target and (kind == WRITE or p <= TARGETS["read_p99_ms"]) for rt, p in zip(ratios, p99)]
            verdict = "yes" if all(good) else ("no" if not any(good) else f"{sum(good)} of {len(good)}")
            errors = sum(x["telemock"]["errors"] + x["bare"]["errors"] + (0 if x["telemock"]["ok_after"] else 1)
                         for x in rows)
            label = name + (" *(write)*" if kind == WRITE else "")
            lines.append(f"| {label} | {rows[0]['bytes']:,} | {span([x['bare']['rps'] for x in rows], '{:,.0f}')} | "
                         f"{span([x['telemock']['rps'] for x in rows], '{:,.0f}')} | {span(ratios)} | "
                         f"{span([x['cpu_ratio'] for x in rows])} | {span(p99, '{:.1f}')} | "
                         f"{span([x['bare']['p99_ms'] for x in rows], '{:.1f}')} | {errors} | {verdict} |")
        lines += ["", stolen_note(runs, args.seconds)]
        t = [r["http"]["_tenant"] for r in runs]
        lines += ["", "A test suite's per-test cost over HTTP (one keep-alive connection, VoIPcloud): tenant reset "
                  f"p50 {span([x['reset']['p50_ms'] for x in t])} ms, "
                  f"p95 {span([x['reset']['p95_ms'] for x in t])} ms; "
                  f"a read (get-user-calls, 10 rows) p50 {span([x['read']['p50_ms'] for x in t])} ms; "
                  f"tenant create p95 {span([x['create']['p95_ms'] for x in t])} ms.", ""]
    if any("scaling" in r for r in runs):
        lines += ["## Scaling: a page out of N stored calls (in-process, median)", "",
                  "Target at 1,000,000: ≤ 2 ms p50 and ≤ 1 KiB per stored call.", "",
                  "| stored calls | VoIPcloud get-user-calls limit=100 ms | Daktela CDR (100 in the window) ms | "
                  "Kerauno reporting (100 in the window) ms | RSS bytes per call (VoIPcloud / Daktela / Kerauno) | "
                  "history built in s |", "|---|---|---|---|---|---|"]
        for size in sorted({s["n"] for r in runs for s in r.get("scaling", [])}):
            rows = [s for r in runs for s in r.get("scaling", []) if s["n"] == size]
            stored = rows[0]["voipcloud"]["stored"]
            cells = [span([x[v]["p50_ms"] for x in rows]) for v in ("voipcloud", "daktela", "kerauno")]
            per = " / ".join(span([x[v]["bytes_per_call"] for x in rows], "{:,.0f}") for v in
                             ("voipcloud", "daktela", "kerauno"))
            built = span([x["voipcloud"]["build_s"] for x in rows])
            lines.append(f"| {size:,} (stored {stored:,}) | {' | '.join(cells)} | {per} | {built} |")
        lines.append("")
    if any("goals" in r for r in runs):
        g = [r["goals"] for r in runs]
        scale = g[0]["scale"]
        lines += ["## Start-up, memory, tenants and the big runs", "",
                  "| what | target | measured | met? |", "|---|---|---|---|"]

        def row(what: str, target: str, values: list[float], goal: float, at_least: bool, fmt: str = "{:.2f}",
                scaled: bool = False) -> None:
            verdict = "(scaled down: not judged)" if scaled and scale != 1 else met(values, goal, at_least)
            lines.append(f"| {what} | {target} | {span(values, fmt)} | {verdict} |")
        row("`telemock serve`, all five vendors: spawn → every listener ready, s", "≤ 0.5 s",
            [x["ready"]["bytecode"]["ready_s"] for x in g], TARGETS["ready_s"], False)
        # from source is the first start of a fresh checkout (or every start where
        # PYTHONDONTWRITEBYTECODE is set): it compiles every module once, a figure beside the goal
        lines.append("| … the same from source (compiling every module: a fresh checkout's first start) | "
                     f"(figure) | {span([x['ready']['source']['ready_s'] for x in g])} | |")
        row("idle RSS of `telemock serve` (all vendors), MiB", "≤ 80 MiB",
            [x["ready"]["bytecode"]["idle_rss_mib"] for x in g], TARGETS["idle_rss_mib"], False, "{:.0f}")
        for vendor in g[0]["tenants"]:
            row(f"tenant create / reset p95 in-process, ms: {vendor}", "≤ 1 ms",
                [max(x["tenants"][vendor]["create_p95_ms"], x["tenants"][vendor]["reset_p95_ms"]) for x in g],
                TARGETS["tenant_p95_ms"], False, "{:.3f}")
        for vendor in g[0]["busy_day"]:
            row(f"busy day, {10_000 // scale:,} calls, --instant, s: {vendor}", "≤ 3 s",
                [x["busy_day"][vendor]["wall_s"] for x in g], TARGETS["busy_day_s"], False, scaled=True)
        row(f"{100_000 // scale:,} SMS through Daktela's engine (groups, scheduled, throttled), s", "≤ 10 s",
            [x["sms_engine"]["engine_wall_s"] for x in g], TARGETS["sms_s"], False, scaled=True)
        # with a callback per message the run is also 101,000 real HTTP deliveries: the dispatch row
        # below is their goal, so these two are figures, not goals
        for what, values in (("the same with outgoing_callback to a local sink: engine, s",
                              [x["sms"]["engine_wall_s"] for x in g]),
                             ("… and until the sink has every callback, s",
                              [x["sms"]["engine_wall_s"] + x["sms"]["callbacks_drained_after_s"] for x in g])):
            lines.append(f"| {what} | (figure: a delivery per message, see dispatch) | {span(values)} | |")
        lines.append(f"| … peak RSS of those runs, MiB (engine alone / with callbacks) | | "
                     f"{span([x['sms_engine']['rss_mib'] for x in g], '{:.0f}')} / "
                     f"{span([x['sms']['rss_mib'] for x in g], '{:.0f}')} | |")
        for way in ("scenario", "http"):
            row(f"CPaaS campaign, {100_000 // scale:,} contacts, instant clock ({way}), s", "≤ 10 s",
                [x["campaign"][way]["wall_s"] for x in g], TARGETS["campaign_s"], False, scaled=True)
        row(f"webhook dispatch to a local sink ({g[0]['webhooks']['count']:,} deliveries, one URL), per s",
            "≥ 2,000/s", [x["webhooks"]["per_s"] for x in g], TARGETS["webhooks_per_s"], True, "{:,.0f}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a one-minute sample: a read per vendor and a write, "
                        "1,000 and 10,000 stored calls, the big runs at a tenth")
    parser.add_argument("--runs", type=int, help="repeat everything (default 3, --quick 1)")
    parser.add_argument("--seconds", type=float, help="measured seconds per server and operation (default 3, quick 1)")
    parser.add_argument("--warmup", type=float, help="warm-up seconds before each (default 1, quick 0.3)")
    parser.add_argument("--only", action="append", choices=["http", "scaling", "goals"])
    parser.add_argument("--sizes", help="stored calls for the scaling part (default 1000,10000,100000,1000000)")
    parser.add_argument("--out", default=str(HERE / "results.md"), help="the markdown table (default bench/results.md)")
    parser.add_argument("--json", metavar="FILE", help="also every figure as JSON")
    parser.add_argument("--serve-bare", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--scaling-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--tenants-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # a stopped run still stops its servers
    if args.serve_bare:
        serve_bare(int(args.serve_bare[0]), args.serve_bare[1])
        return 0
    if args.scaling_child:
        print(json.dumps(scaling_child(args.scaling_child)))
        return 0
    if args.tenants_child:
        print(json.dumps(tenants_child(args.tenants_child)))
        return 0
    args.runs = args.runs or (1 if args.quick else 3)
    args.seconds = args.seconds or (1.0 if args.quick else 3.0)
    args.warmup = args.warmup if args.warmup is not None else (0.3 if args.quick else 1.0)
    sizes = [int(s) for s in (args.sizes or ("1000,10000" if args.quick else "1000,10000,100000,1000000")).split(",")]
    parts = set(args.only or ["http", "scaling", "goals"])
    ops = [op for op in OPS if not args.quick or op.name in QUICK_OPS]
    info = machine()
    print(f"telemock bench: {info['cpu']}, {info['cpus']} CPUs, Python {info['python']}, commit {info['commit']}, "
          f"{'wrk' if info['wrk'] else 'built-in load generator'}; {args.runs} run(s) of {', '.join(sorted(parts))}",
          flush=True)
    runs: list[dict[str, Any]] = []
    for i in range(args.runs):
        run: dict[str, Any] = {"load": list(os.getloadavg())}
        if "http" in parts:
            run["http"] = http_table(ops, args.seconds, args.warmup)
            for name, x in run["http"].items():
                if not name.startswith("_"):
                    print(f"  run {i + 1} {name:<44} ratio {x['ratio']:.2f} (CPU {x['cpu_ratio']:.2f})  "
                          f"p99 {x['telemock']['p99_ms']:.1f} ms  {x['telemock']['rps']:,.0f} req/s", flush=True)
        if "scaling" in parts:
            run["scaling"] = []
            for size in sizes:
                s = py("run.py", "--scaling-child", str(size))
                run["scaling"].append(s)
                print(f"  run {i + 1} scaling {size:>9,}: " + ", ".join(
                    f"{v} {s[v]['p50_ms']:.2f} ms {s[v]['bytes_per_call']:,.0f} B/call"
                    for v in ("voipcloud", "daktela", "kerauno")), flush=True)
        if "goals" in parts:
            run["goals"] = goals(args.quick)
            print(f"  run {i + 1} goals: " + json.dumps(run["goals"])[:2000], flush=True)
        runs.append(run)
        Path(args.out).write_text(markdown(runs, info, args) + "\n")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "runs": runs}, indent=1))
    print(f"wrote {args.out}")
    print(Path(args.out).read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
