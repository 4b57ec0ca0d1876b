"""The webhook dispatcher's own HTTP/1.1 sender for plain ``http://`` URLs.

httpx costs ~0.5 ms of CPU per request here (its client, auth and redirect layers, httpcore's
pool, h11, anyio); this sender costs ~0.1 ms and is what lets the dispatcher reach thousands of
deliveries a second (docs/PERFORMANCE.md, "Webhook dispatch"). It sends exactly what httpx would:
the request is built by ``httpx.AsyncClient.build_request`` (the same target, the same headers in
the same order), and failures raise httpx's own exception types (``ConnectError``,
``ReadTimeout``, ``RemoteProtocolError`` ...), so the journal reads the same. Anything it does
not handle (https, credentials in the URL, proxies from the environment) stays with httpx: the
dispatcher asks ``handles(url)`` first.

Connections are kept alive per (host, port), as httpx's pool keeps them; one whose server hung up
while it was idle is dropped before use, and one whose request was cut short is never reused.
"""

from __future__ import annotations

import asyncio
import os
import select
import socket
from typing import Any

import httpx

MAX_IDLE = 20
"""Idle keep-alive connections kept per (host, port) (httpx's default ``max_keepalive_connections``)."""
MAX_OPEN = 100
"""Connections open at once (httpx's default ``max_connections``); more requests wait for one."""
PROXY_VARIABLES = ("http_proxy", "all_proxy")
NO_BODY = (204, 304)


DISCONNECTED = "Server disconnected without sending a response."
"""httpcore's words for a connection closed before any answer came."""


class _Unanswered(Exception):
    """A kept-alive connection was closed under the request before any answer came."""


class Unsendable(Exception):
    """A request that cannot be sent at all (the message says why, as the journal shows it)."""


def port_problem(port: int | None) -> str | None:
    """Why a URL's port can never be sent to (httpx parses it, and would only fail to connect)."""
    if port is not None and not 0 < port < 65536:
        return f"InvalidURL: port {port} is out of range (1-65535)"
    return None


class _Conn:
    __slots__ = ("reader", "writer", "answered")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.answered = False
        """Whether the current request's answer has begun (then a failure is no keep-alive race)."""

    def usable(self) -> bool:
        """Still open, and nothing to read while idle: an idle connection that is readable was
        hung up by the server (its end of file not yet seen by the loop), as httpcore checks."""
        if self.writer.is_closing() or self.reader.at_eof():
            return False
        sock = self.writer.get_extra_info("socket")
        if sock is None:
            return True
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def close(self) -> None:
        self.writer.close()


