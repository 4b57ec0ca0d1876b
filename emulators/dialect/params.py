"""Parameters as data: where a parameter comes from, how its text becomes a value, and which rule
it broke when it does not.

A ``Param`` names one parameter of an operation; its ``Conv`` (converter) turns the raw value
(text from a query or form, a JSON value, a PHP-style array) into a Python value or raises
``ParamError`` with the rule that failed. The same declarations feed validation, the journal's
"why", and the OpenAPI documents (each converter carries its JSON Schema).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable, Mapping

MISSING, INVALID = "missing", "invalid"
"""The two rules every parameter can break; converters may name finer ones (``too_long``)."""

QUERY, BODY, ANY, HEADER, COOKIE, PATH = "query", "body", "any", "header", "cookie", "path"
"""Where a parameter is read. ``any``: the merged request (body over query), as PHP's
``$_REQUEST`` reads it — what most of these vendors' servers do."""


class ParamError(ValueError):
    """A parameter broke a rule; nothing was changed. ``param`` is filled in by ``validate``."""

    def __init__(self, rule: str = INVALID, detail: str = "", param: "Param | None" = None) -> None:
        super().__init__(detail or rule)
        self.rule = rule
        self.detail = detail
        self.param = param

    @property
    def name(self) -> str:
        return self.param.name if self.param is not None else ""

    def why(self) -> str:
        """Plain words for the journal: which parameter and rule."""
        text = f"parameter {self.name!r}: {self.rule}" if self.name else self.rule
        return f"{text} ({self.detail})" if self.detail else text


@dataclass(frozen=True)
class Conv:
    """A converter: raw value -> value (or ``ParamError``), with its JSON Schema."""

    name: str
    parse: Callable[[Any], Any]
    schema: Mapping[str, Any]

    def __call__(self, raw: Any) -> Any:
        return self.parse(raw)


# -- text ----------------------------------------------------------------------------------------
def _as_text(raw: Any) -> str:
    """A scalar as the text a form would carry; arrays and objects are not text."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "1" if raw else ""
    if isinstance(raw, (int, float)):
        return str(raw)
    if raw is None:
        return ""
    raise ParamError(INVALID, "an array or object where text is expected")


def text(max_len: int | None = None, pattern: str | None = None, *, ascii_only: bool = False,
         name: str = "text") -> Conv:
    """Text, optionally bounded in length, matched in full by ``pattern``."""
    compiled = re.compile(pattern) if pattern else None
    schema: dict[str, Any] = {"type": "string"}
    if max_len is not None:
        schema["maxLength"] = max_len
    if pattern:
        schema["pattern"] = f"^(?:{pattern})$"

    def parse(raw: Any) -> str:
        value = _as_text(raw)
        if max_len is not None and len(value) > max_len:
            raise ParamError(INVALID, f"longer than {max_len} characters")
        if ascii_only and not value.isascii():
            raise ParamError(INVALID, "not ASCII")
        if compiled is not None and not compiled.fullmatch(value):
            raise ParamError(INVALID, "does not match the expected form")
        return value
    return Conv(name, parse, schema)


TEXT = text()


def choice(values: Iterable[str], *, fold_case: bool = False) -> Conv:
    """One of ``values`` (exactly, or case-insensitively with ``fold_case``)."""
    allowed = tuple(values)
    folded = {v.casefold(): v for v in allowed}

    def parse(raw: Any) -> str:
        value = _as_text(raw)
        if fold_case:
            if value.casefold() in folded:
                return folded[value.casefold()]
        elif value in allowed:
            return value
        raise ParamError(INVALID, f"not one of {', '.join(allowed)}")
    return Conv("choice", parse, {"type": "string", "enum": list(allowed)})


# -- numbers -------------------------------------------------------------------------------------
PHP_INT_MAX = 2**63 - 1
_PHP_INT = re.compile(r"[+-]?(0|[1-9][0-9]{0,18})")
_PHP_SPACE = " \t\n\r\v\f"


def php_int(minimum: int = -PHP_INT_MAX - 1, maximum: int = PHP_INT_MAX) -> Conv:
    """An integer as PHP's ``filter_var(FILTER_VALIDATE_INT)`` reads it (surrounding blanks, a
    sign, no leading zeros, within PHP_INT range), then within [minimum, maximum]."""
    def parse(raw: Any) -> int:
        if isinstance(raw, bool):
            raise ParamError(INVALID, "not an integer")
        if isinstance(raw, int):
            value = raw
        else:
            body = _as_text(raw).strip(_PHP_SPACE)
            if not body.isascii() or not _PHP_INT.fullmatch(body):
                raise ParamError(INVALID, "not an integer")
            value = int(body)
        if not -PHP_INT_MAX - 1 <= value <= PHP_INT_MAX or not minimum <= value <= maximum:
            raise ParamError(INVALID, f"not between {minimum} and {maximum}")
        return value
    schema: dict[str, Any] = {"type": "integer"}
    if minimum > -PHP_INT_MAX - 1:
        schema["minimum"] = minimum
    if maximum < PHP_INT_MAX:
        schema["maximum"] = maximum
    return Conv("php_int", parse, schema)


def number(minimum: float | None = None, maximum: float | None = None) -> Conv:
    """A finite decimal number (ASCII digits, optional sign and fraction)."""
    pattern = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")

    def parse(raw: Any) -> float:
        if isinstance(raw, bool):
            raise ParamError(INVALID, "not a number")
        body = str(raw) if isinstance(raw, (int, float)) else _as_text(raw).strip()
        if not pattern.fullmatch(body):
            raise ParamError(INVALID, "not a number")
        value = float(body)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            raise ParamError(INVALID, "out of range")
        return value
    schema: dict[str, Any] = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return Conv("number", parse, schema)


# -- booleans ------------------------------------------------------------------------------------
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def flag(*, strict: bool = True) -> Conv:
    """A yes/no flag as PHP clients send it (``1/0``, ``true/false``, ``yes/no``, ``on/off``);
    with ``strict=False`` anything else counts as false instead of being refused."""
    def parse(raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        word = _as_text(raw).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS or not strict:
            return False
        raise ParamError(INVALID, "not a yes/no value")
    words = ["1", "0", "true", "false", "yes", "no"]
    # a loose flag takes any text (what is not a yes is a no): its schema says only that
    return Conv("flag", parse, {"type": "string", "enum": words} if strict else {"type": "string", "examples": words})


FLAG = flag()


# -- dates ---------------------------------------------------------------------------------------
_YMD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SQL = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}")


def _ymd(raw: Any) -> date:
    value = _as_text(raw)
    if not value.isascii() or not _YMD.fullmatch(value):
        raise ParamError(INVALID, "not a YYYY-MM-DD date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ParamError(INVALID, "not a calendar day") from None


YMD = Conv("ymd", _ymd, {"type": "string", "format": "date"})
"""A ``Y-m-d`` day (2020-12-18): four, two and two ASCII digits, a real day."""


def _sql_datetime(raw: Any) -> datetime:
    value = _as_text(raw)
    if not value.isascii() or not _SQL.fullmatch(value):
        raise ParamError(INVALID, "not a YYYY-MM-DD HH:MM:SS time")
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise ParamError(INVALID, "not a real time") from None


SQL_DATETIME = Conv("sql_datetime", _sql_datetime,
                    {"type": "string", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"})
"""A naive wall-clock ``YYYY-MM-DD HH:MM:SS`` (ASCII digits only); the zone is the caller's."""


