"""Two accounts on one CPaaS server, each with its own auth, never seeing each other's data; and
the credentials a client needs, where the banner, the README and the control plane show them."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from emulators.cpaas.accounts import DEFAULT_AUTH

from .conftest import ACCOUNT_1, ACCOUNT_2, CP
from support.receiver import free_port

ROOT = Path(__file__).resolve().parents[2]
C2C = {"agent_number": "919812300001", "caller_id": "15168148111", "destination_number": "918012300002",
       "transcript": "off"}


def test_headers_are_checked_account_first_and_a_wrong_pair_says_nothing_more(cp: CP) -> None:
    auth1, auth2 = cp.creds[ACCOUNT_1], cp.creds[ACCOUNT_2]
    cases = [({}, "account_id is mandatory field"), ({"auth": auth1}, "account_id is mandatory field"),
             ({"account": ACCOUNT_1}, "auth is mandatory field"),
             ({"account": ACCOUNT_1, "auth": ""}, "auth is mandatory field"),
             ({"account": ACCOUNT_1, "auth": auth2}, "invalid account_id or auth"),
             ({"account": "account_3", "auth": auth1}, "invalid account_id or auth"),
             ({"account": ACCOUNT_1, "auth": auth1.upper()}, "invalid account_id or auth")]
    for headers, message in cases:
        r = cp.http.post("/api/click2call", headers=headers, json=C2C)
        assert (r.status_code, r.text) == (401, f'{{"response":{{"message":"{message}","success":"false"}}}}\n')
    # the headers come first: a body Flask cannot read is only refused once the account is known
    r = cp.http.post("/api/click2call", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 401
    r = cp.http.post("/api/click2call", content=b"{not json",
                     headers={**cp.headers(), "content-type": "application/json"})
    assert r.status_code == 400 and "Failed to decode JSON object: Expecting property name" in r.text


def test_the_control_plane_lists_the_credentials_by_account(cp: CP) -> None:
    assert cp.tenant_info("default")["credentials"] == DEFAULT_AUTH
    made = cp.control("POST", "/tenants", {})
    creds = made["credentials"]
    assert set(creds) == {ACCOUNT_1, ACCOUNT_2} and creds[ACCOUNT_1] != creds[ACCOUNT_2]
    assert all(re.fullmatch("[0-9a-f]{32}", v) for v in creds.values())
    assert not set(creds.values()) & set(DEFAULT_AUTH.values())
    # the new tenant's own auth addresses it alone
    headers = {"account": ACCOUNT_2, "auth": creds[ACCOUNT_2]}
    cp.ok("POST", "click2call", C2C, headers=headers)
    assert cp.ok("GET", "get_live_call_statistics", headers=headers)["result"]["live_calls_c2c"] == 1
    assert cp.live(ACCOUNT_2)["live_calls_c2c"] == 0
    own = cp.control("POST", "/tenants", {"credentials": {ACCOUNT_1: "secret-one"}})
    assert own["credentials"][ACCOUNT_1] == "secret-one"
    cp.ok("GET", "get_cdr_statistics", headers={"account": ACCOUNT_1, "auth": "secret-one"})


def test_an_account_never_sees_the_others_data(cp: CP) -> None:
    cp.parties({"919812300001": {"answer_after": 1.0}, "918012300002": {"answer_after": 1.0, "talk": 600.0}})
    # account_1 holds the document's world; account_2 has nothing of it
    assert cp.refused("GET", "get_campaign_details", account=ACCOUNT_2) == (404, "campaign not found")
    assert cp.refused("POST", "get_cdr_by_campaign_id", {"campaign_id": "CM39139118b8"}, account=ACCOUNT_2) == (
        404, "invalid campaign_id")
    assert cp.refused("POST", "get_campaign_cdr_statistics", {"campaign_id": "CM7b1b0f4c2f"}, account=ACCOUNT_2) == (
        404, "invalid campaign_id")
    assert cp.refused("POST", "stop_campaign", {"campaign_id": "CM7b1b0f4c2f"}, account=ACCOUNT_2) == (
        404, "invalid campaign_id")
    assert cp.refused("POST", "get_cdr_by_request_id", {"request_id": "91da7c083f"}, account=ACCOUNT_2) == (
        404, "cdr not found")
    assert cp.refused("POST", "add_contact_to_list", {"list_id": "LSaa8f9db7e6", "contacts": [
        {"contact_number": "919000000001"}]}, account=ACCOUNT_2) == (404, "invalid list_id")
    assert cp.refused("POST", "import_dnd_contacts_csv", {"dnd_list_id": "DNd2b09f8f80",
                                                          "dnd_csv_name": "dnd_contacts.csv"}, account=ACCOUNT_2) == (
        404, "invalid dnd_list_id")
    # what account_2 does is its own
    list_id = cp.ok("POST", "create_campaign_list", {"list_name": "mine"}, account=ACCOUNT_2)["list_id"]
    assert cp.refused("POST", "add_contact_to_list", {"list_id": list_id, "contacts": [
        {"contact_number": "919000000001"}]}) == (404, "invalid list_id")
    request_id = cp.ok("POST", "click2call", C2C, account=ACCOUNT_2)["request_id"]
    callback = cp.ok("POST", "callback", {**C2C, "recording_option": "off", "time_zone": "UTC",
                                          "scheduled_at": "2026-01-05 15:00:00"}, account=ACCOUNT_2)["request_id"]
    assert cp.refused("DELETE", "callback", {"request_id": callback}) == (404, "invalid request_id")
    cp.advance(3)
    assert cp.live(ACCOUNT_2)["live_calls_c2c"] == 1 and cp.live(ACCOUNT_1)["live_calls_c2c"] == 0
    channel = cp.live_calls()[0]["channels"][0]["channel"]
    assert "ACqmhkzrtwd" in channel  # account_2's account_id names its trunk channels
    assert cp.refused("POST", "modify_call", {"channel": channel, "modify_type": "2"}) == (404, "invalid channel")
    cp.ok("POST", "modify_call", {"channel": channel, "modify_type": "2"}, account=ACCOUNT_2)
    assert cp.refused("POST", "get_cdr_by_request_id", {"request_id": request_id}) == (404, "cdr not found")
    [row] = cp.ok("POST", "get_cdr_by_request_id", {"request_id": request_id}, account=ACCOUNT_2)["result"]
    assert row["account_id"] == "ACqmhkzrtwd"
    assert request_id not in {r["request_id"] for r in cp.cdrs(ACCOUNT_1)}
    assert request_id in {r["request_id"] for r in cp.cdrs(ACCOUNT_2)}
    ones = cp.ok("GET", "get_cdr_statistics")["result"]["total_calls"][0]
    twos = cp.ok("GET", "get_cdr_statistics", account=ACCOUNT_2)["result"]["total_calls"][0]
    assert (ones, twos) == (len(cp.cdrs(ACCOUNT_1)), len(cp.cdrs(ACCOUNT_2)))


def test_the_banner_and_the_readme_show_each_accounts_headers() -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "emulators.cli", "serve", "--vendor", "cpaas", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/get_cdr_statistics", timeout=1,
                                   headers={"account": ACCOUNT_2, "auth": DEFAULT_AUTH[ACCOUNT_2]})
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.05)
        assert answer.status_code == 200
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    line = next(line for line in out.splitlines() if line.startswith("cpaas "))
    for account, auth in DEFAULT_AUTH.items():
        assert f"account: {account}, auth: {auth}" in line
        assert auth in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readmes_cpaas_examples_work_as_written(cp: CP) -> None:
    import shlex
    text = (ROOT / "README.md").read_text(encoding="utf-8").replace("\\\n", " ")
    examples = [shlex.split(line.strip()) for line in text.splitlines()
                if line.strip().startswith("curl ") and ":8090/api/" in line]
    assert len(examples) >= 2
    for argv in examples:
        headers: dict[str, str] = {}
        body, url = b"", ""
        args = iter(argv[1:])
        for arg in args:
            if arg == "-H":
                name, _, value = next(args).partition(":")
                headers[name.strip().lower()] = value.strip()
            elif arg == "-d":
                body = next(args).encode()
            elif arg.startswith("http://"):
                url = arg
        r = cp.http.post(url.split(":8090", 1)[1], content=body, headers=headers)
        assert r.status_code == 200 and r.json()["response"]["success"] == "true", (argv, r.text)
