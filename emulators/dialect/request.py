"""Reading a request once, within limits: path, query, headers, cookies and body.

Every vendor of telemock reads its parameters the same few ways (a PHP ``$_REQUEST`` merge of
query and body, PHP-style arrays, JSON bodies, headers, cookies), so the reading lives here, once,
and refuses what no server should swallow: a body over the size limit (``BodyTooLarge``), JSON
nested deeper than ``MAX_JSON_DEPTH`` or carrying lone surrogates (``BadBody``).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from itertools import accumulate
from typing import Any, Mapping
from urllib.parse import parse_qsl, unquote

from starlette.types import Receive, Scope

MAX_BODY_BYTES = 4 * 1024 * 1024
"""Default largest request body (the ``--max-body-bytes`` option changes it per server)."""
MAX_JSON_DEPTH = 512
"""Deepest JSON body read: PHP ``json_decode``'s default depth (none of the documented bodies
pass 3). Parsing is recursive, so a deeper body is refused before it is parsed."""
CACHED_QUERY_BYTES = 512
"""Longest query string whose parse is kept: a cache of long ones would hold megabytes that a
client chose."""
MAX_PHP_DEPTH = 8
"""Deepest PHP array key (``a[b][c]...``); deeper brackets stay part of the last key, as PHP's
``max_input_nesting_level`` would refuse them."""


class BodyTooLarge(Exception):
    """The body is over the limit (nothing of it was parsed)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit} bytes")
        self.limit = limit


class BadBody(ValueError):
    """A body that cannot be a request of any vendor (too deep, not text)."""


def route_path(scope: Scope) -> str:
    """The path inside this app (a gateway ``Mount`` leaves its prefix in ``root_path``), with a
    doubled leading slash collapsed: clients whose base URL ends in ``/`` send ``//api/...``."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):] if len(path) == len(root) or path[len(root)] == "/" else path
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    return path


def flat_query(raw: bytes) -> Mapping[str, str]:
    """A query string as ``dict(parse_qsl(...))`` (last value of a repeated name wins), parsed
    once per distinct short string: clients repeat the same few queries. Treat as read-only."""
    return _flat_query(raw) if len(raw) <= CACHED_QUERY_BYTES else _flat_query.__wrapped__(raw)


@lru_cache(maxsize=1024)
def _flat_query(raw: bytes) -> Mapping[str, str]:
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def php_fields(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Form/query pairs as PHP reads them into ``$_GET``/``$_POST``: ``a[]=1&a[]=2`` and
    ``a[0]=1`` become arrays (dicts with string keys, in arrival order), ``a[k][j]=v`` nests,
    a plain name's last value wins."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        base, sep, rest = name.partition("[")
        if not sep or not base or "]" not in rest:
            out[name] = value
            continue
        keys: list[str] = []
        rest = "[" + rest
        while rest.startswith("[") and "]" in rest and len(keys) < MAX_PHP_DEPTH:
            key, _, rest = rest[1:].partition("]")
            keys.append(key)
        node = out.get(base)
        if not isinstance(node, dict):
            node = out[base] = {}
        for key in keys[:-1]:
            if key == "":
                key = str(len(node))
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        last = keys[-1] if keys else ""
        node[str(len(node)) if last == "" else last] = value
    return out


@lru_cache(maxsize=1024)
def _php_query(raw: bytes) -> dict[str, Any]:
    return php_fields(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def php_query(raw: bytes) -> Mapping[str, Any]:
    """``php_fields`` of a query string, parsed once per distinct short string. Treat as read-only."""
    return _php_query(raw) if len(raw) <= CACHED_QUERY_BYTES else _php_query.__wrapped__(raw)


def checked_json(raw: bytes) -> Any:
    """``json.loads`` that refuses (``BadBody``) what would hurt later: nesting deeper than
    ``MAX_JSON_DEPTH``, lone surrogates, NaN/Infinity, invalid UTF-8.

    A short body that is a flat object (every value a string, number, boolean or null) is parsed
    once and its dict shared by every request with the same bytes: treat it as read-only. Nested
    values are never shared (a run may keep them in the world)."""
    short = len(raw) <= CACHED_QUERY_BYTES
    if short:
        kept = _FLAT_JSON.get(raw)
        if kept is not None:
            return kept
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadBody("the JSON body is not UTF-8") from None
    if json_too_deep(text):  # before parsing: the C scanner recurses through ``[[[[...``
        raise BadBody(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BadBody("the body is not valid JSON") from None
    if "\\u" in text:  # strict UTF-8 decodes no surrogate: only a ``\uD800`` escape makes one
        _refuse_surrogates(value)
    if short and type(value) is dict and all(type(v) in _JSON_SCALARS for v in value.values()):
        if len(_FLAT_JSON) >= FLAT_JSON_KEEP:
            _FLAT_JSON.clear()
        _FLAT_JSON[raw] = value
    return value


FLAT_JSON_KEEP = 1024
"""Distinct short flat JSON bodies kept parsed."""
_FLAT_JSON: dict[bytes, dict[str, Any]] = {}
_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_STRING_ESCAPES = re.compile(r'\\\\|\\"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_NESTING = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Does JSON ``text`` nest deeper than ``limit``? Counted without recursion, brackets in
    strings excluded; a malformed text may be over-counted, never under-counted."""
    if text.count("[") + text.count("{") <= limit:
        return False  # nearly every body: no need to look closer
    # Inside a string a backslash always starts a two-character escape: drop ``\\`` and ``\"``,
    # then every other piece between quotes is outside strings.
    outside = "".join(_STRING_ESCAPES.sub("", text).split('"')[::2])
    brackets = _NOT_BRACKET.sub("", outside).replace("[]", "").replace("{}", "")
    return any(depth > limit for depth in accumulate(map(_NESTING.__getitem__, brackets)))


def _refuse_surrogates(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                raise BadBody("the JSON body holds a lone surrogate")
        elif isinstance(item, dict):
            for key, child in item.items():
                if not _encodable(key):
                    raise BadBody("the JSON body holds a lone surrogate")
                stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The whole body, refused (``BodyTooLarge``) as soon as it passes ``limit`` bytes: a declared
    Content-Length over the limit is refused before a byte is read."""
    for key, value in scope["headers"]:
        if key == b"content-length":
            if not value.isdigit():  # (uvicorn refuses such a request before us)
                raise BadBody("the Content-Length is not a number")
            if len(value) > 18 or int(value) > limit:
                raise BodyTooLarge(limit)
            break
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise BadBody("the body ended before its declared length")
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(limit)
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def header(scope: Scope, name: bytes) -> str:
    """The first value of header ``name`` (lower-case bytes, as ASGI delivers names), or ``""``."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies (``Cookie: a=1; b=2``), values URL-decoded as PHP's ``$_COOKIE``."""
    raw = header(scope, b"cookie")
    out: dict[str, str] = {}
    for part in raw.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name:
            out[name] = unquote(value)
    return out


def client_host(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""
