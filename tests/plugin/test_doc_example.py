"""The example in docs/PYTEST_PLUGIN.md (copied to README) runs as written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOC = Path(__file__).resolve().parents[2] / "docs" / "PYTEST_PLUGIN.md"


def example() -> str:
    match = re.search(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, "no python example in docs/PYTEST_PLUGIN.md"
    return match.group(1)


def test_the_documented_example_passes(telemock: Any) -> None:
    code = example()
    assert len(code.strip().splitlines()) <= 10
    namespace: dict[str, Any] = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    tests = [fn for name, fn in namespace.items() if name.startswith("test_")]
    assert len(tests) == 1
    tests[0](telemock)
