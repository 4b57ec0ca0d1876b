"""SMS text: how a message is carried (GSM-7 or UCS-2, in how many parts) and how a gateway
that sends plain text converts it to ASCII.

GSM-7 carries 160 septets in one message and 153 in each part of a longer one (the rest holds
the concatenation header); the extension characters ``^{}\\[~]|€`` take two septets. UCS-2
carries 70 UTF-16 units, 67 per part.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

GSM7, UCS2 = "gsm7", "ucs2"
ENCODINGS = (GSM7, UCS2)
SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}
"""Units in one message, and in each part of a concatenated one (the rest carries the header)."""
GSM7_BASIC = frozenset("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")
"""GSM 03.38: the basic alphabet (one septet each) and the extension table (an escape and one
septet)."""
_ASCII = {"ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ł": "L", "ł": "l",
          "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "€": "EUR", "£": "GBP", "¥": "JPY", "“": '"', "”": '"',
          "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "`": "'", "–": "-", "—": "-",
          "…": "...", "\u00a0": " ", "\t": " "}


def fold_ascii(text: str) -> str:
    """The text in ASCII, as a gateway that sends only plain text converts it: accents dropped
    (``Příliš`` -> ``Prilis``), a few letters and signs spelt out, anything else ``?``; control
    characters other than line breaks removed."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFKD", text):
        if ch in _ASCII:
            out.append(_ASCII[ch])
        elif ch.isascii():
            if ch >= " " or ch in "\n\r":
                out.append(ch)
        elif not unicodedata.combining(ch):
            out.append("?")
    return "".join(out)


def septets(text: str) -> int | None:
    """GSM-7 septets of ``text``, or None when a character is outside GSM-7."""
    n = 0
    for ch in text:
        if ch in GSM7_BASIC:
            n += 1
        elif ch in GSM7_EXTENDED:
            n += 2
        else:
            return None
    return n


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Segmentation:
    encoding: str
    units: int
    """Septets (GSM-7) or UTF-16 units (UCS-2)."""
    count: int
    """Messages the network carries (1 for an empty text)."""


def segment(text: str, encoding: str = GSM7) -> Segmentation:
    """How ``text`` is carried: GSM-7 when asked and possible (else UCS-2), in how many parts."""
    units = septets(text) if encoding == GSM7 else None
    if units is None:
        encoding, units = UCS2, utf16_units(text)
    count = 1 if units <= SINGLE[encoding] else math.ceil(units / PART[encoding])
    return Segmentation(encoding, units, count)
