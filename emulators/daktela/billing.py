"""The CDR module's call billing: a price per call from the tenant's price list (destinations
by number prefix, a rate per minute, a first and further billing steps).

The doc's CDR example fixes the arithmetic: 321 s to a fixed line at 0.9000/min costs
``4.94999987``, which is 5.5 minutes (a first step of 30 s, then steps of 30 s) times the rate
held as a single-precision float, printed with eight decimals; a 4 s call to an 840 number
(1.9150/min) costs ``3.82999992``, two minutes: that destination bills a first step of 120 s.
"""

from __future__ import annotations

import math
import struct

from ..core.world import Tenant
from . import model
from .model import Destination

NATIONAL_PREFIXES = ("+420", "00420")
"""A number dialled with the Czech country code is priced as the national number."""


def destination(t: Tenant, number: str) -> Destination | None:
    """The price-list line of the longest prefix matching ``number``."""
    for prefix in NATIONAL_PREFIXES:
        if number.startswith(prefix):
            number = number[len(prefix):]
            break
    best: Destination | None = None
    for line in model.destinations(t):
        if number.startswith(line.prefix) and (best is None or len(line.prefix) > len(best.prefix)):
            best = line
    return best


def _float32(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        return 0.0
    if not math.isfinite(value) or abs(value) > 3.4e38:
        return 0.0
    return float(struct.unpack("f", struct.pack("f", value))[0])


def billed_seconds(line: Destination, billsec: int) -> int:
    if billsec <= 0:
        return 0
    first, step = max(1, line.first), max(1, line.step)
    return first + math.ceil(max(0, billsec - first) / step) * step


def price(line: Destination | None, billsec: int) -> str:
    """The call's price as the CDR module prints it (``%.8f`` of a float32 rate times minutes)."""
    if line is None:
        return "0.00000000"
    return "%.8f" % (_float32(line.rate) * (billed_seconds(line, billsec) / 60.0))
