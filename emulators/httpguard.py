"""The HTTP/1.1 protocol ``telemock serve`` speaks: uvicorn's httptools protocol, guarded.

uvicorn waits for a request for as long as a client cares to send it and keeps every
connection it accepts: a few thousand clients that send half a request head and stop take
every file descriptor, and real requests then wait in the kernel's backlog. uvicorn has no
setting for either (``timeout_keep_alive`` only covers the idle time after a response), so
this subclass adds three guards (docs/RELIABILITY.md has the figures):

- **read timeout**: a request must arrive whole, head and body, within ``read_timeout``
  seconds of its first byte (of the connection, for the first request). A late head gets
  ``408`` and the connection is closed; a late body closes the connection.
- **head size**: a request head (request line and headers) over ``max_head_bytes`` gets
  ``431`` and the connection is closed.
- **connection room**: when a port holds ``max_connections`` connections, or the process
  nears its open-file limit, the connection that has waited longest *without a request in
  progress* (half-sent, or idle between keep-alive requests) is closed to make room, so a
  flood of idle connections cannot lock out a client with a real request.

The read timeout is checked by one sweep per process every ``SWEEP_SECONDS``: a timer armed
and cancelled on every request cost several per cent of the server's CPU at full load
(docs/PERFORMANCE.md, "The request pipeline"). The same sweep closes keep-alive connections
idle past uvicorn's ``timeout_keep_alive`` (uvicorn arms and cancels a timer per request for it).

A request whose path ``at_once`` accepts, without a body or with a short one of declared length
(``_body_at_once``), is run when it has been read whole, in the callback that read its end, as
far as it goes without waiting: no task and no turn of the loop for an answer the app has at
hand (what waits goes on in a task), and with a cycle of our own that writes the answer's head
and body together (``at_once.AtOnceCycle``). The control plane's
Starlette routes are left to uvicorn's task: anyio (thread pools, streams) wants a task of its own.
"""

from __future__ import annotations

import contextvars
import resource
import types
from dataclasses import dataclass
from typing import Any, Callable, ClassVar
from urllib.parse import unquote

import httptools
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .at_once import SAME_AS_UVICORN, AtOnceCycle
from .dialect.request import MAX_BODY_BYTES

_Base = HttpToolsProtocol
"""Called by name on the request path, not through ``super()`` (a super object per call: ~7,400
instructions a request over the five hooks, callgrind)."""

READ_TIMEOUT = 10.0
"""Seconds a request may take to arrive (head and body)."""
MAX_HEAD_BYTES = 64 * 1024
"""Largest request head (Apache's default request line limit is 8190 bytes; Node's head 16 KiB)."""
MAX_CONNECTIONS = 1000
"""Connections one port holds; also uvicorn's ``limit_concurrency`` (503 past it)."""
FD_RESERVE = 128
"""Open files kept free for everything but inbound connections (logs, outbound webhooks)."""
MAX_BACKLOG = 2048
"""Connections the kernel queues for ``accept`` (uvicorn's default). asyncio accepts a whole
backlog's worth before it hands any to the protocol, so room for that many files is kept too."""


@dataclass(frozen=True)
class Limits:
    read_timeout: float = READ_TIMEOUT
    max_head_bytes: int = MAX_HEAD_BYTES
    max_connections: int = MAX_CONNECTIONS
    """Per port."""
    max_body_bytes: int = MAX_BODY_BYTES
    """The apps' ``--max-body-bytes``: a request declaring a longer body is not run at once (the
    app refuses it before its body is sent)."""


@dataclass(frozen=True)
class Room:
    """What the process's open-file limit leaves for connections."""

    backlog: int
    """uvicorn's ``backlog`` for every port."""
    max_open: int
    """Connections of the whole process (every port) before idle ones are closed."""


