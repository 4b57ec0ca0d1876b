"""A VoIPcloud integration API v2 client written the way the public clients are, run against
telemock's default directory (users 1001-1007, queues Sales and Support, ring group Reception):

    python tests/voipcloud/v2_client.py --base-url http://127.0.0.1:8085 --token KEY \\
        --user-number 1002 --number-to-call +61255501999 [--caller-id E164] [--advance-url URL]

Written by us from what the public clients do (docs/FIDELITY.md, "VoIPcloud integration API
v2"): the ``token`` header and ``Accept: application/json`` on every request; inputs checked
before anything is sent; click-to-call as a hand-made multipart body (and once as JSON with the
extra ``user``/``user_name`` fields one client sends); history as ``sort_by=newest_first``,
UTC ``from_date``/``to_date``, ``offset=0``, ``limit=10000``; a whole page rejected when one row
lacks a non-empty ``unique_call_id``, ``type``, ``dest_number``, ``user_name``, ``user_number``
or a parseable ``call_start_at``; 401/403 read as "check the key and the whitelist", 429 with
its ``Retry-After``. ``--advance-url`` (telemock's clock) moves virtual time while it waits for
the call to end; without it, it waits in real time. Exit status 0 when every step held.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import httpx

API_PATH = "/api/integration/v2"
E164 = re.compile(r"\+[1-9][0-9]{7,14}")
USER_NUMBER = re.compile(r"[0-9]{1,32}")
BOUNDARY = "----TelemockClientBoundary5b7f2e"
REQUIRED = ("unique_call_id", "type", "dest_number", "user_name", "user_number")


class ClientError(Exception):
    """Something the client refuses to go on with (a status, a malformed page, bad input)."""


class AuthError(ClientError):
    """401/403: the key is wrong, or this address is not on the whitelist."""


class RateLimited(ClientError):
    """429; ``retry_after``: the seconds the answer asks to wait, if it says."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _parses(stamp: Any) -> bool:
    try:
        datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def parse_row(row: Any) -> dict[str, Any]:
    """A row as the clients accept it, or ``ClientError`` (which rejects the whole page)."""
    if not isinstance(row, dict) or any(_text(row.get(f)) is None for f in REQUIRED):
        raise ClientError(f"malformed call history row: {row!r}")
    if not _parses(row.get("call_start_at")) or (row.get("connected_at") and not _parses(row["connected_at"])):
        raise ClientError(f"unparseable time in row {row['unique_call_id']}")
    for seconds in ("call_duration", "conversation_duration"):
        if row.get(seconds) is not None and not (isinstance(row[seconds], int) and row[seconds] >= 0):
            raise ClientError(f"bad {seconds} in row {row['unique_call_id']}")
    return row


