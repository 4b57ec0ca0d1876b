"""HTTP benchmark: telemock's VoIPcloud get-user-calls against a bare Starlette app, tenant
create/reset times, and ``telemock serve`` start-up time.

    python bench/http_bench.py [--seconds 5] [--connections 8] [--json out.json]

Both servers run as separate processes under the same uvicorn settings (``UVICORN``); both are
loaded by the same client in this process: a minimal asyncio HTTP/1.1 keep-alive load generator
over raw sockets (no dependencies, fast enough not to be the bottleneck of a Python server).
Targets (issue #2): throughput ratio telemock/bare >= 0.6, reset <= 1 ms p95, ready <= 0.5 s.
A benchmark prints figures; it never fails a test run (speed goals are not timed tests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
USER_CALLS = "/api/integration/v1/get-user-calls?limit=10"
UVICORN: dict[str, Any] = {"host": "127.0.0.1", "log_level": "warning", "access_log": False,
                           "lifespan": "on"}
"""The uvicorn settings both servers run with (loop/http: uvicorn's defaults, uvloop+httptools)."""
TARGETS = {"ratio": 0.6, "reset_p95_ms": 1.0, "ready_s": 0.5}


# ---------------------------------------------------------------------------------------
# the servers (run in child processes: ``--serve bare|telemock --port N``)
# ---------------------------------------------------------------------------------------
def bare_app() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    body = {"code": 200, "description": "Success", "data": []}

    async def constant(request: Any) -> JSONResponse:
        return JSONResponse(body)

    return Starlette(routes=[Route("/api/integration/v1/get-user-calls", constant)])


def telemock_app() -> Any:
    """The VoIPcloud listener app exactly as ``telemock serve --vendor voipcloud`` builds it."""
    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    vendors = load_vendors(["voipcloud"])
    registry = Registry(vendors, settings={"clock": {"mode": "realtime"}})
    spec = vendors["voipcloud"]
    return listener_app(registry, spec, spec.listeners[0])


def serve(kind: str, port: int) -> None:
    import uvicorn

    app = bare_app() if kind == "bare" else telemock_app()
    uvicorn.run(app, port=port, **UVICORN)


# ---------------------------------------------------------------------------------------
# a raw keep-alive HTTP/1.1 client
# ---------------------------------------------------------------------------------------
class Conn:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> "Conn":
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await self.reader.readexactly(length) if length else b""
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def request_bytes(method: str, path: str, port: int, headers: dict[str, str] | None = None,
                  body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"host: 127.0.0.1:{port}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines += ["content-type: application/json", f"content-length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def load(port: int, raw: bytes, seconds: float, connections: int, warmup: float) -> dict[str, Any]:
    """Keep ``connections`` requests in flight for ``warmup + seconds``; measure after warm-up."""
    conns = [await Conn(port).open() for _ in range(connections)]
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    measure_from, stop = start + warmup, start + warmup + seconds

    async def worker(conn: Conn) -> None:
        nonlocal errors
        while True:
            t0 = time.perf_counter()
            if t0 >= stop:
                return
            status, _ = await conn.request(raw)
            t1 = time.perf_counter()
            if t0 >= measure_from:
                latencies.append(t1 - t0)
                errors += status != 200

    await asyncio.gather(*(worker(c) for c in conns))
    for c in conns:
        c.close()
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "rps": len(latencies) / seconds,
            "p50_ms": pct(latencies, 50) * 1000, "p99_ms": pct(latencies, 99) * 1000}


def pct(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


# ---------------------------------------------------------------------------------------
# helpers for child processes
# ---------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(port: int, path: str, timeout: float = 30.0, interval: float = 0.002) -> float:
    """Poll ``GET path`` until it answers 200; return the moment (perf_counter) it did."""
    raw = request_bytes("GET", path, port)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(raw)
                if sock.recv(64)[9:12] == b"200":
                    return time.perf_counter()
        except OSError:
            pass
        time.sleep(interval)
    raise TimeoutError(f"nothing answered 200 on {port}{path}")


def start_child(args: list[str], port: int, ready_path: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(port, ready_path)
    except TimeoutError:
        proc.kill()
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"server did not start: {' '.join(args)}\n{stderr}") from None
    return proc


def stop_child(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def telemock_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "emulators.cli", "serve", "--log-level", "warning", *args]


# ---------------------------------------------------------------------------------------
# the three measurements
# ---------------------------------------------------------------------------------------
def throughput(seconds: float, connections: int, warmup: float, rounds: int) -> dict[str, Any]:
    """Both servers up at once; ``rounds`` alternating loads of each (machine noise hits both
    alike); the median round per server. Also the server's CPU time per request (Linux), which
    does not depend on how busy the rest of the machine is."""
    procs: dict[str, subprocess.Popen[bytes]] = {}
    raws: dict[str, bytes] = {}
    try:
        for kind in ("bare", "telemock"):
            port = free_port()
            ready_path = "/_emulator/health" if kind == "telemock" else USER_CALLS.split("?")[0]
            procs[kind] = start_child([sys.executable, __file__, "--serve", kind, "--port", str(port)], port,
                                      ready_path)
            headers: dict[str, str] = {}
            if kind == "telemock":
                tenant = control(port, "POST", "/_emulator/tenants", {"settings": {"rate_limit": {"limit": 0}}})
                headers = {"token": tenant["credentials"]["api_key"]}
                status, body = asyncio.run(one(port, request_bytes("GET", USER_CALLS, port, headers)))
                assert status == 200 and len(json.loads(body)["data"]) == 10, body[:200]
            raws[kind] = request_bytes("GET", USER_CALLS, port, headers)
        runs: dict[str, list[dict[str, Any]]] = {"bare": [], "telemock": []}
        for _ in range(rounds):
            for kind, proc in procs.items():
                port = int(raws[kind].split(b"host: 127.0.0.1:")[1].split(b"\r\n")[0])
                cpu0 = cpu_seconds(proc.pid)
                result = asyncio.run(load(port, raws[kind], seconds, connections, warmup))
                cpu = cpu_seconds(proc.pid) - cpu0
                result["server_cpu_us_per_req"] = cpu / (result["requests"] * (seconds + warmup) / seconds) * 1e6
                runs[kind].append(result)
    finally:
        for proc in procs.values():
            stop_child(proc)
    out: dict[str, Any] = {kind: sorted(r, key=lambda x: x["rps"])[len(r) // 2] for kind, r in runs.items()}
    out["rounds"] = {kind: [round(x["rps"]) for x in r] for kind, r in runs.items()}
    out["ratio"] = out["telemock"]["rps"] / out["bare"]["rps"]
    out["cpu_ratio"] = out["bare"]["server_cpu_us_per_req"] / out["telemock"]["server_cpu_us_per_req"]
    return out


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of a process so far (0 where /proc is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def one(port: int, raw: bytes) -> tuple[int, bytes]:
    conn = await Conn(port).open()
    try:
        return await conn.request(raw)
    finally:
        conn.close()


def control(port: int, method: str, path: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else b""
    status, answer = asyncio.run(one(port, request_bytes(method, path, port, body=data)))
    assert status < 300, answer
    return json.loads(answer)


def tenant_times(n: int) -> dict[str, Any]:
    """Create and reset over HTTP (client-side, sequential, keep-alive) and in-process."""
    port = free_port()
    proc = start_child(telemock_cmd("--vendor", "voipcloud", "--port", str(port)), port, "/_emulator/health")
    try:
        async def timed(raws: list[bytes]) -> list[float]:
            conn = await Conn(port).open()
            times = []
            for raw in raws:
                t0 = time.perf_counter()
                status, body = await conn.request(raw)
                times.append(time.perf_counter() - t0)
                assert status < 300, body
            conn.close()
            return sorted(times)

        create = asyncio.run(timed([request_bytes("POST", "/_emulator/tenants", port, body=b"{}")] * n))
        reset = asyncio.run(timed([request_bytes("POST", "/_emulator/tenants/t0001/reset", port)] * n))
        health = asyncio.run(timed([request_bytes("GET", "/_emulator/health", port)] * n))
    finally:
        stop_child(proc)
    core = core_tenant_times(n)
    summary = {name: {"p50_ms": pct(v, 50) * 1000, "p95_ms": pct(v, 95) * 1000}
               for name, v in (("create_http", create), ("reset_http", reset), ("health_http", health))}
    return {**summary, **core}


def core_tenant_times(n: int) -> dict[str, Any]:
    """``Registry.create`` and ``Tenant.reset`` in this process: the cost without HTTP."""
    sys.path.insert(0, str(ROOT))
    from emulators.registry import Registry
    from emulators.vendors import load_vendors

    registry = Registry(load_vendors(["voipcloud"]))
    create, reset = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        tenant = registry.create("voipcloud")
        create.append(time.perf_counter() - t0)
    for _ in range(n):
        t0 = time.perf_counter()
        tenant.reset()
        reset.append(time.perf_counter() - t0)
    create.sort()
    reset.sort()
    return {"create_core": {"p50_ms": pct(create, 50) * 1000, "p95_ms": pct(create, 95) * 1000},
            "reset_core": {"p50_ms": pct(reset, 50) * 1000, "p95_ms": pct(reset, 95) * 1000}}


def child_env(bytecode: Path | None = None) -> dict[str, str]:
    """The environment of a spawned server. With ``bytecode``: Python may write and read
    compiled modules (under that directory), as an installed telemock has them; without it,
    the environment as it is (here ``PYTHONDONTWRITEBYTECODE=1``: every start compiles
    telemock's own modules from source, ~0.06 - 0.09 s)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if bytecode is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    return env


def ready_times(runs: int, bytecode: Path | None = None) -> dict[str, Any]:
    """From spawning ``telemock serve`` to the first 200 (GET /_emulator/health)."""
    out: dict[str, Any] = {}
    env = child_env(bytecode)
    for label, args, path in (
            ("voipcloud", ("--vendor", "voipcloud", "--port"), "/_emulator/health"),
            ("all_vendors", ("--single-port",), "/voipcloud/_emulator/health")):
        times = []
        for run in range(runs + (bytecode is not None)):
            port = free_port()
            t0 = time.perf_counter()
            proc = subprocess.Popen(telemock_cmd(*args, str(port)), env=env, stdout=subprocess.DEVNULL)
            try:
                ready = wait_ready(port, path) - t0
            finally:
                stop_child(proc)
            if bytecode is None or run > 0:  # with bytecode: the first start only writes it
                times.append(ready)
        times.sort()
        out[label] = {"median_s": statistics.median(times), "min_s": times[0], "max_s": times[-1]}
    return out


def import_seconds(runs: int, bytecode: Path | None = None) -> float:
    """Median seconds to import what ``telemock serve --vendor voipcloud`` imports (no server)."""
    code = ("import time; t = time.perf_counter(); import emulators.cli, emulators.server, emulators.registry; "
            "import emulators.vendors; emulators.vendors.load_vendors(['voipcloud']); "
            "import uvicorn.protocols.http.httptools_impl; "
            "print(time.perf_counter() - t)")
    env = child_env(bytecode)
    times = [float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                  check=True).stdout) for _ in range(runs + (bytecode is not None))]
    return statistics.median(times[1:] if bytecode is not None else times)


def asgi_costs(n: int) -> dict[str, Any]:
    """Per-request cost of each app called directly as ASGI in this process (no sockets, no
    uvicorn): what the application itself adds, independent of machine load and the client."""
    sys.path.insert(0, str(ROOT))

    async def measure(app: Any, headers: list[tuple[bytes, bytes]]) -> float:
        path, _, query = USER_CALLS.partition("?")
        scope = {"type": "http", "http_version": "1.1", "method": "GET", "path": path,
                 "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
                 "headers": [(b"host", b"127.0.0.1:8085"), *headers], "scheme": "http",
                 "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8085)}

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                assert message["status"] == 200

        for _ in range(200):
            await app(scope, receive, send)
        best = float("inf")
        for _ in range(5):  # best of 5 batches: the least disturbed by the rest of the machine
            t0 = time.perf_counter()
            for _ in range(n // 5):
                await app(scope, receive, send)
            best = min(best, (time.perf_counter() - t0) / (n // 5))
        return best * 1e6

    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    vendors = load_vendors(["voipcloud"])
    registry = Registry(vendors, settings={"clock": {"mode": "realtime"}})
    tenant = registry.create("voipcloud", settings={"rate_limit": {"limit": 0}})
    app = listener_app(registry, vendors["voipcloud"], vendors["voipcloud"].listeners[0], lifespan=False)
    token = [(b"token", tenant.credentials["api_key"].encode())]
    bare = asyncio.run(measure(bare_app(), []))
    mock = asyncio.run(measure(app, token))
    return {"bare_us": bare, "telemock_us": mock}


def python_start(runs: int) -> float:
    """The floor: a bare interpreter start (``python -c pass``), median seconds."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# ---------------------------------------------------------------------------------------
def report(r: dict[str, Any]) -> str:
    t = r["throughput"]
    lines = [f"HTTP throughput ({r['connections']} connections, {r['seconds']} s after {r['warmup']} s warm-up, "
             f"median of {len(t['rounds']['bare'])} alternating rounds, GET get-user-calls limit=10)",
             f"  {'server':<10} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'server CPU us/req':>18}"]
    for kind in ("bare", "telemock"):
        x = t[kind]
        lines.append(f"  {kind:<10} {x['rps']:>9.0f} {x['p50_ms']:>8.2f} {x['p99_ms']:>8.2f} {x['errors']:>7} "
                     f"{x['server_cpu_us_per_req']:>18.0f}   rounds {t['rounds'][kind]}")
    lines.append(f"  ratio telemock/bare: {t['ratio']:.2f} req/s, {t['cpu_ratio']:.2f} by server CPU per request"
                 f"   (target >= {TARGETS['ratio']})")
    a = r["asgi"]
    lines.append(f"  app alone (ASGI in-process, best of 5): bare {a['bare_us']:.0f} us/req, "
                 f"telemock {a['telemock_us']:.0f} us/req")
    lines.append("Tenants (ms)            p50      p95")
    for name in ("create_http", "reset_http", "health_http", "create_core", "reset_core"):
        x = r["tenants"][name]
        lines.append(f"  {name:<18} {x['p50_ms']:>8.3f} {x['p95_ms']:>8.3f}")
    lines.append(f"  reset target: p95 <= {TARGETS['reset_p95_ms']} ms")
    lines.append(f"Ready (spawn -> first 200), {r['ready_runs']} runs; python -c pass: {r['python_start_s']:.3f} s")
    for mode, key, note in (("as the environment runs it", "ready", "import_s"),
                            ("with compiled bytecode (as installed)", "ready_compiled", "import_compiled_s")):
        lines.append(f"  {mode} (imports alone: {r[note]:.3f} s)")
        for label, x in r[key].items():
            lines.append(f"    {label:<12} median {x['median_s']:.3f} s  min {x['min_s']:.3f}  max {x['max_s']:.3f}")
    lines.append(f"  target: <= {TARGETS['ready_s']} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per server")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating load rounds per server")
    parser.add_argument("--tenant-runs", type=int, default=300)
    parser.add_argument("--ready-runs", type=int, default=5)
    parser.add_argument("--only", choices=["throughput", "tenants", "ready"], action="append",
                        help="run only these parts (repeatable); prints JSON instead of the table")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--serve", choices=["bare", "telemock"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    only = set(args.only or ["throughput", "tenants", "ready"])
    result: dict[str, Any] = {"seconds": args.seconds, "warmup": args.warmup,
                              "connections": args.connections, "ready_runs": args.ready_runs,
                              "cpus": os.cpu_count(), "python": sys.version.split()[0]}
    if "throughput" in only:
        result["throughput"] = throughput(args.seconds, args.connections, args.warmup, args.rounds)
        result["asgi"] = asgi_costs(5000)
    if "tenants" in only:
        result["tenants"] = tenant_times(args.tenant_runs)
    if "ready" in only:
        result["python_start_s"] = python_start(args.ready_runs)
        result["import_s"] = import_seconds(args.ready_runs)
        result["ready"] = ready_times(args.ready_runs)
        with tempfile.TemporaryDirectory(prefix="telemock-pyc-") as bytecode:
            result["import_compiled_s"] = import_seconds(args.ready_runs, Path(bytecode))
            result["ready_compiled"] = ready_times(args.ready_runs, Path(bytecode))
    if only == {"throughput", "tenants", "ready"}:
        print(report(result))
    else:
        print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