def open_file_room(raise_limit: bool = True) -> Room:
    """Room for connections under ``RLIMIT_NOFILE``, first raised to its hard limit (at most
    65536) as servers do: the usual soft limit of 1024 is a few hundred connections."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if raise_limit and soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
        wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
        if wanted > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
                soft = wanted
            except (ValueError, OSError):
                pass
    files = 1 << 20 if soft == resource.RLIM_INFINITY else soft
    backlog = max(16, min(MAX_BACKLOG, files // 8))
    return Room(backlog, max(16, files - backlog - FD_RESERVE))


def _plain(status: bytes, text: bytes) -> bytes:
    return (b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(text)).encode() + b"\r\nconnection: close\r\n\r\n" + text)


REQUEST_TIMEOUT = _plain(b"408 Request Timeout", b"Request Timeout")
HEAD_TOO_LARGE = _plain(b"431 Request Header Fields Too Large", b"Request Header Fields Too Large")


SWEEP_SECONDS = 0.5
"""How often the read timeout is checked (at most a quarter of the read timeout): a late request
is cut off within this long past its time."""


def guarded_protocol(limits: Limits, max_open: int, at_once: Callable[[str], bool]) -> type[HttpToolsProtocol]:
    """A protocol class for one ``telemock serve`` process: every port shares its room.
    ``at_once(path)``: the app answers that path without needing a task of its own."""

    class GuardedProtocol(_Guarded):
        pass

    GuardedProtocol.at_once = staticmethod(at_once)
    GuardedProtocol.limits = limits
    GuardedProtocol.max_open = max_open
    GuardedProtocol.live = set()
    GuardedProtocol.waiting = {}
    GuardedProtocol.sweeper = None
    return GuardedProtocol


class _Reading:
    """Where a connection's request stands (the guards' own state)."""

    __slots__ = ("since", "in_head", "head_bytes", "tail", "idle_since", "held")

    def __init__(self, since: float | None) -> None:
        self.since = since
        """When the request in progress began (``loop.time()``; the connection's opening, for
        the first request); None between requests. The sweep reads it: one timer per process
        every ``SWEEP_SECONDS`` instead of a timer armed and cancelled on every request."""
        self.in_head = True
        """Between requests or inside a request head (not yet handed to the app)."""
        self.head_bytes = 0
        self.idle_since: float | None = None
        """When the last response ended, while the connection waits for its next request
        (keep-alive); None otherwise. The sweep closes it ``timeout_keep_alive`` seconds later."""
        self.held: Any = None
        """The request answered at once (cycle, app) whose app starts when it ends."""
        self.tail = b""
        """The last bytes of the head so far: its end (CRLF CRLF) may straddle two reads."""


class _Guarded(HttpToolsProtocol):
    at_once: ClassVar["staticmethod[[str], bool]"]
    limits: ClassVar[Limits]
    max_open: ClassVar[int]
    live: ClassVar[set["_Guarded"]]
    """Every open connection of the process."""
    waiting: ClassVar[dict["_Guarded", None]]
    """Connections without a request in progress, longest waiting first (a dict keeps order)."""
    sweeper: ClassVar[Any]
    """The pending sweep (a ``TimerHandle``) while any connection is open, else None."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._r = _Reading(None)
        """One attribute, not four: uvicorn's protocol sets 27, and past the 30 keys instances
        of a class share every ``self.x`` of uvicorn's hot path would miss its specialised
        look-up (callgrind: ~20,000 instructions a request)."""

    # -- connection room ---------------------------------------------------------------
    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.live.add(self)
        self.waiting[self] = None
        self._r.since = self.loop.time()
        cls = type(self)
        if cls.sweeper is None:
            cls.sweeper = self.loop.call_later(_interval(self.limits), _sweep, cls, self.loop)
        if len(self.live) > self.max_open:
            self._evict(None)
        if len(self.connections) >= self.limits.max_connections:
            self._evict(self.server_state)

    def _evict(self, server_state: Any) -> None:
        """Close the longest-waiting idle connection (of this port, with ``server_state``)."""
        for other in self.waiting:
            if other is not self and (server_state is None or other.server_state is server_state):
                other._close(REQUEST_TIMEOUT if other._r.head_bytes else b"")
                return

    def connection_lost(self, exc: Exception | None) -> None:
        self.live.discard(self)
        self.waiting.pop(self, None)
        self._r.since = self._r.held = None
        super().connection_lost(exc)

    # -- the read timeout and the head size ----------------------------------------------
    def _expired(self) -> None:
        self._r.since = None
        self._close(REQUEST_TIMEOUT if self._r.in_head and self._r.head_bytes else b"")

    def _close(self, answer: bytes) -> None:
        self.waiting.pop(self, None)
        if self.transport.is_closing():
            return
        if answer:
            self.transport.write(answer)
        self.transport.close()  # a request still reading its body sees a disconnect

    def data_received(self, data: bytes) -> None:
        r = self._r
        if r.in_head:  # checked before parsing: the parser has no limit of its own
            room = self.limits.max_head_bytes - r.head_bytes
            if len(data) > room and b"\r\n\r\n" not in r.tail + data[:max(room, 0)]:
                self._close(HEAD_TOO_LARGE)  # the head does not end within the cap
                return
            r.head_bytes += len(data)
            r.tail = data[-3:]
        _Base.data_received(self, data)

    def on_message_begin(self) -> None:
        r = self._r
        r.idle_since = None
        if r.since is None:
            r.since = self.loop.time()
        _Base.on_message_begin(self)

    def on_headers_complete(self) -> None:
        r = self._r
        r.in_head, r.head_bytes, r.tail = False, 0, b""
        self.waiting.pop(self, None)
        if not (SAME_AS_UVICORN and not self.expect_100_continue
                and _body_at_once(self.headers, self.limits.max_body_bytes) and self._held_at_once()):
            _Base.on_headers_complete(self)

    def _held_at_once(self) -> bool:
        """uvicorn's ``on_headers_complete`` for a request the app answers at once (its path
        ``at_once``, its body read whole): its cycle is ours (``AtOnceCycle``) and its app is run when the
        request ends (``on_message_complete``, a moment later in the same callback), or when the
        answer before it ends, if pipelined. False (nothing done) for any other request."""
        parser = self.parser
        if parser.should_upgrade():
            return False
        url = httptools.parse_url(self.url)
        raw_path = url.path
        path = raw_path.decode("ascii")
        if "%" in path:
            path = unquote(path)
        path = self.root_path + path
        busy = self.limit_concurrency is not None and (
            len(self.connections) >= self.limit_concurrency or len(self.tasks) >= self.limit_concurrency)
        if busy or not self.at_once(path):  # (busy: uvicorn's 503)
            return False
        scope = self.scope
        scope["method"] = parser.get_method().decode("ascii")
        http_version = parser.get_http_version()
        if http_version != "1.1":
            scope["http_version"] = http_version
        scope["path"] = path
        scope["raw_path"] = self.root_path.encode("ascii") + raw_path
        scope["query_string"] = url.query or b""
        cycle = AtOnceCycle(scope, self.transport, self.flow, self.server_state.default_headers,
                            http_version != "1.0" and parser.should_keep_alive(), self.on_response_complete)
        app = self.app
        if type(app) is ProxyHeadersMiddleware and not _forwarded(self.headers):
            app = app.app  # it changes nothing without them (~3,700 instructions a request)
        # (our cycle stands in for uvicorn's: it has every attribute uvicorn's protocol reads)
        existing, self.cycle = self.cycle, cycle  # type: ignore[assignment]
        if existing is None or existing.response_complete:
            self._r.held = (cycle, app)
        else:  # pipelined behind an answer still under way: started when that one ends
            self.flow.pause_reading()
            self.pipeline.appendleft((cycle, app))  # type: ignore[arg-type]
        return True

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        """A request held back behind the answer before it (pipelined) is run at once if its
        cycle is ours, else in a task, as uvicorn starts it (its own ``_start_asgi_task``, which
        older uvicorns lack, is not called)."""
        if type(cycle) is AtOnceCycle:
            self._run_at_once(cycle.run_asgi(app))
        else:
            self._track(self.loop.create_task(cycle.run_asgi(app)))

    def _track(self, task: Any) -> None:
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)

    def on_message_complete(self) -> None:
        r = self._r
        r.since, r.in_head = None, True
        _Base.on_message_complete(self)
        if self.cycle is not None and self.cycle.response_complete:  # answered before the body ended
            r.idle_since = self.loop.time()
            self.waiting[self] = None
        elif r.held is not None:
            cycle, app = r.held
            r.held = None
            self._run_at_once(cycle.run_asgi(app))

    def _run_at_once(self, coro: Any) -> None:
        """Run a request's app now, in this callback, as far as it goes without waiting (most
        answers are sent by then); what waits goes on in a task, as uvicorn's would have.
        The task and the turn of the loop it saves are ~1 % of the server's instructions
        (callgrind, docs/PERFORMANCE.md), and answers go out in the callback that read them."""
        context = contextvars.copy_context()
        try:
            waits_for = context.run(coro.send, None)
        except StopIteration:
            return
        self._track(self.loop.create_task(_resumed(coro, waits_for), context=context))

    def on_response_complete(self) -> None:
        """uvicorn's (0.29 - 0.54), but the keep-alive timeout is left to the sweep: uvicorn
        arms a timer after every response and cancels it at the next request."""
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
        elif self._r.in_head:
            self._r.idle_since = self.loop.time()
            self.waiting[self] = None  # idle until its next request: may make room for another


