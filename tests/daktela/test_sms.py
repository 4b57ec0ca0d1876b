"""SMS and SMSConnect through HTTP: segmentation edges, the lifecycle on the clock (waiting, sent,
delivered or failed), scheduled, prioritised, throttled and held sends, groups over the SIM cards
and their cancellation, searches, retention, and the request as Daktela's PHP client sends it."""

from __future__ import annotations

from typing import Any

import httpx

from .conftest import Dak
from .helpers import TOKEN

SIM1 = {"gw": "1", "slot": "1", "port": "1"}


def raw(path: str) -> httpx.URL:
    """A request target sent as it is: httpx would read ``//api/...`` as a host."""
    return httpx.URL("http://testserver", raw_path=path.encode("ascii"))


def send(dak: Dak, **params: Any) -> dict[str, Any]:
    return dict(dak.ok("SendSMS", "3.1", **params))


def row(dak: Dak, sms_id: str, version: str = "3.1") -> dict[str, Any]:
    rows = dak.ok("GetSMS", version, id=sms_id)
    assert len(rows) == 1, rows
    return dict(rows[0])


def test_send_sms_answers_the_docs_bytes_with_its_space(dak: Dak) -> None:
    r = dak.call("SendSMS", "3.1", number="123456789", message="Ahoj")
    sms_id = r.json()["result"]["id"]
    assert r.text == '{"error":null,"status":1,"result":{"count_sms":"1", "id":"%s"}}' % sms_id
    xml = dak.call("SendSMS", "3.1", fmt="xml", number="123456789", message="Ahoj")
    assert xml.headers["content-type"].startswith("application/xml") and b"<count_sms>1</count_sms>" in xml.content


def test_segments_at_the_edges(dak: Dak) -> None:
    cases = [("a" * 160, {}, "1"), ("a" * 161, {}, "2"), ("a" * 306, {}, "2"), ("a" * 307, {}, "3"),
             ("a" * 159 + "{", {}, "2"), ("a" * 1377, {}, "9"), ("ř" * 70, {"unicode": "yes"}, "1"),
             ("ř" * 71, {"unicode": "yes"}, "2"), ("ř" * 603, {"unicode": "yes"}, "9"), ("ř" * 160, {}, "1")]
    for text, extra, count in cases:
        assert send(dak, number="123456789", message=text, **extra)["count_sms"] == count, (len(text), extra)
    too_long = "Zpráva je příliš dlouhá (nejvýše 1377 znaků, v unicode 603)"
    before = dak.ok("StatusSMS", "3.1")["count_waiting"]
    assert dak.error("SendSMS", "3.1", number="123456789", message="a" * 1378) == too_long
    assert dak.error("SendSMS", "3.1", number="123456789", message="ř" * 604, unicode="yes") == too_long
    assert dak.ok("StatusSMS", "3.1")["count_waiting"] == before  # refused: nothing queued


def test_without_unicode_the_text_goes_out_in_ascii(dak: Dak) -> None:
    plain = send(dak, number="123456789", message="Příliš žluťoučký kůň – „úpěl“")
    assert row(dak, plain["id"])["message"] == 'Prilis zlutoucky kun - "upel"'
    wide = send(dak, number="123456789", message="Příliš žluťoučký kůň", unicode="yes")
    assert row(dak, wide["id"])["message"] == "Příliš žluťoučký kůň"


def test_a_message_waits_is_sent_and_its_report_comes_on_the_clock(dak: Dak) -> None:
    sent = send(dak, number="603111222", message="Ahoj", confirmation="yes", accountcode="ID12345", **SIM1)
    first = row(dak, sent["id"])
    assert (first["result"], first["datetime_processed"], first["confirmation_enable"]) == ("waiting", None, "1")
    assert (first["gw_number"], first["slot_number"], first["port_number"], first["accountcode"]) == \
        ("1", "1", "1", "ID12345")
    dak.advance(3)  # a SIM card sends a segment in 3 s
    now = row(dak, sent["id"])
    assert (now["result"], now["confirmed"], now["datetime_processed"]) == ("ok", "0", "2026-01-05 14:00:03")
    assert now["datetime"] == "2026-01-05 15:00:00"  # datetime is Prague's, datetime_processed UTC (the doc's)
    dak.advance(10)  # the delivery report
    assert row(dak, sent["id"])["confirmed"] == "1"
    assert dak.ok("StatusSMS", "3.1")["last_datetime_processed"] == "2026-01-05 15:00:03"


