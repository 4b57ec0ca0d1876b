"""``sql_datetime`` formats the fields itself (strftime was a tenth of a busy day's Kerauno
webhooks); it must still say exactly what ``strftime("%Y-%m-%d %H:%M:%S")`` says, in every zone,
across DST changes, for every four-digit year."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.core.formats import local_datetime, sql_datetime

YEAR_1000 = -30_610_224_000 + 2 * 86_400
YEAR_9999_END = 253_402_300_799 - 2 * 86_400
ZONES = st.sampled_from(["UTC", "America/New_York", "Australia/Sydney", "Asia/Kolkata",
                         "Pacific/Chatham", "Europe/London", "America/St_Johns"])


@settings(max_examples=60, deadline=None)
@given(epoch=st.one_of(st.floats(YEAR_1000, YEAR_9999_END), st.floats(0, 4_000_000_000)), tz=ZONES)
def test_same_text_as_strftime(epoch: float, tz: str) -> None:
    assert sql_datetime(epoch, tz) == local_datetime(epoch, tz).strftime("%Y-%m-%d %H:%M:%S")
