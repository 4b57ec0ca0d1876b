"""Seed line 2: "API calls are limited to 100 queries per 15 minutes" -> 429, on the tenant
clock; which requests spend the budget."""

from __future__ import annotations

from .conftest import VC

TOO_MANY = {"code": 429, "description": "Too Many Requests", "data": None}


def spend(vc: VC, n: int, key: str | None = None) -> None:
    for i in range(n):
        r = vc.call("get-system-status", key=key)
        assert r.status_code == 200, (i, r.text)


def test_the_101st_query_in_15_minutes_is_refused(vc: VC) -> None:
    spend(vc, 60)
    vc.advance(600)
    spend(vc, 40)
    r = vc.call("get-user-calls")
    assert r.status_code == 429 and r.json() == TOO_MANY
    assert int(r.headers["retry-after"]) == 300  # the first 60 leave the window at 900 s
    assert vc.journal()[-1]["status"] == 429
    vc.advance(299)
    assert vc.call("get-user-calls").status_code == 429  # still inside the window
    vc.advance(1)  # the first 60 queries are now 15 minutes old
    spend(vc, 60)
    assert vc.call("get-queue-calls").status_code == 429
    vc.advance(900)
    spend(vc, 100)


def test_refused_429s_spend_nothing(vc: VC) -> None:
    spend(vc, 100)
    for _ in range(20):
        assert vc.call("get-system-status").status_code == 429
    vc.advance(900)
    spend(vc, 100)


def test_call_to_number_is_limited_too(vc: VC) -> None:
    spend(vc, 100)
    r = vc.call("call-to-number", data={"user_number": "1001", "number_to_call": "1002"})
    assert r.status_code == 429
    assert vc.calls() == []  # the refused request placed no call


def test_admitted_requests_spend_budget_whatever_their_answer(vc: VC) -> None:
    """400s and 404s were admitted (key and address fine): they count, as a throttle in
    front of the API counts them; 401s never reach the budget."""
    for _ in range(50):
        assert vc.call("get-user-calls", params={"limit": 0}).status_code == 400
    for _ in range(30):
        assert vc.call("get-user-calls", params={"users_names": "Nobody"}).status_code == 404
    for _ in range(40):
        assert vc.call("get-user-calls", key="bad").status_code == 401
    vc.settings({"voipcloud": {"api_key_param": False}})
    for _ in range(40):
        r = vc.call("get-user-calls", key="", params={"api_key": vc.key})
        assert r.status_code == 401
    spend(vc, 20)
    assert vc.call("get-system-status").status_code == 429


def test_budget_is_per_tenant(vc: VC) -> None:
    other = vc.create_tenant(id="other")["credentials"]["api_key"]
    spend(vc, 100)
    assert vc.call("get-system-status").status_code == 429
    spend(vc, 100, key=other)
    assert vc.call("get-system-status", key=other).status_code == 429


def test_limit_and_window_are_settings(vc: VC) -> None:
    vc.settings({"rate_limit": {"limit": 3, "window": 60}})
    spend(vc, 3)
    assert vc.call("get-system-status").status_code == 429
    vc.advance(60)
    spend(vc, 3)
    vc.settings({"rate_limit": {"limit": 0}})  # 0 switches limiting off
    spend(vc, 150)
