"""Does an open dashboard slow the API? The HTTP bench's load with and without a page open.

    python bench/dashboard_bench.py [--page chromium|sse] [--view requests] [--rounds 5]
                                    [--seconds 5] [--connections 8] [--soak 120]

One telemock child (the VoIPcloud listener app exactly as ``telemock serve`` builds it, as in
``http_bench.py``) is loaded with ``GET get-user-calls?limit=10`` by ``http_bench``'s raw
keep-alive client, in alternating rounds: without a page, then with one open on the loaded
tenant (``--page chromium``: the dashboard in headless Chromium, on the Requests view where
every request of the flood arrives; ``--page sse``: a bare reader of the same event stream). The
page runs in its own process from before its round to after it. Reported per condition: the
median round's req/s and server CPU per request, and the ratios with/without (target: >= 0.95).

``--soak S`` then keeps the load and the page going for S seconds and prints the server's RSS
every 10 s: a page left open must not grow the server's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import http_bench as hb  # noqa: E402  (the same servers, client and measurements)

TARGET = 0.95
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


# -- the page, in a child process ---------------------------------------------------------------
def page_child(kind: str, url: str, tenant: str, view: str) -> None:
    """Keep one page open until stdin closes."""
    if kind == "sse":
        host, port = url.removeprefix("http://").split(":")
        sock = socket.create_connection((host, int(port)))
        sock.sendall(f"GET /_emulator/tenants/{tenant}/stream HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        sock.setblocking(False)
        print("ready", flush=True)
        import select
        while True:
            readable, _, _ = select.select([sock, sys.stdin], [], [])
            if sys.stdin in readable and not sys.stdin.readline():
                return
            if sock in readable and not sock.recv(1 << 16):
                return
    import shutil
    import tempfile

    from playwright.sync_api import expect, sync_playwright
    chromium = os.environ.get("TELEMOCK_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(profile, executable_path=chromium, headless=True,
                                                                args=ARGS, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(f"{url}/_emulator/ui#view={view}&tenant={tenant}")
        expect(page.locator("#live")).to_have_text("live")
        print("ready", flush=True)
        sys.stdin.readline()
        rows = page.locator("#requests tbody tr").count()
        print(json.dumps({"rows": rows}), flush=True)
        context.close()


class Page:
    def __init__(self, kind: str, url: str, tenant: str, view: str) -> None:
        self.proc = subprocess.Popen([sys.executable, __file__, "--page-child", kind, url, tenant, view],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.proc.kill()
            raise SystemExit(f"the page did not open: {line!r}")

    def close(self) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.close()
        out = self.proc.stdout.read()
        self.proc.wait(30)
        return out.strip()


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid`` and every process below it (the page: Python, Playwright's driver
    and Chromium's processes), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += hb.cpu_seconds(current)
        todo.extend(children.get(current, []))
    return total


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def one_round(port: int, raw: bytes, pid: int, seconds: float, connections: int, warmup: float) -> dict[str, Any]:
    cpu0 = hb.cpu_seconds(pid)
    result = asyncio.run(hb.load(port, raw, seconds, connections, warmup))
    cpu = hb.cpu_seconds(pid) - cpu0
    result["server_cpu_us_per_req"] = cpu / (result["requests"] * (seconds + warmup) / seconds) * 1e6
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--page-child":
        page_child(*sys.argv[2:6])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", choices=["chromium", "sse"], default="chromium")
    parser.add_argument("--view", default="requests", choices=["now", "requests", "webhooks", "tenants"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--soak", type=float, default=0.0, help="then load with the page open this long")
    args = parser.parse_args()

    port = hb.free_port()
    proc = hb.start_child([sys.executable, hb.__file__, "--serve", "telemock", "--port", str(port)], port,
                          "/_emulator/health")
    url = f"http://127.0.0.1:{port}"
    try:
        tenant = hb.control(port, "POST", "/_emulator/tenants", {"settings": {"rate_limit": {"limit": 0}}})
        raw = hb.request_bytes("GET", hb.USER_CALLS, port, {"token": tenant["credentials"]["api_key"]})
        runs: dict[str, list[dict[str, Any]]] = {"without": [], "with": []}
        rss: dict[str, list[float]] = {"without": [], "with": []}
        rows: list[str] = []
        page_cpus: list[float] = []
        for _ in range(args.rounds):
            for condition in ("without", "with"):
                page = Page(args.page, url, tenant["id"], args.view) if condition == "with" else None
                try:
                    page_cpu = tree_cpu_seconds(page.proc.pid) if page is not None else 0.0
                    runs[condition].append(one_round(port, raw, proc.pid, args.seconds, args.connections,
                                                     args.warmup))
                    if page is not None:
                        page_cpus.append((tree_cpu_seconds(page.proc.pid) - page_cpu) / (args.seconds + args.warmup))
                finally:
                    if page is not None:
                        rows.append(page.close())
                rss[condition].append(rss_mb(proc.pid))
        median = {k: sorted(v, key=lambda x: x["rps"])[len(v) // 2] for k, v in runs.items()}
        cpu = {k: sorted(x["server_cpu_us_per_req"] for x in v)[len(v) // 2] for k, v in runs.items()}
        ratio = median["with"]["rps"] / median["without"]["rps"]
        cpu_ratio = cpu["without"] / cpu["with"]
        print(f"page: {args.page} on the {args.view} view; {args.rounds} alternating rounds of {args.seconds} s "
              f"after {args.warmup} s warm-up, {args.connections} connections, GET get-user-calls limit=10")
        for k in ("without", "with"):
            m = median[k]
            print(f"  {k:<8} page: {m['rps']:>7.0f} req/s  p50 {m['p50_ms']:.2f} ms  p99 {m['p99_ms']:.2f} ms  "
                  f"errors {m['errors']}  server CPU {cpu[k]:.0f} us/req  rounds {[round(x['rps']) for x in runs[k]]}"
                  f"  RSS {rss[k][-1]:.0f} MB")
        print(f"  ratio with/without: {ratio:.3f} by req/s, {cpu_ratio:.3f} by server CPU per request "
              f"(target >= {TARGET})")
        print(f"  the page's own CPU (all its processes) during each round: "
              f"{[f'{c:.0%}' for c in page_cpus]} of one core")
        if rows and args.page == "chromium":
            print(f"  rows the page held after each round: {rows}")
        if args.soak:
            page = Page(args.page, url, tenant["id"], args.view)
            started = time.monotonic()
            try:
                while time.monotonic() - started < args.soak:
                    result = one_round(port, raw, proc.pid, 10.0, args.connections, 0.0)
                    print(f"  soak {time.monotonic() - started:>5.0f} s: {result['rps']:>7.0f} req/s, "
                          f"server RSS {rss_mb(proc.pid):.1f} MB", flush=True)
            finally:
                page.close()
    finally:
        hb.stop_child(proc)


if __name__ == "__main__":
    main()
