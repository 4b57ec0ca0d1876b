"""The call log's windows and indexes answer exactly what a full scan of the calls answers:
over random histories (calls starting and ending at random times, random queues, agents and
numbers), calls added live and ended later (their agent changing on the way), the dict replaced
(a reset, a restore) or cleared and refilled (a scenario's world), and the history replaced."""

from __future__ import annotations

from itertools import chain, count
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core import calllog
from emulators.core.calllog import AGENT, NUMBER, QUEUE, CallLog, keys_of
from emulators.core.calls import ANSWERED, ENDED, Call, Leg

QUEUES = ["q1", "q2", "q3"]
AGENTS = ["a1", "a2", "a3", "a4"]
NUMBERS = ["100", "101", "+15550001", "+15550002", "+15550003"]
SEQ = count()
KEYS = st.one_of(st.none(), st.tuples(st.just(QUEUE), st.sampled_from(QUEUES)),
                 st.tuples(st.just(AGENT), st.sampled_from(AGENTS)),
                 st.tuples(st.just(NUMBER), st.sampled_from(NUMBERS)))


@st.composite
def calls(draw: Any, start: float, ended: bool | None = None) -> Call:
    at = start + draw(st.integers(0, 3))
    call = Call(id=f"{int(at)}.{next(SEQ)}", direction="inbound",  # ids unique, as a tenant's
                caller=draw(st.sampled_from(NUMBERS)), callee=draw(st.sampled_from(NUMBERS)),
                created_at=float(at), did=draw(st.sampled_from(["", *NUMBERS])),
                queue_id=draw(st.sampled_from([None, *QUEUES])),
                user_id=draw(st.sampled_from([None, *AGENTS])),
                answered_by=draw(st.sampled_from([None, *AGENTS])))
    for n in range(draw(st.integers(0, 2))):
        call.legs.append(Leg(id=f"{call.id}-{n}", seq=n, role="agent", party=draw(st.sampled_from(NUMBERS)),
                             agent_id=draw(st.sampled_from([None, *AGENTS])), created_at=call.created_at))
    if ended if ended is not None else draw(st.booleans()):
        call.state, call.ended_at = ENDED, call.created_at + draw(st.integers(0, 500))
    else:
        call.state = ANSWERED
    return call


def history_of(draw: Any) -> tuple[Call, ...]:
    gaps = draw(st.lists(st.integers(0, 40), max_size=25))
    out, at = [], 1000.0
    for gap in gaps:
        at += gap
        out.append(draw(calls(at, ended=True)))
    out.sort(key=lambda c: c.created_at)
    return tuple(out)


OPS = st.lists(st.sampled_from(["add", "add", "add", "end", "reset", "restore", "clear", "history",
                                "query", "query"]), max_size=30)


def scan(history: Any, own: dict[str, Call], since: float | None, until: float | None,
         key: tuple[str, str] | None, newest: bool) -> list[Call]:
    found = [c for c in chain(history, own.values())
             if (since is None or c.created_at >= since) and (until is None or c.created_at < until)
             and (key is None or key in set(keys_of(c)))]
    return found[::-1] if newest else found


@settings(max_examples=80, deadline=None)
@given(data=st.data(), ops=OPS)
def test_windows_and_indexes_equal_a_scan(data: Any, ops: list[str]) -> None:
    log = CallLog()
    history = history_of(data.draw)
    own: dict[str, Call] = {}
    at = 3000.0
    for op in ops:
        if op == "add":
            at += data.draw(st.integers(0, 30))
            call = data.draw(calls(at))
            own[call.id] = call
            at = call.created_at
        elif op == "end":
            live = [c for c in own.values() if c.state != ENDED]
            if live:
                call = data.draw(st.sampled_from(live))
                call.agent_id = data.draw(st.sampled_from([None, *AGENTS]))  # a transfer, say
                call.queue_id = data.draw(st.sampled_from([None, *QUEUES]))
                call.state, call.ended_at = ENDED, at
        elif op == "reset":
            own = {}
        elif op == "restore":  # a snapshot's calls, rebuilt as new objects
            own = {c.id: Call.from_dict(c.to_dict()) for c in own.values()}
        elif op == "clear":  # cleared in place, then refilled (a scenario's world)
            keep = list(own.values())[: data.draw(st.integers(0, len(own)))]
            own.clear()
            for call in keep:
                own[call.id] = Call.from_dict(call.to_dict())
        elif op == "history":
            history = history_of(data.draw) if data.draw(st.booleans()) else ()
        log.sync(history, own)
        since = data.draw(st.one_of(st.none(), st.integers(900, 4000)))
        until = data.draw(st.one_of(st.none(), st.integers(900, 4200)))
        key = data.draw(KEYS)
        newest = data.draw(st.booleans())
        got = [c for c in log.window(since, until, newest_first=newest, key=key)
               if key is None or key in set(keys_of(c))]
        assert got == scan(history, own, since, until, key, newest)
        assert len(log) == len(history) + len(own)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_several_keys_are_their_union(data: Any) -> None:
    log = CallLog()
    history = history_of(data.draw)
    own: dict[str, Call] = {}
    at = 5000.0
    for _ in range(data.draw(st.integers(0, 6))):  # the tenant clock never goes back
        call = data.draw(calls(at))
        own[call.id], at = call, call.created_at
    log.sync(history, own)
    keys = data.draw(st.lists(KEYS.filter(lambda k: k is not None), min_size=1, max_size=3))
    newest = data.draw(st.booleans())
    got = [c for c in log.window(keys=keys, newest_first=newest) if set(keys) & set(keys_of(c))]
    want = [c for c in chain(history, own.values()) if set(keys) & set(keys_of(c))]
    assert got == (want[::-1] if newest else want)


def test_a_tenant_log_follows_reset_and_restore(emu_factory: Any) -> None:
    """Through a real tenant: its own calls, a reset and a snapshot restore."""
    from emulators.core import engine

    tenant = emu_factory("voipcloud").tenant("voipcloud")
    agent = next(iter(tenant.agents.values()))
    snap = tenant.snapshot()
    engine.click_to_call(tenant, agent.id, "+15550009999", origin="api")
    tenant.clock.advance(600)
    assert list(calllog.of(tenant).window()) == list(tenant.all_calls())
    tenant.reset()
    assert list(calllog.of(tenant).newest()) == list(tenant.newest_first())
    tenant.restore(snap)
    assert list(calllog.of(tenant).window(key=(AGENT, agent.id))) == [
        c for c in tenant.all_calls() if (AGENT, agent.id) in set(keys_of(c))]
