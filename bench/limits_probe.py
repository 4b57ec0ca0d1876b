"""Probe the input limits of a real ``telemock serve``: what a hostile body costs the server.

    python bench/limits_probe.py

Against ``telemock serve --vendor voipcloud`` on a free port it measures, each from a fresh
connection: the server's peak RSS while a 100 MB body is sent with and without a declared
length (the default 4 MiB limit refuses both), the time to refuse a "billion laughs" scenario,
and how long ``GET /_emulator/health`` takes while the control plane parses the largest
scenario it accepts (parsing runs off the event loop). Prints one line per probe. A benchmark
prints figures; it never fails a test run.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from http_bench import free_port, stop_child, wait_ready  # noqa: E402
from soak import rss_mib  # noqa: E402

PATH = "/api/integration/v1/call-to-number"
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))


def peak_rss_while(pid: int, action: Callable[[], object]) -> tuple[float, object]:
    peak, done = [rss_mib(pid)], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak.append(rss_mib(pid))
            time.sleep(0.005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = action()
    finally:
        done.set()
        sampler.join()
    return max(peak), result


def send_body(port: int, size: int, declared: bool) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        head = f"POST {PATH} HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-www-form-urlencoded\r\n"
        head += f"content-length: {size}\r\n\r\n" if declared else "transfer-encoding: chunked\r\n\r\n"
        sock.sendall(head.encode())
        chunk = b"a=" + b"x" * (1 << 20)
        sent = 0
        try:
            while sent < size:
                part = chunk[: min(len(chunk), size - sent)]
                sock.sendall(part if declared else b"%x\r\n%s\r\n" % (len(part), part))
                sent += len(part)
            if not declared:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed while we were still sending
        answer = sock.recv(200)
        return f"{answer.split(b' ')[1].decode() if answer else 'closed'} after {sent / 2**20:.0f} MiB sent"


def post(port: int, path: str, body: bytes) -> tuple[int, float]:
    t0 = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {len(body)}\r\n\r\n".encode() + body)
        status = int(sock.recv(64)[9:12])
    return status, time.perf_counter() - t0


def health_latencies(port: int, seconds: float) -> list[float]:
    out = []
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        t0 = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /_emulator/health HTTP/1.1\r\nhost: x\r\n\r\n")
            sock.recv(256)
        out.append(time.perf_counter() - t0)
        time.sleep(0.01)
    return out


def main() -> int:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--vendor", "voipcloud", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(port, "/_emulator/health")
        print(f"idle RSS {rss_mib(proc.pid):.1f} MiB")
        for declared in (True, False):
            peak, answer = peak_rss_while(proc.pid, lambda d=declared: send_body(port, 100 * 2**20, d))
            kind = "with Content-Length" if declared else "chunked, no length"
            print(f"100 MB form body ({kind}): {answer}; server peak RSS {peak:.1f} MiB")
        status, took = post(port, "/_emulator/tenants/default/scenarios", LAUGHS.encode())
        print(f"billion-laughs scenario ({len(LAUGHS)} bytes): HTTP {status} in {took:.2f} s")
        step = '  - after: 1s\n    inbound_call: {from: "+15550001", to: "1001", id: c%d}\n'
        big = "name: big\ntimeline:\n" + "".join(step % i for i in range(7000))
        big = big[: 512 * 1024 - 200] + "\n"
        quiet = health_latencies(port, 1.0)
        result: list[tuple[int, float]] = []
        worker = threading.Thread(target=lambda: result.append(
            post(port, "/_emulator/tenants/default/scenarios", big.encode())))
        worker.start()
        busy = health_latencies(port, 2.0)
        worker.join()
        print(f"health while idle: median {statistics.median(quiet) * 1000:.1f} ms, max {max(quiet) * 1000:.1f} ms; "
              f"while a {len(big) // 1024} KiB scenario is parsed (HTTP {result[0][0]} after {result[0][1]:.1f} s): "
              f"median {statistics.median(busy) * 1000:.1f} ms, max {max(busy) * 1000:.1f} ms")
    finally:
        stop_child(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
