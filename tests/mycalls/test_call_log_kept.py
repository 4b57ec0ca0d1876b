"""The call log keeps each ended call's entry: an entry read once still shows a later change of
what it shows besides the call (an agent's name, the time zone). A page of settled calls is
kept whole: a new call, one ending, a restore, a reset or a scenario's world is in the next read."""

from __future__ import annotations

from .conftest import ANIL, APP, MC
from support.worlds import run_empty_world

REMOVE = f"/api/v1/app/{APP}/ag/default/remAgent"
ADD = f"/api/v1/app/{APP}/ag/default/addAgent"


def anil_names(log: dict) -> set[str]:
    return {a["name"] for c in log["data"] for a in c["transfer"] if a["to"] == ANIL}


def test_a_kept_entry_follows_agent_names_and_the_time_zone(mc: MC) -> None:
    first = mc.call_log()
    assert anil_names(first) == {"Anil Gupta"} and mc.call_log() == first
    assert mc.ok("POST", REMOVE, number=ANIL) == {"result": "success"}
    assert mc.ok("POST", ADD, number=ANIL, name="Anil G. <&/>") == {"result": "success"}
    renamed = mc.call_log()
    assert anil_names(renamed) == {"Anil G. <&/>"}
    assert [c["uid"] for c in renamed["data"]] == [c["uid"] for c in first["data"]]
    mc.settings({"timezone": "UTC"})
    utc = mc.call_log()
    assert [c["uid"] for c in utc["data"]] == [c["uid"] for c in first["data"]]
    assert all(a["time"] != b["time"] for a, b in zip(utc["data"], renamed["data"]))
    assert anil_names(utc) == {"Anil G. <&/>"}


# -- whole pages: a page of settled calls is kept; every change is seen by the next read ---------

def test_a_kept_page_follows_new_calls_the_clock_a_restore_and_a_reset(mc: MC) -> None:
    first = mc.call_log()
    assert mc.call_log() == first and first["data"]
    snap = mc.control("GET", "/snapshot")
    mc.inbound("+61400000001")
    live = mc.call_log()
    assert live["page"]["totalItems"] == first["page"]["totalItems"] + 1
    assert live["data"][0]["cli"] == "+61400000001" and live["data"][0]["active"] is True
    mc.advance(600)
    ended = mc.call_log()
    assert ended["data"][0]["uid"] == live["data"][0]["uid"] and ended["data"][0]["active"] is False
    assert mc.call_log() == ended
    mc.control("POST", "/restore", snap)
    assert mc.call_log() == first
    mc.inbound("+61400000002")
    assert mc.call_log()["data"][0]["cli"] == "+61400000002"
    mc.control("POST", "/reset")
    assert mc.call_log() == first


def test_a_kept_page_follows_a_group_name_and_a_scenario_world(mc: MC) -> None:
    first = mc.call_log()
    snap = mc.control("GET", "/snapshot")
    queue = next(q for q in snap["queues"] if q["name"] == "default")
    queue["name"] = "renamed"
    mc.control("POST", "/restore", snap)
    groups = {a["group"] for c in mc.call_log()["data"] for a in c["transfer"]}
    assert "renamed" in groups and "default" not in groups
    run_empty_world(mc.http)
    emptied = mc.call_log()
    assert emptied["data"] == [] and emptied != first
