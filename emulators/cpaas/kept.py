"""Whole answers of the CDR reads, kept while nothing they show can have changed.

A CDR answer (a page by date, the statistics) is a function of the CDR table, the seed history,
the tenant's calls (a written row shows its call), the time zone and the agents' numbers. Every
way the table changes shows in its *stamp*: a row written raises ``counter`` and the length, a
load or clear (restore, a scenario's world) bumps ``generation``, a reset builds a new table; a
restore or reset also brings a new history tuple and calls dict, compared by identity (held
here, so an id is never another object's). The zone and the agents' ids and numbers are
compared by value, so the control plane's settings or an agent changed any way are seen
by the next read. An answer that read the clock (a CDR of a call not ended) is never kept.
"""

from __future__ import annotations

from typing import Any, Callable

from ..core.answers import KeptAnswers
from ..core.world import Tenant
from . import cdrs

MAX_ANSWERS = 1024
"""Kept answers per tenant; more clears the lot (clients repeat a handful of requests)."""
MAX_BYTES = 4 << 20
"""Bytes of kept answers per tenant: more clears the lot, and a bigger answer is never kept."""

_ANSWERS: KeptAnswers[bytes] = KeptAnswers(len, MAX_ANSWERS, MAX_BYTES)


def _stamp(t: Tenant) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    table = cdrs.table(t)
    held = (table, t.history, t.calls)
    return held, (id(table), table.generation, table.counter, len(table), id(t.history), id(t.calls),
                  len(t.calls), t.timezone,
                  tuple([(a.id, a.number, a.extension) for a in t.agents.values()]))


def kept_answer(t: Tenant, key: tuple[Any, ...], make: Callable[[], tuple[bytes, bool]]) -> bytes:
    """The body ``make()`` gives for ``key`` (every request parameter the body depends on) in the
    tenant's CDRs as they are now, kept from an earlier read while the stamp is unchanged.
    ``make`` returns the body and whether it may be kept (False: it read the clock); it may
    raise (a refusal is never kept)."""
    held, stamp = _stamp(t)
    return _ANSWERS.get(t, key, held, stamp, make)
