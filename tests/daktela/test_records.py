"""Records, call scripts and the autodialer through HTTP: a record's life (created, dialled by its
campaign, answered by an operator whose call script opens, wrapped up, closed with a status,
snapshotted and exported), the edits and searches of the Forms actions, and their refusals."""

from __future__ import annotations

from typing import Any

from .conftest import Dak
from .helpers import TOKEN, T


def record(dak: Dak, rid: str) -> dict[str, Any]:
    rows = dak.ok("GetRecords", "4.1", **{"filter[record]": rid, "filter[deleted]": "0"})
    assert rows["total"] == "1", rows
    return dict(rows["data"][0])


def update(dak: Dak, **params: str) -> Any:
    """UpdateRecord with its own ``action`` parameter (which ``Dak.ok`` names the action by)."""
    return dak.client.get("/api/4.1/UpdateRecord/json", params={"access_token": TOKEN, **params}).json()


def free_michal(dak: Dak) -> None:
    dak.ok("Hangup", "3.1", user="michalhajek")
    dak.advance(20)  # queue 5000's wrap-up


def dialer(dak: Dak, queue: str) -> dict[str, Any]:
    r = dak.client.get(f"{T}/default/daktela/dialer")
    assert r.status_code == 200
    return next(c for c in r.json() if c["queue"] == queue)


def test_a_record_is_dialled_answered_wrapped_up_closed_and_exported(dak: Dak) -> None:
    free_michal(dak)
    created = dak.ok("CreateRecord", "4.1", queue="2003", phonenumber="603444555", **{"fields[1]": "Test"})
    new_id = str(created["record"]["record"])
    assert dialer(dak, "9")["live"] == 0  # nobody of 2003 is free: the autodialer waits
    dak.ok("LoginQueue", "3.0", user="michalhajek", queue="2003")
    dak.advance(1)
    assert dialer(dak, "9")["live"] == 1  # record 9 first, one call for one free operator
    dak.advance(12)  # the customer answers after 6 s, michalhajek after 4 more
    state = dak.ok("RTUserState", "4.0", user="michalhajek")
    assert state["agent_state"] == "Speaking" and state["callscript_opened"] == "9"
    call_id = state["calls"][0]["id_call"]
    assert state["calls"][0]["oqueue"]["name"] == "2003"
    opened = dak.ok("CallScriptOpened", "4.0", user="michalhajek")
    assert opened["record"]["record"] == "9" and opened["record"]["action"] == "1"
    assert list(opened["fields"]) == ["1", "4", "5"] and opened["fields"]["4"]["value"] == ["Brno"]
    assert record(dak, "9")["call_id"] == call_id
    for _ in range(40):  # the customer talks 20-180 s
        dak.advance(10)
        if not dak.ok("RTUserState", "4.0", user="michalhajek")["calls"]:
            break
    wrapped = dak.ok("RTUserState", "4.0", user="michalhajek")
    assert (wrapped["agent_state"], wrapped["id_pause"]) == ("Paused", "2")  # on "Wrap" while the script is open
    assert dak.ok("GetRecordAttempts", "4.1", record="9")["count_answered"] == "1"
    assert dialer(dak, "9")["live"] == 0  # no free operator: nothing dialled
    assert dak.error("PauseOff", "3.0", user="michalhajek") == "Agent má otevřený formulář, nejprve jej uložte"
    closed = dak.ok("CallScriptClose", "4.0", call_id=call_id, status="objednavka",
                    **{"fields[field_poznamka]": "Objednal"})
    assert closed["cc"] == {"result": True, "error": None}
    assert (closed["record"]["record"], closed["record"]["action"], closed["record"]["status"]) == (9, 5, "9")
    assert dak.ok("RTUserState", "4.0", user="michalhajek")["id_pause"] is None
    assert dak.ok("CallScriptOpened", "4.0", user="michalhajek") == {"record": None}
    dak.advance(1)
    assert dialer(dak, "9")["live"] == 1  # free again: the next record, the one just created
    dak.advance(12)
    assert dak.ok("RTUserState", "4.0", user="michalhajek")["callscript_opened"] == new_id
    snaps = dak.ok("GetRecordSnapshots", "4.1", record="9")
    assert snaps["total"] == len(snaps["data"]) >= 2
    assert snaps["data"][-1]["status"] == "9" and snaps["data"][-1]["created_by"] == "5"
    assert snaps["data"][-1]["fields"]["17"] == ["Objednal"]
    rows = dak.ok("ExportData", "3.8", queue="2003", **{"actions[]": "5"})
    mine = next(r for r in rows if r["sysdata_id"]["value"] == "9")
    assert mine["sysdata_action_number"]["value"] == "5" and mine["sysdata_callstatus"]["value"] == "Objednavka"
    assert mine["sysdata_asterisk_uniqueid"]["value"] == call_id
    assert mine["sysdata_date"]["value"][2] == "." and mine["sysdata_date"]["value"][5] == "."
    assert list(mine)[-3:] == ["data_1", "data_4", "data_5"] and mine["data_4"]["value"] == "Brno"


