"""What a contract is, as loaded: requests, expectations, steps, the vendor's shared settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping


class _Absent:
    """No body expected / no JSON body sent (``None`` is a JSON value: ``null``)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    """The path (templates allowed), without query string."""
    listener: str | None = None
    """Which of the vendor's ports (Kerauno: ``kerauno-status``); None: its first."""
    query: Mapping[str, Any] = field(default_factory=dict)
    headers: Mapping[str, Any] = field(default_factory=dict)
    form: Mapping[str, Any] | None = None
    """An ``application/x-www-form-urlencoded`` body."""
    json: Any = ABSENT
    """A JSON body."""
    body: str | None = None
    """A raw body (with ``content_type``), for what neither form nor JSON can say."""
    content_type: str | None = None


@dataclass(frozen=True)
class Expect:
    status: int | None = None
    content_type: Any = None
    """The media type (``application/json``) or a matcher; parameters such as ``charset`` are
    compared only when written."""
    headers: Mapping[str, Any] = field(default_factory=dict)
    body: Any = ABSENT
    """The JSON body, with matchers."""
    text: Any = None
    """A text body (CSV, XML, HTML): the exact text or a matcher."""


@dataclass(frozen=True)
class Step:
    request: Request | None = None
    expect: Expect | None = None
    save: Mapping[str, str] = field(default_factory=dict)
    """Name -> JSON pointer (RFC 6901) into the answer's body; later steps use ``${saved.name}``."""
    wait: float | None = None
    """A pause instead of a request: the emulator's clock moves on; a live server is waited for."""
    breaks: str | None = None
    """What this request deliberately breaks in the documented interface (an error case): the
    OpenAPI agreement check does not hold it to the document."""
    note: str = ""
    repeat: int = 1
    """Send the request this many times, every answer as expected (a rate limit's quota)."""


@dataclass(frozen=True)
class Contract:
    id: str
    """``<file stem>/<name>``: unique per vendor, stable (recordings are filed under it)."""
    vendor: str
    operation: str
    """The vendor table's operation name (``makecall``, ``get-user-calls``, ``AppList``)."""
    catalog: str
    """The catalog's operation id (``kerauno.MakeCall``): coverage counts contracts by it."""
    name: str
    doc: str
    """Where the expectation comes from: the vendor document (name, section) or, for what the
    document leaves open, docs/FIDELITY.md."""
    state_changing: bool
    """Changes the vendor's state (places a call, adds an agent): skipped against a live server
    unless ``--allow-writes``."""
    steps: tuple[Step, ...]
    example: str | None = None
    """The catalog example id this contract replays (coverage of documented examples)."""
    emulator_only: str | None = None
    """Why this contract cannot run against a live vendor (say, a key that arrives by SMS)."""
    file: str = ""


@dataclass(frozen=True)
class Transformer:
    """Masks what legitimately varies in a recorded answer: every distinct value becomes a
    numbered placeholder ``<name:N>``, so equal values stay equal after masking."""

    name: str
    keys: tuple[str, ...] = ()
    """Field names whose values are masked wherever they appear."""
    regex: str | None = None
    """A pattern masked inside every string (and text body)."""
    object_keys: str | None = None
    """A pattern: object keys matching it are masked (id-keyed objects)."""


@dataclass(frozen=True)
class VendorContracts:
    vendor: str
    credentials: tuple[str, ...]
    """Credential names the contracts use; a live run reads ``TELEMOCK_<VENDOR>_<NAME>``."""
    vars: Mapping[str, Any]
    transformers: tuple[Transformer, ...]
    contracts: tuple[Contract, ...]
    directory: Path
