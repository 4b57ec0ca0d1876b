"""Contracts and OpenAPI documents must agree: a contract's request is one the vendor's document
allows (unless the step says what it deliberately ``breaks``), and every answer the emulator gives
is one the document describes (its status, media type and, for JSON, the response schema).

Parameters travel as text; a value is valid when the text, or the number or boolean it spells,
validates against the parameter's schema (OpenAPI's ``form`` style for scalars).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Mapping

from jsonschema import Draft202012Validator

if TYPE_CHECKING:
    from .model import Request
    from .runner import Exchange

JSON_TYPES = ("application/json",)


def find_operation(doc: Mapping[str, Any], path: str, method: str) -> tuple[str, dict[str, Any], dict[str, str]] | None:
    """(template, operation object, path parameters) the document has for a request, or None."""
    candidates = []
    for template, item in doc.get("paths", {}).items():
        params = _match(template, path)
        if params is not None and method.lower() in item:
            candidates.append((template.count("{"), template, item[method.lower()], params))
    if not candidates:
        return None
    _, template, operation, params = min(candidates, key=lambda c: c[0])
    return template, operation, params


def _match(template: str, path: str) -> dict[str, str] | None:
    want, got = template.split("/"), path.split("/")
    if len(want) != len(got):
        return None
    params = {}
    for w, g in zip(want, got):
        if w.startswith("{") and w.endswith("}"):
            if not g:
                return None
            params[w[1:-1]] = g
        elif w != g:
            return None
    return params


def request_problems(doc: Mapping[str, Any], request: "Request") -> list[str]:
    """Why the document does not allow this request (empty: it does)."""
    found = find_operation(doc, request.path, request.method)
    if found is None:
        return [f"{request.method} {request.path}: no such operation in the document"]
    _, operation, path_params = found
    problems: list[str] = []
    credentials = _credential_names(doc, operation)
    headers = {k.lower(): v for k, v in request.headers.items()}
    declared: set[str] = set()
    for param in operation.get("parameters", []):
        where, name = param["in"], param["name"]
        if where == "query":
            value, keys = php_value(request.query, name, param.get("style") == "deepObject")
            declared |= keys
        else:
            value = {"path": path_params.get(name), "header": headers.get(name.lower())}.get(where)
        if value is None:
            if param.get("required"):
                problems.append(f"{where} parameter {name!r} is required")
            continue
        problems += value_problems(f"{where} parameter {name!r}", value, param.get("schema", {}))
    for name in request.query:
        if name not in declared and name not in credentials["query"]:
            problems.append(f"query parameter {name!r} is not in the document")
    body = request.form if request.form is not None else (None if _absent(request.json) else request.json)
    if request.body is not None:
        raw = _raw_body(request)
        if isinstance(raw, str):
            problems.append(raw)
        body = raw
    problems += _body_problems(operation, body, request.form is not None, credentials["query"])
    if operation.get("security") and not _has_credential(request, credentials, headers):
        problems.append("no credential the document's security schemes name")
    return problems


def _raw_body(request: "Request") -> Any:
    """A raw JSON body as its value (a string: why it is none)."""
    if "json" not in (request.content_type or "").lower():
        return f"a {request.content_type or 'raw'} body the document does not describe"
    try:
        return {"value": json.loads(request.body or "")}["value"]
    except ValueError:
        return "the body is not JSON"


def _absent(value: Any) -> bool:
    from .model import ABSENT
    return value is ABSENT


def _credential_names(doc: Mapping[str, Any], operation: Mapping[str, Any]) -> dict[str, set[str]]:
    schemes = doc.get("components", {}).get("securitySchemes", {})
    names: dict[str, set[str]] = {"query": set(), "header": set(), "cookie": set()}
    for requirement in operation.get("security", []):
        for scheme_name in requirement:
            scheme = schemes.get(scheme_name, {})
            if scheme.get("type") == "apiKey":
                names[scheme["in"]].add(scheme["name"] if scheme["in"] != "header" else scheme["name"].lower())
    return names


def _has_credential(request: "Request", names: Mapping[str, set[str]], headers: Mapping[str, Any]) -> bool:
    body = request.form or {}
    return (any(n in request.query or n in body for n in names["query"])
            or any(n in headers for n in names["header"]))


def _body_problems(operation: Mapping[str, Any], body: Any, is_form: bool, credential_fields: set[str]) -> list[str]:
    if body is None or (is_form and body == {}):
        return []
    content = operation.get("requestBody", {}).get("content", {})
    media = "application/x-www-form-urlencoded" if is_form else "application/json"
    if media not in content:
        return [f"the document takes no {media} body here"]
    schema = content[media].get("schema", {})
    if not is_form:
        return [f"body: {e}" for e in _errors(schema, body)]
    problems = []
    encoding = content[media].get("encoding", {})
    used: set[str] = set()
    for name, prop in schema.get("properties", {}).items():
        value, keys = php_value(body, name, encoding.get(name, {}).get("style") == "deepObject")
        used |= keys
        if value is None:
            if name in schema.get("required", []):
                problems.append(f"form field {name!r} is required")
            continue
        problems += value_problems(f"form field {name!r}", value, prop)
    problems += [f"form field {name!r} is not in the document" for name in body
                 if name not in used and name not in credential_fields]
    return problems


_PHP_KEY = re.compile(r"^([^\[\]]+)\[([^\[\]]*)\](?:\[[^\[\]]*\])*$")


def php_value(fields: Mapping[str, Any], name: str, keyed: bool) -> tuple[Any, set[str]]:
    """The value a PHP server reads for a documented field, and the names that carry it: an
    array field (``a[]``) from ``a[]=1&a[]=2`` or ``a[0]=1&a[1]=2``, a keyed one (``style:
    deepObject``) from ``a[key]=1`` (or ``a[key][sub]=1``); any other field by its own name,
    else, as PHP reads brackets whatever the document says, from ``a[key]=1`` too."""
    base = name[:-2] if name.endswith("[]") else name if keyed else None
    if base is None:
        if name in fields or not any((m := _PHP_KEY.match(key)) and m.group(1) == name for key in fields):
            return fields.get(name), {name}
        base, keyed = name, True
    items: list[Any] = []
    keys: set[str] = set()
    for key, value in fields.items():
        found = _PHP_KEY.match(key)
        if found is not None and found.group(1) == base:
            keys.add(key)
            items += value if isinstance(value, list) else [value]
    if not keys:
        return None, set()
    return (items if not keyed else {str(i): v for i, v in enumerate(items)}), keys


def value_problems(what: str, value: Any, schema: Mapping[str, Any]) -> list[str]:
    """Why a parameter's text (or PHP array of texts) does not fit its schema (empty: it does);
    an array's items and an object's values are held to their own schemas."""
    kind = schema.get("type")
    if kind == "array" or isinstance(value, dict):
        inner = schema.get("items", {}) if kind == "array" else schema.get("additionalProperties", {})
        items = list(value.values()) if isinstance(value, dict) else value if isinstance(value, list) else [value]
        if "maxItems" in schema and len(items) > schema["maxItems"]:
            return [f"{what}: more than {schema['maxItems']} items"]
        return [p for item in items for p in value_problems(what, item, inner)][:1]
    values = value if isinstance(value, list) else [value]
    for text in values:
        if not any(not _errors(schema, candidate) for candidate in _readings(str(text))):
            return [f"{what}: {str(text)[:60]!r} does not fit {json.dumps(schema)[:160]}"]
    return []


def _readings(text: str) -> list[Any]:
    """A parameter's text as the values it can stand for."""
    out: list[Any] = [text]
    if re.fullmatch(r"-?\d+", text):
        out.append(int(text))
    try:
        out.append(float(text))
    except ValueError:
        pass
    if text in ("true", "false"):
        out.append(text == "true")
    return out


