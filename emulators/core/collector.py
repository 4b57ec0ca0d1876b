"""Python's cyclic garbage collector waits while the clock runs a long stretch of virtual time.

A busy day or a campaign keeps hundreds of thousands of objects alive (events, calls, messages,
deliveries) and makes almost no cyclic garbage while it runs (measured: under two thousand
objects for the 10,000-call day), yet the collector would scan the survivors again and again: a
sixth of an instant scenario run, a third of a 100,000-contact campaign advanced through the
control plane. Reference counting still frees everything else at once; the collector is back
when the last overlapping pause ends (so it is restored exactly once) and takes what is left.

What the pause kept alive is moved to the oldest generation as the pause ends (``gc.freeze``
then ``gc.unfreeze``: two list splices), as the young collections would have promoted it: else
the first young collection after the pause walks every object made during it (measured: 0.6 s of
a 100,000-contact campaign's 8.5 s, 1.5 million objects). Cyclic garbage among them waits for the
next full collection instead. (Skipped when something else keeps objects frozen: it would thaw them.)
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_LOCK = threading.Lock()
_PAUSES = 0
_WAS_ENABLED = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _PAUSES, _WAS_ENABLED
    with _LOCK:
        if _PAUSES == 0:
            _WAS_ENABLED = gc.isenabled()
            gc.disable()
        _PAUSES += 1
    try:
        yield
    finally:
        with _LOCK:
            _PAUSES -= 1
            if _PAUSES == 0 and _WAS_ENABLED:
                if gc.get_freeze_count() == 0:  # (objects someone else froze stay frozen)
                    gc.freeze()  # everything tracked, out of the young generations in O(1) ...
                    gc.unfreeze()  # ... and back, into the oldest one
                gc.enable()


SERVING_THRESHOLDS = (10_000, 10, 10)
"""The collector's thresholds in ``telemock serve`` (Python's are 700, 10, 10): a server taking
writes grows its world fast (a record, a call, an SMS each leave a dozen objects), and with a
young generation of 700 the full collection's turn came every ~70,000 new objects, each scan the
whole heap: 8 full collections, 1.1 s, in 6 s of CreateRecord under load, a p99 of 150 – 370 ms.
With 10,000 the full collection's turn comes ~14 times less often (a young collection is longer:
up to ~35 ms for the middle generation against ~2 ms), and CreateRecord's p99 was 20 – 27 ms
(docs/PERFORMANCE.md, "The collector in telemock serve"). In-process users keep their own."""


def tune_for_serving() -> None:
    gc.set_threshold(*SERVING_THRESHOLDS)

