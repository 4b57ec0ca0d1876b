"""Control-plane request bodies: read within a size limit, parsed as strict JSON, refused whole.

Everything a control-plane body can carry is checked here before any handler sees it, so a
bad body is a 4xx that changes nothing (never a 500 after half the change is applied).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import Request
from starlette.types import Message

from .errors import ControlError

MAX_BODY_BYTES = 64 * 1024 * 1024
"""Largest control-plane body (64 MiB): room for a busy tenant's snapshot, not for a memory bomb."""
MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects in any control-plane JSON (a snapshot is ~7 deep).
Deeper data would exhaust Python's recursion in deepcopy, merge and the validators."""

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
"""The only way a lone surrogate gets into parsed JSON: a ``\\uD800``..``\\uDFFF`` escape
(raw UTF-8 cannot encode one, and undecodable bytes are already a parse error)."""


async def read_limited(request: Request) -> bytes:
    """The whole body, or ``ControlError(413)`` as soon as it passes ``MAX_BODY_BYTES``
    (a declared length is trusted to refuse early; a chunked body is counted as it comes)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise ControlError(413, _too_large())
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ControlError(413, _too_large())
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large() -> str:
    return f"body is larger than {MAX_BODY_BYTES} bytes"


def replaying(request: Request, body: bytes) -> Request:
    """A request like ``request`` whose body (already read) is ``body``."""
    sent = False
    rest = request.receive  # after the body: whatever the connection says next (a disconnect)

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return await rest()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


def parse_json(raw: bytes) -> Any:
    """Strict JSON: no NaN/Infinity, finite numbers, at most ``MAX_JSON_DEPTH`` deep, every
    string valid Unicode. ``ControlError(400)`` otherwise."""
    try:
        text = raw.decode("utf-8-sig")  # JSON over HTTP is UTF-8 (RFC 8259), not UTF-16/32
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise ControlError(400, "body is not valid JSON") from None
    problem = json_problem(value, check_text=bool(_SURROGATE_ESCAPE.search(text)))
    if problem:
        raise ControlError(400, f"body {problem}")
    return value


def json_problem(value: Any, *, check_text: bool = True) -> str | None:
    """Why ``value`` (parsed JSON) is unusable, or None: nested deeper than ``MAX_JSON_DEPTH``,
    or a string (value or key) that is not valid Unicode (a lone surrogate cannot be written
    back out as UTF-8). Iterative: it must not itself run out of stack on deep data."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth >= MAX_JSON_DEPTH:
                return f"is nested deeper than {MAX_JSON_DEPTH} levels"
            if isinstance(item, dict):
                if check_text and not all(_encodable(k) for k in item if isinstance(k, str)):
                    return "has a string that is not valid Unicode (a lone surrogate)"
                stack.extend((v, depth + 1) for v in item.values())
            else:
                stack.extend((v, depth + 1) for v in item)
        elif check_text and isinstance(item, str) and not _encodable(item):
            return "has a string that is not valid Unicode (a lone surrogate)"
    return None


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # Python's json would accept NaN and Infinity


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400
        raise ValueError(text)
    return value


async def json_body(request: Request) -> Any:
    """The (already size-checked) body as strict JSON; no body is ``{}``."""
    raw = await request.body()
    return parse_json(raw) if raw else {}
