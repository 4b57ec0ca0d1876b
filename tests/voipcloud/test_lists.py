"""The three call lists: parameter rules, filters, record fields and types, order."""

from __future__ import annotations

from datetime import datetime

import pytest

from .conftest import LISTS, NAMES_PARAM, VC

USER_FIELDS = ["from_number", "to_number", "user_name", "is_inbound", "call_start_at",
               "call_duration", "call_finished_at", "conversation_duration"]
QUEUE_TAIL = ["callerid", "inbound_number", "call_start_at", "call_answered_at",
              "call_finished_at", "answered_by_user_name", "status"]
FIELDS = {"get-user-calls": USER_FIELDS, "get-queue-calls": ["queue_name", *QUEUE_TAIL],
          "get-ringgroup-calls": ["ring_group_name", *QUEUE_TAIL]}
NAME_FIELD = {"get-user-calls": "user_name", "get-queue-calls": "queue_name",
              "get-ringgroup-calls": "ring_group_name"}


def bad(vc: VC, op: str, **params: object) -> None:
    r = vc.call(op, params=params)
    assert r.status_code == 400, (params, r.text)
    assert r.json() == {"code": 400, "description": "Parameters error", "data": None}


def instant(text: str) -> datetime:
    dt = datetime.fromisoformat(text)
    assert dt.tzinfo is not None, text
    return dt


@pytest.mark.parametrize("op", LISTS)
def test_fields_types_and_order(vcx: VC, op: str) -> None:
    rows = vcx.everything(op)
    assert len(rows) > 20
    for row in rows:
        assert list(row) == FIELDS[op]
        assert isinstance(row["call_start_at"], str) and instant(row["call_start_at"])
        assert row["call_start_at"].endswith(("+11:00", "+10:00"))  # Australia/Sydney
        if op == "get-user-calls":
            assert isinstance(row["is_inbound"], int) and row["is_inbound"] in (0, 1)
            assert isinstance(row["call_duration"], int)
            assert isinstance(row["conversation_duration"], int)
            assert 0 <= row["conversation_duration"] <= row["call_duration"]
            assert row["call_finished_at"] is not None  # nothing is live right after start
            span = instant(row["call_finished_at"]) - instant(row["call_start_at"])
            assert row["call_duration"] == int(span.total_seconds())
            for key in ("from_number", "to_number", "user_name"):
                assert isinstance(row[key], str) and row[key]
        else:
            assert row["status"] in ("answered", "abandoned", "timedout")
            assert isinstance(row["call_finished_at"], str)
            assert isinstance(row["answered_by_user_name"], str)
            if row["status"] == "answered":
                assert instant(row["call_start_at"]) <= instant(row["call_answered_at"]) \
                    <= instant(row["call_finished_at"])
                assert row["answered_by_user_name"]
            else:
                assert row["call_answered_at"] is None and row["answered_by_user_name"] == ""
    starts = [instant(r["call_start_at"]) for r in rows]
    assert starts == sorted(starts, reverse=True)  # newest first


@pytest.mark.parametrize("op", ["get-queue-calls", "get-ringgroup-calls"])
def test_seed_history_shows_every_outcome(vcx: VC, op: str) -> None:
    statuses = {r["status"] for r in vcx.everything(op)}
    assert statuses == {"answered", "abandoned", "timedout"}


def test_user_calls_show_both_directions(vcx: VC) -> None:
    rows = vcx.everything("get-user-calls")
    assert {r["is_inbound"] for r in rows} == {0, 1}
    assert {r["user_name"] for r in rows} >= {"Olivia Nguyen", "Noah Campbell"}


@pytest.mark.parametrize("op", LISTS)
def test_limit_rules(vcx: VC, op: str) -> None:
    full = vcx.everything(op)
    assert vcx.data(op) == full[:100]  # default limit 100
    assert vcx.data(op, limit="") == full[:100]  # '' is the default
    assert vcx.data(op, limit=1) == full[:1]
    assert vcx.data(op, limit=10000) == full
    assert vcx.data(op, limit="+7") == full[:7]  # as PHP's FILTER_VALIDATE_INT reads it
    assert vcx.data(op, limit=" 7 ") == full[:7]
    for value in (0, 10001, -1, "abc", "1.5", "07", "1e3", "0x10", "9" * 40, "1,2"):
        bad(vcx, op, limit=value)


