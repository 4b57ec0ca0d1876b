"""Server state on disk: every tenant of every vendor in one versioned JSON document.

A *state document* holds, per vendor, the snapshot of each tenant (world, clock and pending
timers, journals, webhook deliveries, custom credentials) and the registry's tenant counter, so
new tenant ids never collide with restored ones. ``telemock serve --state-dir DIR`` loads
``DIR/state.json`` at start and writes it atomically (write, fsync, rename) every
``--state-interval`` seconds and on shutdown; a ``kill -9`` loses at most the last interval.

Loading is all or nothing: every snapshot is checked as ``/restore`` checks one, credentials
must not clash, and only then are the vendors' tenants replaced. A corrupted or foreign file is
refused with one line, moved aside, and the server starts with fresh tenants. Vendors in the
file that this server does not run are kept as they are and written back with the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, TypeGuard, TypeVar

from . import __version__
from .control.settings import LATEST
from .control.snapshot_check import SnapshotError, restored_tenant
from .core.errors import TenantFailed
from .core.world import Tenant

if TYPE_CHECKING:
    from .registry import Registry
    from .vendor import VendorSpec

log = logging.getLogger(__name__)

STATE_FORMAT = "telemock-state"
STATE_VERSION = 1
STATE_FILE = "state.json"
"""The file ``--state-dir`` keeps."""
DEFAULT_INTERVAL = 10.0
"""Seconds between two saves of ``--state-dir`` (0: only on shutdown)."""
DOCUMENT_KEYS = ("format", "version", "telemock", "saved_at", "saved_wall", "next_tenant", "vendors")


class StateError(ValueError):
    """A state document that cannot be loaded: one line, with the path of the first bad value."""


# ---------------------------------------------------------------------------------------
# documents
# ---------------------------------------------------------------------------------------
def state_document(registry: "Registry", carried: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The state of every tenant of ``registry`` (plus ``carried`` vendors it does not run)."""
    vendors: dict[str, Any] = dict(carried or {})
    for name, tenants in registry.tenants.items():
        vendors[name] = {"tenants": [t.snapshot() for t in tenants.values()],
                         "credentials": {t.id: dict(t.base_credentials) for t in tenants.values()}}
    now = time.time()
    return {"format": STATE_FORMAT, "version": STATE_VERSION, "telemock": __version__,
            "saved_at": datetime.fromtimestamp(now, timezone.utc).isoformat(timespec="seconds"),
            "saved_wall": now, "next_tenant": registry.next_tenant, "vendors": vendors}