def _errors(schema: Mapping[str, Any], value: Any) -> list[str]:
    """Why ``value`` does not fit ``schema`` (formats such as ``date`` asserted)."""
    validator = Draft202012Validator(dict(schema), format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [e.message for e in validator.iter_errors(value)][:3]


def response_problems(doc: Mapping[str, Any], exchange: "Exchange") -> list[str]:
    """Why the document does not describe this answer (empty: it does)."""
    request = exchange.request
    found = find_operation(doc, request.path, request.method)
    if found is None:
        return [f"{request.method} {request.path}: no such operation in the document"]
    responses = found[1].get("responses", {})
    status = str(exchange.status)
    entry = responses.get(status) or responses.get(f"{status[0]}XX") or responses.get("default")
    if entry is None:
        return [f"status {status} is not among the documented answers ({', '.join(responses)})"]
    content = entry.get("content")
    if not content:
        return [] if not exchange.content else [f"status {status}: the document describes no body"]
    media = exchange.media_type
    key = next((mt for mt in content if mt.split(";")[0].strip().lower() == media), None)
    if key is None:
        return [f"status {status}: media type {media!r} is not among {', '.join(content)}"]
    schema = content[key].get("schema")
    if schema is None or media not in JSON_TYPES:
        return []
    try:
        body = exchange.json()
    except ValueError:
        return [f"status {status}: the body is not JSON"]
    return [f"status {status} body: {e}" for e in _errors(schema, body)]