def test_a_congested_number_fails_with_its_hex_code(dak: Dak) -> None:
    failed = send(dak, number="777888999", message="Ahoj", **SIM1)  # the default world's congested number
    dak.advance(3)
    got = row(dak, failed["id"])
    assert (got["result"], got["code_error"], got["confirmed"]) == ("error", "0x2A", "0")
    assert list(got)[list(got).index("result") + 1] == "code_error"


def test_priority_orders_a_lines_queue(dak: Dak) -> None:
    ids = {p: send(dak, number="603111222", message=f"p{p}", priority=str(p), **SIM1)["id"] for p in (10, 1, 20)}
    dak.advance(9)
    processed = {p: row(dak, i)["datetime_processed"] for p, i in ids.items()}
    assert processed == {20: "2026-01-05 14:00:03", 10: "2026-01-05 14:00:06", 1: "2026-01-05 14:00:09"}
    assert dak.error("SendSMS", "3.1", number="1234567", message="x", priority="21") == \
        "Neplatná hodnota parametru priority"


def test_a_scheduled_message_waits_for_its_time(dak: Dak) -> None:
    later = send(dak, number="603111222", message="Pozdeji", datetime_scheduled="2026-01-05 16:30:00", **SIM1)
    dak.advance(3600)
    assert row(dak, later["id"])["result"] == "waiting"
    dak.advance(1800 + 3)
    assert row(dak, later["id"])["datetime_processed"] == "2026-01-05 15:30:03"


def test_the_rate_limit_holds_messages_sent_one_by_one(dak: Dak) -> None:
    r = dak.call("SetSMSSettings", "3.1", sending_rate_limit="2", sending_rate_time="60")
    assert r.text == '{"error":null,"status":1}'
    ids = [send(dak, number="603111222", message=f"m{n}", **SIM1)["id"] for n in range(4)]
    dak.advance(120)
    assert [row(dak, i)["datetime_processed"] for i in ids] == [
        "2026-01-05 14:00:03", "2026-01-05 14:00:06", "2026-01-05 14:01:03", "2026-01-05 14:01:06"]
    settings = dak.ok("GetSMSSettings", "3.1")["settings"]
    assert (settings["sending_rate_limit"], settings["sending_rate_time"]) == ("2", "60")
    assert dak.error("SetSMSSettings", "3.1", sending_rate_limit="5", sending_rate_time="0") == \
        "Chybí povinný parametr sending_rate_time"


def test_groups_are_not_throttled_and_cycle_over_the_sim_cards(dak: Dak) -> None:
    dak.ok("SetSMSSettings", "3.1", sending_rate_limit="1", sending_rate_time="3600")
    numbers = {f"number[{i}]": f"60311122{i}" for i in range(4)}
    messages = {f"message[{i}]": f"Ahoj{i}" for i in range(4)}
    result = dak.ok("SendGroupSMS", "3.1", accountcode="kampan", **numbers, **messages)
    gid = next(iter(result))
    assert result[gid] == {"count_sms": 0, "id": int(gid), "group_id": int(gid)}
    ids = list(result)[1:]
    assert [result[i]["group_id"] for i in ids] == [int(gid)] * 4 and [int(i) for i in ids] == \
        list(range(int(gid) + 1, int(gid) + 5))
    ports = [row(dak, i)["port_number"] for i in ids]
    assert ports in (["1", "2", "1", "2"], ["2", "1", "2", "1"])
    dak.advance(6)  # two SIM cards, two messages each: done in 6 s despite the limit of 1 an hour
    assert all(row(dak, i)["result"] == "ok" for i in ids)
    status = dak.ok("StatusGroupSMS", "3.1", id=gid)[gid]
    assert status == {"group_id": gid, "accountcode": "kampan", "datetime_processed": "2026-01-05 15:00:06",
                      "datetime": "2026-01-05 15:00:00", "count_total": "4", "count_ok": "4", "count_waiting": "0",
                      "count_error": "0"}


def test_removing_a_group_cancels_only_its_waiting_messages(dak: Dak) -> None:
    numbers = {f"number[{i}]": f"60311122{i}" for i in range(3)}
    result = dak.ok("SendGroupSMS", "3.1", message="Zitra", datetime_scheduled="2026-01-06 09:00:00", **numbers)
    gid = next(iter(result))
    assert dak.ok("StatusGroupSMS", "3.1", waiting="true")[gid]["count_waiting"] == "3"
    assert dak.ok("RemoveGroupSMS", "3.1", rid=gid) == {"count_removed": 3}
    assert dak.ok("RemoveGroupSMS", "3.1", rid=gid) == {"count_removed": 0}
    assert gid not in dak.ok("StatusGroupSMS", "3.1", waiting="true")
    assert not [r for r in dak.ok("GetSMS", "3.1", keyword="Zitra")]
    assert dak.error("RemoveGroupSMS", "3.1", rid="999999") == "Skupina SMS neexistuje"
    seeded = dak.ok("RemoveGroupSMS", "3.1", rid="1234")  # the doc's: one sent, two waiting for tomorrow
    assert seeded == {"count_removed": 2}
    assert dak.ok("StatusGroupSMS", "3.1", id="1234")["1234"]["count_total"] == "1"


