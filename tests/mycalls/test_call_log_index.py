"""The call log reads the history's calls of an app from a split kept per (history, apps,
queues), and the tenant's own calls from a split that follows them (``model.own_calls_of``):
over random seeds, live calls, pages and ``since``, every page equals what a full scan of the
tenant's calls (newest first, by the app each call belongs to) gives."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulators.mycalls import model

from .conftest import APP, CALL_LOG_APP, MC
from .test_paging import key


def scan(mc: MC, guid: str) -> list[str]:
    t = mc.tenant
    app = model.find_app(t, guid)
    return [c.id for c in t.newest_first() if model.app_of_call(t, c) is app]


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_call_log_pages_equal_a_scan(mc_factory: Any, data: Any) -> None:
    mc = mc_factory(seed=data.draw(st.sampled_from([0, 3])))
    for _ in range(data.draw(st.integers(0, 3))):
        mc.inbound(f"+9715550{data.draw(st.integers(1000, 9999))}")
        mc.advance(data.draw(st.sampled_from([0, 5, 300])))
    if data.draw(st.booleans()):
        mc.control("POST", "/reset")
    guid = data.draw(st.sampled_from([APP, CALL_LOG_APP]))
    want = scan(mc, guid)
    pg = data.draw(st.integers(1, max(1, -(-len(want) // 100))))
    got = mc.call_log(guid, pg=pg)
    assert [c["uid"] for c in got["data"]] == want[(pg - 1) * 100:pg * 100]
    assert got["page"]["totalItems"] == len(want)
    if want:
        since = data.draw(st.sampled_from(want))
        newer = mc.call_log(guid, since=since)
        assert newer["page"]["totalItems"] == sum(1 for uid in want if key(uid) > key(since))
