"""``telemock contracts verify`` from the command line: against the in-process emulator, against a
live server (an altered emulator on a free port), its text, JSON and JUnit reports, and one clear
line for every mistake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator
from xml.etree import ElementTree as ET

import pytest

from emulators.contracts.targets import CLOCK
from emulators.pytest_plugin import LiveServer
from emulators.registry import Registry
from emulators.server import listener_app
from emulators.vendors import load_vendors

from .helpers import altering, json_alteration, telemock

KEY = "b0f4ad5193ad04858dae03a1b3dbe9071ff12e52"
"""The emulator's default Kerauno key (kerauno.txt's example key)."""


def test_verify_in_process_passes_and_says_so() -> None:
    done = telemock("contracts", "verify", "--vendor", "kerauno")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith("24 passed, 0 failed, 0 errors, 0 skipped (kerauno")


def test_only_picks_operations_and_contracts() -> None:
    done = telemock("contracts", "verify", "--vendor", "mycalls", "--only", "AppList", "--only",
                    "mycalls.CallLog", "--only", "call_recording/documented", "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    [run] = report["runs"]
    assert {c["operation"] for c in run["contracts"]} == {"AppList", "CallLog", "CallRecording"}
    assert [c["id"] for c in run["contracts"] if c["operation"] == "CallRecording"] == ["call_recording/documented"]


@pytest.fixture
def altered_kerauno() -> Iterator[dict[str, str]]:
    """The Kerauno emulator on two free ports (its listeners), its CDRs' ``source_num`` renamed."""
    def rename(body: Any) -> Any:
        if isinstance(body, dict):
            body = {k: ({("source_number" if f == "source_num" else f): x for f, x in v.items()}
                        if isinstance(v, dict) and k.startswith("cdr_") else v) for k, v in body.items()}
        return body
    spec = load_vendors(["kerauno"])["kerauno"]
    registry = Registry({"kerauno": spec}, settings=CLOCK)
    wrap = altering(json_alteration("/reporting", rename))
    web, status = spec.listeners
    with LiveServer(wrap(listener_app(registry, spec, web))) as one, \
            LiveServer(listener_app(registry, spec, status, lifespan=False)) as two:
        yield {"base": one.url, "status": f"{status.name}={two.url}"}


def test_a_live_run_reports_drift_skips_writes_and_writes_junit(altered_kerauno: dict[str, str],
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "report.xml"
    done = telemock("contracts", "verify", "--vendor", "kerauno", "--base-url", altered_kerauno["base"],
                    "--base-url", altered_kerauno["status"], "--seeded", "--format", "junit", "-o", str(out),
                    env={"TELEMOCK_KERAUNO_KEY": KEY})
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("15 passed, 3 failed, 0 errors, 6 skipped (kerauno against http://127.0.0.1:")
    root = ET.parse(out).getroot()
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "contracts.kerauno"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("24", "3", "6")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    failure = cases["reporting/success_cdr"].find("failure")
    assert failure is not None
    assert failure.get("message") == '$.cdr_0.source_num: field renamed: expected "source_num", got "source_number"'
    skipped = cases["makecall/success"].find("skipped")
    assert skipped is not None and "--allow-writes" in str(skipped.get("message"))
    assert cases["agent_statuses/success"].find("skipped") is not None  # emulator only
    assert KEY not in out.read_text()  # credentials are masked


def test_the_json_report_lists_every_drift(altered_kerauno: dict[str, str]) -> None:
    done = telemock("contracts", "verify", "--vendor", "kerauno", "--base-url", altered_kerauno["base"],
                    "--only", "reporting", "--format", "json", "--credentials", "key=MY_PBX_KEY",
                    env={"MY_PBX_KEY": KEY})
    assert done.returncode == 1
    [run] = json.loads(done.stdout)["runs"]
    assert run["ok"] is False and run["summary"]["failed"] == 3
    drifts = [x for c in run["contracts"] for s in c["steps"] for x in s["drifts"]]
    assert {(x["kind"], x["path"]) for x in drifts} == {("field renamed", "$.cdr_0.source_num"),
                                                         ("field renamed", "$.cdr_1.source_num")}
    assert KEY not in done.stdout


@pytest.mark.parametrize("args, env, message", [
    (["--vendor", "nosuch"], {}, "no contracts for vendor 'nosuch'"),
    (["--vendor", "kerauno", "--base-url", "http://127.0.0.1:9"], {"TELEMOCK_KERAUNO_KEY": ""},
     "the credential 'key' is not set: export TELEMOCK_KERAUNO_KEY"),
    (["--vendor", "kerauno", "--base-url", "ftp://x"], {}, "is not an http(s) URL"),
    (["--vendor", "kerauno", "--base-url", "http://127.0.0.1:9", "--base-url", "nosuch=http://127.0.0.1:8"],
     {"TELEMOCK_KERAUNO_KEY": "x"}, "kerauno has no listener 'nosuch'"),
    (["--vendor", "kerauno", "--var", "novalue"], {}, "--var wants NAME=VALUE"),
    (["--base-url", "http://127.0.0.1:9"], {}, "--base-url verifies one vendor: give --vendor"),
    (["--vendor", "kerauno", "--recorded", "/nonexistent/dir"], {}, "no such folder"),
    (["--vendor", "kerauno", "--only", "AppList"], {}, "--only AppList: no contract of kerauno"),
])
def test_mistakes_get_one_line_and_exit_2(args: list[str], env: dict[str, str], message: str) -> None:
    done = telemock("contracts", "verify", *args, env=env)
    assert done.returncode == 2, done.stdout
    assert done.stderr.count("\n") == 1 and message in done.stderr and "Traceback" not in done.stderr


def test_a_broken_contract_file_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "kerauno"
    folder.mkdir()
    (folder / "_vendor.yaml").write_text("vendor: kerauno\ncredentials: [key]\n")
    (folder / "makecall.yaml").write_text(
        "operation: makecall\ncatalog: kerauno.MakeCall\ncontracts:\n"
        "  - name: x\n    request: {method: GET, path: /kerauno/api/v1/makecall/}\n    expect: {status: 200}\n")
    done = telemock("contracts", "verify", "--contracts", str(tmp_path), "--vendor", "kerauno")
    assert done.returncode == 2
    assert "makecall.yaml: contract 'x': say whether it changes the vendor's state" in done.stderr
    assert done.stderr.count("\n") == 1


def test_a_contract_for_a_port_the_vendor_lacks_is_an_error_not_a_crash(tmp_path: Path) -> None:
    folder = tmp_path / "kerauno"
    folder.mkdir()
    (folder / "_vendor.yaml").write_text("vendor: kerauno\ncredentials: [key]\n")
    (folder / "makecall.yaml").write_text(
        "operation: makecall\ncatalog: kerauno.MakeCall\nlistener: kerauno-fax\ncontracts:\n"
        "  - name: x\n    state_changing: false\n"
        "    request: {method: GET, path: /kerauno/api/v1/makecall/}\n    expect: {status: 401}\n")
    done = telemock("contracts", "verify", "--contracts", str(tmp_path), "--vendor", "kerauno")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "ERROR makecall/x: kerauno has no listener 'kerauno-fax' (it has kerauno, kerauno-status)" in done.stdout
