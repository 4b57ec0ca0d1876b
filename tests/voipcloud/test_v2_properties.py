"""Hypothesis properties of integration API v2 over HTTP: paging under every ``sort_by`` joins
into the whole sorted list, and bad input never gets a 5xx and never changes anything."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from .conftest import API2, LISTS, OPS2, VC, state_of
from .test_properties import DAYS, NAMES, PROPERTY, with_live_calls

NAMES_PARAM = {"get-queue-calls": "queues_names", "get-ringgroup-calls": "ringgroups_names"}
NAME_FIELD = {"get-queue-calls": "queue_name", "get-ringgroup-calls": "ring_group_name"}


@PROPERTY
@given(op=st.sampled_from(LISTS), sort=st.sampled_from([None, "newest_first", "oldest_first"]),
       limit=st.integers(3, 80), data=st.data())
def test_pages_join_into_the_whole_list_in_its_order(vcx: VC, op: str, sort: str | None, limit: int,
                                                      data: Any) -> None:
    with_live_calls(vcx)
    filters: dict[str, str] = {"sort_by": sort} if sort else {}
    names = data.draw(st.lists(st.sampled_from(NAMES[op]), unique=True, max_size=2)) if op in NAMES_PARAM else []
    if names:
        filters[NAMES_PARAM[op]] = ",".join(names)
    first = data.draw(st.sampled_from(["", *DAYS]))
    last = data.draw(st.sampled_from(["", *[d for d in DAYS if d >= first]]))
    if first:
        filters["from_date"] = first
    if last:
        filters["to_date"] = last

    # an oracle independent of the server's filtering and sorting: the whole list, here
    whole = [r for r in vcx.everything2(op)
             if (not names or r[NAME_FIELD[op]] in names)
             and (not first or r["call_start_at"][:10] >= first)  # UTC days, as the rows show
             and (not last or r["call_start_at"][:10] <= last)]
    if sort == "oldest_first":
        whole.reverse()
    pages: list[list[dict[str, Any]]] = []
    for offset in itertools.count(0, limit):
        pages.append(vcx.data2(op, limit=limit, offset=offset, **filters))
        if len(pages[-1]) < limit:
            break
    assert all(len(p) == limit for p in pages[:-1])
    assert [r for p in pages for r in p] == whole  # every row once, in the requested order
    starts = [datetime.fromisoformat(r["call_start_at"].replace("Z", "+00:00")) for r in whole]
    assert starts == sorted(starts, reverse=sort != "oldest_first")


# -- bad input -------------------------------------------------------------------------
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=24)
_names = st.sampled_from(["limit", "offset", "from_date", "to_date", "sort_by", "unique_call_id", "queues_names",
                          "ringgroups_names", "user_number", "number_to_call", "caller_id", "user", "api_key"]) | _text
_values = st.one_of(_text, st.integers(-10**12, 10**12).map(str),
                    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
                    st.sampled_from(["", "0", "1", "10000", "10001", "-1", "1001", "1002", "newest_first",
                                     "oldest_first", "17675959871319", "+61255501999", "Sales", "Reception"]))
_paths = st.sampled_from([API2 + op for op in OPS2] + [
    API2 + "get-system-status", API2 + "Call-To-Number", API2 + "get-user-calls/", API2])
_methods = st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])


@PROPERTY
@given(method=_methods, path=_paths, params=st.dictionaries(_names, _values, max_size=5),
       body=st.dictionaries(_names, _values | st.integers() | st.none() | st.lists(st.integers(), max_size=2),
                            max_size=4),
       encoding=st.sampled_from(["none", "form", "multipart", "json", "raw"]), raw=st.binary(max_size=40),
       auth=st.sampled_from(["header", "param", "none", "wrong"]))
def test_bad_input_never_5xx_and_refusals_change_nothing(
        vcx: VC, method: str, path: str, params: dict[str, str], body: dict[str, Any],
        encoding: str, raw: bytes, auth: str) -> None:
    headers = {"token": vcx.key} if auth == "header" else {"token": "0" * 32} if auth == "wrong" else {}
    if auth == "param":
        params = {**params, "api_key": vcx.key}
    kwargs: dict[str, Any] = {"params": params, "headers": headers}
    fields = {k: "" if v is None else str(v) for k, v in body.items()}
    if encoding == "form":
        kwargs["data"] = fields
    elif encoding == "multipart":
        kwargs["files"] = {k: (None, v) for k, v in fields.items()} or {"x": (None, "")}
    elif encoding == "json":
        kwargs["json"] = body
    elif encoding == "raw":
        kwargs["content"] = raw
        headers["content-type"] = "application/json"
    before = state_of(vcx.snapshot())
    journals = len(vcx.journal()) + len(vcx.control("GET", "/journal/unauthenticated"))

    r = vcx.http.request(method, path, **kwargs)

    assert r.status_code < 500, r.text
    if method != "HEAD":
        answer = r.json()
        assert list(answer) == ["status", "message", "code", "data"]
        assert answer["code"] == r.status_code and (answer["status"] == "success") == (r.status_code == 200)
        assert answer["message"] and (r.status_code == 200 or answer["data"] is None)
    if path != API2 + "call-to-number" or r.status_code != 200:
        assert state_of(vcx.snapshot()) == before  # reads and refusals change nothing
    else:
        assert len(vcx.calls()) == len(before["calls"]) + 1
    assert len(vcx.journal()) + len(vcx.control("GET", "/journal/unauthenticated")) == journals + 1
