"""``telemock scenario ...``: exit codes, output, --target against a live server, real webhooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

from emulators.cli import main
from emulators.registry import Registry
from emulators.scenario.schema import SCHEMA
from emulators.server import listener_app
from emulators.testing import run_scenario
from emulators.vendors import load_vendors

from .conftest import BROKEN, LIBRARY
from .live import Inbox, serving


def lib(stem: str) -> str:
    return str(next(p for p in LIBRARY if p.stem == stem))


def test_schema_command_prints_the_schema(capsys: Any) -> None:
    assert main(["scenario", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == SCHEMA


def test_validate_reports_file_line_column(capsys: Any) -> None:
    bad = next(p for p in BROKEN if p.stem == "unknown_step")
    assert main(["scenario", "validate", lib("park"), str(bad)]) == 2
    out, err = capsys.readouterr()
    assert f"{lib('park')}: ok" in out
    assert f"{bad}:8:5: timeline[1]: unknown step 'hodl'; did you mean hold?" in err


def test_run_passes_with_exit_0(capsys: Any) -> None:
    assert main(["scenario", "run", lib("hold_resume"), "--vendor", "kerauno", "--instant"]) == 0
    assert capsys.readouterr().out.startswith("PASSED: hold and resume on kerauno")


def test_run_fails_with_exit_1_and_says_why(tmp_path: Path, capsys: Any) -> None:
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(Path(lib("hold_resume")).read_text().replace("hold: 15s", "hold: 16s"))
    assert main(["scenario", "run", str(wrong), "--vendor", "voipcloud"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "expect.cdrs.c1.hold" in out and "expected: 16s" in out and "actual:   15 (int)" in out


def test_run_malformed_file_exits_2(capsys: Any) -> None:
    bad = next(p for p in BROKEN if p.stem == "sms_without_text")
    assert main(["scenario", "run", str(bad)]) == 2
    assert f"{bad}:4:15:" in capsys.readouterr().err


def test_run_not_applicable_anywhere_exits_3(tmp_path: Path, capsys: Any) -> None:
    only = tmp_path / "only.yaml"
    only.write_text("name: only kerauno\nvendors: [kerauno]\ntimeline: []\n")
    assert main(["scenario", "run", str(only), "--vendor", "voipcloud"]) == 3
    assert "the scenario applies to kerauno only" in capsys.readouterr().out


def test_run_json_output(capsys: Any) -> None:
    assert main(["scenario", "run", lib("park"), "--vendor", "kerauno", "--json", "--seed", "4"]) == 0
    [result] = json.loads(capsys.readouterr().out)
    assert result["status"] == "passed" and result["vendor"] == "kerauno" and result["checks"]


def test_run_every_vendor_by_default(capsys: Any) -> None:
    assert main(["scenario", "run", lib("ivr_dtmf")]) == 0
    out = capsys.readouterr().out
    assert "PASSED: DTMF digits on a live call on kerauno" in out
    assert "PASSED: DTMF digits on a live call on voipcloud" in out


def test_run_against_a_running_server_with_target(capsys: Any) -> None:
    spec = load_vendors(["kerauno"])["kerauno"]
    registry = Registry({"kerauno": spec})
    with serving(listener_app(registry, spec, spec.listeners[0])) as url:
        code = main(["scenario", "run", lib("transfer_blind"), "--target", url, "-v", "--speed", "600"])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "PASSED: blind transfer to another agent on kerauno" in out and "ok   " in out
        # It ran on a new tenant of that server, not on the default one, said which, and kept it.
        [tenant] = [t for t in registry.tenants["kerauno"].values() if t.id != "default"]
        assert len(tenant.calls) == 1 and not registry.get("kerauno", "default").calls
        assert out.startswith(f"tenant {tenant.id} of kerauno on {url} (key={tenant.credentials['key']}): "
                              "kept after the run, to look at (--cleanup deletes it)\n")
        # paced, into something that is not a terminal: a line per step as it runs
        assert "[target]       0s  step 1 (inbound_call, line " in out
        assert main(["scenario", "run", lib("transfer_blind"), "--target", url, "--cleanup"]) == 0
        assert "deleted after the run (--cleanup)" in capsys.readouterr().out
        assert [t.id for t in registry.tenants["kerauno"].values()] == ["default", tenant.id]
        assert main(["scenario", "run", lib("transfer_blind"), "--target", url, "--vendor", "voipcloud"]) == 2
        assert "serves kerauno, not voipcloud" in capsys.readouterr().err


def test_webhooks_reach_a_real_receiver_after_an_outage() -> None:
    inbox = Inbox()
    with serving(inbox.app) as url:
        result = run_scenario(lib("receiver_outage"), "kerauno", webhook_url=f"{url}/hook")
    result.assert_expectations()
    assert [body for _, body in inbox.received] == [b.encode() for b in result.webhook_bodies]
    events = [dict(parse_qsl(body.decode()))["event"] for _, body in inbox.received]
    assert events == ["CALL_STARTED", "CALL_ENDED"]
    assert all(ctype == "application/x-www-form-urlencoded" for ctype, _ in inbox.received)


@pytest.mark.parametrize("argv", [["scenario", "--help"], ["scenario", "run", "--help"]])
def test_help(argv: list[str], capsys: Any) -> None:
    try:
        main(argv)
    except SystemExit as exc:
        assert exc.code == 0
    assert "scenario" in capsys.readouterr().out


def test_no_sub_command_is_help_and_a_failed_exit(capsys: Any) -> None:
    assert main(["scenario"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "usage: telemock scenario" in captured.err and "list" in captured.err


class _Tty:
    def __init__(self) -> None:
        self.text = ""

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


def test_progress_bar_on_a_terminal_only() -> None:
    from emulators.scenario.progress import ProgressBar

    tty = _Tty()
    bar = ProgressBar("day", tty)  # type: ignore[arg-type]
    result = run_scenario(lib("queue_strategies"), "kerauno", speed=2000, progress=bar)
    bar.close()
    assert result.passed
    assert "day [" in tty.text and "calls 5" in tty.text and "webhooks 10" in tty.text
    assert "2m22s/" in tty.text and tty.text.endswith("\n")
    quiet = ProgressBar("day")  # pytest's captured stderr is not a terminal
    quiet({"simulated": 1.0, "planned": 2.0})
    assert not quiet.shown


def test_a_paced_run_prints_a_line_per_step_when_not_on_a_terminal(capsys: Any) -> None:
    assert main(["scenario", "run", "park", "--vendor", "kerauno", "--speed", "200"]) == 0
    out = capsys.readouterr().out.splitlines()
    steps = [line for line in out if line.startswith("[kerauno] ")]
    assert [line.split("s  ", 1)[1].split(" (")[0] for line in steps] == [f"step {n}" for n in range(1, 5)]
    assert steps[1] == "[kerauno]      10s  step 2 (park, line 15)"
    assert out[-1].startswith("PASSED: park and unpark on kerauno")
    assert main(["scenario", "run", "park", "--vendor", "kerauno", "--instant"]) == 0
    assert not any(l.startswith("[kerauno]") for l in capsys.readouterr().out.splitlines())  # instant: summary only
    assert main(["scenario", "run", "park", "--vendor", "kerauno", "--speed", "200", "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["status"] == "passed" and "step 2 (park" in captured.err
