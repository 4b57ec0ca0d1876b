"""The conformance report of a run: text for people, JSON for tools, JUnit XML for CI.

Credentials never appear: any value equal to one the run authenticated with is masked.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from .runner import ERROR, FAILED, PASSED, SKIPPED, ContractResult, Run

FORMATS = ("text", "json", "junit")
MASK = "***"
SHOWN_DRIFTS = 20
"""Drifts listed per step in text (an id-keyed report of 500 rows drifts 500 times alike)."""


def render(runs: list[Run], fmt: str) -> str:
    """One report of every vendor's run."""
    if fmt == "json":
        document = {"ok": all(r.ok for r in runs), "runs": [as_json(r) for r in runs]}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "junit":
        return junit(runs)
    return "".join(text(r) for r in runs)


def summary(run: Run) -> str:
    return (f"{run.count(PASSED)} passed, {run.count(FAILED)} failed, {run.count(ERROR)} errors, "
            f"{run.count(SKIPPED)} skipped ({run.vendor} against {run.target})")


# -- text -----------------------------------------------------------------------------------------
def text(run: Run) -> str:
    masked = _masker(run)
    lines = [f"telemock contracts: {run.vendor} against {run.target}"]
    for operation, results in run.by_operation().items():
        counts = {o: sum(1 for r in results if r.outcome == o) for o in (PASSED, FAILED, ERROR, SKIPPED)}
        verdict = "FAIL" if counts[FAILED] or counts[ERROR] else ("SKIP" if not counts[PASSED] else "ok")
        lines.append(f"{verdict:<4} {operation}: " + ", ".join(f"{n} {o}" for o, n in counts.items() if n))
        for r in results:
            lines += ["     " + line for line in _contract_lines(r, masked)]
    lines.append(summary(run))
    return "\n".join(lines) + "\n"


def _contract_lines(r: ContractResult, masked: Any) -> list[str]:
    head = {PASSED: "PASS", FAILED: "FAIL", ERROR: "ERROR", SKIPPED: "SKIP"}[r.outcome]
    lines = [f"{head} {r.contract.id}" + (f": {r.reason}" if r.reason else "")]
    for i, step in enumerate(r.steps, 1):
        if not step.drifts and step.ran:
            continue
        lines.append(f"  step {i} {masked(step.label)}" + ("" if step.ran else ": not run"))
        for drift in step.drifts[:SHOWN_DRIFTS]:
            prefix = "[recording] " if drift.source == "recording" else ""
            lines.append(f"    {prefix}{masked(drift.line())}")
        if len(step.drifts) > SHOWN_DRIFTS:
            lines.append(f"    ... and {len(step.drifts) - SHOWN_DRIFTS} more (--format json lists all)")
    return lines


# -- JSON -----------------------------------------------------------------------------------------
def as_json(run: Run) -> dict[str, Any]:
    masked = _masker(run)
    operations = {op: {o: sum(1 for r in rs if r.outcome == o) for o in (PASSED, FAILED, ERROR, SKIPPED)}
                  for op, rs in run.by_operation().items()}
    return {
        "vendor": run.vendor,
        "target": run.target,
        "ok": run.ok,
        "summary": {o: run.count(o) for o in (PASSED, FAILED, ERROR, SKIPPED)},
        "operations": operations,
        "contracts": [{
            "id": r.contract.id,
            "operation": r.contract.operation,
            "catalog": r.contract.catalog,
            "state_changing": r.contract.state_changing,
            "outcome": r.outcome,
            "reason": r.reason,
            "seconds": round(r.seconds, 4),
            "steps": [{"request": masked(s.label), "ran": s.ran,
                       "status": s.exchange.status if s.exchange is not None else None,
                       "drifts": [masked(d.to_json()) for d in s.drifts]} for s in r.steps],
        } for r in run.results],
    }


# -- JUnit ----------------------------------------------------------------------------------------
def junit(runs: list[Run]) -> str:
    suites = ET.Element("testsuites", name="telemock contracts")
    for run in runs:
        _suite(suites, run)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _suite(suites: ET.Element, run: Run) -> None:
    masked = _masker(run)
    suite = ET.SubElement(suites, "testsuite", name=f"contracts.{run.vendor}", tests=str(len(run.results)),
                          failures=str(run.count(FAILED)), errors=str(run.count(ERROR)),
                          skipped=str(run.count(SKIPPED)),
                          time=f"{sum(r.seconds for r in run.results):.3f}")
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="target", value=run.target)
    for r in run.results:
        case = ET.SubElement(suite, "testcase", classname=f"{run.vendor}.{r.contract.operation}",
                             name=r.contract.id, time=f"{r.seconds:.3f}")
        if r.outcome == SKIPPED:
            ET.SubElement(case, "skipped", message=r.reason)
        elif r.outcome == ERROR:
            ET.SubElement(case, "error", message=r.reason, type="contract").text = r.reason
        elif r.outcome == FAILED:
            drifts = r.drifts
            first = masked(drifts[0].line()) if drifts else "failed"
            element = ET.SubElement(case, "failure", message=first, type="drift")
            element.text = "\n".join(_contract_lines(r, masked))


def _masker(run: Run) -> Any:
    secrets = sorted((v for v in run.credentials.values() if v and len(v) >= 4), key=len, reverse=True)

    def masked(value: Any) -> Any:
        if isinstance(value, str):
            for secret in secrets:
                value = value.replace(secret, MASK)
            return value
        if isinstance(value, dict):
            return {k: masked(v) for k, v in value.items()}
        if isinstance(value, list):
            return [masked(v) for v in value]
        return value
    return masked
