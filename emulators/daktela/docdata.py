"""The documented examples of the operation table, parsed: the default tenant's queue options
are the doc's own (one home for them), and tests compare answers with these bodies."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .catalog_table import OPERATIONS


@lru_cache(maxsize=None)
def _by_id() -> dict[str, dict[str, Any]]:
    return {op["id"]: op for op in OPERATIONS}


def operation(op_id: str) -> dict[str, Any]:
    """The table row of ``daktela.<Action>[.<variant>]``."""
    return _by_id()[op_id]


@lru_cache(maxsize=None)
def _result(op_id: str, n: int) -> str:
    body = operation(op_id)["examples"][n]["body"]
    return json.dumps(json.loads(body)["result"])


def example_result(op_id: str, n: int = 0) -> Any:
    """A fresh copy of the ``result`` of the operation's ``n``-th documented example."""
    return json.loads(_result(op_id, n))
