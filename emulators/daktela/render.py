"""Daktela answers as bytes: the three success envelopes with their key orders, the error
envelope, PHP ``json_encode`` escaping, and the XML layout of ``/xml`` requests.

JSON is PHP's ``json_encode`` with its default flags: compact, ``\\/`` for slashes and
``\\uXXXX`` for anything beyond ASCII, except where the doc shows raw UTF-8 (GetExtensionUsers'
result, the "Uživatel neexistuje" error: ``JSON_UNESCAPED_UNICODE``). An empty PHP array is
``[]`` whether it would have held a list or ids, so an empty id-keyed result is ``[]`` too.

XML (the doc shows none: every documented Output is JSON, even of ``/xml`` requests): the same
data under ``<response>``, the envelope's keys in the action's order; objects as child elements
(an id key such as ``"3"`` as ``<item key="3">``), arrays as ``type="array"`` with ``<item>``
children, null as ``nil="true"``, booleans ``true``/``false`` (core ``formats.xml_value``).
docs/FIDELITY.md shows an example.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from starlette.responses import Response

from ..core.formats import json_bytes, xml_value
from ..dialect.responses import BytesResponse

JSON_TYPE = "application/json"
XML_TYPE = "application/xml; charset=utf-8"
FORMATS = ("json", "xml")

RESULT_FIRST = ("status", "error", "result")
"""``{"status":1,"error":null,"result":...}``: most actions."""
NO_RESULT = ("error", "status")
"""``{"error":null,"status":1}``: LoginQueue, LogoutQueue, DeleteUser, Hangup, Pause*, Transfer ..."""
ERROR_FIRST = ("error", "status", "result")
"""``{"error":null,"status":1,"result":...}``: CreateCall (both variants)."""
ENVELOPES = (RESULT_FIRST, NO_RESULT, ERROR_FIRST)


def success(keys: Sequence[str], result: Any) -> dict[str, Any]:
    values = {"status": 1, "error": None, "result": result}
    return {key: values[key] for key in keys}


def failure(message: str) -> dict[str, Any]:
    """The error envelope: never a result key."""
    return {"error": message, "status": 0}


def php_json(body: Any, *, raw_utf8: bool = False) -> bytes:
    return json_bytes(body, ascii_only=not raw_utf8, escape_slashes=True)


def xml(body: Mapping[str, Any]) -> bytes:
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    xml_value("response", body, out)
    out.append("\n")
    return "".join(out).encode("utf-8")


def respond(body: Mapping[str, Any], fmt: str, *, raw_utf8: bool = False, status: int = 200,
            headers: Mapping[str, str] | None = None) -> Response:
    if fmt == "xml":
        return Response(xml(body), status_code=status, media_type=XML_TYPE, headers=dict(headers or {}))
    return Response(php_json(body, raw_utf8=raw_utf8), status_code=status, media_type=JSON_TYPE,
                    headers=dict(headers or {}))


def keyed(items: Mapping[str, Any]) -> Any:
    """An id-keyed result as PHP encodes it: ``[]`` when empty."""
    return dict(items) if items else []


def literal_result(keys: Sequence[str], fmt: str, literal: str, data: Any) -> Response:
    """An answer whose JSON result the vendor writes by hand, bytes as the doc shows them
    (SendSMS: ``{"count_sms":"1", "id":"2222"}``, a space after the comma); XML from ``data``."""
    if fmt == "xml":
        return respond(success(keys, data), "xml")
    marker = "\u0000result\u0000"
    body = php_json(success(keys, marker)).replace(php_json(marker), literal.encode("ascii"))
    return Response(body, media_type=JSON_TYPE)


# -- answers spliced from kept rows ------------------------------------------------------------
ROWS_MARK = "\ue000rows\ue000"
"""Stands for the rows' list while the envelope around it is encoded (a private-use character:
both encoders write it as they find it, and no other value of these envelopes holds it)."""


def fragment(row: Mapping[str, Any], fmt: str) -> bytes:
    """One row as it appears inside a list of rows: what ``respond`` writes for it there (JSON
    has no whitespace between items and escapes slashes everywhere; XML neither)."""
    if fmt == "xml":
        out: list[str] = []
        xml_value("item", row, out)
        return "".join(out).encode("utf-8")
    return php_json(row)


def respond_rows(keys: Sequence[str], fmt: str, result: Any, tag: str, fragments: Sequence[bytes]) -> Response:
    """``respond(success(keys, result))`` where ``result`` holds ``ROWS_MARK`` under ``tag`` in
    place of a list of rows, given as their ``fragment``s: the same bytes, without encoding the
    rows again."""
    body = success(keys, result)
    if fmt == "xml":
        return BytesResponse(xml(body).replace(
            f"<{tag}>{ROWS_MARK}</{tag}>".encode("utf-8"),
            f'<{tag} type="array">'.encode("ascii") + b"".join(fragments) + f"</{tag}>".encode("ascii"), 1), 200,
            XML_TYPE)
    return BytesResponse(php_json(body).replace(php_json(ROWS_MARK), b"[" + b",".join(fragments) + b"]", 1), 200,
                         JSON_TYPE)
