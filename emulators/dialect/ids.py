"""Id schemes of the PBXs behind the vendors: Asterisk's call uniqueids and channel numbers."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.ids import IdGenerator


@dataclass(frozen=True)
class AsteriskIds:
    """Asterisk ``uniqueid`` ``<epoch seconds>.<sequence>`` (``1410275433.3986``: the epoch is the
    call's creation time) and channel numbers counted from ``first_channel``
    (``SIP/3000-000000e5``)."""

    first_sequence: int = 1000
    first_channel: int = 0xE0

    def call_id(self, ids: IdGenerator, at: float) -> str:
        return f"{int(at)}.{ids.next('uniqueid', start=self.first_sequence)}"

    def channel(self, ids: IdGenerator) -> int:
        return ids.next("channel", start=self.first_channel)


ASTERISK = AsteriskIds()