def test_a_replanned_record_waits_for_its_next_call(dak: Dak) -> None:
    r = dak.ok("CallScriptClose", "4.0", record="67", status="rozmysli_se", nextcall="2026-01-07 10:00:00")
    assert r["record"]["action"] == 6 and r["record"]["nextcall"] == "2026-01-07 10:00:00"
    assert r["cc"] == {"result": True, "error": None}
    past = dak.ok("CallScriptClose", "4.0", call_id="1367484976.4601WS", status="zavolat_pozdeji_rozmysli",
                  nextcall="2013-12-01 18:00:00", pause="obed")
    assert (past["record"]["action"], past["record"]["nextcall"]) == (6, None)  # a past time: call now
    assert past["cc"] == {"result": True, "error": None}
    assert dak.ok("RTUserState", "4.0", user="daktelatester")["id_pause"] == "7"  # Obed
    dak.ok("UpdateRecord", "4.1", record="67", user="")  # freed: the campaign may call it, at its time
    rows = {r["record"]: r for r in dialer(dak, "9")["records"]}
    assert (rows["67"]["next_call"], rows["67"]["held"]) == (1767776400.0, False)  # 2026-01-07 10:00 in Prague
    assert (rows["64"]["next_call"], rows["64"]["held"]) == (1767621600.0 + 2 * 86400, False)
    assert rows["318"]["held"] and rows["100"]["held"]  # assigned to admin; done


def test_call_script_close_reports_a_pause_it_cannot_set_inside_cc(dak: Dak) -> None:
    r = dak.call("CallScriptClose", "4.0", call_id="1367484976.46040WS", status="objednavka", pause="pause_20")
    assert r.json()["status"] == 1
    assert '"cc":{"result":false,"error":"Agent nen\\u00ed p\\u0159ihl\\u00e1\\u0161en do \\u017e\\u00e1dn\\u00e9 ' \
           'z front, tedy nen\\u00ed mo\\u017en\\u00e9 ho d\\u00e1t na pauzu"}}}' in r.text
    assert record(dak, "67")["action"] == "5"  # the save stands
    assert dak.error("CallScriptClose", "4.0", record="5") == "Stav musí být vyplněn"
    assert dak.error("CallScriptClose", "4.0", call_id="1.1", status="objednavka") == "Záznam neexistuje"
    assert dak.error("CallScriptClose", "4.0", status="objednavka") == "Chybí povinný parametr record"
    assert dak.error("CallScriptClose", "4.0", record="5", status="nic") == "Stav neexistuje"
    assert dak.ok("CallScriptClose", "4.0", record="62", status="nezajem", pause="nope")["cc"] == \
        {"result": False, "error": "Tato pauza nebyla nalezena"}


