"""Recordings: a live vendor's answers, normalised, kept to compare the emulator with later.

As LocalStack's parity snapshots do, what legitimately varies (ids, times, prices, a sandbox's
own names) is masked by transformers the vendor's ``_vendor.yaml`` declares; each distinct
value becomes a numbered placeholder (``<uniqueid:1>``), so two fields that held the same id
still do after masking. Everything else (status, media type, keys, order, types, strings) is
compared exactly.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .. import __version__
from .diff import compare as compare_bodies
from .drift import BODY_CHANGED, CONTENT_TYPE_CHANGED, STATUS_CHANGED, Drift, json_type
from .model import Transformer

if TYPE_CHECKING:
    from .runner import Exchange


class Normaliser:
    """Applies a vendor's transformers; one per contract, so placeholders number across its steps."""

    def __init__(self, transformers: Iterable[Transformer]) -> None:
        self.transformers = tuple(transformers)
        self._by_key = {key: t.name for t in self.transformers for key in t.keys}
        self._regexes = [(re.compile(t.regex), t.name) for t in self.transformers if t.regex]
        self._object_keys = [(re.compile(t.object_keys), t.name) for t in self.transformers if t.object_keys]
        self._seen: dict[str, dict[str, int]] = {}

    def fresh(self) -> "Normaliser":
        return Normaliser(self.transformers)

    def answer(self, exchange: "Exchange") -> dict[str, Any]:
        """``{status, content_type, body | text}`` of one answer, masked."""
        out: dict[str, Any] = {"status": exchange.status, "content_type": exchange.media_type}
        try:
            out["body"] = self.value(exchange.json())
        except ValueError:
            out["text"] = self._text(exchange.content.decode("utf-8", "replace"))
        return out

    def value(self, value: Any, key: str | None = None) -> Any:
        if key is not None and key in self._by_key:
            return self._placeholder(self._by_key[key], value)
        if isinstance(value, dict):
            return {self._object_key(k): self.value(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, str):
            return self._text(value)
        return value

    def _object_key(self, key: str) -> str:
        for pattern, name in self._object_keys:
            if pattern.search(key):
                return str(self._placeholder(name, key))
        return key

    def _text(self, text: str) -> str:
        for pattern, name in self._regexes:
            text = pattern.sub(functools.partial(self._substitute, name), text)
        return text

    def _substitute(self, name: str, match: re.Match[str]) -> str:
        return str(self._placeholder(name, match.group(0)))

    def _placeholder(self, name: str, value: Any) -> str:
        if isinstance(value, (dict, list)):
            return f"<{name}|{json_type(value)}>"
        numbers = self._seen.setdefault(name, {})
        number = numbers.setdefault(json.dumps(value), len(numbers) + 1)
        return f"<{name}:{number}>" if isinstance(value, str) else f"<{name}:{number}|{json_type(value)}>"


def path_of(directory: Path, vendor: str, contract_id: str) -> Path:
    return directory / vendor / (contract_id.replace("/", "__") + ".json")


def write(directory: Path, vendor: str, contract_id: str, answers: list[dict[str, Any] | None]) -> Path:
    path = path_of(directory, vendor, contract_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"contract": contract_id, "vendor": vendor, "recorded_by": f"telemock {__version__}",
                "steps": answers}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load(directory: Path, vendor: str, contract_id: str) -> list[dict[str, Any] | None] | None:
    """The recorded answers of a contract, or None when it was not recorded."""
    path = path_of(directory, vendor, contract_id)
    if not path.is_file():
        return None
    try:
        steps = json.loads(path.read_text(encoding="utf-8"))["steps"]
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise ValueError(f"{path}: not a telemock recording ({exc})") from None
    if not isinstance(steps, list):
        raise ValueError(f"{path}: not a telemock recording (steps is no list)")
    return steps


def compare(recorded: dict[str, Any], actual: dict[str, Any]) -> list[Drift]:
    """Drifts of a (normalised) answer from the (normalised) recorded one."""
    drifts: list[Drift] = []
    if recorded.get("status") != actual.get("status"):
        drifts.append(Drift(STATUS_CHANGED, "status", recorded.get("status"), actual.get("status")))
    if recorded.get("content_type") != actual.get("content_type"):
        drifts.append(Drift(CONTENT_TYPE_CHANGED, "content-type", recorded.get("content_type"),
                            actual.get("content_type")))
    if "body" in recorded:
        drifts += compare_bodies(recorded["body"], actual.get("body", actual.get("text")), "$")
    elif recorded.get("text") != actual.get("text"):
        drifts.append(Drift(BODY_CHANGED, "$", recorded.get("text"), actual.get("text", actual.get("body"))))
    return drifts
