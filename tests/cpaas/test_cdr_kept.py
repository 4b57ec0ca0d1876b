"""get_cdr_by_date keeps each written CDR's row: a row read once still shows a later change of
what it shows besides the CDR (the time zone, through settings and a restored snapshot)."""

from __future__ import annotations

from .conftest import CP


def test_a_kept_row_follows_the_time_zone(cp: CP) -> None:
    first = cp.cdrs()
    assert first and cp.cdrs() == first
    snap = cp.snapshot()
    cp.settings({"timezone": "Asia/Kolkata"})
    moved = cp.cdrs()
    assert [r["id"] for r in moved] == [r["id"] for r in first]
    assert all(a["call_date"] != b["call_date"] for a, b in zip(moved, first))
    assert any(a["end"] != b["end"] and a["answer"] != b["answer"] for a, b in zip(moved, first))
    cp.control("POST", "/tenants/default/restore", snap)
    assert cp.cdrs() == first
