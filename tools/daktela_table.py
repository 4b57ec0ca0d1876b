"""Generate ``emulators/daktela/catalog_table.json`` (the Daktela operation table as data, which
``emulators/daktela/catalog_table.py`` loads) from the Daktela catalog, once; the emulator never
reads the catalog at run time. JSON, not a Python literal: compiling 300 KB of literal took
30 - 60 ms of every start from source, reading the JSON takes 1 - 3 ms.

    python tools/daktela_table.py [path/to/daktela.yaml]

Without an argument the catalog is looked for at ``../shared/catalog/daktela.yaml`` relative to
the checkout (where CI has it). ``tests/daktela/test_catalog_sync.py`` regenerates the table in
memory and compares it with the committed one. Not shipped: it lives outside the package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT.parent / "shared" / "catalog" / "daktela.yaml"
OUT = ROOT / "emulators" / "daktela" / "catalog_table.json"


def _body(response: dict[str, Any]) -> str | None:
    """The documented body as JSON text (repaired where the doc's is broken), as replay reads it."""
    for key in ("body_json_repaired", "body_json_equivalent", "body_verbatim"):
        text = response.get(key)
        if text:
            try:
                json.loads(text)
            except ValueError:
                continue
            return str(text)
    return None


def _param(p: dict[str, Any]) -> dict[str, Any]:
    return {"name": p["name"], "location": p.get("location", "query"), "type": str(p.get("type", "string")),
            "required": p.get("required", False), "allowed": list(p.get("allowed_values") or []),
            "doc": str(p.get("doc_description_verbatim", ""))}


def _example(ex: dict[str, Any]) -> dict[str, Any]:
    req, resp = ex.get("request") or {}, ex.get("response") or {}
    url = urlsplit(str(req.get("url_verbatim", "")).strip())
    return {"n": ex.get("n"), "kind": ex.get("kind"), "description": str(ex.get("description_verbatim", "")),
            "method": str(req.get("method") or "GET").upper(),
            "path": url.path + (f"?{url.query}" if url.query else ""),
            "body": _body(resp), "body_verbatim": resp.get("body_verbatim"),
            "envelope": list(resp.get("envelope_key_order") or []),
            "error": resp.get("error_string_decoded")}


def _envelope(op: dict[str, Any]) -> list[str]:
    """The success envelope's key order (the first success example's)."""
    for ex in op.get("examples") or []:
        resp = ex.get("response") or {}
        if str(ex.get("kind", "")).startswith("success") and resp.get("envelope_key_order"):
            return list(resp["envelope_key_order"])
    return []


def build(catalog: dict[str, Any]) -> dict[str, Any]:
    """The table's data from a parsed catalog."""
    ops = []
    for op in catalog["operations"]:
        http = op.get("http") or {}
        ops.append({
            "id": op["id"], "action": op["action"], "variant": op.get("variant"),
            "section": op.get("section", ""), "requirement_version": str(op["requirement_version"]),
            "summary": str(op.get("summary", "")), "description": str(op.get("description_verbatim", "")),
            "id_in_path": "id_path_segment" in http,
            "params": [_param(p) for p in op.get("params") or []],
            "param_rules": [str(r) for r in op.get("param_rules") or []],
            "envelope": _envelope(op),
            "errors": [str(e["error_string_decoded"]) for e in op.get("errors") or []
                       if e.get("error_string_decoded")],
            "examples": [_example(ex) for ex in op.get("examples") or []],
        })
    versions = sorted({str(v) for v in catalog["conventions"]["path_rules"]["version"].split()
                       if v[0].isdigit()}, key=lambda v: tuple(int(x) for x in v.split(".")))
    return {"SOURCE_SHA256": str(catalog["source_sha256"]), "VERSIONS": tuple(versions),
            "OPERATIONS": tuple(ops)}


def render(data: dict[str, Any]) -> str:
    """The table file's text: one operation per block, keys in the order ``build`` made them."""
    return json.dumps({"generated_by": "tools/daktela_table.py: do not edit by hand",
                       "source_sha256": data["SOURCE_SHA256"], "versions": list(data["VERSIONS"]),
                       "operations": list(data["OPERATIONS"])}, ensure_ascii=False, indent=1) + "\n"


def load(path: Path) -> dict[str, Any]:
    import yaml
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)  # type: ignore[no-any-return]


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else CATALOG
    if not path.exists():
        print(f"no catalog at {path}", file=sys.stderr)
        return 2
    OUT.write_text(render(build(load(path))), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
