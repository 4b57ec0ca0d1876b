"""The SMS callback URL (placeholders replaced by URL-encoded values, the other fields appended)
is the same text as quote/urlencode make it, whatever the values: the fast path for plain
values changes nothing."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.daktela.sms_hooks import callback_url

PLACEHOLDER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def reference(template: str, fields: dict[str, Any]) -> str:
    used: set[str] = set()

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fields:
            return match.group(0)
        used.add(name)
        return quote("" if fields[name] is None else str(fields[name]), safe="")
    url = PLACEHOLDER.sub(one, template)
    rest = {k: "" if v is None else str(v) for k, v in fields.items() if k not in used}
    return url + ("&" if "?" in url else "?") + urlencode(rest) if rest else url


NAMES = st.sampled_from(["id", "number", "message", "direction", "accountcode", "x y", "ř", "a&b"])
VALUES = st.one_of(st.none(), st.integers(), st.text(max_size=12),
                   st.text(alphabet="abcXYZ019_.-~ +/&=%$", max_size=8))
TEMPLATES = st.sampled_from(["http://crm/sms", "http://crm/sms?own=$number&t=$message", "http://h/$id/$nope",
                             "http://u:p@h/x?a=1&id=$id", "http://h/?d=$direction$direction"])


@settings(max_examples=300)
@given(TEMPLATES, st.dictionaries(NAMES, VALUES, max_size=6))
def test_callback_url_equals_quote_and_urlencode(template: str, fields: dict[str, Any]) -> None:
    assert callback_url(template, fields) == reference(template, fields)
