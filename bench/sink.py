"""A local webhook sink for the benches: a minimal HTTP/1.1 keep-alive server on asyncio that
answers every request ``200 {}`` and counts them; ``GET /__count`` answers the count (and is
not counted). Runs as its own process so it never takes the measured process's CPU:

    python bench/sink.py --port 8099 [--cpu 1]

``Sink`` starts one from a bench and reads the count.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OK = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"


class _Protocol(asyncio.Protocol):
    count = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length:]
            if head.startswith(b"GET /__count "):
                body = str(_Protocol.count).encode()
                self.transport.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body))
            else:
                _Protocol.count += 1
                self.transport.write(OK)


async def _serve(port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Protocol, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


class Sink:
    """A sink in a child process (pinned to ``cpu`` when given)."""

    def __init__(self, port: int, cpu: int | None = None) -> None:
        sys.path.insert(0, str(HERE))
        import http_bench as hb

        self.port = port
        args = [sys.executable, str(HERE / "sink.py"), "--port", str(port)]
        if cpu is not None:
            args += ["--cpu", str(cpu)]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
        hb.wait_ready(port, "/__count")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def count(self) -> int:
        import socket
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            sock.sendall(b"GET /__count HTTP/1.1\r\nhost: x\r\n\r\n")
            data = b""
            while b"\r\n\r\n" not in data or not data.split(b"\r\n\r\n", 1)[1]:
                data += sock.recv(256)
            return int(data.split(b"\r\n\r\n", 1)[1])

    def wait_for(self, n: int, timeout: float = 300.0) -> float:
        """Poll until ``n`` requests arrived; the moment (perf_counter) they had."""
        deadline = time.perf_counter() + timeout
        while self.count() < n:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"the sink got {self.count()} of {n} requests")
            time.sleep(0.005)
        return time.perf_counter()

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cpu", type=int)
    args = parser.parse_args()
    if args.cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    asyncio.run(_serve(args.port))
    return 0


if __name__ == "__main__":
    sys.exit(main())
