"""Validation of tenant settings patches (control plane and scenario worlds)."""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.clock import EARLIEST, LATEST, MODES
from ..core.formats import parse_instant
from ..core.world import honoured
from .body import json_problem

_NUM = {"type": "number", "minimum": 0}
MAX_CLOCK_SPEED = 100000
"""Fastest realtime clock: virtual seconds per wall second."""
SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "timezone": {"type": "string"},
        "clock": {"type": "object", "additionalProperties": False, "properties": {
            "start": {"type": "string"}, "mode": {"enum": list(MODES)},
            "speed": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_CLOCK_SPEED}}},
        "rate_limit": {"type": "object", "additionalProperties": False, "properties": {
            "limit": {"type": "integer", "minimum": 0}, "window": {"type": "number", "exclusiveMinimum": 0}}},
        "ip_whitelist": {"type": "array", "items": {"type": "string"}},
        "webhooks": {"type": "object", "additionalProperties": False, "properties": {
            "url": {"type": "string"}, "encoding": {"enum": ["form", "json"]},
            "max_attempts": {"type": "integer", "minimum": 1}, "backoff_base": _NUM,
            "backoff_factor": {"type": "number", "minimum": 1}, "backoff_max": _NUM,
            "timeout": {"type": "number", "exclusiveMinimum": 0}, "ordered": {"type": "boolean"}}},
        "sim": {"type": "object", "additionalProperties": False, "properties": {
            "answer_after": _NUM, "remote_answer_after": _NUM, "talk_min": _NUM, "talk_max": _NUM,
            "ring_timeout": _NUM, "hangup_by": {"enum": ["caller", "agent", "remote"]},
            "park_timeout": _NUM, "park_slot_first": {"type": "integer", "minimum": 1}}},
        "events_keep": {"type": "integer", "minimum": 1},
    },
}


MAX_NUMBER = 1e9
"""Largest magnitude of any number in settings (~31 years of seconds): bigger ones overflow."""
MAX_URL_LENGTH = 2048
"""Longest webhook URL (what browsers and most servers accept)."""
WEBHOOK_SCHEMES = ("http", "https")
_HOST_NAME = re.compile(r"[A-Za-z0-9_.-]+")
"""A webhook host after IDNA: DNS labels (``_`` too: Docker service names have it) or an IP."""

@lru_cache(maxsize=1)
def _validator() -> Any:
    """Built once, on first use (importing jsonschema costs ~0.1 s of start-up):
    ``jsonschema.validate`` would re-check the schema itself on every call (~16 ms)."""
    import jsonschema
    return jsonschema.validators.validator_for(SETTINGS_SCHEMA)(SETTINGS_SCHEMA)


class SettingsError(ValueError):
    """A refused settings patch; ``path`` is where in it (``("webhooks", "url")``), if known."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.path = path


CORE_KEYS: tuple[str, ...] = tuple(SETTINGS_SCHEMA["properties"])
"""Every core setting (the top-level keys a tenant's settings may have besides its vendor's)."""


def did_you_mean(word: str, choices: Any) -> str:
    """``"; did you mean X?"`` for the closest of ``choices``, or ``""``."""
    import difflib
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""


def validate_settings(patch: Any, dialect: Any = None) -> dict[str, Any]:
    """Return the patch if it is valid, else raise ``SettingsError`` with a readable message.

    With a ``dialect``, its own section (``settings[<vendor>]``) is checked against the
    dialect's ``settings_schema``, and a top-level key that is neither a core setting nor the
    vendor's own section is refused with its name."""
    if not isinstance(patch, dict):
        raise SettingsError("settings must be a JSON object")
    problem = json_problem(patch)  # first: deep data would exhaust the validator's recursion
    if problem:
        raise SettingsError(f"settings {problem}")
    if dialect is not None:
        _check_vendor_section(patch, dialect)
    from jsonschema.exceptions import best_match
    exc = best_match(_validator().iter_errors(patch))
    if exc is not None:
        where = "/".join(str(p) for p in exc.absolute_path) or "settings"
        raise SettingsError(f"{where}: {exc.message}{_hint(exc)}", (*exc.absolute_path, *_unexpected(exc)))
    _check_numbers(patch, "")
    if "timezone" in patch:
        try:
            ZoneInfo(patch["timezone"])
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
            raise SettingsError(f"timezone: unknown zone {patch['timezone'][:64]!r}", ("timezone",)) from None
    url = patch.get("webhooks", {}).get("url")
    if url:  # "" means no target
        problem = webhook_url_problem(url)
        if problem:
            raise SettingsError(f"webhooks/url: {url[:100]!r} {problem}", ("webhooks", "url"))
    for i, entry in enumerate(patch.get("ip_whitelist", [])):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(f"ip_whitelist: {entry!r} is not an IP address or network",
                                ("ip_whitelist", i)) from None
    start = patch.get("clock", {}).get("start")
    if start is not None:
        try:
            at = parse_instant(start)
        except ValueError:
            raise SettingsError(f"clock/start: {start!r} is not an ISO 8601 instant", ("clock", "start")) from None
        if not EARLIEST + 30 * 86400 <= at <= LATEST:
            raise SettingsError(f"clock/start: {start!r} is not between 1970-02 and 3000-01-01", ("clock", "start"))
    return patch


