"""docs/COVERAGE.md: per vendor, every operation of its catalog, whether the emulator implements
it, how many contracts it has and whether they pass against the emulator; then what the emulator
serves beyond the vendor document (an API known from its clients), with its contracts.

"Implemented" asks the vendor's own routers (the tables the server routes with, each port's APIs
as it routes them): an operation is implemented when a listener routes one of its paths with one
of its methods, by the table operation its contracts name when they name one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .catalog import CatalogOperation, indexed_vendors, load_index
from .loader import load_vendor, vendors_with_contracts
from .model import Contract
from .runner import PASSED, ContractResult, verify
from .targets import InProcess

NOT_YET = "not yet"
"""What the page says of a catalog operation no table implements (none today: a test keeps it so)."""


@dataclass
class OperationRow:
    op: CatalogOperation
    implemented_by: list[str]
    results: list[ContractResult] = field(default_factory=list)

    @property
    def passing(self) -> bool:
        return bool(self.results) and all(r.outcome == PASSED for r in self.results)

    def examples_covered(self) -> set[str]:
        return {r.contract.example for r in self.results if r.contract.example in self.op.examples}


@dataclass
class ExtraRow:
    """An operation the emulator serves that the vendor document does not describe."""

    api: Any
    op: Any
    results: list[ContractResult] = field(default_factory=list)

    @property
    def passing(self) -> bool:
        return bool(self.results) and all(r.outcome == PASSED for r in self.results)


@dataclass
class VendorRows:
    vendor: str
    document: str
    emulated: bool
    rows: list[OperationRow]
    orphans: list[ContractResult]
    """Contracts naming a catalog operation the index does not have (a typo, or a catalog
    change) whose requests reach no operation beyond the catalog either."""
    extras: list[ExtraRow] = field(default_factory=list)


def collect(root: Path) -> list[VendorRows]:
    from ..vendors import VENDOR_MODULES, load_vendors

    contracts_dir = root / "contracts"
    with_contracts = set(vendors_with_contracts(contracts_dir))
    out = []
    for vendor in indexed_vendors(root):
        ops = load_index(root, vendor)
        emulated = vendor in VENDOR_MODULES
        spec = load_vendors([vendor])[vendor] if emulated else None
        results: list[ContractResult] = []
        named: dict[str, str] = {}
        if vendor in with_contracts:
            contracts = load_vendor(contracts_dir, vendor)
            named = {c.catalog: c.operation for c in contracts.contracts}
            if emulated:
                results = verify(contracts, InProcess(vendor)).results
        rows = [OperationRow(op, _implemented(spec, op, named.get(op.id)),
                             [r for r in results if r.contract.catalog == op.id]) for op in ops]
        known = {op.id for op in ops}
        beyond = [r for r in results if r.contract.catalog not in known]
        extras = _extras(spec, ops, beyond)
        placed = {id(r) for row in extras for r in row.results}
        out.append(VendorRows(vendor, _document(root, vendor), emulated, rows,
                              [r for r in beyond if id(r) not in placed], extras))
    return out


def _implementers(spec: Any, op: CatalogOperation) -> list[Any]:
    """The table operations a listener routes one of the catalog operation's paths to."""
    found: list[Any] = []
    for listener in [] if spec is None else spec.listeners:
        for path in op.probes:
            match = listener.api_for(path).router.match(path)
            if match is None:
                continue
            for method in op.methods:
                found += [o for o in match[0].get(method.upper(), []) if not any(o is f for f in found)]
    return found


def _implemented(spec: Any, op: CatalogOperation, table_name: str | None) -> list[str]:
    names = list(dict.fromkeys(o.name for o in _implementers(spec, op)))
    if table_name is not None and table_name in names:
        return [table_name]
    return names


def routed(spec: Any, contract: Contract) -> list[tuple[Any, Any]]:
    """(API, table operation) pairs the steps of ``contract`` address that bear its operation's
    name (by path and method, or by path alone for a method the path does not take)."""
    found: list[tuple[Any, Any]] = []
    listeners = {listener.name: listener for listener in spec.listeners}
    for step in contract.steps:
        request = step.request
        listener = None if request is None else listeners.get(request.listener or spec.listeners[0].name)
        if request is None or listener is None:
            continue
        api = listener.api_for(request.path)
        match = api.router.match(request.path)
        methods = {} if match is None else match[0]
        # a method the path does not take still addresses the operations at that path (405)
        ops = methods.get(request.method) or [op for variants in methods.values() for op in variants]
        for op in ops:
            if op.name == contract.operation and not any(a is api and o is op for a, o in found):
                found.append((api, op))
    return found