def test_create_update_delete(dak: Dak) -> None:
    created = dak.ok("CreateRecord", "4.1", queue="2003", phonenumber="226211245", nextcall="2026-02-01 09:00:00",
                     **{"fields[3]": "Tohle je importovano pres API"})
    rec = created["record"]
    assert created["count"] == 1 and (rec["queue"], rec["action"], rec["deleted"], rec["call_id"]) == ("9", 0, 0, None)
    assert rec["name"] == "record_695bc3e000000" and rec["nextcall"] == "2026-02-01 09:00:00"
    listed = record(dak, str(rec["record"]))
    assert listed["fields"] == {"1": [], "4": [], "5": [], "3": ["Tohle je importovano pres API"]}
    upd = dak.ok("UpdateRecord", "4.1", record=str(rec["record"]), queue="1", phonenumber="226211246",
                 **{"fields[3]": "42"})["record"]
    assert (upd["queue"], upd["number"], upd["title"], upd["action"]) == ("1", "226211246", "226211245", "0")
    assert upd["fields"]["3"] == ["42"] and upd["edited"] == "2026-01-05 15:00:00"
    done = update(dak, record="9", status="9", action="5", user="1")
    assert (done["result"]["record"]["status"], done["result"]["record"]["action"]) == ("9", "5")
    assert dak.error("UpdateRecord", "4.1", record="9", status="7", queue="1") == "Stav neexistuje"
    assert update(dak, record="9", action="3") == {"error": "Neplatná hodnota parametru action", "status": 0}
    assert dak.error("UpdateRecord", "4.1", record="99999") == "Záznam neexistuje"
    assert dak.ok("DeleteRecord", "4.1", record=str(rec["record"])) == 1
    assert all(r["record"] != str(rec["record"]) for r in dak.ok("GetRecords", "4.1", take="1000")["data"])
    gone = dak.ok("GetRecords", "4.1", **{"filter[deleted]": "1"})
    assert [r["record"] for r in gone["data"]] == [str(rec["record"])]
    assert dak.error("CreateRecord", "4.1", queue="2000x", phonenumber="1234567") == "Fronta neexistuje"
    assert dak.error("CreateRecord", "4.1", queue="2003", phonenumber="abc") == "Neplatná hodnota parametru phonenumber"
    assert dak.error("CreateRecord", "4.1", queue="2003", phonenumber="1234567", **{"fields[99]": "x"}) == \
        "Neplatná hodnota parametru fields"


def test_get_records_searches_sorts_and_pages(dak: Dak) -> None:
    everything = dak.ok("GetRecords", "4.1", take="1000")
    assert everything["total"] == str(len(everything["data"])) and everything["data"][0]["record"] == "5"
    by_queue = dak.ok("GetRecords", "4.1", **{"filter[queue]": "1"})
    assert {r["record"] for r in by_queue["data"]} == {"51", "52", "53", "54"}
    op = dak.ok("GetRecords", "4.1", **{"filter[field]": "number", "filter[operator]": "startswith",
                                        "filter[value]": "2262"})
    assert {r["record"] for r in op["data"]} >= {"31", "64"}
    either = dak.ok("GetRecords", "4.1", **{"filter[logic]": "or", "filter[filters][0][field]": "record",
                                            "filter[filters][0][value]": "5", "filter[filters][1][field]": "record",
                                            "filter[filters][1][value]": "9"})
    assert [r["record"] for r in either["data"]] == ["5", "9"]
    newest = dak.ok("GetRecords", "4.1", sort="-created", take="2")
    assert newest["total"] == everything["total"] and len(newest["data"]) == 2
    assert newest["data"][0]["created"] >= newest["data"][1]["created"]
    assert dak.ok("GetRecords", "4.1", q="dvořákov")["data"][0]["record"] == "5"
    assert [r["record"] for r in dak.ok("GetRecords", "4.1", skip="1", take="1", **{"filter[queue]": "1"})["data"]] \
        == ["52"]
    assert dak.error("GetRecords", "4.1", **{"filter[nope]": "1"}) == "Neplatná hodnota parametru filter"
    assert dak.error("GetRecords", "4.1", sort="nope") == "Neplatná hodnota parametru sort"


def test_copy_and_move(dak: Dak) -> None:
    assert dak.ok("CopyRecords", "3.3", id="9", dst_queue="2009") is None
    copies = dak.ok("GetRecords", "4.1", **{"filter[queue]": "11"})["data"]
    assert [(r["number"], r["fields"]) for r in copies] == [("603927227", {"1": ["Karel"], "4": ["Brno"],
                                                                           "5": ["60200"]})]
    assert dak.ok("MoveRecords", "3.3", src_queue="2003", dst_queue="2009", update_agent="", update_action="0",
                  search_datetime_modify_from="2013-01-11 00:00:00",
                  search_datetime_modify_to="2013-01-16 23:59:59") is None
    moved = record(dak, "100")
    assert (moved["queue"], moved["action"], moved["user"]) == ("11", "0", None)
    assert dak.ok("MoveRecords", "3.3", id="9", dst_queue="2009", update_callstatus="5") is None
    assert (record(dak, "9")["queue"], record(dak, "9")["status"]) == ("11", "5")
    assert dak.error("MoveRecords", "3.3", dst_queue="2009") == "Chybí povinný parametr id"
    assert dak.error("CopyRecords", "3.3", id="9", dst_queue="9999") == "Fronta neexistuje"


