"""``telemock openapi``: one OpenAPI 3.1 document per vendor, written from the operation tables,
valid, and naming every operation the server routes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from emulators.dialect.openapi import document
from emulators.vendors import VENDOR_MODULES, load_vendors


@pytest.mark.parametrize("vendor", list(VENDOR_MODULES))
def test_every_vendor_document_is_valid_openapi_31(vendor: str) -> None:
    spec = load_vendors([vendor])[vendor]
    doc = document(spec)
    assert doc["openapi"] == "3.1.0"
    validate(doc)
    # every operation of every listener is in it, at each of its paths and methods
    for listener in spec.listeners:
        for op in (op for api in listener.apis for op in api.operations):
            for path in op.paths:
                for method in op.methods:
                    entry = doc["paths"][path][method.lower()]
                    assert entry["operationId"].startswith(op.name)
                    assert entry["responses"]


def test_the_cli_writes_the_document(tmp_path: Path) -> None:
    out = tmp_path / "voipcloud.json"
    done = subprocess.run([sys.executable, "-m", "emulators.cli", "openapi", "--vendor", "voipcloud",
                           "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    doc: dict[str, Any] = json.loads(out.read_text())
    validate(doc)
    for version in ("v1", "v2"):  # both versions of the API on the one port
        assert doc["paths"][f"/api/integration/{version}/call-to-number"]["post"]["security"]
    assert "/api/integration/v2/get-system-status" not in doc["paths"]


def test_the_cli_refuses_an_unknown_vendor_in_one_line() -> None:
    done = subprocess.run([sys.executable, "-m", "emulators.cli", "openapi", "--vendor", "nope"],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "unknown vendor" in done.stderr and "Traceback" not in done.stderr
