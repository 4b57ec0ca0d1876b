"""Running a vendor's contracts against a target: steps in order, saved values fed forward,
drifts collected, state-changing contracts skipped against a live server unless allowed, and
(with a recordings directory) answers recorded or compared with earlier recordings."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import httpx

from . import record
from .diff import compare
from .drift import (
    BODY_CHANGED,
    CAPTURE_MISSING,
    CONTENT_TYPE_CHANGED,
    HEADER_CHANGED,
    NO_ANSWER,
    NOT_JSON,
    STATUS_CHANGED,
    Described,
    Drift,
)
from .matchers import Matcher
from .model import ABSENT, Contract, Expect, Request, Step, VendorContracts
from .targets import Target, TargetError
from .templates import TemplateError, Values, fill

PASSED, FAILED, SKIPPED, ERROR = "passed", "failed", "skipped", "error"


@dataclass
class Exchange:
    """One request as sent and the answer as received."""

    request: Request
    status: int
    headers: Mapping[str, str]
    content: bytes
    breaks: str | None = None

    @property
    def media_type(self) -> str:
        return media_type(self.headers.get("content-type", ""))

    def json(self) -> Any:
        return json.loads(self.content)


@dataclass
class StepResult:
    label: str
    drifts: list[Drift] = field(default_factory=list)
    exchange: Exchange | None = None
    ran: bool = True
    normalised: dict[str, Any] | None = None
    """The answer with the vendor's transformers applied (recordings)."""


@dataclass
class ContractResult:
    contract: Contract
    outcome: str
    reason: str = ""
    steps: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def drifts(self) -> list[Drift]:
        return [d for s in self.steps for d in s.drifts]


@dataclass
class Run:
    vendor: str
    target: str
    results: list[ContractResult]
    credentials: Mapping[str, str] = field(default_factory=dict)
    """What the run authenticated with (reports mask these values)."""

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def ok(self) -> bool:
        return not any(r.outcome in (FAILED, ERROR) for r in self.results)

    def by_operation(self) -> dict[str, list[ContractResult]]:
        grouped: dict[str, list[ContractResult]] = {}
        for r in self.results:
            grouped.setdefault(r.contract.operation, []).append(r)
        return grouped


@dataclass(frozen=True)
class Options:
    only: tuple[str, ...] = ()
    """Operation names, catalog ids or contract ids to run (empty: all)."""
    allow_writes: bool = False
    vars: Mapping[str, Any] = field(default_factory=dict)
    """Overrides of the vendor's contract variables (``--var``)."""
    record_dir: Path | None = None
    recorded_dir: Path | None = None


def selected(contract: Contract, only: Iterable[str]) -> bool:
    wanted = tuple(only)
    return not wanted or any(w in (contract.operation, contract.catalog, contract.id) for w in wanted)


def verify(vendor: VendorContracts, target: Target, options: Options = Options()) -> Run:
    """Run the chosen contracts of ``vendor`` against ``target`` (started and stopped here)."""
    return asyncio.run(_verify(vendor, target, options))


async def _verify(vendor: VendorContracts, target: Target, options: Options) -> Run:
    normalise = record.Normaliser(vendor.transformers)
    run = Run(vendor.vendor, target.name, [], dict(target.credentials))
    await target.start()
    try:
        for contract in vendor.contracts:
            if not selected(contract, options.only):
                continue
            why = _skip_reason(contract, target, options)
            if why:
                run.results.append(ContractResult(contract, SKIPPED, why))
                continue
            values = Values(vars={**vendor.vars, **options.vars}, credentials=target.credentials)
            recorded = (record.load(options.recorded_dir, vendor.vendor, contract.id)
                        if options.recorded_dir is not None else None)
            result = await _contract(contract, target, values, recorded, normalise)
            run.results.append(result)
            if options.record_dir is not None and result.outcome != ERROR:
                record.write(options.record_dir, vendor.vendor, contract.id, [s.normalised for s in result.steps])
    finally:
        await target.stop()
    return run


def _skip_reason(contract: Contract, target: Target, options: Options) -> str:
    if not target.remote:
        return ""
    if contract.emulator_only:
        return f"emulator only: {contract.emulator_only}"
    if contract.state_changing and not options.allow_writes:
        return "changes the vendor's state (--allow-writes runs it)"
    return ""


async def _contract(contract: Contract, target: Target, values: Values, recorded: list[Any] | None,
                    normalise: record.Normaliser) -> ContractResult:
    started = time.perf_counter()
    result = ContractResult(contract, PASSED)
    session = normalise.fresh()
    try:
        await target.reset()
        for i, step in enumerate(contract.steps):
            if result.outcome != PASSED:
                result.steps.append(StepResult(_label(step, None, values), ran=False))
                continue
            done = await _step(step, target, values)
            if done.exchange is not None:
                done.normalised = session.answer(done.exchange)
            if recorded is not None and done.normalised is not None and i < len(recorded) and recorded[i]:
                done.drifts += [Drift(d.kind, d.path, d.expected, d.actual, "recording")
                                for d in record.compare(recorded[i], done.normalised)]
            result.steps.append(done)
            if done.drifts:
                result.outcome = FAILED
    except (TemplateError, TargetError) as exc:
        result.outcome, result.reason = ERROR, str(exc)
    result.seconds = time.perf_counter() - started
    return result


