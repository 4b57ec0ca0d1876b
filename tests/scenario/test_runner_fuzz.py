"""Any valid timeline runs to an end: every step is either done or refused by the core (an
``error`` result naming the step) — never an exception out of the runner."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.scenario.loader import load_text
from emulators.scenario.result import ERROR, PASSED
from emulators.testing import run_scenario

WORLD = {"behaviour": {"answer_after": "2s"},
         "agents": [{"id": "a1", "extension": 2001}, {"id": "a2", "extension": 2002, "behaviour": {"mode": "script"}}],
         "queues": [{"id": "q1", "number": 4000, "strategy": "ringall", "members": ["a1", "a2"], "max_wait": "1m"}],
         "parties": [{"number": "+15550001", "fault": "busy"}]}
CALL = st.sampled_from(["c1", "c2"])
AGENT = st.sampled_from(["a1", "a2"])
NUMBER = st.sampled_from(["+15550001", "+15550002", "2001", "4000"])
STEP = st.one_of(
    st.builds(lambda c, a: {"answer": {"call": c, "agent": a}}, CALL, AGENT),
    st.builds(lambda c: {"reject": {"call": c}}, CALL),
    st.builds(lambda c: {"ignore": {"call": c}}, CALL),
    st.builds(lambda c, by: {"hangup": {"call": c, "by": by}}, CALL, st.sampled_from(["caller", "agent"])),
    st.builds(lambda c: {"hold": {"call": c}}, CALL),
    st.builds(lambda c: {"resume": {"call": c}}, CALL),
    st.builds(lambda c, a, m: {"transfer": {"call": c, "to": {"agent": a}, "mode": m}}, CALL, AGENT,
              st.sampled_from(["blind", "attended"])),
    st.builds(lambda c, n: {"transfer": {"call": c, "to": {"number": n}}}, CALL, NUMBER),
    st.builds(lambda c: {"park": {"call": c}}, CALL),
    st.builds(lambda c, a: {"unpark": {"call": c, "agent": a}}, CALL, AGENT),
    st.builds(lambda c: {"dtmf": {"call": c, "digits": "1#"}}, CALL),
    st.builds(lambda a: {"pause": {"agent": a}}, AGENT),
    st.builds(lambda a: {"unpause": {"agent": a}}, AGENT),
    st.builds(lambda a: {"logout": {"agent": a}}, AGENT),
    st.builds(lambda a: {"login": {"agent": a}}, AGENT),
    st.builds(lambda a: {"queue_logout": {"agent": a, "queue": "q1"}}, AGENT),
    st.builds(lambda a: {"queue_login": {"agent": a, "queue": "q1"}}, AGENT),
    st.builds(lambda n, k: {"fault": {"number": n, "kind": k}}, NUMBER,
              st.sampled_from(["busy", "no_answer", "congestion", "none"])),
    st.builds(lambda n: {"inbound_call": {"from": n, "to": 4000, "patience": "20s"}}, NUMBER),
    st.builds(lambda a, n: {"outbound_call": {"agent": a, "to": n}}, AGENT, NUMBER),
)


@settings(max_examples=40, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 40), STEP), max_size=12))
def test_any_timeline_ends_cleanly(steps: list[tuple[int, dict[str, Any]]]) -> None:
    timeline: list[dict[str, Any]] = [
        {"at": "0s", "inbound_call": {"id": "c1", "from": "+15551111", "to": 4000, "patience": "30s"}},
        {"at": "1s", "outbound_call": {"id": "c2", "agent": "a1", "to": "+15550002"}}]
    timeline += [{"after": f"{delay}s", **step} for delay, step in steps]
    doc = {"name": "fuzz", "world": WORLD, "webhooks": {}, "timeline": timeline,
           "expect": {"webhooks": [{"vendor": "kerauno", "count": {"total": {"min": 2}}}]}}
    scenario = load_text(yaml.safe_dump(doc, sort_keys=False), "fuzz.yaml")
    for vendor in ("kerauno", "voipcloud"):
        result = run_scenario(scenario, vendor)
        assert result.status in (PASSED, ERROR), result.report()
        if result.status == ERROR:
            assert result.failures()[0].name.startswith("timeline[") and "refused" in result.failures()[0].actual