def test_a_group_of_twenty_thousand_and_one_more(dak: Dak) -> None:
    body = {"access_token": TOKEN, "message": "Hromadna"}
    body.update({f"number[{i}]": f"60{i:07d}" for i in range(20000)})
    r = dak.client.post("/api/3.1/SendGroupSMS/json", data=body)
    assert r.status_code == 200 and len(r.json()["result"]) == 20001
    body["number[20000]"] = "602000000"
    r = dak.client.post("/api/3.1/SendGroupSMS/json", data=body)
    assert r.json() == {"error": "Maximální počet zpráv ve skupině je 20000", "status": 0}


def test_group_numbers_and_messages_pair_by_key(dak: Dak) -> None:
    r = dak.ok("SendGroupSMS", "3.1", **{"number[a]": "603111222", "message[a]": "A", "number[b]": "603111223",
                                          "message[b]": "B"})
    ids = list(r)[1:]
    assert [row(dak, i)["message"] for i in ids] == ["A", "B"]
    assert dak.error("SendGroupSMS", "3.1", **{"number[0]": "603111222", "message[1]": "x"}) == \
        "Chybí povinný parametr message"


def test_allowed_hours_hold_messages_until_the_next_morning(dak: Dak) -> None:
    dak.ok("SetSMSSettings", "3.1", allowed_hour_begin="8", allowed_hour_end="14")  # it is 15:00 in Prague
    held = send(dak, number="603111222", message="Rano", **SIM1)
    dak.advance(6 * 3600)
    assert row(dak, held["id"])["result"] == "waiting"
    dak.advance(11 * 3600 + 3)  # 08:00 local the next day is 07:00 UTC
    assert row(dak, held["id"])["datetime_processed"] == "2026-01-06 07:00:03"


def test_an_allowed_end_hour_of_zero_sets_no_end(dak: Dak) -> None:
    """SetSMSSettings: allowed_hour_end "Set to 0 for disable": from 8:00 to midnight."""
    dak.ok("SetSMSSettings", "3.1", allowed_hour_begin="8")  # it is 15:00 in Prague; the end stays 0
    dak.advance(8.5 * 3600)  # 23:30
    late = send(dak, number="603111222", message="Pozde", **SIM1)
    dak.advance(3)
    assert row(dak, late["id"])["result"] == "ok"
    dak.advance(3600)  # 00:30: past midnight, before 8:00
    night = send(dak, number="603111222", message="Noc", **SIM1)
    dak.advance(7 * 3600)
    assert row(dak, night["id"])["result"] == "waiting"
    dak.advance(0.5 * 3600)  # 08:00:03 local (07:00:03 UTC): it left at 08:00, 3 s on the SIM card
    assert row(dak, night["id"])["datetime_processed"] == "2026-01-06 07:00:03"


def test_searches(dak: Dak) -> None:
    mine = send(dak, number="603555666", message="Hledany text", accountcode="A1", email="ja@example.cz", **SIM1)
    other = send(dak, number="603555667", message="Jiny", accountcode="A2", gw="1", slot="1", port="2")
    assert [r["id"] for r in dak.ok("GetSMS", "3.1", keyword="hledany")] == [mine["id"]]
    assert [r["id"] for r in dak.ok("GetSMS", "3.1", keyword="603555667")] == [other["id"]]
    by_code = dak.ok("GetSMS", "3.1", **{"accountcode[0]": "A1", "accountcode[1]": "A2"})
    assert [r["id"] for r in by_code] == [mine["id"], other["id"]]
    assert [r["id"] for r in dak.ok("GetSMS", "3.1", email="ja@example.cz")] == [mine["id"]]
    assert other["id"] in [r["id"] for r in dak.ok("GetSMS", "3.1", port="2", gw="1", slot="1")]
    assert mine["id"] not in [r["id"] for r in dak.ok("GetSMS", "3.1", port="2", gw="1", slot="1")]
    incoming = dak.ok("GetSMS", "3.1", direction="in")
    assert incoming and all(r["direction"] == "in" for r in incoming)
    window = dak.ok("GetSMS", "3.1", datetime_from="2026-01-05 14:59:59", datetime_to="2026-01-05 15:00:01")
    assert [r["id"] for r in window] == [mine["id"], other["id"]]
    every = dak.ok("GetSMS", "3.1")
    assert [r["datetime"] for r in every] == sorted(r["datetime"] for r in every)  # oldest first, as documented