async def _step(step: Step, target: Target, values: Values) -> StepResult:
    if step.wait is not None:
        await target.wait(step.wait)
        return StepResult(_label(step, None))
    assert step.request is not None and step.expect is not None
    request: Request = fill_request(step.request, values)
    label = _label(step, request)
    expect = _fill_expect(step.expect, values)
    for turn in range(step.repeat):
        try:
            response = await target.send(request)
        except httpx.HTTPError as exc:
            return StepResult(label, [Drift(NO_ANSWER, "request", Described("an answer"),
                                            Described(f"{type(exc).__name__}: {exc}"))])
        exchange = Exchange(request, response.status_code, dict(response.headers), response.content, step.breaks)
        drifts = check(expect, exchange, target.lax)
        if drifts:
            if step.repeat > 1:
                label = f"{label} (answer {turn + 1} of {step.repeat})"
            return StepResult(label, drifts, exchange)
    return StepResult(label, _save(step.save, exchange, values), exchange)


def fill_request(request: Request, values: Values) -> Request:
    """The request with its templates filled; query, header and form values stay text."""
    return Request(method=request.method, path=str(fill(request.path, values)), listener=request.listener,
                   query=_texts(fill(dict(request.query), values)),
                   headers=_texts(fill(dict(request.headers), values)),
                   form=None if request.form is None else _texts(fill(dict(request.form), values)),
                   json=ABSENT if request.json is ABSENT else fill(request.json, values),
                   body=None if request.body is None else str(fill(request.body, values)),
                   content_type=request.content_type)


def _texts(mapping: dict[str, Any]) -> dict[str, Any]:
    return {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in mapping.items()}


def _fill_expect(expect: Expect, values: Values) -> Expect:
    return Expect(status=expect.status, content_type=fill(expect.content_type, values),
                  headers=fill(dict(expect.headers), values),
                  body=ABSENT if expect.body is ABSENT else fill(expect.body, values),
                  text=fill(expect.text, values))


def check(expect: Expect, exchange: Exchange, lax: bool) -> list[Drift]:
    """Every drift of one answer from what the step expects."""
    drifts: list[Drift] = []
    if expect.status is not None and expect.status != exchange.status:
        drifts.append(Drift(STATUS_CHANGED, "status", expect.status, exchange.status))
    if expect.content_type is not None:
        drifts += _header("content-type", expect.content_type, exchange.headers.get("content-type"),
                          CONTENT_TYPE_CHANGED)
    for name, wanted in expect.headers.items():
        drifts += _header(name.lower(), wanted, exchange.headers.get(name.lower()), HEADER_CHANGED)
    if expect.body is not ABSENT:
        try:
            body = exchange.json()
        except ValueError:
            drifts.append(Drift(NOT_JSON, "$", Described("a JSON body"), _text(exchange.content)))
        else:
            drifts += compare(expect.body, body, "$", lax)
    if expect.text is not None:
        text = _text(exchange.content)
        if isinstance(expect.text, Matcher):
            drifts += expect.text.check(text, "$", lambda e, a, p: compare(e, a, p, lax), lax)
        elif text != expect.text:
            drifts.append(Drift(BODY_CHANGED, "$", expect.text, text))
    return drifts


def _header(name: str, wanted: Any, got: str | None, kind: str) -> list[Drift]:
    if isinstance(wanted, Matcher):
        found = wanted.check(got, name, compare, False)
        return [Drift(kind, d.path, d.expected, d.actual) for d in found]
    if got is None:
        return [Drift(kind, name, wanted, Described("(absent)"))]
    if name == "content-type" and ";" not in str(wanted):
        got = media_type(got)
    return [] if str(wanted).lower() == got.lower() else [Drift(kind, name, wanted, got)]


def _save(pointers: Mapping[str, str], exchange: Exchange, values: Values) -> list[Drift]:
    if not pointers:
        return []
    try:
        body = exchange.json()
    except ValueError:
        return [Drift(NOT_JSON, "$", Described("a JSON body to save from"), _text(exchange.content))]
    drifts = []
    for name, pointer in pointers.items():
        found, value = resolve(body, pointer)
        if found:
            values.saved[name] = value
        else:
            drifts.append(Drift(CAPTURE_MISSING, pointer, Described(f"a value to save as {name}"),
                                Described("(absent)")))
    return drifts


def resolve(document: Any, pointer: str) -> tuple[bool, Any]:
    """RFC 6901: ``/data/0/uid`` (``~1`` is ``/``, ``~0`` is ``~``)."""
    node = document
    for raw in pointer.split("/")[1:] if pointer else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def media_type(header: str) -> str:
    return header.split(";", 1)[0].strip().lower()


def _label(step: Step, request: Request | None, values: Values | None = None) -> str:
    if step.wait is not None:
        return f"wait {step.wait:g} s"
    if request is None:
        assert step.request is not None
        request = step.request
        if values is not None:
            try:
                request = fill_request(request, values)
            except TemplateError:  # a value a step that did not run would have saved
                pass
    times = f" x{step.repeat}" if step.repeat > 1 else ""
    return f"{request.method} {request.path}{times}"


def _text(content: bytes) -> str:
    return content.decode("utf-8", "replace")
