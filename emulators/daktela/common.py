"""What every Daktela operation uses: the tenant of the request, finding the user, queue or call
a parameter names (or refusing with the vendor's error), the shared parameter declarations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Sequence
from zoneinfo import ZoneInfo

from ..core.agents import Agent
from ..core.calls import Call
from ..core.queues import Queue
from ..core.world import Tenant
from ..dialect.errors import VendorError
from ..dialect.operation import Ctx
from ..dialect.params import (
    INVALID,
    MISSING,
    PHP_INT_MAX,
    SQL_DATETIME,
    Param,
    ParamError,
    array_of,
    flag,
    php_int,
    text,
)
from . import errors as e
from . import model

NAME = text(max_len=255)
"""A login, number, title or other text field (varchar(255))."""
NUMBER = text(max_len=64)
"""A phone number or extension as dialled."""
ID = php_int(1)
"""A record id (users, queues, pauses): a positive integer."""
IDS = array_of(text(max_len=64), max_items=1000)
"""A PHP array of ids (``queues[]=1``, ``users[0]=3``)."""
FLAG = flag(strict=False)
"""yes/true/1 is true; anything else false (PHP's loose reading of these flags)."""
MAX_ROWS = 1000
"""GetAttempts and StatsCalls: "The maximum limit of returned calls is 1000"."""


def fail(message: str, why: str = "", **context: Any) -> VendorError:
    """A refusal with one of the vendor's messages (placeholders filled from ``context``)."""
    return VendorError(e.err(message, **context), why)


def tenant(ctx: Ctx) -> Tenant:
    assert ctx.tenant is not None  # the pipeline authenticated before running
    return ctx.tenant


# -- finding what parameters name ----------------------------------------------------------------
def user(t: Tenant, login: str) -> Agent:
    agent = model.user_by_login(t, login)
    if agent is None:
        raise fail(e.USER_NOT_FOUND, f"no user {login!r}")
    return agent


def at_extension(t: Tenant, extension: str) -> Agent:
    """The user sitting at (or bound to) ``extension``."""
    if extension not in model.extensions(t) and model.user_at(t, extension) is None:
        raise fail(e.EXTENSION_NOT_FOUND, f"no extension {extension!r}")
    agent = model.user_at(t, extension)
    if agent is None:
        raise fail(e.NOT_LOGGED_IN, f"nobody at extension {extension!r}")
    return agent


def user_or_extension(ctx: Ctx, user_key: str = "user", ext_key: str = "extension") -> Agent:
    """The user a request names by login or by extension (the doc's "one of" pairs: the
    login wins when both are sent)."""
    t = tenant(ctx)
    login, extension = ctx.params.get(user_key), ctx.params.get(ext_key)
    if login is not None:
        return user(t, login)
    if extension is not None:
        return at_extension(t, extension)
    raise ParamError(MISSING, f"one of {user_key}, {ext_key}", Param(user_key))


def queue_by_number(t: Tenant, number: str) -> Queue:
    queue = model.queue_by_number(t, number)
    if queue is None:
        raise fail(e.QUEUE_NOT_FOUND, f"no queue {number!r}")
    return queue


def live_call_of(t: Tenant, agent: Agent) -> Call | None:
    call = t.calls.get(agent.call_id or "")
    return call if call is not None and not call.ended else None


# -- ids in the path or the query ----------------------------------------------------------------
ID_PARAM = Param("id", ID, doc="Record id (also as the path segment before the format)")


def record_id(ctx: Ctx) -> int | None:
    """The ``id`` of the path (``/GetQueues/3/json``), else of the parameters."""
    raw = ctx.path_params.get("id")
    if raw is None:
        value = ctx.params.get("id")
        return int(value) if value is not None else None
    return int(ID_PARAM.read(raw))


# -- times ---------------------------------------------------------------------------------------
def epoch(t: Tenant, wall: datetime, name: str) -> float:
    try:
        return wall.replace(tzinfo=ZoneInfo(t.timezone)).timestamp()
    except (ValueError, OverflowError, OSError):
        raise ParamError(INVALID, "not a time this PBX can read", Param(name)) from None


def time_range(ctx: Ctx) -> tuple[float, float]:
    t = tenant(ctx)
    start = epoch(t, ctx.params["datetime_from"], "datetime_from")
    end = epoch(t, ctx.params["datetime_to"], "datetime_to")
    return start, end


RANGE = (Param("datetime_from", SQL_DATETIME, required=True, doc="From what time. Time format YYYY-MM-DD HH:MM:SS",
               example="2015-08-14 00:00:00"),
         Param("datetime_to", SQL_DATETIME, required=True, doc="To what time. Time format YYYY-MM-DD HH:MM:SS",
               example="2015-10-31 00:00:00"))
PAGING = (Param("skip", php_int(0, PHP_INT_MAX), default=0, doc="Row offset, default value: 0"),
          Param("take", php_int(0, PHP_INT_MAX), default=100, doc="Row count, default value: 100"))


def page(ctx: Ctx, limit: int | None = None) -> tuple[int, int]:
    """(skip, take); ``take`` over ``limit`` is the vendor's error."""
    skip, take = int(ctx.params["skip"]), int(ctx.params["take"])
    if limit is not None and take > limit:
        raise fail(e.TOO_MANY_ROWS, f"take {take} > {limit}")
    return skip, take


def ids(ctx: Ctx, name: str) -> frozenset[str] | None:
    values = ctx.params.get(name)
    return None if values is None else frozenset(str(v) for v in values)


# -- operation specs -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    """How the table serves one catalog operation: its run, parameters and flags."""

    run: Callable[[Ctx], Any]
    params: Sequence[Param] = ()
    mutates: bool = False
    variant: Callable[[Ctx], bool] | None = None
    raw_utf8: bool = False
    cached: bool = False
    """A read polled hard, whose answer shows no relative time: kept until the world changes."""
    stamp: Callable[[Tenant], tuple[Any, ...]] | None = None
    """A cached read's further key (``cache.kept``): what it shows that the revision key misses."""
    until: Callable[[Tenant], float | None] | None = None
    """A cached read's last true instant (``cache.kept``)."""
