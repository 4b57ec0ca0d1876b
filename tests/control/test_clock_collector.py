"""The collector's pause around a clock advance (core/collector.py) hands everything back: the
collector is on again, nothing is left frozen, and the cyclic garbage made during the advance
is still collected (by the next full collection)."""

from __future__ import annotations

import gc

from emulators.core.calls import Call

from support.harness import MiniEmu, T
from support.minivendor import DID


def test_an_advance_leaves_the_collector_as_it_found_it(mini: MiniEmu) -> None:
    tid = str(mini.create()["id"])
    for _ in range(3):
        mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550001111", "to": DID})
    assert gc.isenabled()
    mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 3600})
    assert gc.isenabled() and gc.get_freeze_count() == 0
    before = _calls()
    assert before >= 3  # the calls the advance ended live on, in the oldest generation
    mini.ok("DELETE", f"{T}/{tid}")
    gc.collect()
    assert _calls() <= before - 3  # a deleted tenant's world (cycles and all) is collected


def _calls() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, Call))


def test_objects_someone_else_froze_stay_frozen(mini: MiniEmu) -> None:
    tid = str(mini.create()["id"])
    mini.ok("POST", f"{T}/{tid}/calls", 201, json={"from": "+15550001111", "to": DID})
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        mini.ok("POST", f"{T}/{tid}/clock/advance", json={"seconds": 600})
        assert gc.isenabled() and gc.get_freeze_count() > frozen // 2  # (some were freed meanwhile)
    finally:
        gc.unfreeze()
