"""Schemathesis, from each vendor's published OpenAPI document, against the in-process emulator:
schema-valid requests (and, where the document can say what is refused, schema-violating ones)
get answers the document describes, never a server error, with the vendor's credentials."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import ignored_auth, negative_data_rejection

from emulators.contracts.targets import CLOCK
from emulators.dialect.openapi import document
from emulators.registry import Registry
from emulators.server import listener_app
from emulators.vendors import VENDOR_MODULES, load_vendors

from . import php_reading

EXAMPLES = 40
"""Examples per operation and mode (derandomized: CI sees the same examples every run)."""
FEWER_EXAMPLES = {"daktela": 10}
"""Vendors with many operations: Daktela's table is 81 operations on 84 paths, each GET and POST
(168 operations), so 10 examples each keep its two runs near the others'."""
OFF = {"positive_data_acceptance": {"enabled": False}}
"""Schema-valid requests the vendor still refuses are the rules a document cannot state across
parameters (from_date after to_date, a group name taken, an unverified number): not failures."""


REFUSES_WITH_200 = {"daktela"}
"""Vendors whose refusals (a missing or unknown access_token included) are HTTP 200 with the
error envelope, as their documents show: schemathesis' ``ignored_auth`` (which expects 401 or
403 without credentials) does not apply (the contracts hold their refusals of a missing and a
wrong token), and schema-violating data is checked with ``negative_data_refused``."""
READS_LIKE_PHP = {"daktela"}
"""Vendors whose server reads PHP's ``$_REQUEST`` (tests/contract_checks/php_reading.py)."""


def negative_data_refused(doc: dict[str, Any], journal: list[dict[str, Any]], php: bool) -> Any:
    """Schemathesis' ``negative_data_rejection``, where an answer the emulator journals as a
    refusal counts as one whatever its status, and (``php``) a request the document allows once
    PHP has read it is no schema-violating data."""
    def check(ctx: Any, response: Any, case: Any) -> bool | None:
        if journal and journal[-1].get("refusal"):
            return None
        sent = response.request
        if php and not php_reading.problems(doc, sent.method, sent.url, sent.headers.get("content-type", ""),
                                            sent.body):
            return None
        return negative_data_rejection(ctx, response, case)
    return check


def cases() -> list[tuple[str, str]]:
    return [(vendor, mode) for vendor in VENDOR_MODULES for mode in ("positive", "negative")]


@pytest.mark.parametrize("vendor, mode", cases())
def test_schemathesis_finds_no_failure(vendor: str, mode: str) -> None:
    spec = load_vendors([vendor])[vendor]
    registry = Registry({vendor: spec}, settings={**CLOCK, "rate_limit": {"limit": 0}})
    journal: list[dict[str, Any]] = []  # the newest entry only: the answer being checked

    def keep_newest(entry: dict[str, Any], seconds: float) -> None:
        journal[:] = [entry]
    registry.on_request = keep_newest
    tenant = registry.get(vendor, "default")
    doc = document(spec)
    config = schemathesis.Config.from_dict({"auth": {"openapi": _auth(vendor, doc, tenant.credentials)},
                                            "checks": OFF})
    checks: tuple[list[Any], list[Any]] = ([], [])  # excluded, additional
    if vendor in REFUSES_WITH_200:
        checks = ([ignored_auth, negative_data_rejection],
                  [negative_data_refused(doc, journal, vendor in READS_LIKE_PHP)])
    failures: dict[str, str] = {}
    tried: set[tuple[str, str]] = set()
    for listener in spec.listeners:
        schema = schemathesis.openapi.from_dict(doc, config=config)
        schema.app = listener_app(registry, spec, listener, lifespan=False)
        mine = {template for api in listener.apis for template in api.router.templates}
        for result in schema.get_all_operations():
            operation = result.ok()
            if operation.path not in mine:
                continue
            tried.add((operation.path, operation.method.upper()))
            try:
                _fuzz(operation, GenerationMode(mode), vendor, checks)
            except BaseException as exc:  # hypothesis re-raises schemathesis' failure group
                failures[operation.label] = str(exc)[:3000]
    assert tried == {(path, method) for listener in spec.listeners for api in listener.apis
                     for op in api.operations for path in op.paths for method in op.methods}
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())


def _auth(vendor: str, doc: dict[str, Any], credentials: dict[str, str]) -> dict[str, Any]:
    """Each apiKey security scheme filled with the default tenant's credential of its name, or
    its only credential, or as ``SCHEME_VALUES`` says for schemes named otherwise."""
    out = {}
    for name, scheme in doc["components"]["securitySchemes"].items():
        if scheme.get("type") != "apiKey":
            continue
        if (vendor, name) in SCHEME_VALUES:
            out[name] = {"api_key": SCHEME_VALUES[(vendor, name)](credentials)}
            continue
        key = name if name in credentials else (next(iter(credentials)) if len(credentials) == 1 else None)
        assert key is not None, f"which credential fills the security scheme {name!r}? {sorted(credentials)}"
        out[name] = {"api_key": credentials[key]}
    return out


SCHEME_VALUES: dict[tuple[str, str], Any] = {
    ("daktela", "access_token_cookie"): lambda creds: creds["access_token"],
    ("cpaas", "account"): lambda creds: "account_1",
    ("cpaas", "auth"): lambda creds: creds["account_1"],
}
"""Security schemes whose value is not the credential of the same name."""


def _fuzz(operation: Any, mode: GenerationMode, vendor: str, checks: tuple[list[Any], list[Any]]) -> None:
    excluded, additional = checks

    @given(operation.as_strategy(generation_mode=mode))
    @settings(max_examples=FEWER_EXAMPLES.get(vendor, EXAMPLES), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.call_and_validate(excluded_checks=excluded, additional_checks=additional)
    run()
