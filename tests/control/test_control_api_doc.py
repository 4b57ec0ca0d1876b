"""docs/CONTROL_API.md lists every control-plane route there is, and no route that is not:
the routes are those the control plane's own JSON 404 lists, on every vendor's port."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from emulators.vendors import load_vendors

DOC = Path(__file__).resolve().parents[2] / "docs" / "CONTROL_API.md"
ROW = re.compile(r"^\| ([A-Z/]+) \| `([^`]+)`", re.M)


def documented() -> set[str]:
    return {f"{method} {path}" for methods, path in ROW.findall(DOC.read_text(encoding="utf-8"))
            for method in methods.split("/")}


def test_control_api_md_lists_every_route(emu_factory: Any) -> None:
    vendors = load_vendors()
    emu = emu_factory(*vendors)
    served: set[str] = set()
    for spec in vendors.values():
        for listener in spec.listeners:
            answer = emu.client(listener.name).get("/_emulator/no-such-route")
            assert answer.status_code == 404
            served.update(answer.json()["routes"])
    assert "POST /_emulator/tenants/{tid}/scenarios" in served
    missing, stale = sorted(served - documented()), sorted(documented() - served)
    assert not missing, f"routes docs/CONTROL_API.md does not list: {missing}"
    assert not stale, f"docs/CONTROL_API.md lists routes no port serves: {stale}"