def _forwarded(headers: list[tuple[bytes, bytes]]) -> bool:
    """Has the request an ``X-Forwarded-For`` or ``-Proto`` header (what uvicorn's
    ``ProxyHeadersMiddleware`` reads, from a trusted client)?"""
    for name, _ in headers:
        if name == b"x-forwarded-for" or name == b"x-forwarded-proto":
            return True
    return False


AT_ONCE_BODY_BYTES = 64 * 1024
"""Longest body of a request run at once (uvicorn's ``HIGH_WATER_LIMIT``: a longer one pauses
reading while the app reads it)."""


def _body_at_once(headers: list[tuple[bytes, bytes]], max_body_bytes: int) -> bool:
    """No body, or one whose declared ``Content-Length`` the app reads whole (at most
    ``max_body_bytes`` and ``AT_ONCE_BODY_BYTES``): the app may wait for it. Not a chunked body
    (``Transfer-Encoding``): its length is unknown until it ends. (Names as uvicorn lowers them.)"""
    for name, value in headers:
        if name == b"content-length":
            if not value.isdigit() or len(value) > 18 or int(value) > min(max_body_bytes, AT_ONCE_BODY_BYTES):
                return False
        elif name == b"transfer-encoding":
            return False
    return True


def _interval(limits: Limits) -> float:
    return min(SWEEP_SECONDS, limits.read_timeout / 4)


def _sweep(cls: type[_Guarded], loop: Any) -> None:
    """Cut off every request older than the read timeout; runs while any connection is open."""
    cls.sweeper = None
    if not cls.live:
        return  # the next connection starts the sweep again
    now = loop.time()
    deadline = now - cls.limits.read_timeout
    for conn in list(cls.live):
        r = conn._r
        if r.since is not None and r.since <= deadline:
            conn._expired()
        elif r.idle_since is not None and r.idle_since <= now - conn.timeout_keep_alive:
            conn._close(b"")
    cls.sweeper = loop.call_later(_interval(cls.limits), _sweep, cls, loop)


@types.coroutine
def _resumed(coro: Any, yielded: Any) -> Any:
    """The rest of a request started at once (``coro`` yielded ``yielded`` on its first step),
    run by a task the way a task runs a coroutine."""
    while True:
        try:
            sent = yield yielded
        except BaseException as exc:
            try:
                yielded = coro.throw(exc)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                yielded = coro.send(sent)
            except StopIteration as stop:
                return stop.value
