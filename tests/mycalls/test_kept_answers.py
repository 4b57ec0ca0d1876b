"""The app list and the call log are kept whole per request URL (``emulators/mycalls/kept.py``):
each read twice is the same answer, and every change that could alter one is in the next read —
a new call, a call in progress that ends, the apps (a restore, a reset), an app alias and the
time zone (the settings). ``test_call_log_kept.py`` covers agent and group names and a scenario's
world."""

from __future__ import annotations

import time
from typing import Any

from .conftest import APP, CALL_LOG_APP, MC, T

LIST = "/api/v1/app/list"
SECOND_APP = {"guid": "b" * 32, "number.virtual": "44000000", "number.physical": "44000001",
              "name": "second", "group": "default"}


def app_list(mc: MC, **params: Any) -> dict[str, Any]:
    answer = mc.ok("GET", LIST, **params)
    assert mc.ok("GET", LIST, **params) == answer  # the kept answer is the made one
    return answer


def test_the_app_list_follows_a_restore_and_a_reset(mc: MC) -> None:
    first = app_list(mc)
    assert [a["name"] for a in first["data"]] == ["test"] and first["page"]["totalItems"] == 1
    second_page = app_list(mc, pg=2)  # its own URL, its own answer
    assert second_page["page"]["cur"].endswith("?pg=2") and second_page["data"] == first["data"]
    snap = mc.control("GET", "/snapshot")
    snap["state"]["apps"][0]["name"] = "renamed"
    snap["state"]["apps"].append(SECOND_APP)
    mc.control("POST", "/restore", snap)
    restored = app_list(mc)
    assert [a["name"] for a in restored["data"]] == ["renamed", "second"]
    assert restored["page"]["totalItems"] == 2 and restored["data"][1]["number.physical"] == "44000001"
    mc.control("POST", "/reset")
    assert app_list(mc) == first


def test_the_call_log_follows_an_alias_setting(mc: MC) -> None:
    path = f"/api/v1/app/{CALL_LOG_APP}/calls"
    aliased = mc.call_log(CALL_LOG_APP)
    assert aliased["data"] and mc.call_log(CALL_LOG_APP) == aliased
    mc.settings({"mycalls": {"app_aliases": {CALL_LOG_APP: None}}})
    gone = mc.get(path)
    assert gone.status_code == 404, gone.text
    mc.settings({"mycalls": {"app_aliases": {CALL_LOG_APP: APP}}})
    assert mc.call_log(CALL_LOG_APP) == aliased


def test_a_call_log_since_page_follows_a_new_call_its_end_and_the_zone(mc: MC) -> None:
    newest = mc.call_log()["data"][0]["uid"]
    empty = mc.call_log(since=newest)
    assert empty["data"] == [] and mc.call_log(since=newest) == empty
    mc.inbound("+61400000009")
    live = mc.call_log(since=newest)
    assert [c["cli"] for c in live["data"]] == ["+61400000009"] and live["data"][0]["active"] is True
    mc.advance(600)
    ended = mc.call_log(since=newest)
    assert ended["data"][0]["uid"] == live["data"][0]["uid"] and ended["data"][0]["active"] is False
    assert mc.call_log(since=newest) == ended
    assert app_list(mc)["page"]["totalItems"] == 1  # a call is no app
    mc.settings({"timezone": "UTC"})
    utc = mc.call_log(since=newest)
    assert utc["data"][0]["uid"] == ended["data"][0]["uid"]
    assert utc["data"][0]["time"].endswith("+00:00") and ended["data"][0]["time"].endswith("+05:30")


def test_a_call_log_follows_a_call_moving_to_another_apps_group(mc: MC) -> None:
    """MyCalls' API, control plane and scenarios cannot move a call between groups (no transfer
    feature), but the core's engines can: a call that came in on no app's number belongs to
    its group's app, so a transfer moves it to another app's log (``calls_stamp``'s event count)."""
    from emulators.core import engine

    snap = mc.control("GET", "/snapshot")
    other = {**snap["queues"][0], "id": f"{SECOND_APP['guid']}:other", "name": "other",
             "number": f"ag:other@{SECOND_APP['guid']}", "members": [],
             "extra": {**snap["queues"][0]["extra"], "app": SECOND_APP["guid"], "display_name": "other"}}
    snap["queues"].append(other)
    snap["state"]["apps"].append(SECOND_APP)
    snap["numbers"].append({"number": "7777", "target": snap["numbers"][0]["target"], "name": ""})
    mc.control("POST", "/restore", snap)
    uid = mc.inbound("+61400000010", to="7777")["id"]
    mc.advance(10)
    assert mc.call_log()["data"][0]["uid"] == uid
    second = mc.call_log(SECOND_APP["guid"])
    assert second["data"] == [] and mc.call_log(SECOND_APP["guid"]) == second
    engine.transfer(mc.tenant, uid, f"queue:{other['id']}")
    moved = mc.call_log(SECOND_APP["guid"])
    assert [c["uid"] for c in moved["data"]] == [uid]
    assert uid not in {c["uid"] for c in mc.call_log()["data"]}


RENAMING_WORLD = f"""
name: the default world with its group replaced
start: "2026-01-05T14:00:00Z"
end: 1s
world:
  default: true
  queues:
    - {{id: "{APP}:default", number: "5000", name: renamed}}
timeline:
  - at: 0s
    wait_until: {{live_calls: 0}}
"""


def test_a_call_log_follows_a_group_a_scenario_replaces(mc: MC) -> None:
    """A world with ``default: true`` keeps the calls and history: only the group object (and
    the name every entry shows) changes."""
    first = mc.call_log()
    assert {a["group"] for c in first["data"] for a in c["transfer"]} == {"default"}
    started = mc.http.post(f"{T}/{mc.tid}/scenarios", content=RENAMING_WORLD.encode(),
                           headers={"content-type": "application/yaml"})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 20
    while (run := mc.http.get(started.json()["url"]).json())["status"] == "running":
        assert time.monotonic() < deadline, "the scenario did not finish"
        time.sleep(0.02)
    assert run["status"] == "passed", run
    renamed = mc.call_log()
    assert [c["uid"] for c in renamed["data"]] == [c["uid"] for c in first["data"]]
    assert {a["group"] for c in renamed["data"] for a in c["transfer"]} == {"renamed"}
