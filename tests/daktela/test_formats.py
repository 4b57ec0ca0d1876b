"""json and xml of the same request carry the same data (every documented example, each on two
identical fresh worlds); the JSON is PHP's json_encode, byte for byte, with the doc's raw UTF-8
exceptions."""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import Dak
from .helpers import TOKEN, as_text, from_xml, part_one
from .test_examples import SENT_INSTEAD, SETUP, _path

EXAMPLES = [(op["id"], ex["n"]) for op in part_one() for ex in op["examples"] if ex["body"]]


@pytest.mark.parametrize("op_id, n", EXAMPLES, ids=[f"{o.removeprefix('daktela.')}#{n}" for o, n in EXAMPLES])
def test_json_and_xml_carry_the_same_data(emu_factory: Any, op_id: str, n: int) -> None:
    answers = {}
    for fmt in ("json", "xml"):
        dak = Dak(emu_factory("daktela"))  # the same seed and clock: the same world, the same ids
        SETUP.get((op_id, n), lambda dak: None)(dak)
        path = SENT_INSTEAD.get((op_id, n), lambda p: p)(_path(op_id, n))
        path = path.replace("/json?", f"/{fmt}?").replace("/xml?", f"/{fmt}?")
        r = dak.client.get(path)
        assert r.status_code == 200
        answers[fmt] = r
    assert answers["xml"].headers["content-type"] == "application/xml; charset=utf-8"
    assert from_xml(answers["xml"].content) == as_text(answers["json"].json())


def test_php_escaping_slashes_unicode_and_nested_json(dak: Dak) -> None:
    r = dak.call("GetQueues", "3.0", rid="3")
    assert '"callback_callstart\\":\\"http:\\\\\\/\\\\\\/\\"' in r.text  # options: JSON in JSON
    assert json.loads(r.json()["result"]["options"])["callback_callstart"] == "http://"
    r = dak.call("GetUsers", "3.0", rid="1")
    assert '"description":"Administrator z\\u00e1kazn\\u00edka"' in r.text and r.content.isascii()
    r = dak.call("GetExtensionUsers", "4.1", extension="100")  # the doc shows this one unescaped
    assert '"title":"Michal Hájek"' in r.content.decode("utf-8")
    r = dak.call("AboutCall", "3.0", id_call="1319030658.204")
    assert '"channel":"SIP\\/200-0000009f"' in r.text and '"userfield":"\\/RECORDINGS\\/2011\\/10\\/19\\/' in r.text


def test_empty_id_keyed_results_are_empty_arrays(dak: Dak) -> None:
    """PHP encodes an empty array as [] whether it would have held ids or a list."""
    assert dak.ok("RTStatsSessions", "3.5", **{"users[]": "999"}) == []
    r = dak.call("RTStatsSessions", "3.5", **{"users[]": "999"}, fmt="xml")
    assert from_xml(r.content) == {"status": "1", "error": None, "result": []}


def test_xml_layout(dak: Dak) -> None:
    r = dak.call("GetPauses", "3.0", rid="3", fmt="xml")
    assert r.text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<response><status>1</status>'
                             '<error nil="true"/><result><item key="3"><pcode_id>3</pcode_id>')
    r = dak.call("DeviceStates", "3.1", fmt="xml")
    assert '<result type="array"><item><exten>100</exten>' in r.text
    r = dak.client.get(f"/api/3.0/LoginQueue/xml?access_token={TOKEN}&user=michalhajek&queue=5001")
    assert r.text == ('<?xml version="1.0" encoding="UTF-8"?>\n'
                      '<response><error nil="true"/><status>1</status></response>\n')