# -- lists and PHP arrays ------------------------------------------------------------------------
def comma_list(*, fold_case: bool = False) -> Conv:
    """A comma-separated list; blanks around items and empty items are dropped. None when empty."""
    def parse(raw: Any) -> frozenset[str] | None:
        items = frozenset(part.strip().casefold() if fold_case else part.strip()
                          for part in _as_text(raw).split(",") if part.strip())
        return items or None
    return Conv("comma_list", parse, {"type": "string"})


def array_of(item: Conv = TEXT, *, max_items: int | None = None) -> Conv:
    """A PHP array (``a[]=1&a[]=2``, ``a[0]=1``) or a JSON list: a list of converted items. A
    single scalar counts as a one-item list (clients send ``queues=1`` for one queue)."""
    def parse(raw: Any) -> list[Any]:
        if isinstance(raw, Mapping):
            values = list(raw.values())
        elif isinstance(raw, list):
            values = raw
        else:
            values = [raw]
        if max_items is not None and len(values) > max_items:
            raise ParamError(INVALID, f"more than {max_items} items")
        return [item(v) for v in values]
    schema: dict[str, Any] = {"type": "array", "items": dict(item.schema)}
    if max_items is not None:
        schema["maxItems"] = max_items
    return Conv("array", parse, schema)


def mapping_of(item: Conv = TEXT) -> Conv:
    """A PHP associative array (``variables[myid]=1``) or a JSON object: key -> converted item."""
    def parse(raw: Any) -> dict[str, Any]:
        if isinstance(raw, Mapping):
            return {str(k): item(v) for k, v in raw.items()}
        if isinstance(raw, list):
            return {str(i): item(v) for i, v in enumerate(raw)}
        raise ParamError(INVALID, "not an array")
    return Conv("mapping", parse, {"type": "object", "additionalProperties": dict(item.schema)})


def json_value() -> Conv:
    """Any value, unconverted (for operations that read structured bodies themselves)."""
    return Conv("json", lambda raw: raw, {})


# -- declarations --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    """One parameter of an operation."""

    name: str
    conv: Conv = TEXT
    where: str = ANY
    required: bool = False
    default: Any = None
    """The value when absent (and, with ``empty_is_missing``, when sent empty)."""
    empty_is_missing: bool = True
    """An empty value (``a=``) counts as absent, as the vendors' PHP reads it."""
    errors: Mapping[str, Any] = field(default_factory=dict)
    """Rule -> the vendor's own error for this parameter (e.g. Kerauno's per-field messages);
    rules not listed get the vendor's generic parameter error."""
    doc: str = ""
    """What the vendor document says of it (for the OpenAPI description)."""
    example: Any = None

    def read(self, raw: Any) -> Any:
        """Convert a present raw value, or refuse it (with ``ParamError.param`` set)."""
        try:
            return self.conv(raw)
        except ParamError as exc:
            exc.param = self
            raise


def is_empty(raw: Any) -> bool:
    return raw is None or raw == "" or raw == [] or raw == {}


def validate(params: Iterable[Param], lookup: Callable[[Param], Any]) -> dict[str, Any]:
    """Every declared parameter, converted, in declaration order; the first broken rule raises.

    ``lookup(param)`` returns the raw value or None when absent."""
    out: dict[str, Any] = {}
    for param in params:
        raw = lookup(param)
        if raw is None or (param.empty_is_missing and is_empty(raw)):
            if param.required:
                raise ParamError(MISSING, "", param)
            out[param.name] = param.default
            continue
        out[param.name] = param.read(raw)
    return out