def test_messages_older_than_six_months_are_gone(dak: Dak) -> None:
    """Retention is 183 days: 7178 was sent 2 days 1.5 hours before the start, 7180 a day and an
    hour before, the answer 7183 a day before, SMSConnect's 16 five hours before."""
    def ids() -> list[str]:
        return [r["id"] for r in dak.ok("GetSMS", "3.1", keyword="ahoj")]
    assert ids() == ["7178", "7180", "7183"]
    dak.advance(180 * 86400)
    assert ids() == ["7178", "7180", "7183"] and dak.ok("GetSMSConnect", "4.1", keyword="ahoj")
    dak.advance(86400)
    assert ids() == ["7180", "7183"]
    dak.advance(23.5 * 3600)
    assert ids() == ["7183"]
    dak.advance(3600)
    assert ids() == [] and dak.ok("GetSMSConnect", "4.1", keyword="ahoj")  # SMSConnect's 16: 5 hours old
    dak.advance(19 * 3600)
    assert dak.ok("GetSMSConnect", "4.1", keyword="ahoj") == []


def test_sms_connect_as_the_php_client_sends_it(dak: Dak) -> None:
    """GET {server}/api/4.1/SendSMSConnect/json?number=...&message=...&access_token=...&sender=...
    with the sender not URL-encoded, from a base URL ending in '/': a path starting '//api/'."""
    path = (f"//api/4.1/SendSMSConnect/json?number=%2B420777888111&message=Dobry+den&access_token={TOKEN}"
            "&sender=+420226211245")
    r = dak.client.get(raw(path))
    assert r.status_code == 200 and r.json()["status"] == 1
    sms_id = r.json()["result"]["id"]
    assert r.text == '{"error":null,"status":1,"result":{"id":"%s"}}' % sms_id
    got = dak.ok("GetSMSConnect", "4.1", id=sms_id)[sms_id]
    assert (got["sender"], got["recipient"], got["message"], got["result"]) == \
        ("+420226211245", "00420777888111", "Dobry den", "NEW")
    dak.advance(1)
    assert dak.ok("GetSMSConnect", "4.1", id=sms_id)[sms_id]["result"] == "SENT"
    assert dak.error("SendSMSConnect", "4.1", number="+420777888111", message="x", sender="Nekdo") == \
        "Odesílatel není povolen"
    assert dak.client.get(raw(path.replace("sender=+420226211245", "sender=%2B420226211245"))).json()["status"] == 1


def test_sms_connect_reports_and_status(dak: Dak) -> None:
    before = int(dak.ok("StatusSMSConnect", "4.1")["count_waiting"])
    sent = dak.ok("SendSMSConnect", "4.1", number="+420777888222", message="Ahoj", confirmation="yes")
    assert int(dak.ok("StatusSMSConnect", "4.1")["count_waiting"]) == before + 1
    dak.advance(5)
    got = dak.ok("GetSMSConnect", "4.1", id=sent["id"])[sent["id"]]
    assert (got["result"], got["request_dlr"], got["datetime_delivered"]) == ("DELIVERED", "1", "2026-01-05 15:00:04")
    assert int(dak.ok("StatusSMSConnect", "4.1")["count_waiting"]) == before
    group = dak.ok("SendGroupSMSConnect", "3.1", **{"number[0]": "+420777888333", "message[0]": "A"})
    gid = next(iter(group))
    dak.advance(1)
    assert dak.ok("GetSMSConnect", "4.1", id=list(group)[1])[list(group)[1]]["group_id"] == gid


def test_settings_read_back_and_the_unencoded_callback_url(dak: Dak) -> None:
    url = "http://MojeVU.daktela.com/CRM/sms?own_number=$number&own_text=$message&own_id=$id&own_direction=$direction"
    r = dak.client.get(f"/api/3.1/SetSMSSettings/json?access_token={TOKEN}&incoming_callback={url}"
                       "&allowed_hour_begin=8")
    assert r.text == '{"error":null,"status":1}'
    settings = dak.ok("GetSMSSettings", "3.1")["settings"]
    assert settings["incoming_callback"] == url and settings["allowed_hour_begin"] == "8"
    dak.ok("SetSMSSettings", "3.1", incoming_callback="")
    assert dak.ok("GetSMSSettings", "3.1")["settings"]["incoming_callback"] is None
    assert dak.error("SetSMSSettings", "3.1", outgoing_callback="ftp://x") == \
        "Neplatná hodnota parametru outgoing_callback"
