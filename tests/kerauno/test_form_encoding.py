"""Post API form bodies: the fast encoder (the whole body escaped at once) gives exactly what
``urllib.parse.urlencode`` gives, for ordinary bodies and for anything else (the general path):
callers with odd numbers still produce a body that decodes back to the fields."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from hypothesis import example, given, settings
from hypothesis import strategies as st

from emulators.core import engine
from emulators.core.formats import form_encode

from .helpers import T

# What a Post API body holds (the fast path), the joints ``=`` and ``&`` inside names and values
# (which must send a body down the general path), and any text.
ORDINARY = st.text(alphabet=st.sampled_from(list("aZ09_.-~ :+/")), max_size=20)
JOINTS = st.text(alphabet=st.sampled_from(list("a :+/=&%\x00\x01")), max_size=6)
ANY = st.one_of(ORDINARY, JOINTS, st.text(max_size=12))
VALUES = st.one_of(ANY, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())


@settings(max_examples=60, deadline=None)
@given(fields=st.dictionaries(ANY, VALUES, max_size=9))
@example(fields={"timestamp": "2026-01-05 09:00:00", "source": "+15551234567", "channel": "SIP/trunk-000000e5",
                 "duration": 42})
@example(fields={"a": "x=y", "b": 1})
@example(fields={"a&": "x", "b": "="})
@example(fields={"a": "x\x00y", "": ""})
def test_same_bytes_as_urlencode(fields: dict[str, Any]) -> None:
    assert form_encode(fields) == urlencode([(k, str(v)) for k, v in fields.items()])


@settings(max_examples=40, deadline=None)
@given(fields=st.dictionaries(ORDINARY, ORDINARY, max_size=9))
def test_ordinary_bodies(fields: dict[str, Any]) -> None:
    assert form_encode(fields) == urlencode(list(fields.items()))


def test_a_post_api_body_with_odd_numbers_decodes_back_to_its_fields(emu_factory) -> None:  # type: ignore[no-untyped-def]
    emu = emu_factory("kerauno")
    tenant = emu.tenant("kerauno")
    engine.inbound_call(tenant, "+1 (555) 010-99&x=1%é", "3000")
    assert emu.client("kerauno").post(f"{T}/default/clock/advance", json={"seconds": 600}).status_code == 200
    deliveries = tenant.outbox.deliveries
    assert [d.event for d in deliveries] == ["CALL_STARTED", "CALL_ENDED"]
    for d in deliveries:
        assert d.body == urlencode([(k, str(v)) for k, v in d.fields.items()])
        assert dict(parse_qsl(d.body)) == {k: str(v) for k, v in d.fields.items()}
        assert d.fields["source"] == "+1 (555) 010-99&x=1%é"