def test_statuses_by_version(dak: Dak) -> None:
    forms = dak.ok("GetStatuses", "3.8")
    assert list(forms)[:3] == ["4", "5", "7"] and forms["9"]["code"] == "objednavka"
    in_support = dak.ok("GetStatuses", "3.9", queue="2000")
    assert "7" not in in_support and "9" in in_support
    assert dak.ok("GetStatuses", "3.8", id="9") == {"9": forms["9"]}
    assert dak.error("GetStatuses", "3.8", id="77") == "Stav neexistuje"
    checks = dak.ok("GetStatuses", "4.0")
    assert checks[0] == {"status": "1", "name": "Volany ucastnik je docasne nedostupny", "code": "2"}
    assert dak.ok("GetStatuses", "4.1") == checks
    assert dak.error("GetStatuses", "3.7") == "Tato akce není v této verzi API dostupná"


def test_search_contacts(dak: Dak) -> None:
    found = dak.ok("SimpleSearchContact", "3.2", phonenumber="226211245", **{"queues[]": "1002"})
    assert [(c["number_campaign"], c["sysdata_struct"]["id"]) for c in found] == [("1002", "31")]
    contact = found[0]
    assert contact["array_struct"]["label_field"] == ["Jméno", "Email", "Příjmení", "Vyber"]
    assert contact["array_struct"]["default_value_field"][3] == '["ANO","NE"]'
    assert contact["array_struct"]["value_data"] == ["Michal", "noreply@daktela.com", "Hajek", "ANO"]
    everywhere = dak.ok("SimpleSearchContact", "3.2", phonenumber="226211245")
    assert {c["number_campaign"] for c in everywhere} >= {"1002", "2003"}


def test_export_filters_and_its_date_format(dak: Dak) -> None:
    rows = dak.ok("ExportData", "3.8", queue="2003", **{"agents[]": "1"})
    assert [r["sysdata_id"]["value"] for r in rows] == ["318"]
    row = rows[0]
    assert (row["sysdata_date"]["value"], row["sysdata_date_nextcall"]["value"], row["sysdata_date_create"]["value"]) \
        == ("28.08.2012 16:20:17", "28.08.2012 16:20:11", "27.08.2012 11:13:52")
    assert row["sysdata_action"]["value"] == "odložená na později"
    assert dak.ok("ExportData", "3.8", queue="2003", datetime_created_from="2026-01-01 00:00:00",
                  **{"agents[]": "1"}) == []
    assert dak.error("ExportData", "3.8", queue="1") == "Fronta neexistuje"


def test_record_attempts_of_the_docs_record(dak: Dak) -> None:
    r = dak.client.get(f"/api/4.1/GetRecordAttempts/json?access_token={TOKEN}&record=5")
    assert r.text == '{"status":1,"error":null,"result":{"count_answered":"3","count_unanswered":"1",' \
                     '"last_datetime":"2014-04-17 13:45:13"}}'


def test_changes_are_false_after_a_save_as_every_example_shows(dak: Dak) -> None:
    """CreateRecord's example sets a field, CallScriptClose's second one too: both answer
    ``"changes":{"fields":false,"record_snapshots":false}`` although a snapshot was written."""
    created = dak.ok("CreateRecord", "4.1", queue="2003", phonenumber="226211245", **{"fields[3]": "API"})
    assert created["record"]["changes"] == {"fields": False, "record_snapshots": False}
    closed = dak.ok("CallScriptClose", "4.0", record="67", status="objednavka", **{"fields[field_poznamka]": "x"})
    assert closed["record"]["changes"] == {"fields": False, "record_snapshots": False}
    snaps = dak.ok("GetRecordSnapshots", "4.1", record="67")["data"]
    assert snaps[-1]["fields"]["17"] == ["x"]  # saved all the same