class V2Client:
    def __init__(self, base_url: str, token: str, http: httpx.Client | None = None) -> None:
        if not token.strip():
            raise ClientError("an API key is required")
        self.base = base_url.rstrip("/") + API_PATH
        self.token = token
        self.http = http or httpx.Client(timeout=30.0)

    # -- transport ----------------------------------------------------------------------
    def _send(self, method: str, op: str, **kwargs: Any) -> Any:
        headers = {"token": self.token, "Accept": "application/json", **kwargs.pop("headers", {})}
        r = self.http.request(method, f"{self.base}/{op}", headers=headers, **kwargs)
        if r.status_code in (401, 403):
            raise AuthError(f"VoIPcloud refused the key or this address ({r.status_code})")
        if r.status_code == 429:
            retry = r.headers.get("retry-after")
            raise RateLimited(float(retry) if retry and retry.isdigit() else None)
        if r.status_code != 200:
            raise ClientError(f"VoIPcloud returned status {r.status_code}")
        try:
            payload = r.json()
        except json.JSONDecodeError:
            raise ClientError("VoIPcloud returned a body that is not JSON") from None
        if not isinstance(payload, dict) or payload.get("code") != 200 or payload.get("status") != "success":
            raise ClientError(f"VoIPcloud reported a failure: {payload!r:.200}")
        return payload.get("data")

    # -- the operations -----------------------------------------------------------------
    def call_to_number(self, user_number: str, number_to_call: str, caller_id: str | None = None) -> dict[str, Any]:
        """Ring the user, then the number: a multipart body made by hand, as one client does."""
        if not USER_NUMBER.fullmatch(user_number):
            raise ClientError("the user number must be digits only")
        if not E164.fullmatch(number_to_call) or (caller_id is not None and not E164.fullmatch(caller_id)):
            raise ClientError("numbers must be E.164")
        fields = [("user_number", user_number), ("number_to_call", number_to_call)]
        if caller_id is not None:
            fields.append(("caller_id", caller_id))
        parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                 for name, value in fields]
        data = self._send("POST", "call-to-number", content="".join(parts) + f"--{BOUNDARY}--\r\n",
                          headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
        if not isinstance(data, dict) or _text(data.get("call_id")) is None:
            raise ClientError("VoIPcloud accepted the call but returned an unusable answer")
        return data

    def call_to_number_json(self, user: str, user_name: str, user_number: str, number_to_call: str) -> dict[str, Any]:
        """The same as JSON, with the ``user`` and ``user_name`` fields another client sends."""
        data = self._send("POST", "call-to-number", json={"user": user, "number_to_call": number_to_call,
                                                          "user_name": user_name, "user_number": user_number})
        if not isinstance(data, dict) or not {"call_id", "user", "number_to_call", "status"} <= set(data):
            raise ClientError(f"unexpected call-to-number data: {data!r}")
        return data

    def _list(self, op: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        data = self._send("GET", op, params=params)
        if not isinstance(data, list):
            raise ClientError(f"{op}: data is not a list")
        return [parse_row(row) for row in data]  # one bad row rejects the page

    def user_calls(self, user_number: str, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """One user's calls in a period: the whole page, filtered here by ``user_number``."""
        if since > until:
            raise ClientError("the period is reversed")
        rows = self._list("get-user-calls", {"sort_by": "newest_first", "from_date": _utc_day(since),
                                             "to_date": _utc_day(until), "offset": "0", "limit": "10000"})
        return [row for row in rows if row["user_number"] == user_number]

    def call(self, unique_call_id: str) -> dict[str, Any] | None:
        rows = self._list("get-user-calls", {"sort_by": "newest_first", "unique_call_id": unique_call_id})
        return rows[0] if rows else None

    def group_calls(self, op: str, names: list[str], names_param: str, limit: int = 100) -> list[dict[str, Any]]:
        """Queue or ring-group calls, the query built as one client builds it."""
        params = {"sort_by": "newest_first", names_param: ",".join(names), "offset": 0, "limit": limit}
        rows = self._list(op, params)
        for row in rows:
            if row.get("status") not in ("answered", "abandoned") or _text(row.get("callerid")) is None:
                raise ClientError(f"{op}: malformed row {row!r}")
        return rows


def _utc_day(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).date().isoformat()


def run(client: V2Client, user_number: str, number_to_call: str, *, caller_id: str | None = None,
        bad_client: V2Client | None = None, advance: Callable[[float], None] | None = None,
        log: Callable[[str], None] = print) -> dict[str, Any]:
    """The sequence a click-to-call integration runs; raises ``ClientError`` at the first surprise."""
    client._list("get-user-calls", {"limit": 1})  # "test connection"
    log("connection ok")
    if bad_client is not None:
        try:
            bad_client._list("get-user-calls", {"limit": 1})
        except AuthError:
            log("a wrong key is refused")
        else:
            raise ClientError("a wrong key was accepted")
    started = client.call_to_number(user_number, number_to_call, caller_id=caller_id)
    log(f"call {started['call_id']} {started['status']}")
    for _ in range(60):  # the call is listed once it has ended (virtual time when ``advance`` is given)
        if advance is not None:
            advance(30)
        else:
            time.sleep(5)
        row = client.call(started["call_id"])
        if row is not None:
            break
    else:
        raise ClientError("the call never ended")
    if row["user_number"] != user_number or not row["type"].startswith("user_outbound_"):
        raise ClientError(f"the call is listed as someone else's: {row!r}")
    start = datetime.fromisoformat(row["call_start_at"].replace("Z", "+00:00"))
    history = client.user_calls(user_number, start - timedelta(hours=1), start + timedelta(hours=1))
    if not history or history[0]["unique_call_id"] != started["call_id"]:
        raise ClientError("the ended call is not the newest of the user's history")
    log(f"history: {len(history)} call(s), newest {row['type']} {row['conversation_duration']} s talk")
    queues = client.group_calls("get-queue-calls", ["Sales", "Support"], "queues_names")
    groups = client.group_calls("get-ringgroup-calls", ["Reception"], "ringgroups_names")
    log(f"queues: {len(queues)} call(s), ring groups: {len(groups)} call(s)")
    if advance is not None:  # the user finishes their wrap-up before the next call
        advance(60)
    second = client.call_to_number_json("u", "someone", user_number, number_to_call)
    if second["call_id"] == started["call_id"]:
        raise ClientError("two calls share an id")
    log(f"json call {second['call_id']} {second['status']}")
    return {"first": row, "second": second, "history": history, "queues": queues, "ring_groups": groups}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--user-number", required=True)
    parser.add_argument("--number-to-call", required=True)
    parser.add_argument("--caller-id", help="E.164 number to present to the called party")
    parser.add_argument("--advance-url", help="telemock: POST {seconds} here to move virtual time")
    args = parser.parse_args(argv)
    http = httpx.Client(timeout=30.0)
    advance = None
    if args.advance_url:
        def advance(seconds: float) -> None:
            http.post(args.advance_url, json={"seconds": seconds}).raise_for_status()
    try:
        run(V2Client(args.base_url, args.token, http), args.user_number, args.number_to_call,
            caller_id=args.caller_id, bad_client=V2Client(args.base_url, "0" * 32, http), advance=advance)
    except ClientError as exc:
        print(f"v2 client: {exc!r}", file=sys.stderr)
        return 1
    finally:
        http.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
