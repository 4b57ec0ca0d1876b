"""Hostile input to every CPaaS operation (Hypothesis): bodies built field by field from good
values, wrong JSON types, junk and hostile text, with either account or a wrong one. Whatever
comes: never a 5xx, always the envelope (or Werkzeug's page), and a refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulators.cpaas.api import OPERATIONS

from .conftest import CP, DOC_CLOCK, state_of

ROWS = [(op.methods[0], op.paths[-1], op) for op in OPERATIONS]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=20), st.sampled_from(["", " ", "0", "-1", "9" * 40, "x" * 5000, "\u202e",
                                                           "919979275555", "15168148111", "2026-08-15 12:55:00",
                                                           "../../etc/passwd", "CM7b1b0f4c2f", "LSaa8f9db7e6",
                                                           "DN95716be314", "fd5ff6e021", "{field1}", "%00"]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3),
                   st.dictionaries(st.text(max_size=8), SCALARS, max_size=3),
                   st.lists(st.dictionaries(st.sampled_from(["contact_number", "contact_name", "contact_fields",
                                                             "dnd_contact_number", "dnd_contact_name"]),
                                            SCALARS, max_size=3), max_size=3))


def _good(param: Any) -> Any:
    return param.example if param.example is not None else "x"


@pytest.fixture(scope="module")
def shared() -> Any:
    from conftest import Emu  # tests/conftest.py (tests/ is on sys.path)
    emu = Emu(("cpaas",), DOC_CLOCK)
    yield CP(emu)
    emu.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_no_input_gets_a_5xx_and_a_refusal_changes_nothing(shared: CP, data: st.DataObject) -> None:
    cp = shared
    method, path, op = data.draw(st.sampled_from(ROWS), label="row")
    body: dict[str, Any] = {}
    for param in op.params:
        choice = data.draw(st.sampled_from(["good", "good", "absent", "hostile"]), label=param.name)
        if choice == "good":
            body[param.name] = _good(param)
        elif choice == "hostile":
            body[param.name] = data.draw(VALUES, label=f"{param.name} value")
    if data.draw(st.booleans(), label="extra key"):
        body[data.draw(st.text(max_size=10), label="extra")] = data.draw(SCALARS, label="extra value")
    who = data.draw(st.sampled_from(["account_1", "account_2", "wrong", "none"]), label="who")
    headers = {} if who == "none" else cp.headers("account_1") if who == "wrong" else cp.headers(who)
    if who == "wrong":
        headers["account"] = "account_2"
    before = state_of(cp.snapshot())

    r = cp.http.request(method, path, headers=headers, json=body)

    assert r.status_code < 500, (path, body, r.text[:300])
    if r.headers["content-type"].startswith("text/html"):
        assert r.status_code in (400, 415) and r.text.startswith("<!doctype html>")
    else:
        answer = r.json()
        assert list(answer) == ["response"] and list(answer["response"]) == sorted(answer["response"])
        assert answer["response"]["success"] == ("true" if r.status_code == 200 else "false")
    if r.status_code >= 400 or not op.mutates:
        assert state_of(cp.snapshot()) == before, (path, r.status_code, r.text[:200])
