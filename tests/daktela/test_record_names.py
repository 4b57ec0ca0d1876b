"""Records created at one instant get PHP uniqid() names one microsecond apart, never a name a
record already has (the name index answers what a scan of every record answered)."""

from __future__ import annotations

from .conftest import Dak


def test_records_made_at_one_instant_take_the_next_free_uniqid(dak: Dak) -> None:
    names = [dak.ok("CreateRecord", "4.1", queue="2003", phonenumber=f"60344{i:04d}")["record"]["name"]
             for i in range(40)]
    assert len(set(names)) == 40
    first = int(names[0].split("_")[1], 16)
    assert [int(n.split("_")[1], 16) for n in names] == list(range(first, first + 40))  # the clock stands still
    everyone = [r["name"] for r in dak.ok("GetRecords", "4.1", take="1000")["data"]]
    assert len(everyone) == len(set(everyone)) and set(names) <= set(everyone)
