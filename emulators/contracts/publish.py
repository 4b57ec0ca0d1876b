"""``telemock contracts publish``: the generated documents a fresh clone carries, in one command.

    docs/COVERAGE.md            every catalog operation: implemented, with contracts, passing
    docs/openapi/<vendor>.json  each emulated vendor's OpenAPI 3.1 document (Postman, Prism,
                                client generators), as ``telemock openapi --vendor V`` writes it
"""

from __future__ import annotations

import json
from pathlib import Path

from .catalog import checkout

COVERAGE = Path("docs") / "COVERAGE.md"
OPENAPI_DIR = Path("docs") / "openapi"
OPENAPI_HOST = "127.0.0.1"


def openapi_text(vendor: str) -> str:
    """The published form of a vendor's document (the CLI's: two-space JSON, UTF-8)."""
    from ..dialect.openapi import document
    from ..vendors import load_vendors

    spec = load_vendors([vendor])[vendor]
    return json.dumps(document(spec, OPENAPI_HOST), indent=2, ensure_ascii=False) + "\n"


def documents(root: Path) -> dict[Path, str]:
    """Every published document's path (relative to the checkout) and its current text."""
    from ..vendors import VENDOR_MODULES
    from .coverage import coverage_page

    out = {OPENAPI_DIR / f"{vendor}.json": openapi_text(vendor) for vendor in VENDOR_MODULES}
    out[COVERAGE] = coverage_page(root)
    return out


def publish(root: Path | None = None, check: bool = False) -> list[str]:
    """Write the documents that changed (``check``: only say which are out of date)."""
    root = root or checkout()
    lines = []
    for relative, text in documents(root).items():
        path = root / relative
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        if check:
            lines.append(f"{relative}: out of date (telemock contracts publish)")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            lines.append(f"wrote {relative}")
    return lines
