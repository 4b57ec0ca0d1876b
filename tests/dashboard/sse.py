"""A small Server-Sent Events reader for the dashboard's tests (independent of the page's own):
messages as (id, event, data) from an httpx streaming response."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import httpx


@dataclass
class Message:
    id: str | None
    event: str
    data: Any


def messages(response: httpx.Response) -> Iterator[Message]:
    """Every message of ``response`` as it arrives (comments and ``retry`` lines skipped)."""
    fields: dict[str, str] = {}
    data: list[str] = []
    for line in response.iter_lines():
        if line == "":
            if data:
                yield Message(fields.get("id"), fields.get("event", "message"), json.loads("\n".join(data)))
            fields, data = {}, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        else:
            fields[name] = value


def read_until(stream: Iterator[Message], done: Callable[[list[Message]], bool], limit: int = 100_000) -> list[Message]:
    """Messages from ``stream`` until ``done(all so far)`` holds (the client's read timeout
    fails the test if they stop coming first)."""
    seen: list[Message] = []
    for message in stream:
        seen.append(message)
        if done(seen) or len(seen) >= limit:
            return seen
    raise AssertionError(f"the stream ended after {len(seen)} messages: {[m.event for m in seen][-20:]}")


def parse_once(text: str) -> list[Message]:
    """The messages of a whole (``once=1``) stream body."""
    out = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        data: list[str] = []
        for line in block.split("\n"):
            if not line or line.startswith(":"):
                continue
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "data":
                data.append(value)
            else:
                fields[name] = value
        if data:
            out.append(Message(fields.get("id"), fields.get("event", "message"), json.loads("\n".join(data))))
    return out


def of(seen: list[Message], event: str) -> list[Any]:
    return [m.data for m in seen if m.event == event]


def requests_of(seen: list[Message]) -> list[Any]:
    """The journal entries of ``requests`` messages, in order."""
    return [entry for batch in of(seen, "requests") for entry in batch]