def _check_vendor_section(patch: dict[str, Any], dialect: Any) -> None:
    uses = honoured(dialect)
    listed = f"{dialect.name}'s core settings: {', '.join(sorted(uses))}"
    for key in sorted(map(str, patch)):
        if key in CORE_KEYS and key not in uses:
            raise SettingsError(f"{key}: {dialect.name} does not use this setting ({listed})", (key,))
        if key not in CORE_KEYS and key != dialect.name:
            hint = did_you_mean(key, [*uses, dialect.name])
            raise SettingsError(f"{key}: not a setting of {dialect.name}{hint} ({listed}; "
                                f"vendor settings go under {dialect.name!r})", (key,))
    schema = getattr(dialect, "settings_schema", None)
    section = patch.get(dialect.name)
    if section is None or schema is None:
        return
    from jsonschema.exceptions import best_match
    exc = best_match(_vendor_validator(dialect.name, schema).iter_errors(section))
    if exc is not None:
        where = "/".join([dialect.name, *(str(p) for p in exc.absolute_path)])
        raise SettingsError(f"{where}: {exc.message}{_hint(exc)}",
                            (dialect.name, *exc.absolute_path, *_unexpected(exc)))


def _unexpected(exc: Any) -> list[str]:
    """The first key an ``additionalProperties`` error refused (as a path tail), or none."""
    if exc.validator != "additionalProperties" or not isinstance(exc.instance, dict):
        return []
    allowed = exc.schema.get("properties", {})
    return [str(key) for key in exc.instance if key not in allowed][:1]


def _hint(exc: Any) -> str:
    """``; did you mean X?`` for a key the schema does not allow, when a close one exists."""
    unexpected = _unexpected(exc)
    return did_you_mean(unexpected[0], exc.schema.get("properties", {})) if unexpected else ""


_VENDOR_VALIDATORS: dict[str, Any] = {}


def _vendor_validator(name: str, schema: dict[str, Any]) -> Any:
    validator = _VENDOR_VALIDATORS.get(name)
    if validator is None:
        import jsonschema
        validator = _VENDOR_VALIDATORS[name] = jsonschema.validators.validator_for(schema)(schema)
    return validator


def webhook_url_problem(url: str) -> str | None:
    """Why the dispatcher could not send to ``url``, or None: it must be http(s), name a host
    and a port from 1 to 65535, and parse as httpx parses it (what it will be sent with)."""
    if len(url) > MAX_URL_LENGTH:
        return f"is longer than {MAX_URL_LENGTH} characters"
    import httpx  # the dispatcher's own parser (already loaded by the server)
    try:
        parsed = httpx.URL(url)
        host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, ValueError):  # UnicodeError is a ValueError
        return "is not a valid URL"
    if parsed.scheme not in WEBHOOK_SCHEMES:
        return "must start with http:// or https://"
    if not host or not (_HOST_NAME.fullmatch(host) or _is_ip(host)):
        return "has no valid host"
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        return "has a port outside 1-65535"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def ip_allowed(whitelist: list[str], host: str) -> bool:
    """Empty whitelist: loopback only. Otherwise the address must be in a listed network."""
    return _allowed(tuple(whitelist), host)


@lru_cache(maxsize=4096)
def _allowed(whitelist: tuple[str, ...], host: str) -> bool:
    """``ip_allowed``, answered once per (whitelist, caller): every vendor request asks, and
    the answer depends on nothing else (a malformed entry raises, which is never cached)."""
    address = _address("127.0.0.1" if host == "testclient" else host)  # TestClient: in-process
    if address is None:
        return False
    if not whitelist:
        return address.is_loopback
    return any(address in _network(entry) for entry in whitelist)


@lru_cache(maxsize=4096)
def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Parsed once per caller address: every vendor request asks (cached: it showed in profiles)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    return ipaddress.ip_network(entry, strict=False)


def _check_numbers(value: Any, where: str) -> None:
    """Every number must be finite and at most ``MAX_NUMBER`` (JSON allows 1e400, floats don't)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_numbers(item, f"{where}/{key}" if where else str(key))
    elif isinstance(value, list):
        for item in value:
            _check_numbers(item, where)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not (abs(value) <= MAX_NUMBER):  # also false for NaN
            raise SettingsError(f"{where or 'settings'}: {value!r} is out of range",
                                tuple(where.split("/")) if where else ())
