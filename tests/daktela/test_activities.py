"""Events, activities, number checks and e-mail through HTTP: each changes state the others read
(an event's rule sends an SMS GetSMS shows; an e-mail's activity closes with a status)."""

from __future__ import annotations

from urllib.parse import quote

from .conftest import Dak
from .helpers import TOKEN, T


def test_a_custom_event_runs_its_rule_at_its_time(dak: Dak) -> None:
    r = dak.ok("CreateEvent", "3.8", event="Custom_SendSMS", time="+1 hour",
               **{"params[number]": "603222333", "params[message]": "Pripominka", "params[foo][bar]": "x"})
    assert r == [{"number": "603222333", "message": "Pripominka", "foo": {"bar": "x"}}]
    sms = dak.ok("GetSMS", "3.1", keyword="Pripominka")
    assert [(m["number"], m["result"], m["accountcode"]) for m in sms] == [("603222333", "waiting", "Custom_SendSMS")]
    dak.advance(3600 + 3)
    assert dak.ok("GetSMS", "3.1", keyword="Pripominka")[0]["result"] == "ok"
    assert dak.ok("CreateEvent", "3.8", event="Custom_Other") == [[]]  # no rule for it: only recorded
    assert dak.error("CreateEvent", "3.8", event="SendSMS") == "Název události musí začínat předponou Custom_"
    assert dak.error("CreateEvent", "3.8", event="Custom_X", time="tomorrow at noon") == \
        "Neplatná hodnota parametru time"


def test_the_docs_event_url_whose_params_lost_their_ampersand(dak: Dak) -> None:
    """The doc's URL reads ``¶ms[number]=...`` (HTML decoding made ``&para`` a pilcrow)."""
    r = dak.client.get(f"/api/3.8/CreateEvent/json?access_token={TOKEN}&event=Custom_SendSMS"
                       + quote("¶") + "ms[number]=226211245" + quote("¶") + "ms[message]=Ahoj"
                       + quote("¶") + "ms[foo][bar]=examplevalue")
    assert r.json() == {"status": 1, "error": None,
                        "result": [{"number": "226211245", "message": "Ahoj", "foo": {"bar": "examplevalue"}}]}


def test_strtotime_times(dak: Dak) -> None:
    """Each event's SMS leaves at the event's time (Prague; the clock starts at 15:00 there)."""
    times = (("16:45", 6300), ("2026-01-05 18:30:00", 12600), ("tomorrow", 32400), ("+2 days 30 minutes", 174600))
    for when, _ in times:
        dak.ok("CreateEvent", "3.8", event="Custom_SendSMS", time=when,
               **{"params[number]": "603222444", "params[message]": f"at {when}"})
    elapsed = 0
    for when, due in times:
        dak.advance(due - elapsed - 1)
        assert dak.ok("GetSMS", "3.1", keyword=f"at {when}")[0]["result"] == "waiting", when
        dak.advance(1 + 3)
        assert dak.ok("GetSMS", "3.1", keyword=f"at {when}")[0]["result"] == "ok", when
        elapsed = due + 3


def test_activities_close_and_update_with_the_queues_statuses(dak: Dak) -> None:
    assert dak.call("ActivityClose", "4.0", activity="activity_123", status="objednavka").text == \
        '{"status":1,"error":null,"result":""}'
    assert dak.error("ActivityClose", "4.0", activity="activity_123", status="nevolat") == "Stav neexistuje"
    assert dak.error("ActivityClose", "4.0", activity="activity_999", status="objednavka") == "Aktivita neexistuje"
    r = dak.client.get(f"/api/4.0/TicketUpdate/json?access_token={TOKEN}&activities[]=activity_100"
                       "&activities[]=activity_200&status=nezajem")
    assert r.json() == {"status": 1, "error": None, "result": ""}
    assert dak.ok("ActivityUpdate", "4.0", **{"activities[]": "activity_100", "status": "objednavka"}) == ""
    refused = dak.call("ActivityUpdate", "4.0", **{"activities[0]": "activity_100", "activities[1]": "nope",
                                                   "status": "nebere"})
    assert refused.json()["error"] == "Aktivita neexistuje"
    snapshot = dak.client.get(f"{T}/default/snapshot").json()
    statuses = {a["name"]: a["status"] for a in snapshot["store"]["activities"]["items"]}
    assert (statuses["activity_100"], statuses["activity_200"]) == ("9", "8")  # the refused update changed nothing


def test_email_create_needs_an_email_queue_and_makes_an_activity(dak: Dak) -> None:
    r = dak.ok("EmailCreate", "4.1", queue="2000", subject="Muj predmet", body="Dlouhy text emailu",
               **{"from": "osoba@email.cz"})
    email, activity = r["email"], r["activity"]
    assert (email["email"], email["queue"], email["address"], email["direction"], email["text"]) == \
        (15, "10", "osoba@email.cz", "in", "Dlouhy text emailu")
    assert (activity["activity"], activity["ticket"], activity["type"], activity["item"], activity["priority"]) == \
        (244, 5, "EMAIL", 15, "20")
    assert email["name"].startswith("email_695bc3e0") and activity["name"].startswith("ticket_695bc3e0")
    assert dak.ok("ActivityClose", "4.0", activity=activity["name"], status="objednavka") == ""
    assert dak.error("EmailCreate", "4.1", queue="6666", subject="x", body="y", **{"from": "a@b.cz"}) == \
        "Zadana fronta neni typu email"
    assert dak.error("EmailCreate", "4.1", queue="2005", subject="x", body="y", **{"from": "a@b.cz"}) == \
        "Zadana fronta neni typu email"  # a call queue
    named = dak.ok("EmailCreate", "4.1", queue="2000", subject="x", body="y", name="email_vlastni", user="admin",
                   **{"from": "a@b.cz"})
    assert (named["email"]["name"], named["email"]["user"]) == ("email_vlastni", "1")
    assert dak.error("EmailCreate", "4.1", queue="2000", subject="x", body="y", name="email_vlastni",
                     **{"from": "a@b.cz"}) == "E-mail s tímto jménem již existuje"


def test_check_number_asks_the_network(dak: Dak) -> None:
    assert dak.ok("CheckNumber", "4.0", number="777888999") == \
        {"number": "777888999", "time": "2026-01-05 15:00:00", "status": "1"}
    dak.advance(60)
    assert dak.ok("CheckNumber", "4.0", number="603000111") == \
        {"number": "603000111", "time": "2026-01-05 15:01:00", "status": "0"}
    assert dak.error("CheckNumber", "4.0") == "Chybí povinný parametr number"
