"""How many dashboard streams a server has open, and telling them the server is stopping.

Small and imported at start-up (the server calls ``close_streams`` when it stops); the stream
itself (``stream``) is imported on the first request for one.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..registry import Registry

MAX_STREAMS = 32
"""Streams one server keeps open at once (every tab of the dashboard holds one)."""


class Streams:
    """The open streams of one registry: how many, and whether the server is stopping."""

    def __init__(self) -> None:
        self.open = 0
        self.closing = False


_STREAMS: "weakref.WeakKeyDictionary[Registry, Streams]" = weakref.WeakKeyDictionary()


def streams_of(registry: "Registry") -> Streams:
    found = _STREAMS.get(registry)
    if found is None:
        found = _STREAMS[registry] = Streams()
    return found


def close_streams(registry: "Registry") -> None:
    """End every open stream of ``registry`` within a wake (the server is stopping: uvicorn
    waits for open responses, and a stream never ends by itself)."""
    streams_of(registry).closing = True
