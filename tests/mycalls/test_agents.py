"""Agents and their verification (mycalls.txt, agent walkthrough): a number is verified once per
subscriber (``method`` -> pending, ``key`` -> passed), only then can it be added to a group, and
removed again; the control plane shows the key each number was sent."""

from __future__ import annotations

from .conftest import ANIL, APP, MC

VERIFY = f"/api/v1/app/{APP}/verifyagent"
AGENTS = f"/api/v1/app/{APP}/ag/default/agents"
ADD = f"/api/v1/app/{APP}/ag/default/addAgent"
REMOVE = f"/api/v1/app/{APP}/ag/default/remAgent"
NEW = "9716705555"


def test_add_is_refused_until_the_number_is_verified(mc: MC) -> None:
    r = mc.post(ADD, number=NEW, name="testagent")
    assert r.status_code == 403 and r.json() == {"error": "Number is not verified"}
    assert mc.ok("POST", VERIFY, number=NEW, method="sms") == {"verification": "pending"}
    pending = mc.verifications()["pending"]
    assert pending == [{"number": NEW, "method": "sms", "key": "0805", "requested_at": "2026-01-05T14:00:00Z"}]
    assert mc.post(ADD, number=NEW, name="testagent").status_code == 403  # pending is not verified
    wrong = mc.post(VERIFY, number=NEW, key="1234")
    assert wrong.status_code == 400 and wrong.json() == {"error": "Invalid verification key"}
    assert mc.verifications()["pending"] == pending  # a wrong key leaves it pending
    assert mc.ok("POST", VERIFY, number=NEW, key="0805") == {"verification": "passed"}
    assert mc.verifications() == {"pending": [], "verified": [ANIL, NEW]}
    assert mc.ok("POST", ADD, number=NEW, name="testagent") == {"result": "success"}
    assert mc.ok("GET", AGENTS) == {"maxPriority": 2, "agents": [
        {"type": "USER", "number": ANIL, "priority": 1, "guid": "21c50d57625040419a7bef92ea4c6c6c",
         "name": "Anil Gupta"},
        {"type": "NUMBER", "number": NEW, "priority": 2, "guid": None, "name": "testagent"}]}


def test_verified_once_stays_verified_for_the_subscriber(mc: MC) -> None:
    mc.verify_and_add(NEW, "testagent")
    assert mc.ok("POST", REMOVE, number=NEW) == {"result": "success"}
    # any app of the subscriber, any method, later: passed at once, nothing pending
    assert mc.ok("POST", VERIFY, number=NEW, method="call") == {"verification": "passed"}
    assert mc.ok("POST", VERIFY, number=NEW, key="9999") == {"verification": "passed"}
    assert mc.verifications()["pending"] == []
    assert mc.ok("POST", ADD, number=NEW, name="back again") == {"result": "success"}
    # the seeded agent's number was verified before it was placed
    assert mc.ok("POST", VERIFY, number=ANIL, method="sms") == {"verification": "passed"}
    # another subscriber (tenant) has verified nothing of this one's
    other = mc.new_tenant()
    assert other.ok("POST", VERIFY, number=NEW, method="sms") == {"verification": "pending"}


def test_the_key_is_a_tenant_setting_kept_with_each_verification(mc: MC) -> None:
    mc.settings({"mycalls": {"verification_key": "4711"}})
    assert mc.ok("POST", VERIFY, number=NEW, method="sms") == {"verification": "pending"}
    mc.settings({"mycalls": {"verification_key": "1111"}})  # the SMS already went out with 4711
    assert mc.verifications()["pending"][0]["key"] == "4711"
    assert mc.post(VERIFY, number=NEW, key="0805").status_code == 400
    assert mc.post(VERIFY, number=NEW, key="1111").status_code == 400
    assert mc.ok("POST", VERIFY, number=NEW, key="4711") == {"verification": "passed"}
    # asking again renews the verification with the key of the moment
    mc.ok("POST", VERIFY, number="9716700001", method="sms")
    mc.ok("POST", VERIFY, number="9716700001", method="call")
    assert mc.verifications()["pending"] == [{"number": "9716700001", "method": "call", "key": "1111",
                                              "requested_at": "2026-01-05T14:00:00Z"}]
    bad = mc.http.patch("/_emulator/tenants/default/settings", json={"mycalls": {"verification_key": ""}})
    assert bad.status_code == 400


def test_priority_defaults_to_after_the_highest_and_can_be_given(mc: MC) -> None:
    mc.verify_and_add("9716700001", "second")
    mc.verify_and_add("9716700002", "tenth", priority="10")
    mc.verify_and_add("9716700003", "eleventh")
    agents = mc.ok("GET", AGENTS)
    assert agents["maxPriority"] == 11
    assert [(a["name"], a["priority"]) for a in agents["agents"]] == [
        ("Anil Gupta", 1), ("second", 2), ("tenth", 10), ("eleventh", 11)]


def test_remove_takes_the_number_out_of_that_group_only(mc: MC) -> None:
    group = mc.ok("POST", f"/api/v1/app/{APP}/ag/sales", distribution="PR")
    assert group["name"] == "sales" and group["distribution"] == "PR" and group["ringtime"] == 15
    mc.verify_and_add(NEW, "testagent")
    assert mc.ok("POST", f"/api/v1/app/{APP}/ag/sales/addAgent", number=NEW, name="testagent") == {
        "result": "success"}
    assert mc.ok("POST", f"/api/v1/app/{APP}/ag/sales/addAgent", number=ANIL, name="Anil Gupta") == {
        "result": "success"}
    assert mc.ok("POST", REMOVE, number=ANIL) == {"result": "success"}
    assert [a["number"] for a in mc.ok("GET", AGENTS)["agents"]] == [NEW]
    assert [a["number"] for a in mc.ok("GET", f"/api/v1/app/{APP}/ag/sales/agents")["agents"]] == [NEW, ANIL]
    assert mc.post(REMOVE, number=ANIL).status_code == 404
    assert mc.ok("GET", f"/api/v1/app/{APP}/ag/list") == {"data": [
        {"name": "default", "display_name": "default"}, {"name": "sales", "display_name": "sales"}]}


def test_group_settings_change_and_show(mc: MC) -> None:
    group = mc.ok("POST", f"/api/v1/app/{APP}/ag/default", ringtime="20", distribution="PR", sticky="true",
                  sticky_days="7", recording="disabled", display_name="Front desk")
    assert group == {"sticky": True, "name": "default", "ringtime": 20, "recording": "disabled",
                     "distribution": "PR", "sticky_days": 7}
    assert mc.ok("GET", f"/api/v1/app/{APP}/ag/default") == group
    assert mc.ok("GET", f"/api/v1/app/{APP}/ag/list") == {"data": [{"name": "default",
                                                                    "display_name": "Front desk"}]}
    assert mc.ok("POST", f"/api/v1/app/{APP}/ag/default", sticky="0")["sticky_days"] == 7
