"""Templates may name different variables at one position (``/{format}`` beside
``/{id}/{format}``): each path finds the template it fits."""

from __future__ import annotations

from emulators.dialect.operation import Operation
from emulators.dialect.router import Router


def _op(name: str, *paths: str) -> Operation:
    return Operation(name, ("GET",), paths, run=lambda ctx: None)


def test_variables_sharing_a_position() -> None:
    router = Router([_op("Get", "/api/{version}/Get/{format}", "/api/{version}/Get/{id}/{format}"),
                     _op("Other", "/api/{version}/Other/{format}")])
    methods, params = router.match("/api/3.0/Get/json") or ({}, {})
    assert [op.name for op in methods["GET"]] == ["Get"] and params == {"version": "3.0", "format": "json"}
    methods, params = router.match("/api/3.0/Get/3/json") or ({}, {})
    assert params == {"version": "3.0", "id": "3", "format": "json"}
    assert router.match("/api/3.0/Get/3/json/x") is None and router.match("/api/3.0/Get/") is None
    assert router.match("/api/3.0/Other/3/json") is None