@pytest.mark.parametrize("op", LISTS)
def test_offset_rules(vcx: VC, op: str) -> None:
    full = vcx.everything(op)
    assert vcx.data(op, offset=0, limit=5) == full[:5]
    assert vcx.data(op, offset=3, limit=5) == full[3:8]
    assert vcx.data(op, offset="", limit=5) == full[:5]
    assert vcx.data(op, offset=len(full) - 1, limit=5) == full[-1:]
    assert vcx.data(op, offset=len(full)) == []  # past the end: an empty list
    assert vcx.data(op, offset=10**15) == []
    for edge in (2**63 - 1, 2**63 - 2, 2**63 - 100):  # PHP_INT_MAX and near it, with any limit
        assert vcx.data(op, offset=edge) == []
        assert vcx.data(op, offset=edge, limit=10000) == []
    bad(vcx, op, offset=2**63)  # not an integer to PHP
    for value in (-1, "x", "2.0", "01", "9" * 25):
        bad(vcx, op, offset=value)


@pytest.mark.parametrize("op", LISTS)
def test_date_rules(vcx: VC, op: str) -> None:
    full = vcx.everything(op)
    days = sorted({r["call_start_at"][:10] for r in full})
    assert len(days) >= 5
    first, last = days[1], days[3]
    # inclusive on both ends, days of the tenant's own zone (the local date in the ISO text)
    want = [r for r in full if first <= r["call_start_at"][:10] <= last]
    assert vcx.everything(op, from_date=first, to_date=last) == want
    assert vcx.everything(op, from_date=first) == [r for r in full if r["call_start_at"][:10] >= first]
    assert vcx.everything(op, to_date=last) == [r for r in full if r["call_start_at"][:10] <= last]
    assert vcx.everything(op, from_date=last, to_date=last) == \
        [r for r in full if r["call_start_at"][:10] == last]
    assert vcx.everything(op, from_date="", to_date="") == full
    assert vcx.everything(op, from_date="2030-01-01") == []
    assert vcx.everything(op, to_date="2001-01-01") == []
    for value in ("2026-1-5", "2026-02-30", "05/01/2026", "2026-01-05T00:00:00", "yesterday",
                  "20260105", " 2026-01-05", "2026-13-01"):
        bad(vcx, op, from_date=value)
        bad(vcx, op, to_date=value)
    bad(vcx, op, from_date=last, to_date=first)  # an inverted range


@pytest.mark.parametrize("op", LISTS)
def test_name_filters(vcx: VC, op: str) -> None:
    full = vcx.everything(op)
    names = sorted({r[NAME_FIELD[op]] for r in full})
    assert len(names) >= 2
    param = NAMES_PARAM[op]
    one, two = names[0], names[1]
    assert vcx.everything(op, **{param: one}) == [r for r in full if r[NAME_FIELD[op]] == one]
    both = [r for r in full if r[NAME_FIELD[op]] in (one, two)]
    assert vcx.everything(op, **{param: f"{one},{two}"}) == both
    assert vcx.everything(op, **{param: f" {two.upper()} , {one.lower()},"}) == both
    assert vcx.everything(op, **{param: ""}) == full
    for unknown in ("Nobody Here", f"{one},Nobody Here"):
        r = vcx.call(op, params={param: unknown})
        assert r.status_code == 404
        assert r.json() == {"code": 404, "description": "Tenant or required data not found",
                            "data": None}


def test_queue_names_do_not_cross_kinds(vcx: VC) -> None:
    """A ring group's name is unknown to get-queue-calls and the other way round."""
    assert vcx.call("get-queue-calls", params={"queues_names": "Reception"}).status_code == 404
    assert vcx.call("get-ringgroup-calls", params={"ringgroups_names": "Sales"}).status_code == 404
    assert vcx.everything("get-queue-calls", queues_names="Sales,Support")
    assert vcx.everything("get-ringgroup-calls", ringgroups_names="Reception,Accounts")


def test_filters_combine_with_paging(vcx: VC) -> None:
    full = vcx.everything("get-user-calls", users_names="Olivia Nguyen")
    days = sorted({r["call_start_at"][:10] for r in full})
    want = [r for r in full if r["call_start_at"][:10] >= days[1]]
    got = vcx.data("get-user-calls", users_names="Olivia Nguyen", from_date=days[1],
                   offset=2, limit=3)
    assert got == want[2:5]


def test_unknown_parameters_are_ignored(vcx: VC) -> None:
    assert vcx.data("get-user-calls", limit=3, sort="asc", page=9) == \
        vcx.data("get-user-calls", limit=3)


def test_lists_are_read_only(vcx: VC) -> None:
    from .conftest import state_of
    before = state_of(vcx.snapshot())
    for op in LISTS:
        vcx.everything(op)
    vcx.data("get-system-status")
    assert state_of(vcx.snapshot()) == before


def test_time_zone_follows_tenant_settings(vcx: VC) -> None:
    vcx.settings({"timezone": "UTC"})
    rows = vcx.data("get-queue-calls", limit=5)
    assert all(r["call_start_at"].endswith("+00:00") for r in rows)
