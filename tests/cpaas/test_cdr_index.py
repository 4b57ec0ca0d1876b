"""get_cdr_by_date reads a day range by bisecting the history's call dates, and the statistics
keep the history's counts: over random ranges, pages and live calls, the answers equal what
filtering the account's whole CDR list by ``call_date`` gives (a full scan)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ACCOUNT_1, ACCOUNT_2, CP
from .test_calls import AGENT, C2C, CUSTOMER

FIRST = date(2023, 7, 1)


def call_day(row: dict[str, Any]) -> date:
    return datetime.strptime(row["call_date"], "%a, %d %b %Y %H:%M:%S GMT").date()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_cdrs_by_date_and_statistics_equal_a_scan(cp: CP, data: Any) -> None:
    cp.control("POST", "/tenants/default/reset")
    if data.draw(st.booleans(), label="live calls"):
        cp.parties({AGENT: {"answer_after": 1.0}, CUSTOMER: {"answer_after": 1.0, "talk": 5.0}})
        for _ in range(data.draw(st.integers(1, 3))):
            cp.ok("POST", "click2call", C2C)
        cp.advance(data.draw(st.sampled_from([0, 60])))
    account = data.draw(st.sampled_from([ACCOUNT_1, ACCOUNT_2]))
    every = cp.cdrs(account)
    days = (date(2026, 1, 6) - FIRST).days
    start = FIRST + timedelta(days=data.draw(st.integers(0, days)))
    end = start + timedelta(days=data.draw(st.integers(0, 400)))
    offset, count = data.draw(st.integers(0, 30)), data.draw(st.integers(1, 50))
    want = [row for row in every if start <= call_day(row) <= end][offset:offset + count]
    r = cp.post("get_cdr_by_date", {"start_call_date": start.isoformat(), "end_call_date": end.isoformat(),
                                    "record_count": str(count), "offset": str(offset)}, account=account)
    got = r.json()["response"].get("result", []) if r.status_code == 200 else []
    assert got == want
    stats = cp.ok("GET", "get_cdr_statistics", account=account)["result"]
    assert stats["total_calls"] == [len(every)]
