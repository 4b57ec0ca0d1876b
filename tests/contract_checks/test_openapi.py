"""Contracts and OpenAPI documents agree: every contract request is one its vendor's document
allows (and every request marked ``breaks`` is one it refuses), every answer the emulator gives
fits the document's response schema; the published documents are valid and current."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate

from emulators.contracts.loader import load_vendor, vendors_with_contracts
from emulators.contracts.openapi_check import find_operation, request_problems, response_problems
from emulators.contracts.publish import OPENAPI_DIR, openapi_text
from emulators.contracts.runner import Exchange, verify
from emulators.contracts.targets import InProcess
from emulators.dialect.app import CONTROL_PREFIX
from emulators.dialect.openapi import document
from emulators.kerauno import doc_examples
from emulators.vendors import VENDOR_MODULES, load_vendors

from .helpers import CONTRACTS, ROOT

EMULATED = list(VENDOR_MODULES)
CHECKED = [v for v in vendors_with_contracts(CONTRACTS) if v in VENDOR_MODULES]


def exchanges(vendor: str) -> list[tuple[str, Exchange]]:
    """Every request a contract sends to the vendor's API (not the emulator's control plane,
    which an emulator-only contract may read) and its answer."""
    run = verify(load_vendor(CONTRACTS, vendor), InProcess(vendor))
    return [(r.contract.id, s.exchange) for r in run.results for s in r.steps
            if s.exchange is not None and not s.exchange.request.path.startswith(CONTROL_PREFIX)]


@pytest.mark.parametrize("vendor", CHECKED)
def test_contract_requests_and_emulator_answers_agree_with_the_document(vendor: str) -> None:
    doc = document(load_vendors([vendor])[vendor])
    problems: list[Any] = []
    for contract, exchange in exchanges(vendor):
        if exchange.breaks:
            refused = request_problems(doc, exchange.request)
            if not refused:
                problems.append((contract, f"breaks {exchange.breaks!r}, yet the document allows the request"))
            if find_operation(doc, exchange.request.path, exchange.request.method) is None:
                continue  # a method the path does not have: no documented answer to hold it to
        else:
            problems += [(contract, "request", p) for p in request_problems(doc, exchange.request)]
        problems += [(contract, "answer", p) for p in response_problems(doc, exchange)]
    assert not problems


@pytest.mark.parametrize("vendor", CHECKED)
def test_every_operation_has_a_success_schema_of_its_own(vendor: str) -> None:
    """The document says what each success body holds (declared, or derived from the vendor
    document's examples), not only "an object"."""
    doc = document(load_vendors([vendor])[vendor])
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "servers":
                continue
            schema = op["responses"]["200"]["content"]["application/json"]["schema"]
            assert schema.get("properties") or schema.get("patternProperties") or schema.get("anyOf"), (path, method)


def test_an_answer_off_the_schema_is_caught() -> None:
    """The check can fail: a Kerauno CDR whose duration became a number does not fit."""
    doc = document(load_vendors(["kerauno"])["kerauno"])
    contract, exchange = next((c, e) for c, e in exchanges("kerauno") if c == "reporting/success_cdr")
    body = exchange.json()
    body["cdr_0"]["duration"] = 8
    altered = Exchange(exchange.request, exchange.status, exchange.headers, json.dumps(body).encode())
    assert response_problems(doc, altered) == ["status 200 body: 8 is not of type 'string'"]


def test_kerauno_documented_answers_in_the_table_are_what_the_emulator_answers() -> None:
    """The examples the OpenAPI document shows (and derives schemas from) are the emulator's own
    answers to the documented requests."""
    answers = {c: e.json() for c, e in exchanges("kerauno")
               if c in ("reporting/success_cdr", "reporting/success_ring_groups", "agent_statuses/success")}
    assert answers["reporting/success_cdr"] == doc_examples.CDR
    assert answers["reporting/success_ring_groups"] == doc_examples.RING_GROUPS
    assert answers["agent_statuses/success"] == doc_examples.AGENT_STATUSES


@pytest.mark.parametrize("vendor", EMULATED)
def test_published_documents_are_valid_and_current(vendor: str) -> None:
    path = ROOT / OPENAPI_DIR / f"{vendor}.json"
    assert path.read_text(encoding="utf-8") == openapi_text(vendor), (
        f"{path.relative_to(ROOT)} is out of date: run `telemock contracts publish`")
    validate(json.loads(path.read_text(encoding="utf-8")))