def _extras(spec: Any, ops: list[CatalogOperation], beyond: list[ContractResult]) -> list[ExtraRow]:
    """Served operations no catalog operation routes to, each with the contracts (naming no
    catalog operation) whose requests reach it."""
    if spec is None:
        return []
    in_catalog = {id(o) for op in ops for o in _implementers(spec, op)}
    rows = [ExtraRow(api, op) for listener in spec.listeners for api in listener.apis for op in api.operations
            if id(op) not in in_catalog]
    for result in beyond:
        reached = {(id(api), id(op)) for api, op in routed(spec, result.contract)}
        row = next((row for row in rows if (id(row.api), id(row.op)) in reached), None)
        if row is not None:
            row.results.append(result)
    return rows


def _document(root: Path, vendor: str) -> str:
    with open(root / "contracts" / "_catalog" / f"{vendor}.yaml", encoding="utf-8") as fh:
        return str(yaml.safe_load(fh).get("document", f"{vendor}.txt"))


# -- the page ------------------------------------------------------------------------------------
INTRO = """\
# Coverage

Generated by `telemock contracts publish` (a test keeps it current). Per vendor: every operation
of the vendor's operation catalog (`contracts/_catalog/`, derived from the vendor document), the
operation of the emulator's table that implements it, its contracts (`contracts/<vendor>/`) and
whether they all pass against the emulator (`telemock contracts verify`). "Examples" counts the
document's examples of the operation that a contract replays. What the emulator serves beyond
the vendor document (an API known only from its clients) follows each vendor's table.
"""


def _passed(results: list[ContractResult]) -> str:
    passed = sum(1 for x in results if x.outcome == PASSED)
    return f"{passed}/{len(results)}" if results else "-"


def render(vendors: list[VendorRows]) -> str:
    lines = [INTRO, "| vendor | document | operations in the catalog | implemented | with contracts | passing "
             "| documented examples replayed |", "|---|---|---|---|---|---|---|"]
    for v in vendors:
        examples = sum(len(r.op.examples) for r in v.rows)
        lines.append(f"| {v.vendor} | `{v.document}` | {len(v.rows)} | {sum(1 for r in v.rows if r.implemented_by)} "
                     f"| {sum(1 for r in v.rows if r.results)} | {sum(1 for r in v.rows if r.passing)} "
                     f"| {sum(len(r.examples_covered()) for r in v.rows)}/{examples} |")
    for v in vendors:
        lines += ["", f"## {v.vendor}", ""]
        if not v.emulated:
            lines += ["Not emulated yet: every operation below is still to be implemented.", ""]
        lines += ["| catalog operation | method and path | implemented by | contracts | passing | examples |",
                  "|---|---|---|---|---|---|"]
        for r in v.rows:
            lines.append(
                f"| `{r.op.id}` | {', '.join(r.op.methods)} `{r.op.path}` "
                f"| {', '.join(f'`{n}`' for n in r.implemented_by) or NOT_YET} | {len(r.results)} "
                f"| {_passed(r.results)} | {len(r.examples_covered())}/{len(r.op.examples)} |")
        if v.extras:
            lines += ["", f"Served beyond `{v.document}`:", "",
                      "| API | operation | method and path | contracts | passing |", "|---|---|---|---|---|"]
            for x in v.extras:
                lines.append(f"| {x.api.title} | `{x.op.name}` | {', '.join(x.op.methods)} "
                             f"{', '.join(f'`{p}`' for p in x.op.paths)} | {len(x.results)} | {_passed(x.results)} |")
        for orphan in v.orphans:
            lines.append(f"\nContract `{orphan.contract.id}` names `{orphan.contract.catalog}`, which the catalog "
                         "does not have, and reaches no operation beyond it.")
    return "\n".join(lines) + "\n"


def coverage_page(root: Path) -> str:
    return render(collect(root))
