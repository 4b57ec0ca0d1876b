"""Call recordings: one per recorded (answered) call, named by a hash of 40 hex digits followed
by the call id (daktela.txt, AboutCall's ``recording_hash``, GetRecording's example
``225fae9e...5d2e1319030658.204``), and a small valid WAV as its audio.
"""

from __future__ import annotations

import hashlib
import io
import wave
from functools import lru_cache
from typing import Iterable

from ..core.calls import Call
from ..core.world import Tenant
from .seed import TOKEN, vendor_settings

HASH_HEX = 40
SAMPLE_RATE = 8000
"""Telephone audio: 8 kHz, 8-bit, mono (what the PBX's .wav recordings hold)."""
WAV_SECONDS = 1


def recorded(t: Tenant, call: Call) -> bool:
    """An ended, answered call is recorded when the tenant records calls, unless the call was
    placed with ``recording`` off; one placed with it on is recorded whatever the setting."""
    if not call.ended or call.answered_at is None:
        return False
    own = call.tags.get("record")
    if isinstance(own, bool):
        return own
    return bool(vendor_settings(t).get("record_calls", True)) or "recording_hash" in call.tags


def recording_hash(t: Tenant, call: Call) -> str | None:
    if not recorded(t, call):
        return None
    own = call.tags.get("recording_hash")
    if isinstance(own, str) and own:
        return own
    secret = t.base_credentials.get(TOKEN) or t.credentials.get(TOKEN, "")
    return hashlib.sha1(f"{secret}:{call.id}".encode()).hexdigest() + call.id


def find(t: Tenant, value: str) -> Call | None:
    """The call whose recording ``value`` names, or None."""
    if len(value) <= HASH_HEX:
        return None
    call = t.calls.get(value[HASH_HEX:]) or history_index(t.history).get(value[HASH_HEX:])
    return call if call is not None and recording_hash(t, call) == value else None


_INDEXES: dict[int, tuple[tuple[Call, ...], dict[str, Call]]] = {}


def history_index(history: Iterable[Call]) -> dict[str, Call]:
    """Calls of a (shared, immutable) seed history by id, built once per history."""
    key = id(history)
    entry = _INDEXES.get(key)
    if entry is None or entry[0] is not history:
        calls = tuple(history)
        entry = (history if isinstance(history, tuple) else calls, {c.id: c for c in calls})
        _INDEXES[key] = entry
    return entry[1]


@lru_cache(maxsize=1)
def wav() -> bytes:
    """A second of silence as a RIFF/WAVE file (8 kHz, 8-bit unsigned PCM, mono)."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(b"\x80" * SAMPLE_RATE * WAV_SECONDS)
    return out.getvalue()
