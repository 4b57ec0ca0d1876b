"""Recordings: one per recorded call, named by 40 hex digits and the call id, served by
GetRecording as a small valid WAV (or as an octet stream)."""

from __future__ import annotations

import io
import re
import wave

from .conftest import Dak
from .helpers import T, documented

DOC_HASH = "225fae9e2c0a2e830c7d0e9e80040f4245a65d2e1319030658.204"


def test_the_docs_recording_is_a_valid_wav(dak: Dak) -> None:
    assert dak.ok("AboutCall", "3.0", id_call="1319030658.204")[0]["recording_hash"] == DOC_HASH
    path = documented("daktela.GetRecording")["path"]
    assert dak.client.get(path).json() == {"error": "Uživatel neexistuje", "status": 0}  # the doc sends no token
    r = dak.call("GetRecording", "3.0", recording_hash=DOC_HASH)
    assert r.status_code == 200 and r.headers["content-type"] == "audio/x-wav"
    assert r.headers["content-disposition"] == \
        'attachment; filename="OUT200-468008580-20111019-152449-1319030686.213.wav"'
    with wave.open(io.BytesIO(r.content)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 1, 8000)
        assert w.getnframes() == 8000
    r = dak.call("GetRecording", "3.0", recording_hash=DOC_HASH, octetstream="true")
    assert r.headers["content-type"] == "application/octet-stream" and r.content.startswith(b"RIFF")


def test_every_answered_call_gets_a_recording_of_its_own(dak: Dak) -> None:
    dak.ok("Hangup", "3.1", user="michalhajek")
    call = dak.tenant.calls[next(c for c in dak.tenant.calls if dak.tenant.calls[c].caller == "468008585"
                                 and dak.tenant.calls[c].queue_id == "4")]
    about = dak.ok("AboutCall", "3.0", id_call=call.id)[0]
    recording = about["recording_hash"]
    assert re.fullmatch(r"[0-9a-f]{40}" + re.escape(call.id), recording)
    assert about["userfield"].startswith("/RECORDINGS/2026/01/05/IN100-222500101-20260105-150000-")
    assert dak.call("GetRecording", "3.0", recording_hash=recording).content.startswith(b"RIFF")
    tampered = ("0" if recording[0] != "0" else "1") + recording[1:]
    assert dak.error("GetRecording", "3.0", recording_hash=tampered) == "Nahrávka neexistuje"
    other = dak.client.post(T, json={}).json()["credentials"]["access_token"]  # another tenant, same world
    assert dak.call("GetRecording", "3.0", token=other, recording_hash=recording).json()["status"] == 0


def test_unanswered_calls_and_tenants_that_do_not_record(dak: Dak) -> None:
    attempts = dak.ok("AboutCall", "3.0", id_call="1443007798.918")[0]  # the caller gave up
    assert attempts["recording_hash"] is None and attempts["userfield"] == ""
    dak.settings({"daktela": {"record_calls": False}})
    assert dak.ok("AboutCall", "3.0", id_call="1330949120.242")[0]["recording_hash"] is None
    assert dak.ok("AboutCall", "3.0", id_call="1319030658.204")[0]["recording_hash"] == DOC_HASH
    call = dak.ok("CreateRemoteCall", "3.8", primarynumber="226211245", secondarynumber="468008585",
                  recording="true")["id_call"]
    dak.advance(20)  # both answer after 6 s
    dak.ok("Hangup", "3.0", call=call)
    assert dak.ok("AboutCall", "3.0", id_call=call)[0]["recording_hash"].endswith(call)
