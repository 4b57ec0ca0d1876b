"""The client-shaped script (``v2_client.py``: what the public v2 clients send and check) runs
its whole sequence against a live emulator over real sockets, and stops at what they would."""

from __future__ import annotations

from typing import Any, Callable

import httpx
import pytest

from . import v2_client
from .v2_client import ClientError, RateLimited, V2Client

V2 = "/api/integration/v2/"


def test_the_client_sequence_passes_against_the_emulator(telemock: Callable[..., Any]) -> None:
    vc = telemock("voipcloud", settings={"sim": {"remote_answer_after": 6, "talk_min": 30, "talk_max": 30}})
    lines: list[str] = []
    with httpx.Client(timeout=30.0) as http:
        done = v2_client.run(V2Client(vc.base_url, vc.credentials["api_key"], http), "1002", "+61255501999",
                             caller_id="+61255501000", bad_client=V2Client(vc.base_url, "0" * 32, http),
                             advance=vc.clock.advance, log=lines.append)
    first = done["first"]
    assert (first["type"], first["caller_id"], first["dest_number"]) == ("user_outbound_answered", "61255501000",
                                                                        "61255501999")
    assert (first["call_duration"], first["conversation_duration"]) == (40, 30)
    assert done["second"]["status"] == "ringing" and done["queues"] and done["ring_groups"]
    assert lines[:2] == ["connection ok", "a wrong key is refused"]
    # what the emulator saw: the clients' headers and query, in order
    journal = [(e["operation"], e["path"], e["status"]) for e in vc.requests()]
    assert journal[0] == ("get-user-calls", "/voipcloud" + V2 + "get-user-calls", 200)
    assert ("call-to-number", "/voipcloud" + V2 + "call-to-number", 200) in journal
    history = next(e for e in vc.requests() if "limit=10000" in e["query"])
    assert history["query"] == "sort_by=newest_first&from_date=2026-01-05&to_date=2026-01-05&offset=0&limit=10000"


def test_the_script_runs_from_its_command_line(telemock: Callable[..., Any], capsys: Any) -> None:
    vc = telemock("voipcloud")
    advance = f"{vc.server.control_url('voipcloud')}/tenants/{vc.id}/clock/advance"
    argv = ["--base-url", vc.base_url, "--token", vc.credentials["api_key"], "--user-number", "1001",
            "--number-to-call", "+61255501999", "--advance-url", advance]
    assert v2_client.main(argv) == 0, capsys.readouterr().err
    assert "json call" in capsys.readouterr().out
    assert v2_client.main([*argv[:3], "f" * 32, *argv[4:]]) == 1
    assert "refused the key" in capsys.readouterr().err


def test_the_client_stops_where_the_public_clients_stop(telemock: Callable[..., Any]) -> None:
    vc = telemock("voipcloud", settings={"rate_limit": {"limit": 1, "window": 900}})
    with httpx.Client(timeout=30.0) as http:
        client = V2Client(vc.base_url, vc.credentials["api_key"], http)
        with pytest.raises(ClientError, match="E.164"):  # checked before anything is sent
            client.call_to_number("1001", "0255501999")
        assert vc.requests() == []
        client.user_calls("1001", *[__import__("datetime").datetime(2026, 1, 5)] * 2)
        with pytest.raises(RateLimited) as limited:  # one budget: the next request is refused
            client.call("1")
        assert limited.value.retry_after and limited.value.retry_after > 0
    with pytest.raises(ClientError, match="malformed"):
        v2_client.parse_row({"unique_call_id": "1", "type": "", "dest_number": "1", "user_name": "a",
                             "user_number": "1", "call_start_at": "2026-01-05T00:00:00.000Z"})
