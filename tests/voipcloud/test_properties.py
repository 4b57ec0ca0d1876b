"""Hypothesis properties over HTTP: paging, robustness against bad input, tenant isolation."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import API, LISTS, NAMES_PARAM, NO_LIMIT, OPS, VC, state_of

PROPERTY = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
NAME_FIELD = {"get-user-calls": "user_name", "get-queue-calls": "queue_name",
              "get-ringgroup-calls": "ring_group_name"}
NAMES = {"get-user-calls": ["Olivia Nguyen", "Jack Thompson", "Charlotte Wilson", "Liam O'Brien",
                            "Mia Patel", "Noah Campbell", "Isla Robinson"],
         "get-queue-calls": ["Sales", "Support"], "get-ringgroup-calls": ["Reception", "Accounts"]}
DAYS = [f"2025-12-{d:02d}" for d in range(24, 32)] + [f"2026-01-{d:02d}" for d in range(1, 8)]


def with_live_calls(vc: VC) -> None:
    """Give the default tenant a few calls of its own, one still in progress."""
    if vc.calls():
        return
    for user, number in (("1001", "0255501999"), ("1006", "1007")):
        assert vc.call("call-to-number", data={"user_number": user, "number_to_call": number}).status_code == 200
        vc.advance(400)
    vc.call("call-to-number", data={"user_number": "1002", "number_to_call": "0755503999"})
    vc.advance(12)


@PROPERTY
@given(op=st.sampled_from(LISTS), limit=st.integers(1, 80), data=st.data())
def test_pages_union_is_the_whole_filtered_list(vcx: VC, op: str, limit: int, data: Any) -> None:
    with_live_calls(vcx)
    filters: dict[str, str] = {}
    names = data.draw(st.lists(st.sampled_from(NAMES[op]), unique=True, max_size=3))
    if names:
        filters[NAMES_PARAM[op]] = ",".join(names)
    first = data.draw(st.sampled_from(["", *DAYS]))
    last = data.draw(st.sampled_from(["", *[d for d in DAYS if d >= first]]))
    if first:
        filters["from_date"] = first
    if last:
        filters["to_date"] = last

    # an oracle independent of the server's filtering: the full list, filtered here
    whole = [r for r in vcx.everything(op)
             if (not names or r[NAME_FIELD[op]] in names)
             and (not first or r["call_start_at"][:10] >= first)
             and (not last or r["call_start_at"][:10] <= last)]
    pages: list[list[dict[str, Any]]] = []
    for offset in itertools.count(0, limit):
        page = vcx.data(op, limit=limit, offset=offset, **filters)
        pages.append(page)
        if len(page) < limit:
            break
    assert all(len(p) == limit for p in pages[:-1])
    joined = [r for p in pages for r in p]
    assert joined == whole  # the union of the pages is the whole set, each record once
    starts = [datetime.fromisoformat(r["call_start_at"]) for r in joined]
    assert starts == sorted(starts, reverse=True)


# -- bad input -------------------------------------------------------------------------
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
_names = st.sampled_from(["limit", "offset", "from_date", "to_date", "users_names", "queues_names",
                          "ringgroups_names", "user_number", "number_to_call", "api_key"]) | _text
_values = st.one_of(_text, st.integers(-10**12, 10**12).map(str),
                    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
                    st.sampled_from(["", "0", "1", "100", "10000", "10001", "-1", "1001", "1002",
                                     "0255501999", "Olivia Nguyen", "Sales", "Reception", "+614"]))
_paths = st.sampled_from([API + op for op in OPS] + [
    API + "get-user-calls/", API + "Call-To-Number", API, "/api/integration/v3/get-system-status",
    "/", "/_emulator/nothing"])
_methods = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])


@settings(PROPERTY, max_examples=60)
@given(method=_methods, path=_paths, params=st.dictionaries(_names, _values, max_size=5),
       body=st.dictionaries(_names, _values | st.integers() | st.none() | st.lists(st.integers(), max_size=2),
                            max_size=4),
       encoding=st.sampled_from(["none", "form", "json", "raw"]), raw=st.binary(max_size=40),
       auth=st.sampled_from(["header", "param", "none", "wrong"]))
def test_bad_input_never_5xx_and_refusals_change_nothing(
        vcx: VC, method: str, path: str, params: dict[str, str], body: dict[str, Any],
        encoding: str, raw: bytes, auth: str) -> None:
    headers = {"token": vcx.key} if auth == "header" else {"token": "0" * 32} if auth == "wrong" else {}
    if auth == "param":
        params = {**params, "api_key": vcx.key}
    kwargs: dict[str, Any] = {"params": params, "headers": headers}
    if encoding == "form":
        kwargs["data"] = {k: "" if v is None else str(v) for k, v in body.items()}
    elif encoding == "json":
        kwargs["json"] = body
    elif encoding == "raw":
        kwargs["content"] = raw
        headers["content-type"] = "application/json"
    before = state_of(vcx.snapshot())
    journals = len(vcx.journal()) + len(vcx.control("GET", "/journal/unauthenticated"))

    r = vcx.http.request(method, path, **kwargs)

    assert r.status_code < 500, r.text
    control = path.startswith("/_emulator/")  # the control plane answers its own JSON, unjournalled
    if method != "HEAD":
        envelope = r.json()
        assert list(envelope) == (["error", "routes"] if control else ["code", "description", "data"])
        assert control or envelope["code"] == r.status_code
    if path != API + "call-to-number" or r.status_code != 200:
        assert state_of(vcx.snapshot()) == before  # reads and refusals change nothing
    else:
        assert len(vcx.calls()) == len(before["calls"]) + 1
    journalled = len(vcx.journal()) + len(vcx.control("GET", "/journal/unauthenticated"))
    assert journalled == journals + (0 if control else 1)


# -- isolation -------------------------------------------------------------------------
_ids = itertools.count(1)
_users = st.sampled_from(["1001", "1002", "1003", "1004", "1005", "1006", "1007", "+61491570313"])
_numbers = st.sampled_from(["0255501999", "+61355502999", "1001", "1004", "0491570737"])


def reads(vc: VC, key: str) -> list[bytes]:
    return [vc.call(op, key=key, params={"limit": 10000}).content for op in LISTS] + \
        [vc.call("get-system-status", key=key).content]


@PROPERTY
@given(actions=st.lists(st.tuples(_users, _numbers, st.integers(0, 400)), min_size=1, max_size=4),
       seed_b=st.sampled_from([0, 1]))
def test_two_tenants_never_see_each_others_data(vcx: VC, actions: list[tuple[str, str, int]],
                                                seed_b: int) -> None:
    n = next(_ids)
    a = vcx.create_tenant(id=f"a{n}", settings=NO_LIMIT)
    b = vcx.create_tenant(id=f"b{n}", settings=NO_LIMIT, seed=seed_b)
    key_a, key_b = a["credentials"]["api_key"], b["credentials"]["api_key"]
    assert key_a != key_b
    b_before, b_snapshot = reads(vcx, key_b), state_of(vcx.snapshot(b["id"]))
    a_before = vcx.everything("get-user-calls", key=key_a)
    placed = 0
    for user, number, wait in actions:
        r = vcx.call("call-to-number", key=key_a, data={"user_number": user, "number_to_call": number})
        assert r.status_code in (200, 400)  # 400: that user is still on the previous call
        placed += r.status_code == 200
        vcx.advance(wait, a["id"])
    assert reads(vcx, key_b) == b_before
    assert state_of(vcx.snapshot(b["id"])) == b_snapshot
    assert vcx.calls(b["id"]) == [] and len(vcx.calls(a["id"])) == placed
    a_after = vcx.everything("get-user-calls", key=key_a)
    assert len(a_after) == len(a_before) + placed and a_after[placed:] == a_before
    vcx.control("DELETE", f"/tenants/{a['id']}")
    vcx.control("DELETE", f"/tenants/{b['id']}")
