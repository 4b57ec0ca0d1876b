"""A request as a PHP server reads it, held to the vendor's OpenAPI document.

PHP's ``$_REQUEST`` takes the last of a repeated name, builds arrays only from ``a[]=`` and
``a[key]=``, lets the body's fields win over the query's and ignores names it was not asked
for. A request schemathesis makes schema-violating on the wire (``idcall=a&idcall=b`` for a
text, an unknown ``x=1``) can therefore be one the document allows once PHP has read it; the
schemathesis test does not count such a request, accepted, as accepted invalid data.
"""

from __future__ import annotations

from typing import Any, Mapping
from urllib.parse import parse_qsl, unquote, urlsplit

from emulators.contracts.openapi_check import find_operation, value_problems
from emulators.dialect.request import php_fields, php_query

FORM = "application/x-www-form-urlencoded"


def problems(doc: Mapping[str, Any], method: str, url: str, content_type: str, body: Any) -> list[str]:
    """Why the document does not allow the request as PHP reads it (empty: it does)."""
    parts = urlsplit(url)
    found = find_operation(doc, unquote(parts.path), method)
    if found is None:
        return [f"{method} {parts.path}: no such operation"]
    _, operation, path_params = found
    fields = dict(php_query(parts.query.encode("latin-1")))
    if body and content_type.split(";")[0].strip().lower() == FORM:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        fields.update(php_fields(parse_qsl(text, keep_blank_values=True)))
    declared: list[tuple[str, Mapping[str, Any], bool]] = []
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            out = value_problems(f"path {param['name']!r}", path_params[param["name"]], param["schema"])
            if out:
                return out
        elif param["in"] == "query":
            declared.append((param["name"], param["schema"], bool(param.get("required"))))
    form = operation.get("requestBody", {}).get("content", {}).get(FORM, {}).get("schema", {})
    declared += [(name, schema, name in form.get("required", []))
                 for name, schema in form.get("properties", {}).items()]
    out = []
    for name, schema, required in declared:
        value = fields.get(name.removesuffix("[]"))
        if value is None or value == "":
            if required:
                out.append(f"{name!r} is required")
            continue
        out += _problems(name, value, schema)
    return out


def _problems(name: str, value: Any, schema: Mapping[str, Any]) -> list[str]:
    """A PHP value (text, list or keyed array) against its schema: an array's items, an
    object's values, text as text (what an ``anyOf`` allows, any of its options)."""
    options = schema.get("anyOf", [schema])
    for option in options:
        kind = option.get("type")
        if kind == "array" and isinstance(value, (list, dict)):
            items = list(value.values()) if isinstance(value, dict) else value
            if all(isinstance(v, str) and not value_problems(name, v, option.get("items", {})) for v in items):
                return []
        elif kind == "object" and isinstance(value, (list, dict)):
            items = list(value.values()) if isinstance(value, dict) else value
            inner = option.get("additionalProperties", {})
            if all(isinstance(v, str) and not value_problems(name, v, inner) for v in items):
                return []
        elif isinstance(value, str) and not value_problems(name, value, option):
            return []
    return [f"{name!r}: {str(value)[:60]!r} does not fit"]