def encode(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def decode(raw: bytes) -> Any:
    """JSON as the control plane reads it: NaN, Infinity and 1e999 are not numbers."""
    try:
        return json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        raise StateError("not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        raise StateError(f"not JSON ({exc})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


@dataclass
class Prepared:
    """A checked document: per vendor this server runs, its new tenants (restored, with their
    credentials), and what is kept as is."""

    tenants: dict[str, dict[str, Tenant]] = field(default_factory=dict)
    carried: dict[str, Any] = field(default_factory=dict)
    """Vendors this server does not run, kept for writing back."""
    next_tenant: int = 1
    saved_wall: float = 0.0


def prepare(document: Any, registry: "Registry") -> Prepared:
    """Check all of ``document`` and build its tenants, changing nothing; ``StateError``."""
    if not isinstance(document, dict) or document.get("format") != STATE_FORMAT:
        raise StateError("not a telemock state file")
    if document.get("version") != STATE_VERSION or isinstance(document.get("version"), bool):
        raise StateError(f"version {document.get('version')!r} is not one this telemock reads "
                         f"({STATE_VERSION})")
    for key in DOCUMENT_KEYS:
        if key not in document:
            raise StateError(f"{key}: missing")
    next_tenant, vendors = document["next_tenant"], document["vendors"]
    if not isinstance(next_tenant, int) or isinstance(next_tenant, bool) or not 1 <= next_tenant < 10**9:
        raise StateError("next_tenant: not a tenant number")
    saved_wall = document["saved_wall"]
    if not isinstance(saved_wall, (int, float)) or isinstance(saved_wall, bool) or saved_wall < 0:
        raise StateError("saved_wall: not a time")
    if not isinstance(vendors, dict):
        raise StateError("vendors: not an object")
    prepared = Prepared(next_tenant=next_tenant, saved_wall=float(saved_wall))
    for name, data in vendors.items():
        spec = registry.vendors.get(name)
        if spec is None:
            prepared.carried[name] = data
            continue
        prepared.tenants[name] = _prepare_vendor(registry, spec, data, f"vendors.{name}")
    return prepared


def _prepare_vendor(registry: "Registry", spec: "VendorSpec", data: Any, path: str) -> dict[str, Tenant]:
    from .registry import DEFAULT_TENANT
    if (not isinstance(data, dict) or not isinstance(data.get("tenants"), list)
            or not isinstance(data.get("credentials"), dict) or len(data) != 2):
        raise StateError(f"{path}: not {{\"tenants\": [snapshot, ...], \"credentials\": {{...}}}}")
    saved = data["credentials"]
    tenants: dict[str, Tenant] = {}
    owners: dict[tuple[str, str], str] = {}
    for i, snap in enumerate(data["tenants"]):
        where = f"{path}.tenants[{i}]"
        tid = snap.get("tenant") if isinstance(snap, dict) else None
        if not _valid_id(tid):
            raise StateError(f"{where}.tenant: {tid!r} is not a tenant id")
        if tid in tenants:
            raise StateError(f"{where}.tenant: {tid!r} appears twice")
        try:
            checked, tenant = restored_tenant(snap, spec.dialect, tid)
        except SnapshotError as exc:
            raise StateError(f"{where}.{exc}") from None
        base = saved.get(tid)
        if not isinstance(base, dict) or not all(isinstance(k, str) and isinstance(v, str) and v
                                                 for k, v in base.items()):
            raise StateError(f"{path}.credentials.{tid}: not the tenant's credentials")
        credentials = {**base, **checked["credentials"]}
        for name in spec.credential_fields:
            value = credentials.get(name)
            if value and owners.setdefault((name, value), tid) != tid:
                raise StateError(f"{where}.credentials.{name}: also used by tenant "
                                 f"{owners[(name, value)]!r}")
        tenant.credentials, tenant.custom_credentials = credentials, dict(checked["credentials"])
        tenant.base_credentials = dict(base)
        tenants[tid] = tenant
    if DEFAULT_TENANT not in tenants:
        raise StateError(f"{path}.tenants: no {DEFAULT_TENANT!r} tenant")
    return tenants


def _valid_id(tid: Any) -> TypeGuard[str]:
    """As ``POST /_emulator/tenants`` accepts them: letters, digits, - and _."""
    return isinstance(tid, str) and tid.replace("-", "").replace("_", "").isalnum()


def apply(registry: "Registry", prepared: Prepared) -> dict[str, list[str]]:
    """Replace the tenants of every vendor in ``prepared`` (cannot fail: it was checked)."""
    for name, tenants in prepared.tenants.items():
        registry.replace_tenants(name, tenants)
    registry.next_tenant = max(prepared.next_tenant, 1)
    return {name: list(tenants) for name, tenants in prepared.tenants.items()}


def catch_up(prepared: Prepared, now: float) -> None:
    """Realtime clocks go on from where they were saved plus the time the server was down
    (scaled by their speed), firing what fell due meanwhile; manual and auto clocks resume
    exactly where they were."""
    down = max(0.0, now - prepared.saved_wall)
    for tenants in prepared.tenants.values():
        for tenant in tenants.values():
            clock = tenant.clock
            if clock.mode != "realtime" or down == 0.0:
                continue
            target = min(clock.now() + down * clock.speed, LATEST)
            with contextlib.suppress(TenantFailed):  # marked failed, shown in health
                if target > clock.now():
                    clock.advance_to(target)


def summary(document: Any) -> list[str]:
    """Lines that describe a state document (for ``telemock state inspect``); reads whatever
    is readable and never raises."""
    if not isinstance(document, dict):
        return ["not a state document"]
    lines = [f"{document.get('format')} version {document.get('version')}, saved "
             f"{document.get('saved_at')} by telemock {document.get('telemock')}, "
             f"next tenant number {document.get('next_tenant')}"]
    vendors = document.get("vendors")
    for name, data in (vendors.items() if isinstance(vendors, dict) else ()):
        tenants = data.get("tenants") if isinstance(data, dict) else None
        if not isinstance(tenants, list):
            lines.append(f"{name}: (no tenant list)")
            continue
        lines.append(f"{name}: {len(tenants)} tenant(s)")
        for snap in tenants:
            lines.append("  " + _tenant_line(snap))
    return lines


_T = TypeVar("_T")


def _of(value: Any, kind: type[_T], default: _T) -> _T:
    """``value`` when it is a ``kind`` (a hostile file may hold anything), else ``default``."""
    return value if isinstance(value, kind) else default


def _tenant_line(snap: Any) -> str:
    from .core.formats import utc_iso
    if not isinstance(snap, dict):
        return "(not a snapshot)"
    clock = _of(snap.get("clock"), dict, {})
    now = clock.get("now")
    try:
        when = utc_iso(now) if isinstance(now, (int, float)) else "?"
    except (OverflowError, ValueError, OSError):
        when = f"{now!r}"
    calls = _of(snap.get("calls"), list, [])
    live = sum(1 for c in calls if isinstance(c, dict) and c.get("state") != "ended")
    deliveries = _of(_of(snap.get("outbox"), dict, {}).get("deliveries"), list, [])
    waiting = sum(1 for d in deliveries if isinstance(d, dict) and d.get("state") in ("pending", "retrying"))
    timers = _of(clock.get("timers"), list, [])
    return (f"{snap.get('tenant')!s:<12} clock {when} {clock.get('mode', '?')}  calls {len(calls)} "
            f"({live} live)  timers {len(timers)}  webhooks {len(deliveries)} ({waiting} waiting)")


# ---------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------
def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never half
    of either: a temporary file beside it, flushed to disk, renamed over it. Readable by its
    owner only: it holds every tenant's credentials."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    with contextlib.suppress(OSError):  # the rename itself, on file systems that allow it
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def read_document(path: Path) -> Any:
    """The state document in ``path`` (``StateError`` if it is no JSON; ``OSError`` as raised)."""
    return decode(path.read_bytes())


class StateStore:
    """``--state-dir``: where the server's state lives, and how often it is written."""

    def __init__(self, directory: Path, interval: float = DEFAULT_INTERVAL) -> None:
        self.directory = directory
        self.interval = interval
        self.path = directory / STATE_FILE
        self.carried: dict[str, Any] = {}
        """Vendors of the loaded file this server does not run, written back unchanged."""
        self._lock: Any = None
        self._taken = 0
        """Number of the latest state taken (snapshotted) for writing."""
        self._written = 0
        """Number of the state on disk: an older one never overwrites a newer one."""
        self._writing = threading.Lock()

    def open(self) -> None:
        """Create the directory and take it for this process (``OSError`` if it cannot be
        written, ``StateError`` if another telemock holds it)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        lock = open(self.directory / ".lock", "a+")
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory lock
            self._lock = lock
            return
        try:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            raise StateError(f"another telemock is using {self.directory}") from None
        self._lock = lock
        for stale in self.directory.glob(f".{STATE_FILE}.*.tmp"):  # a save cut short by kill -9
            with contextlib.suppress(OSError):
                stale.unlink()

    def load_into(self, registry: "Registry") -> tuple[bool, str]:
        """Restore the saved state, or keep the fresh tenants: (restored?, the line to print).
        A file that cannot be loaded is moved aside (``state.json.refused-<time>``), so that
        the next save does not overwrite it."""
        if not self.path.exists():
            return True, f"state: {self.path} does not exist yet; starting with fresh tenants"
        try:
            prepared = prepare(read_document(self.path), registry)
        except (StateError, OSError) as exc:
            aside = self.path.with_name(f"{STATE_FILE}.refused-{int(time.time())}")
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            return False, (f"telemock: state file {self.path} refused ({exc}); moved to "
                           f"{aside.name}; starting with fresh tenants")
        self.carried = prepared.carried
        loaded = apply(registry, prepared)
        catch_up(prepared, time.time())
        count = sum(len(t) for t in loaded.values())
        return True, f"state: restored {count} tenant(s) of {', '.join(loaded)} from {self.path}"

    def save_now(self, registry: "Registry") -> int:
        """Write the state now; the number of bytes written."""
        return self._write(*self._take(registry))

    def _take(self, registry: "Registry") -> tuple[int, dict[str, Any]]:
        """The state as it is now (copies: it can be written while the tenants go on)."""
        self._taken += 1
        return self._taken, state_document(registry, self.carried)

    def _write(self, number: int, document: dict[str, Any]) -> int:
        data = encode(document)
        with self._writing:
            if number > self._written:
                write_atomic(self.path, data)
                self._written = number
        return len(data)

    async def save_forever(self, registry: "Registry") -> None:
        """Save every ``interval`` seconds (never, if it is 0: then only on shutdown). The state
        is taken on the event loop, consistent; encoding and writing it happen in a thread."""
        if self.interval <= 0:
            return
        while True:
            await asyncio.sleep(self.interval)
            try:
                await asyncio.to_thread(self._write, *self._take(registry))
            except Exception:  # a full disk must not stop the server; the next round tries again
                log.exception("saving the state to %s failed", self.path)
