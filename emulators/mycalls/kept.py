"""Whole answers of MyCalls' two list reads, kept while nothing they show can have changed.

An answer is a function of its request URL (the page object shows it; the path and query hold
every parameter) and of the tenant. The *stamp* says which part of the tenant:

- the app list shows the apps (guid, numbers, name) and their count: compared by value;
- the call log shows which calls belong to the app and their entries. ``calls_stamp`` covers
  the calls (a call placed, anything an engine does to one, e.g. moving it to another queue,
  records an event; a reset, a restore or a scenario's world brings a new calls dict or
  history) and the zone; besides, which app a call belongs to reads the apps' guids and numbers
  (by value) and which app each queue names, an entry shows its group's and agents' names
  (queues and agents by identity, with those values), and the app of the URL may be an alias
  (the settings, by identity: every settings change makes a new dict).

A page with a call whose entry reads the clock (in progress, or an attempt still talking) is
never kept, nor is a refusal.
"""

from __future__ import annotations

from typing import Any, Callable

from ..core.answers import KeptAnswers, calls_stamp
from ..core.world import Tenant
from . import model

_CALL_LOGS: KeptAnswers[bytes] = KeptAnswers(len)
"""Call-log bodies (the core's bounds: 1,024 answers or 4 MiB a tenant, ~100 pages of ~40 KB;
a page's bytes are the same object ``views`` keeps)."""
_APP_LISTS: KeptAnswers[bytes] = KeptAnswers(len)


def _apps(t: Tenant) -> tuple[Any, ...]:
    return tuple([(a["guid"], a["number.virtual"], a["number.physical"], a["name"]) for a in model.apps(t)])


def app_list(t: Tenant, url: str, make: Callable[[], tuple[bytes, bool]]) -> bytes:
    """The app-list body for ``url`` as ``make()`` gives it, kept while the apps are the same."""
    return _APP_LISTS.get(t, url, (), _apps(t), make)


def call_log(t: Tenant, url: str, make: Callable[[], tuple[bytes, bool]]) -> bytes:
    """The call-log body for ``url`` as ``make()`` gives it (which says whether it may be kept),
    kept while the stamp holds."""
    held, stamp = calls_stamp(t)
    settings = t.settings
    stamp += (id(settings), _apps(t),
              tuple([(qid, q, q.name, q.extra.get(model.APP)) for qid, q in t.queues.items()]),
              tuple([(aid, a, a.name) for aid, a in t.agents.items()]))
    return _CALL_LOGS.get(t, url, held + (settings,), stamp, make)
