"""The call log keeps each ended call's entry: an entry read once still shows a later change of
what it shows besides the call (an agent's name, the time zone)."""

from __future__ import annotations

from .conftest import ANIL, APP, MC

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
