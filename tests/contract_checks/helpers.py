"""Test helpers for contracts: an ASGI middleware that alters one vendor answer, and a stand-in
Kerauno PBX (its own calls, ids and clock, the document's shapes) to record from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"

Alteration = Callable[[str, int, str, bytes], tuple[int, str, bytes]]
"""(path, status, content type, body) -> the altered (status, content type, body)."""


def altering(alteration: Alteration) -> Callable[[Any], Any]:
    """A wrapper for ``InProcess(wrap=...)``: every vendor answer passes through ``alteration``
    (control-plane answers do not)."""

    def wrap(app: Any) -> Any:
        async def altered(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["path"].startswith("/_emulator"):
                await app(scope, receive, send)
                return
            held: dict[str, Any] = {"body": b""}

            async def capture(message: Any) -> None:
                if message["type"] == "http.response.start":
                    held["start"] = message
                    return
                held["body"] += message.get("body", b"")
                if message.get("more_body"):
                    return
                start = held["start"]
                headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in start["headers"]}
                status, ctype, body = alteration(scope["path"], start["status"], headers.get("content-type", ""),
                                                 held["body"])
                headers.update({"content-type": ctype, "content-length": str(len(body))})
                await send({"type": "http.response.start", "status": status,
                            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]})
                await send({"type": "http.response.body", "body": body})

            await app(scope, receive, capture)
        return altered
    return wrap


def json_alteration(path_part: str, change: Callable[[Any], Any]) -> Alteration:
    """Alter the JSON body of answers whose path contains ``path_part``."""
    def alteration(path: str, status: int, ctype: str, body: bytes) -> tuple[int, str, bytes]:
        if path_part in path and ctype.startswith("application/json"):
            return status, ctype, json.dumps(change(json.loads(body))).encode()
        return status, ctype, body
    return alteration


def telemock(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``telemock ...`` in a subprocess, from the checkout (its contracts/ found as ./contracts)."""
    return subprocess.run([sys.executable, "-m", "emulators.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120)


# -- a stand-in Kerauno PBX ------------------------------------------------------------------------
STAND_IN_KEY = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e"
MISSING_KEY = {"error": "You must send an api key ('key')."}


def _cdr(day: str, time: str, uid: str, **extra: str) -> dict[str, str]:
    return {"date_time": f"{day} {time}", "hostname": "pbx.example.net", "server_name": "pbx.example.net",
            "server_ip": "192.0.2.10", "unique_id": uid, "call_type": "Internal", "to": "201",
            "source_num": "201", "source_name": "Ann Lee", "dest_num": "202", "dest_name": "Bo Diaz",
            "trunk_name": "Internal", "duration": "31", **extra}


GROUP_CALL = {"call_type": "Ring Groups", "to": "+15555550100", "dest_num": "500", "dest_name": "Ring Group",
              "duration": "12"}


def _ring_group_cdr(day: str, time: str, uid: str) -> dict[str, str]:
    return {**_cdr(day, time, uid, **GROUP_CALL),
            "ring_group_num": "500", "ring_group_name": "Front desk", "ans_agent_num": "202",
            "ans_agent_name": "Bo Diaz", "hold_time": "7", "release_reason": "caller"}


STAND_IN_DAY = "2024-03-12"
"""The stand-in PBX's calls: one internal call at 09:15:02, one ring-group call at 10:40:55."""
STAND_IN_VARS = [f"cdr_example_start={STAND_IN_DAY} 09:15:02", f"cdr_example_end={STAND_IN_DAY} 09:15:02",
                 f"example_day_start={STAND_IN_DAY} 00:00:00", f"example_day_end={STAND_IN_DAY} 23:59:59",
                 "ring_group=500", "unknown_ring_group=501"]
"""``--var``s that point the contracts at the stand-in's data (as a team points them at theirs)."""


def stand_in_pbx(rename: dict[str, str] | None = None) -> Starlette:
    """Reporting and Agent Statuses as a Kerauno PBX answers them, with its own data. ``rename``
    renames CDR fields (a vendor that drifted)."""
    renamed = rename or {}

    def rows(ring_groups: bool, start: str, end: str) -> dict[str, Any]:
        calls = [_ring_group_cdr(STAND_IN_DAY, "10:40:55", "1710254455.77")] if ring_groups else [
            _cdr(STAND_IN_DAY, "09:15:02", "1710249302.41"),
            _cdr(STAND_IN_DAY, "10:40:55", "1710254455.77", **GROUP_CALL)]
        found = [c for c in calls if start <= c["date_time"] <= end]
        return {f"cdr_{i}": {renamed.get(k, k): v for k, v in c.items()} for i, c in enumerate(found)}

    async def reporting(request: Request) -> Response:
        fields = dict(request.query_params)
        if request.method == "POST":
            fields.update({k: v for k, v in (await request.form()).items() if isinstance(v, str)})
        if not fields.get("key"):
            return _json(MISSING_KEY, 401)
        if fields.get("key") != STAND_IN_KEY:
            return _json({"error": "You must send a valid api key ('key')."}, 401)
        if fields.get("type") not in ("cdr", "ring_groups"):
            return _json({"error": "You must send a valid report type ('type')."}, 400)
        found = rows(fields["type"] == "ring_groups", fields.get("start_date", ""), fields.get("end_date", ""))
        return _json(found) if found else _json({"error": "No Results Found."}, 404)

    async def statuses(request: Request) -> Response:
        if request.query_params.get("key") != STAND_IN_KEY:
            return _json(MISSING_KEY, 401)
        if request.path_params["group"] != "500":
            return _json({"error": "No Results Found."}, 404)
        agents = [("201", "Available", False, True, "ann@example.net"),
                  ("202", "Ring Group - Available", True, False, "bo@example.net"),
                  ("207", "Ring Group - Paused", False, True, "cy@example.net")]
        return _json({ext: {"extension": ext, "status": status, "available": available, "busy": busy,
                            "username": user} for ext, status, available, busy, user in agents})

    return Starlette(routes=[
        Route("/kerauno/api/v1/reporting/", reporting, methods=["GET", "POST"]),
        Route("/kerauno/api/v1/reporting", reporting, methods=["GET", "POST"]),
        Route("/v1/callflow/agent_statuses/{group}", statuses, methods=["GET"]),
    ])


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, separators=(",", ":")), status_code=status, media_type="application/json")