class Http1Sender:
    """Sends one request at a time per connection; returns (status, decoded body)."""

    def __init__(self, builder: httpx.AsyncClient) -> None:
        self._builder = builder
        self._idle: dict[tuple[str, int], list[_Conn]] = {}
        self._open = asyncio.Semaphore(MAX_OPEN)
        self._proxied = any(os.environ.get(v) or os.environ.get(v.upper()) for v in PROXY_VARIABLES)

    def handles(self, url: str) -> bool:
        """True for a plain http URL httpx would send directly (no proxy, no credentials)."""
        return url.startswith("http://") and not self._proxied and "@" not in url.split("/", 3)[2]

    async def request(self, method: str, url: str, *, headers: dict[str, str], content: bytes | None,
                      timeout: float) -> tuple[int, bytes]:
        request = self._builder.build_request(method, url, headers=headers, content=content)
        problem = port_problem(request.url.port)
        if problem is not None:
            raise Unsendable(problem)
        host, port = request.url.raw_host.decode("ascii"), request.url.port or 80  # IDNA as httpx has it
        head = [f"{method} {request.url.raw_path.decode('ascii')} HTTP/1.1\r\n".encode("ascii")]
        head += [b"%s: %s\r\n" % (name, value) for name, value in request.headers.raw]
        data = b"".join(head) + b"\r\n" + request.content
        async with self._open:
            try:
                status, raw_headers, body = await self._over(host, port, data, method, timeout, reuse=True)
            except _Unanswered:
                # a kept-alive connection the server closed as the request went out (it read
                # nothing of it): once more on a new connection, as urllib3 and Go's client do
                status, raw_headers, body = await self._over(host, port, data, method, timeout, reuse=False)
        if any(name.lower() == b"content-encoding" for name, _ in raw_headers):
            response = httpx.Response(status, headers=raw_headers, stream=httpx.ByteStream(body))
            body = await response.aread()  # gzip, deflate: httpx's own decoders
        return status, body

    async def _over(self, host: str, port: int, data: bytes, method: str, timeout: float, *,
                    reuse: bool) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        conn, reused = await self._connection(host, port, timeout, reuse)
        done = False
        try:
            status, raw_headers, body, keep = await self._exchange(conn, data, method, timeout)
            done = keep
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            if reused and not conn.answered and (str(exc) == DISCONNECTED
                                                 or not isinstance(exc, httpx.RemoteProtocolError)):
                raise _Unanswered() from exc
            raise
        finally:
            if done:
                self._release(host, port, conn)
            else:
                conn.close()
        return status, raw_headers, body

    async def aclose(self) -> None:
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()

    # -- connections ---------------------------------------------------------------------
    async def _connection(self, host: str, port: int, timeout: float, reuse: bool) -> tuple[_Conn, bool]:
        """A connection to (host, port), and whether it was kept alive from an earlier request."""
        idle = self._idle.get((host, port)) if reuse else None
        while idle:
            conn = idle.pop()
            if conn.usable():
                return conn, True
            conn.close()
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
        except asyncio.TimeoutError:
            raise httpx.ConnectTimeout("timed out") from None
        except OSError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        sock = writer.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return _Conn(reader, writer), False

    def _release(self, host: str, port: int, conn: _Conn) -> None:
        idle = self._idle.setdefault((host, port), [])
        if len(idle) < MAX_IDLE:
            idle.append(conn)
        else:
            conn.close()

    # -- one exchange ----------------------------------------------------------------------
    async def _exchange(self, conn: _Conn, data: bytes, method: str,
                        timeout: float) -> tuple[int, list[tuple[bytes, bytes]], bytes, bool]:
        try:
            conn.writer.write(data)
            await asyncio.wait_for(conn.writer.drain(), timeout)
        except asyncio.TimeoutError:
            raise httpx.WriteTimeout("timed out") from None
        except OSError as exc:
            raise httpx.WriteError(str(exc)) from exc
        conn.answered = False
        while True:
            status, version, raw_headers = await self._head(conn, timeout)
            conn.answered = True
            if status >= 200:
                break  # 1xx: informational, the answer follows
        fields = {name.lower(): value for name, value in raw_headers}
        keep = version == b"HTTP/1.1" and fields.get(b"connection", b"").lower() != b"close"
        if method == "HEAD" or status in NO_BODY:
            return status, raw_headers, b"", keep
        if b"chunked" in fields.get(b"transfer-encoding", b"").lower():
            return status, raw_headers, await self._chunked(conn, timeout), keep
        length = fields.get(b"content-length")
        if length is not None:
            try:
                size = int(length)
            except ValueError:
                raise httpx.RemoteProtocolError("malformed Content-Length") from None
            return status, raw_headers, await self._read(conn.reader.readexactly(size), timeout), keep
        return status, raw_headers, await self._read(conn.reader.read(), timeout), False  # until close

    async def _head(self, conn: _Conn, timeout: float) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
        raw = await self._read(conn.reader.readuntil(b"\r\n\r\n"), timeout, first=True)
        lines = raw[:-4].split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit() or len(parts[1]) != 3:
            raise httpx.RemoteProtocolError("illegal status line")
        headers = []
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or not name or name != name.strip():
                raise httpx.RemoteProtocolError("illegal header line")
            headers.append((name, value.strip()))
        return int(parts[1]), parts[0], headers

    async def _chunked(self, conn: _Conn, timeout: float) -> bytes:
        chunks: list[bytes] = []
        while True:
            line = await self._read(conn.reader.readuntil(b"\r\n"), timeout)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise httpx.RemoteProtocolError("illegal chunk size") from None
            if size == 0:
                while await self._read(conn.reader.readuntil(b"\r\n"), timeout) != b"\r\n":
                    pass  # trailers
                return b"".join(chunks)
            chunks.append((await self._read(conn.reader.readexactly(size + 2), timeout))[:-2])

    @staticmethod
    async def _read(reading: Any, timeout: float, first: bool = False) -> bytes:
        try:
            return bytes(await asyncio.wait_for(reading, timeout))
        except asyncio.TimeoutError:
            raise httpx.ReadTimeout("timed out") from None
        except asyncio.IncompleteReadError as exc:
            if first and not exc.partial:
                raise httpx.RemoteProtocolError(DISCONNECTED) from None
            raise httpx.RemoteProtocolError("peer closed connection without sending complete message body") from None
        except asyncio.LimitOverrunError:
            raise httpx.RemoteProtocolError("a line of the answer is too long") from None
        except OSError as exc:
            raise httpx.ReadError(str(exc)) from exc
