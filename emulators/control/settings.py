"""Validation of tenant settings patches (control plane and scenario worlds)."""

from __future__ import annotations

import ipaddress
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jsonschema

from ..core.clock import MODES
from ..core.formats import parse_instant

_NUM = {"type": "number", "minimum": 0}
SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "timezone": {"type": "string"},
        "clock": {"type": "object", "additionalProperties": False, "properties": {
            "start": {"type": "string"}, "mode": {"enum": list(MODES)},
            "speed": {"type": "number", "exclusiveMinimum": 0}}},
        "rate_limit": {"type": "object", "additionalProperties": False, "properties": {
            "limit": {"type": "integer", "minimum": 0}, "window": {"type": "number", "exclusiveMinimum": 0}}},
        "ip_whitelist": {"type": "array", "items": {"type": "string"}},
        "webhooks": {"type": "object", "properties": {
            "url": {"type": "string"}, "encoding": {"enum": ["form", "json"]},
            "max_attempts": {"type": "integer", "minimum": 1}, "backoff_base": _NUM,
            "backoff_factor": {"type": "number", "minimum": 1}, "backoff_max": _NUM,
            "timeout": {"type": "number", "exclusiveMinimum": 0}, "ordered": {"type": "boolean"}}},
        "sim": {"type": "object", "properties": {
            "answer_after": _NUM, "remote_answer_after": _NUM, "talk_min": _NUM, "talk_max": _NUM,
            "ring_timeout": _NUM, "hangup_by": {"enum": ["caller", "agent", "remote"]},
            "park_timeout": _NUM, "park_slot_first": {"type": "integer", "minimum": 1}}},
        "events_keep": {"type": "integer", "minimum": 1},
    },
}


class SettingsError(ValueError):
    pass


def validate_settings(patch: Any) -> dict[str, Any]:
    """Return the patch if it is valid, else raise ``SettingsError`` with a readable message."""
    if not isinstance(patch, dict):
        raise SettingsError("settings must be a JSON object")
    try:
        jsonschema.validate(patch, SETTINGS_SCHEMA)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "settings"
        raise SettingsError(f"{where}: {exc.message}") from None
    if "timezone" in patch:
        try:
            ZoneInfo(patch["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"timezone: unknown zone {patch['timezone']!r}") from None
    for entry in patch.get("ip_whitelist", []):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(f"ip_whitelist: {entry!r} is not an IP address or network") from None
    start = patch.get("clock", {}).get("start")
    if start is not None:
        try:
            parse_instant(start)
        except ValueError:
            raise SettingsError(f"clock/start: {start!r} is not an ISO 8601 instant") from None
    return patch


def ip_allowed(whitelist: list[str], host: str) -> bool:
    """Empty whitelist: loopback only. Otherwise the address must be in a listed network."""
    if host == "testclient":  # starlette's TestClient: an in-process, local caller
        host = "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if not whitelist:
        return address.is_loopback
    return any(address in ipaddress.ip_network(entry, strict=False) for entry in whitelist)
