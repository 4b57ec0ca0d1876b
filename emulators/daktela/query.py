"""GetRecords' ``filter`` and ``sort`` (the doc names them without a syntax: catalog open
question 11). Read the way Daktela's later REST API writes them, as PHP arrays:

- ``filter[queue]=1``: the field equals the value (several keys: all of them);
- ``filter[field]=number&filter[operator]=contains&filter[value]=2262``: one condition;
- ``filter[logic]=or&filter[filters][0][field]=...&filter[filters][0][value]=...``: conditions
  joined by ``and`` (default) or ``or``, nestable.

Operators: ``eq`` (default), ``neq``, ``lt``, ``lte``, ``gt``, ``gte``, ``contains``,
``startswith``, ``endswith``, ``isnull``, ``isnotnull``, ``in`` (``value`` an array). Values are
compared with the fields as the record shows them (texts; times ``YYYY-MM-DD HH:MM:SS`` compare
in order). ``sort=created`` / ``sort=-created`` / ``sort[field]=created&sort[dir]=desc`` /
``sort[0][field]=...&sort[0][dir]=...``.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

Row = Mapping[str, Any]
Test = Callable[[Row], bool]
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda have, want: have == want,
    "neq": lambda have, want: have != want,
    "lt": lambda have, want: have is not None and _key(have) < _key(want),
    "lte": lambda have, want: have is not None and _key(have) <= _key(want),
    "gt": lambda have, want: have is not None and _key(have) > _key(want),
    "gte": lambda have, want: have is not None and _key(have) >= _key(want),
    "contains": lambda have, want: have is not None and str(want).casefold() in str(have).casefold(),
    "startswith": lambda have, want: have is not None and str(have).casefold().startswith(str(want).casefold()),
    "endswith": lambda have, want: have is not None and str(have).casefold().endswith(str(want).casefold()),
    "isnull": lambda have, want: have is None or have == "",
    "isnotnull": lambda have, want: have is not None and have != "",
    "in": lambda have, want: have in want,
}
MAX_DEPTH = 4


class QueryError(ValueError):
    """A filter or sort that cannot be read (the parameter named is invalid)."""

    def __init__(self, param: str, why: str) -> None:
        super().__init__(why)
        self.param = param


def _key(value: Any) -> tuple[int, Any]:
    """Numbers by value, everything else as text."""
    text = str(value)
    if text.lstrip("-").isdigit():
        return (0, int(text))
    return (1, text)


def _field(name: Any, fields: frozenset[str]) -> str:
    if not isinstance(name, str) or name not in fields:
        raise QueryError("filter", f"no field {name!r} to filter on")
    return name


def _scalar(value: Any) -> Any:
    if isinstance(value, Mapping):
        raise QueryError("filter", "a value must be text")
    return value


def parse_filter(raw: Any, fields: frozenset[str], depth: int = 0) -> Test:
    """A predicate over rows from a ``filter`` parameter."""
    if depth > MAX_DEPTH:
        raise QueryError("filter", "nested too deep")
    if not isinstance(raw, Mapping):
        raise QueryError("filter", "not an array")
    if "filters" in raw:
        subs = raw["filters"]
        if not isinstance(subs, Mapping) or not subs:
            raise QueryError("filter", "filters must be an array of conditions")
        tests = [parse_filter(sub, fields, depth + 1) for sub in subs.values()]
        logic = str(raw.get("logic", "and")).lower()
        if logic not in ("and", "or"):
            raise QueryError("filter", f"logic {logic!r}")
        return (lambda row: any(t(row) for t in tests)) if logic == "or" else (lambda row: all(t(row) for t in tests))
    if "field" in raw:
        name = _field(raw["field"], fields)
        op = str(raw.get("operator", "eq")).lower()
        if op not in OPERATORS:
            raise QueryError("filter", f"operator {op!r}")
        want = raw.get("value")
        if op == "in":
            want = [str(v) for v in want.values()] if isinstance(want, Mapping) else [str(want)]
        else:
            want = _scalar(want)
        compare = OPERATORS[op]
        return lambda row: compare(row.get(name), want)
    pairs = [(_field(name, fields), _scalar(value)) for name, value in raw.items()]
    return lambda row: all(row.get(name) == value for name, value in pairs)


def parse_sort(raw: Any, fields: frozenset[str]) -> list[tuple[str, bool]]:
    """[(field, descending)] from a ``sort`` parameter."""
    if isinstance(raw, str):
        name = raw[1:] if raw.startswith("-") else raw
        if name not in fields:
            raise QueryError("sort", f"no field {name!r} to sort on")
        return [(name, raw.startswith("-"))]
    if not isinstance(raw, Mapping):
        raise QueryError("sort", "not a field or an array")
    items = [raw] if "field" in raw else list(raw.values())
    out = []
    for item in items:
        if not isinstance(item, Mapping) or item.get("field") not in fields:
            raise QueryError("sort", "each sort needs a known field")
        direction = str(item.get("dir", "asc")).lower()
        if direction not in ("asc", "desc"):
            raise QueryError("sort", f"dir {direction!r}")
        out.append((str(item["field"]), direction == "desc"))
    return out


def sort_rows(rows: list[dict[str, Any]], keys: list[tuple[str, bool]]) -> None:
    """Sort in place, the last key first (a stable sort per key); nulls first ascending."""
    for name, descending in reversed(keys):
        rows.sort(key=lambda row: (row.get(name) is not None, _key(row.get(name)) if row.get(name) is not None
                                   else (0, 0)), reverse=descending)
