"""A deliberately altered emulator answer is caught, with the drift that says exactly what
changed: a field renamed, removed or added, a type or string changed, keys reordered, the status
or content type changed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulators.contracts import drift as d
from emulators.contracts.loader import load_vendor
from emulators.contracts.runner import FAILED, PASSED, Options, verify
from emulators.contracts.targets import InProcess

from .helpers import CONTRACTS, altering, json_alteration

REPORTING = "/kerauno/api/v1/reporting"


def _row(change: Any) -> Any:
    """Apply ``change`` to the first CDR row of a Reporting answer."""
    def on_body(body: Any) -> Any:
        if isinstance(body, dict) and "cdr_0" in body:
            body["cdr_0"] = change(dict(body["cdr_0"]))
        return body
    return json_alteration(REPORTING, on_body)


def _renamed(row: dict[str, Any]) -> dict[str, Any]:
    return {("source_number" if k == "source_num" else k): v for k, v in row.items()}


def _swapped(row: dict[str, Any]) -> dict[str, Any]:
    keys = list(row)
    keys[0], keys[1] = keys[1], keys[0]
    return {k: row[k] for k in keys}


def _status(path: str, status: int, ctype: str, body: bytes) -> tuple[int, str, bytes]:
    return (201 if REPORTING in path else status), ctype, body


def _content_type(path: str, status: int, ctype: str, body: bytes) -> tuple[int, str, bytes]:
    return status, ("text/plain" if REPORTING in path else ctype), body


ALTERATIONS = {
    "renamed": (_row(_renamed), d.FIELD_RENAMED, "$.cdr_0.source_num", "source_num", "source_number"),
    "removed": (_row(lambda r: {k: v for k, v in r.items() if k != "duration"}), d.FIELD_REMOVED,
                "$.cdr_0.duration", None, None),
    "added": (_row(lambda r: {**r, "channel": "SIP/2002-000000e5"}), d.FIELD_ADDED, "$.cdr_0.channel", None,
              "SIP/2002-000000e5"),
    "type": (_row(lambda r: {**r, "duration": 8}), d.TYPE_CHANGED, "$.cdr_0.duration", "8", 8),
    "string": (_row(lambda r: {**r, "call_type": "internal"}), d.STRING_CHANGED, "$.cdr_0.call_type",
               "Internal", "internal"),
    "order": (_row(_swapped), d.ORDER_CHANGED, "$.cdr_0", None, None),
    "status": (_status, d.STATUS_CHANGED, "status", 200, 201),
    "content type": (_content_type, d.CONTENT_TYPE_CHANGED, "content-type", "application/json", "text/plain"),
}


@pytest.mark.parametrize("name", list(ALTERATIONS))
def test_an_altered_answer_is_caught_with_the_right_drift(name: str) -> None:
    alteration, kind, path, expected, actual = ALTERATIONS[name]
    contracts = load_vendor(CONTRACTS, "kerauno")
    run = verify(contracts, InProcess("kerauno", wrap=altering(alteration)),
                 Options(only=("reporting/success_cdr",)))
    [result] = run.results
    assert result.outcome == FAILED
    assert [(x.kind, x.path) for x in result.drifts] == [(kind, path)]
    found = result.drifts[0]
    if expected is not None:
        assert found.expected == expected
    if actual is not None:
        assert found.actual == actual
    if kind == d.FIELD_REMOVED:
        assert found.line() == "$.cdr_0.duration: field removed: expected !example '8', got (absent)"
    if kind == d.ORDER_CHANGED:
        assert found.expected[:2] == ["date_time", "hostname"] and found.actual[:2] == ["hostname", "date_time"]


def test_the_unaltered_emulator_passes_the_same_contract() -> None:
    run = verify(load_vendor(CONTRACTS, "kerauno"), InProcess("kerauno", wrap=altering(lambda *a: a[1:])),
                 Options(only=("reporting/success_cdr",)))
    assert [r.outcome for r in run.results] == [PASSED]


def test_a_drift_deep_in_a_list_names_its_place() -> None:
    """VoIPcloud records: the third record's is_inbound turned into a boolean."""
    def change(body: Any) -> Any:
        if isinstance(body.get("data"), list) and len(body["data"]) > 2:
            body["data"][2]["is_inbound"] = bool(body["data"][2]["is_inbound"])
        return body
    run = verify(load_vendor(CONTRACTS, "voipcloud"),
                 InProcess("voipcloud", wrap=altering(json_alteration("get-user-calls", change))),
                 Options(only=("get_user_calls/newest_first",)))
    [result] = run.results
    assert [(x.kind, x.path) for x in result.drifts] == [(d.TYPE_CHANGED, "$.data[2].is_inbound")]
    assert json.dumps(result.drifts[0].to_json())  # reports can carry it
