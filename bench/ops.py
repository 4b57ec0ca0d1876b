"""The operations ``bench/run.py`` loads: every read of every vendor, and the state-changing ones
(a call placed, an SMS sent, a record created), as the vendor documents' examples send them to
the default tenant (the documents' example data; credentials come from the control plane).

Each ``Op`` is one request: ``{cred}`` in its path, query, form or headers is the tenant's
credential of that name. ``ok`` says whether an answer is a success (checked before and after the
load, so a bench never measures a stream of refusals).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

READ, WRITE = "read", "write"


def _json_ok(body: bytes) -> bool:
    return True


def _daktela_ok(body: bytes) -> bool:
    return json.loads(body).get("status") == 1


def _voipcloud_ok(body: bytes) -> bool:
    return json.loads(body).get("code") == 200


def _cpaas_ok(body: bytes) -> bool:
    return json.loads(body).get("response", {}).get("success") == "true"


def _kerauno_ok(body: bytes) -> bool:
    return not body.startswith(b'{"error"') and b'"response":"Failure"' not in body


@dataclass(frozen=True)
class Op:
    vendor: str
    name: str
    kind: str
    method: str
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    form: dict[str, str] | None = None
    json_body: Any = None
    ok: Callable[[bytes], bool] = _json_ok
    port_of: str = ""
    """The vendor's listener it is served on (default: the vendor's first)."""

    @property
    def listener(self) -> str:
        return self.port_of or self.vendor

    def fill(self, creds: dict[str, str]) -> tuple[str, dict[str, str], bytes]:
        """(path with query, headers, body) with the credentials filled in."""
        def f(text: str) -> str:
            return text.format(**creds)
        query = {k: f(v) for k, v in self.query.items()}
        target = f(self.path) + ("?" + urlencode(query) if query else "")
        headers = {k: f(v) for k, v in self.headers.items()}
        body = b""
        if self.form is not None:
            body = urlencode({k: f(v) for k, v in self.form.items()}).encode()
            headers["content-type"] = "application/x-www-form-urlencoded"
        elif self.json_body is not None:
            body = json.dumps(_fill_tree(self.json_body, f)).encode()
            headers["content-type"] = "application/json"
        return target, headers, body


def _fill_tree(tree: Any, f: Callable[[str], str]) -> Any:
    if isinstance(tree, dict):
        return {k: _fill_tree(v, f) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_fill_tree(v, f) for v in tree]
    return f(tree) if isinstance(tree, str) else tree


K = {"key": "{key}"}
DAY = {"start_date": "2014-09-09 00:00:00", "end_date": "2014-09-09 23:59:59"}
VC = {"token": "{api_key}"}
MC = {"X-APIKey": "{apikey}"}
CP = {"account": "account_1", "auth": "{account_1}"}


def dak(action: str, version: str = "4.1", kind: str = READ, fmt: str = "json", **query: str) -> Op:
    return Op("daktela", action, kind, "GET", f"/api/{version}/{action}/{fmt}",
              {"access_token": "{access_token}", **query}, ok=_daktela_ok)


OPS: tuple[Op, ...] = (
    # Kerauno (kerauno.txt: Reporting API, Agent Statuses)
    Op("kerauno", "reporting cdr json", READ, "GET", "/kerauno/api/v1/reporting/",
       {**K, "type": "cdr", **DAY}, ok=_kerauno_ok),
    Op("kerauno", "reporting cdr csv", READ, "GET", "/kerauno/api/v1/reporting/",
       {**K, "type": "cdr", **DAY, "export_type": "csv"}, ok=_kerauno_ok),
    Op("kerauno", "reporting ring_groups xml", READ, "GET", "/kerauno/api/v1/reporting/",
       {**K, "type": "ring_groups", **DAY, "export_type": "xml"}, ok=_kerauno_ok),
    Op("kerauno", "agent statuses", READ, "GET", "/v1/callflow/agent_statuses/4000", K, ok=_kerauno_ok,
       port_of="kerauno-status"),
    # VoIPcloud (voipcloud.txt: integration API v1; v2 by telemock's choice)
    Op("voipcloud", "get-user-calls", READ, "GET", "/api/integration/v1/get-user-calls", {"limit": "10"}, VC,
       ok=_voipcloud_ok),
    Op("voipcloud", "get-queue-calls", READ, "GET", "/api/integration/v1/get-queue-calls", {"limit": "10"}, VC,
       ok=_voipcloud_ok),
    Op("voipcloud", "get-ringgroup-calls", READ, "GET", "/api/integration/v1/get-ringgroup-calls", {"limit": "10"},
       VC, ok=_voipcloud_ok),
    Op("voipcloud", "get-system-status", READ, "GET", "/api/integration/v1/get-system-status", {}, VC,
       ok=_voipcloud_ok),
    Op("voipcloud", "v2 get-user-calls", READ, "GET", "/api/integration/v2/get-user-calls", {"limit": "10"}, VC),
    # Daktela (daktela.txt: the polled reads, reports, SMS, records)
    dak("GetQueues"),
    dak("GetUsers"),
    dak("RTUsersState"),
    dak("RTStatsQueues", "3.5"),
    dak("CDR", "3.5", datetime_from="2012-03-01 00:00:00", datetime_to="2012-03-31 23:59:59", direction="out"),
    dak("StatsCalls", datetime_from="2014-08-14 00:00:00", datetime_to="2014-08-31 00:00:00", answered="true"),
    dak("GetAttempts", datetime_from="2015-08-14 00:00:00", datetime_to="2015-10-31 00:00:00"),
    dak("GetSMS", "3.1", direction="out"),
    dak("GetRecords", take="100"),
    # MyCalls (mycalls.txt: app list, call log)
    Op("mycalls", "app list", READ, "GET", "/api/v1/app/list", {}, MC),
    Op("mycalls", "call log", READ, "GET", "/api/v1/app/1a11fe2082b044b4a3b55718c79c29d5/calls", {}, MC),
    # CPaaS (cpaas.txt: Get CDR By Date, statistics)
    Op("cpaas", "get_cdr_by_date", READ, "POST", "/api/get_cdr_by_date", {}, CP,
       json_body={"start_call_date": "2023-07-07", "end_call_date": "2023-07-07", "record_count": "5",
                  "offset": "0"}, ok=_cpaas_ok),
    Op("cpaas", "get_cdr_statistics", READ, "GET", "/api/get_cdr_statistics", {}, CP, ok=_cpaas_ok),
    Op("cpaas", "get_campaign_cdr_statistics", READ, "POST", "/api/get_campaign_cdr_statistics", {}, CP,
       json_body={"campaign_id": "CM7b1b0f4c2f"}, ok=_cpaas_ok),
    Op("cpaas", "get_live_call_statistics", READ, "GET", "/api/get_live_call_statistics", {}, CP, ok=_cpaas_ok),
    # state-changing: a call placed, an SMS sent, a record created
    Op("cpaas", "click2call", WRITE, "POST", "/api/click2call", {}, CP,
       json_body={"agent_number": "919979275555", "destination_number": "918000685555",
                  "caller_id": "15168148111", "recording_option": "on", "transcript": "on"}, ok=_cpaas_ok),
    dak("SendSMS", "3.1", kind=WRITE, number="603111222", message="Ahoj"),
    dak("CreateRecord", kind=WRITE, queue="2003", phonenumber="603444555"),
)
