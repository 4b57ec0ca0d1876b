"""Half-sent requests against a real ``telemock serve``: does a normal request still answer?

    python bench/half_open.py [--connections 2000] [--fd-limit 1024] [--hold 15]

Starts ``telemock serve --vendor voipcloud`` on a free port with its open-file limit set to
``--fd-limit`` (1024 is the usual default soft limit), opens ``--connections`` connections that
each send part of a request head and then nothing, and meanwhile times ``GET
/_emulator/health`` on a fresh connection every second. It prints, per second: half-open
connections the server still holds, and the health request's latency (or ``timeout``).
Finally it reports when the server closed the half-open connections (the head timeout).
A benchmark prints figures; it never fails a test run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from http_bench import free_port, request_bytes, stop_child, wait_ready  # noqa: E402

PARTIAL = b"GET /api/integration/v1/get-user-calls HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: "
"""A request head cut off in the middle of a header line: the server waits for the rest."""


def start_server(port: int, fd_limit: int, extra: list[str]) -> subprocess.Popen[bytes]:
    def limit_fds() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--vendor", "voipcloud",
                             "--port", str(port), *extra], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=limit_fds)
    wait_ready(port, "/_emulator/health")
    return proc


async def health(port: int, timeout: float) -> float | None:
    """Seconds for one GET /_emulator/health on a new connection, or None on timeout/failure."""
    t0 = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
        writer.write(request_bytes("GET", "/_emulator/health", port))
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        writer.close()
        return time.perf_counter() - t0 if head[9:12] == b"200" else None
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        return None


async def open_half(port: int, count: int) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        sock = socket.socket()
        sock.setblocking(False)
        try:
            await asyncio.wait_for(asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port)), 2)
            sock.send(PARTIAL)
        except (OSError, asyncio.TimeoutError):
            sock.close()
            continue
        socks.append(sock)
    return socks


def still_open(socks: list[socket.socket]) -> int:
    """How many of ``socks`` the server has not closed (a closed one reads EOF or errors)."""
    alive = 0
    for sock in socks:
        try:
            sock.recv(1, socket.MSG_PEEK)  # end of stream or an answer (408): the server let go
        except BlockingIOError:
            alive += 1  # nothing to read yet: the server still waits for the rest of the head
        except OSError:
            pass
    return alive


async def attack(port: int, connections: int, hold: float) -> None:
    t0 = time.perf_counter()
    socks = await open_half(port, connections)
    print(f"opened {len(socks)} half-sent connections in {time.perf_counter() - t0:.1f} s")
    start = time.perf_counter()
    closed_at = None
    while time.perf_counter() - start < hold:
        latency = await health(port, timeout=5.0)
        alive = still_open(socks)
        shown = f"{latency * 1000:7.1f} ms" if latency is not None else "timeout/failed"
        print(f"  t={time.perf_counter() - start:5.1f} s  half-open held by server: {alive:6d}  "
              f"health: {shown}")
        if alive == 0 and closed_at is None:
            closed_at = time.perf_counter() - start
        await asyncio.sleep(1.0)
    for sock in socks:
        sock.close()
    print(f"half-open connections all closed by the server after: "
          f"{f'{closed_at:.1f} s' if closed_at is not None else f'not within {hold:.0f} s'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--fd-limit", type=int, default=1024, help="the server's RLIMIT_NOFILE")
    parser.add_argument("--hold", type=float, default=15.0, help="seconds to keep measuring")
    parser.add_argument("serve_args", nargs="*", help="extra `telemock serve` arguments (after --)")
    args = parser.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.connections + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.connections + 256), hard))
    port = free_port()
    proc = start_server(port, args.fd_limit, args.serve_args)
    try:
        print(f"telemock serve on {port}, server fd limit {args.fd_limit}")
        asyncio.run(attack(port, args.connections, args.hold))
    finally:
        stop_child(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
