"""A scaled-down busy day as a property: whatever the seed and the load, the vendor's CDRs, its
call lists, its webhooks and the run's statistics tell the same story (counts match, durations
add up, start <= answer <= end). The full 10,000-call day is bench/busy_day.py."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import parse_qsl

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.scenario.loader import load_file
from emulators.testing import run_scenario

from .conftest import LIBRARY

BUSY_DAY = next(p for p in LIBRARY if p.stem == "busy_day")


def day(seed: int, count: int, agents: int, api: list[dict]) -> "object":
    scenario = load_file(BUSY_DAY)
    scenario.seed = seed
    scenario.generators[0].update(count=count, over="20m")
    scenario.world["agent_pools"][0]["count"] = agents
    scenario.expect = {"api": api}
    return scenario


KERAUNO_API = [
    {"path": "/kerauno/api/v1/reporting/", "status": 200,
     "query": {"key": "${credentials.key}", "type": "cdr", "start_date": "${start}", "end_date": "${now}"}},
    {"path": "/kerauno/api/v1/reporting/", "status": 200,
     "query": {"key": "${credentials.key}", "type": "ring_groups", "start_date": "${start}", "end_date": "${now}"}},
]
VOIPCLOUD_API = [
    {"path": "/api/integration/v1/get-queue-calls", "status": 200, "headers": {"token": "${credentials.api_key}"},
     "query": {"from_date": "${start.date}", "limit": 10000}},
    {"path": "/api/integration/v1/get-user-calls", "status": 200, "headers": {"token": "${credentials.api_key}"},
     "query": {"from_date": "${start.date}", "limit": 10000}},
]


def body(answer: str) -> object:
    return json.loads(answer.split(" ", 1)[1])


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31), count=st.integers(20, 120), agents=st.integers(2, 12))
def test_kerauno_cdrs_webhooks_and_statistics_agree(seed: int, count: int, agents: int) -> None:
    result = run_scenario(day(seed, count, agents, KERAUNO_API), "kerauno")
    assert result.status == "passed", result.report()
    hooks = [dict(parse_qsl(b)) for b in result.webhook_bodies]
    started = [h for h in hooks if h["event"] == "CALL_STARTED"]
    ended = {h["uniqueid"]: h for h in hooks if h["event"] == "CALL_ENDED"}
    cdrs = {r["unique_id"]: r for r in body(result.api_answers[0]).values()}
    groups = {r["unique_id"]: r for r in body(result.api_answers[1]).values()}
    # counts match: every call started, ended, has one CDR and one ring-group row
    assert len(started) == len(ended) == len(cdrs) == len(groups) == count == result.stats["calls"]
    assert set(ended) == set(cdrs) == set(groups) == {h["uniqueid"] for h in started}
    stats = result.stats["dispositions"]
    assert sum(stats.values()) == count and "live" not in stats
    answered = [r for r in groups.values() if r["ans_agent_num"]]
    assert len(answered) == stats.get("answered", 0)
    for uid, row in cdrs.items():
        # durations add up: the webhook, the CDR and the ring-group row agree to the second
        assert int(row["duration"]) == int(ended[uid]["duration"]) == int(groups[uid]["duration"])
        assert 0 <= int(groups[uid]["hold_time"]) <= int(row["duration"])
        start = datetime.strptime(row["date_time"], "%Y-%m-%d %H:%M:%S")
        end = datetime.strptime(ended[uid]["timestamp"], "%Y-%m-%d %H:%M:%S")
        assert start <= end and abs((end - start).total_seconds() - int(row["duration"])) <= 1


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31), count=st.integers(20, 120), agents=st.integers(2, 12))
def test_voipcloud_call_lists_and_statistics_agree(seed: int, count: int, agents: int) -> None:
    result = run_scenario(day(seed, count, agents, VOIPCLOUD_API), "voipcloud")
    assert result.status == "passed", result.report()
    queue_calls = body(result.api_answers[0])["data"]
    user_calls = body(result.api_answers[1])["data"]
    stats = result.stats["dispositions"]
    assert len(queue_calls) == count == sum(stats.values())
    statuses = [r["status"] for r in queue_calls]
    assert statuses.count("answered") == stats.get("answered", 0) == len(user_calls)
    assert statuses.count("abandoned") + statuses.count("timedout") == count - stats.get("answered", 0)
    for row in queue_calls:
        start = datetime.fromisoformat(row["call_start_at"])
        end = datetime.fromisoformat(row["call_finished_at"])
        answer = datetime.fromisoformat(row["call_answered_at"]) if row["call_answered_at"] else None
        assert start <= (answer or start) <= end  # start <= answer <= end
        assert (answer is None) == (row["answered_by_user_name"] == "")
    talk = sum(r["conversation_duration"] for r in user_calls)
    total = sum(r["call_duration"] for r in user_calls)
    assert all(r["conversation_duration"] <= r["call_duration"] for r in user_calls) and talk <= total
