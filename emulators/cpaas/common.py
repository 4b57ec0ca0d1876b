"""What the CPaaS operations share: the tenant and account of a request, new ids, wall times in
a zone, and refusing with a message of ``errors``."""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn
from zoneinfo import ZoneInfo

from ..core.clock import LATEST
from ..core.world import Tenant
from ..dialect.errors import Err, VendorError
from ..dialect.operation import Ctx
from . import errors as e
from .accounts import account_of


def tenant(ctx: Ctx) -> Tenant:
    assert ctx.tenant is not None  # the pipeline authenticated before running
    return ctx.tenant


def account(ctx: Ctx) -> str:
    return account_of(ctx)


def refuse(err: Err, why: str = "") -> NoReturn:
    raise VendorError(err, why)


def new_id(t: Tenant, prefix: str, family: str) -> str:
    """``LS``/``DN``/``CM`` + 10 hex digits, or 10 hex digits alone (request ids); drawn from
    the tenant's seeded counters, so the same requests give the same ids."""
    return prefix + t.ids.hex(family, 10)


def epoch(wall: datetime, zone: str, name: str) -> float:
    """A naive wall time in ``zone`` as epoch seconds; a time no clock can reach is invalid."""
    try:
        value = wall.replace(tzinfo=ZoneInfo(zone)).timestamp()
    except (OverflowError, ValueError, OSError):
        refuse(e.bad_request(e.INVALID_DATETIME.format(name=name)))
    if not 0 <= value < LATEST:
        refuse(e.bad_request(e.INVALID_DATETIME.format(name=name)))
    return value


def future(t: Tenant, wall: datetime, zone: str, name: str) -> float:
    """``epoch``, which must lie ahead of the tenant clock."""
    value = epoch(wall, zone, name)
    if value <= t.now():
        refuse(e.bad_request(e.NOT_FUTURE.format(name=name)), f"{name} is not in the future")
    return value


def wall_text(wall: datetime) -> str:
    """``YYYY-mm-dd hh:mm:ss``, as the client wrote it."""
    return "%04d-%02d-%02d %02d:%02d:%02d" % (wall.year, wall.month, wall.day, wall.hour, wall.minute,
                                              wall.second)
