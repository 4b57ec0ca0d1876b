"""Shared helpers without an HTTP surface: ids, formats, paging and the rate limiter."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core.formats import (
    csv_bytes,
    iso8601,
    json_bytes,
    parse_date,
    parse_instant,
    parse_sql_datetime,
    sql_datetime,
    utc_iso,
    xml_document,
)
from emulators.core.ids import IdGenerator
from emulators.core.ratelimit import RateLimiter
from emulators.core.store import page_of as page
from emulators.dialect.ids import ASTERISK

START = 1_767_621_600.0  # 2026-01-05T14:00:00Z


# -- ids -------------------------------------------------------------------------------------
def test_asterisk_uniqueids_are_epoch_dot_sequence() -> None:
    ids = IdGenerator(0)
    assert ASTERISK.call_id(ids, START + 0.9) == "1767621600.1000"
    assert ASTERISK.call_id(ids, START + 5) == "1767621605.1001"
    assert [ASTERISK.channel(ids) for _ in range(2)] == [0xE0, 0xE1]


def test_hex_ids_are_deterministic_per_seed_and_differ_between_seeds() -> None:
    a, b, c = IdGenerator(7), IdGenerator(7), IdGenerator(8)
    seq_a = [a.hex("call", 32) for _ in range(5)]
    assert seq_a == [b.hex("call", 32) for _ in range(5)]
    assert seq_a != [c.hex("call", 32) for _ in range(5)]
    assert len(set(seq_a)) == 5
    assert all(len(x) == 32 and int(x, 16) >= 0 for x in seq_a)
    assert len(IdGenerator(1).hex("long", 100)) == 100


def test_families_count_independently_and_survive_to_dict_load() -> None:
    ids = IdGenerator(3)
    assert [ids.next("a"), ids.next("a"), ids.next("b", start=10)] == [1, 2, 10]
    copy = IdGenerator(0)
    copy.load(ids.to_dict())
    assert copy.next("a") == ids.next("a") == 3
    assert copy.hex("x") == ids.hex("x")


# -- formats ---------------------------------------------------------------------------------
def test_json_bytes_keeps_key_order_and_can_imitate_php() -> None:
    data = {"z": 1, "a": "x/y", "m": "é"}
    assert json_bytes(data) == '{"z":1,"a":"x/y","m":"é"}'.encode()
    assert json_bytes(data, compact=False) == '{"z": 1, "a": "x/y", "m": "é"}'.encode()
    assert json_bytes(data, ascii_only=True, escape_slashes=True) == b'{"z":1,"a":"x\\/y","m":"\\u00e9"}'


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.integers(), st.text(max_size=8)),
                       max_size=6))
def test_json_bytes_round_trips_in_order(data: dict[str, object]) -> None:
    assert list(json.loads(json_bytes(data)).items()) == list(data.items())
    assert json.loads(json_bytes(data, ascii_only=True, escape_slashes=True)) == data


def test_csv_bytes_has_header_crlf_and_empty_for_none() -> None:
    out = csv_bytes(["a", "b"], [{"a": 1, "b": None}, {"a": "x,y", "b": "q"}])
    assert out == b'a,b\r\n1,\r\n"x,y",q\r\n'


def test_xml_document_escapes_and_keeps_order() -> None:
    out = xml_document("r", [("b", {"y": "1<2", "x": None}), ("a", True)]).decode()
    assert out == ('<?xml version="1.0" encoding="UTF-8"?>\n<r>\n  <b>\n    <y>1&lt;2</y>\n'
                   '    <x/>\n  </b>\n  <a>true</a>\n</r>\n')


def test_datetimes_in_a_zone_and_back() -> None:
    assert sql_datetime(START, "Australia/Sydney") == "2026-01-06 01:00:00"
    assert iso8601(START, "Australia/Sydney") == "2026-01-06T01:00:00+11:00"
    assert iso8601(START + 0.7, "UTC") == "2026-01-05T14:00:00+00:00"
    assert parse_sql_datetime("2026-01-06 01:00:00", "Australia/Sydney") == START
    assert parse_date("2026-01-06", "Australia/Sydney") == START - 3600
    assert utc_iso(START) == "2026-01-05T14:00:00Z"
    assert parse_instant("2026-01-05T14:00:00Z") == START
    assert parse_instant("2026-01-06T01:00:00+11:00") == START
    assert parse_instant("2026-01-05T14:00:00") == START  # naive means UTC


@pytest.mark.parametrize("text", ["2026-1-5", "2026-01-05 ", "05/01/2026", "2026-13-01", ""])
def test_parse_date_refuses_anything_but_y_m_d(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text, "UTC")


@pytest.mark.parametrize("text", ["2026-01-05T14:00:00", "2026-01-05 14:00", "2026-01-05 25:00:00"])
def test_parse_sql_datetime_refuses_other_shapes(text: str) -> None:
    with pytest.raises(ValueError):
        parse_sql_datetime(text, "UTC")


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 4_000_000_000), st.sampled_from(["UTC", "Europe/Prague", "Australia/Sydney",
                                                        "America/New_York"]))
def test_sql_datetime_round_trips_outside_dst_folds(epoch: int, tz: str) -> None:
    text = sql_datetime(epoch, tz)
    back = parse_sql_datetime(text, tz)
    # An ambiguous local time (DST fall-back) maps to the first occurrence: off by the shift.
    assert back == epoch or sql_datetime(back, tz) == text
    assert parse_instant(iso8601(epoch, tz)) == epoch
    assert datetime.fromtimestamp(parse_instant(utc_iso(epoch)), timezone.utc).timestamp() == epoch


# -- paging ----------------------------------------------------------------------------------
@settings(max_examples=50, deadline=None)
@given(n=st.integers(0, 60), limit=st.integers(1, 25))
def test_pages_cover_everything_once_in_order(n: int, limit: int) -> None:
    items = list(range(n))
    pages = [page(items, offset, limit) for offset in range(0, n + limit, limit)]
    assert [x for p in pages for x in p] == items
    assert all(len(p) <= limit for p in pages)
    assert page(items, n + 5, limit) == []


def test_negative_paging_is_refused() -> None:
    with pytest.raises(ValueError):
        page([1, 2], -1, 1)
    with pytest.raises(ValueError):
        page([1, 2], 0, -1)


# -- rate limiter ----------------------------------------------------------------------------
def test_rate_limit_edge_and_window_on_the_given_clock() -> None:
    limiter = RateLimiter(3, 60)
    assert [limiter.allow(START + i) for i in range(4)] == [True, True, True, False]
    assert limiter.retry_after(START + 3) == 57
    assert limiter.allow(START + 59.9) is False     # the first hit is still inside the window
    assert limiter.allow(START + 60) is True        # ... and now it has left
    assert limiter.allow(START + 60.5) is False


def test_rejected_requests_do_not_count_and_limit_zero_disables() -> None:
    limiter = RateLimiter(1, 10)
    assert limiter.allow(START)
    for i in range(50):
        assert not limiter.allow(START + i * 0.1)
    assert limiter.allow(START + 10)
    off = RateLimiter(0, 10)
    assert all(off.allow(START) for _ in range(1000))


def test_limiter_state_survives_to_dict_load_and_configure() -> None:
    limiter = RateLimiter(2, 100)
    limiter.allow(START)
    limiter.allow(START + 1)
    copy = RateLimiter(0, 1)
    copy.load(limiter.to_dict())
    assert copy.allow(START + 2) is False
    copy.configure(3, 100)
    assert copy.allow(START + 2) is True
