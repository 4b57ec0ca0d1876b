"""Scenario input is bounded: durations and instants within the clock's bound (year 3000), and
YAML that cannot expand without limit (recursive aliases, "billion laughs", deep nesting, size).
Through the CLI (``telemock scenario validate | run``) and the control plane."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from emulators.cli import main
from emulators.core.clock import LATEST
from emulators.core.formats import parse_instant
from emulators.scenario.yamlpos import MAX_CHARS, MAX_DEPTH, MAX_VALUES

T = "/_emulator/tenants"
STEP = '  - at: 1s\n    inbound_call: {from: "+15550001", to: "100", id: c1}\n'

YAML = {"content-type": "application/yaml"}


def scenario(head: str = "", timeline: str = STEP) -> str:
    return f"name: bounds\n{head}timeline:\n{timeline}"


def validate(tmp_path: Path, text: str, capsys: Any) -> tuple[int, str]:
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["scenario", "validate", str(path)])
    out, err = capsys.readouterr()
    return code, err


def test_the_clock_bound_is_3000_and_settings_share_it() -> None:
    from emulators.control import settings
    assert LATEST == parse_instant("3000-01-01T00:00:00Z")
    assert settings.LATEST is LATEST  # one home: core/clock.py


@pytest.mark.parametrize("head, message", [
    ("end: 99999999999999999999h\n", "end: '99999999999999999999h' is longer than any clock can run"),
    ("end: 40000000000\n", "end: 40000000000 is longer than any clock can run"),
    ("end: .inf\n", "end: inf is longer than any clock can run"),
    ("end: .nan\n", "end: nan is not a duration"),
    ('start: "2999-12-31T23:00:00Z"\nend: 2h\n', "start: the scenario would run past 3000-01-01T00:00:00Z"),
    ('start: "3100-01-01T00:00:00Z"\n', "start: the scenario would run past 3000-01-01T00:00:00Z"),
])
def test_durations_and_instants_past_the_clock_bound_are_refused(tmp_path: Path, capsys: Any,
                                                                 head: str, message: str) -> None:
    code, err = validate(tmp_path, scenario(head), capsys)
    assert code == 2 and message in err, err
    assert len(err.strip().splitlines()) == 1


def test_a_step_time_past_the_bound_is_refused_where_it_is_written(tmp_path: Path, capsys: Any) -> None:
    late = STEP.replace("at: 1s", "after: 9999999999999h")
    code, err = validate(tmp_path, scenario(timeline=late), capsys)
    assert code == 2 and ":3:12: timeline[0].after: '9999999999999h' is longer" in err, err


def test_durations_within_the_bound_still_load(tmp_path: Path, capsys: Any) -> None:
    code, err = validate(tmp_path, scenario('start: "2999-12-31T22:00:00Z"\nend: 1h\n'), capsys)
    assert code == 0, err


def test_a_run_on_a_tenant_whose_clock_is_late_is_refused_before_it_changes_anything(emu_factory: Any) -> None:
    client = emu_factory("voipcloud").client("voipcloud")
    assert client.put(f"{T}/default/clock", json={"now": "2999-12-31T23:30:00Z"}).status_code == 200
    before = client.get(f"{T}/default/snapshot").json()
    started = client.post(f"{T}/default/scenarios", content=scenario("end: 2h\n").encode(), headers=YAML)
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 10
    state = client.get(started.json()["url"]).json()
    while state["status"] == "running" and time.monotonic() < deadline:
        state = client.get(started.json()["url"]).json()
    assert state["status"] == "error"
    assert "past 3000-01-01T00:00:00Z" in state["result"]["reason"]
    after = client.get(f"{T}/default/snapshot").json()
    assert after["clock"] == before["clock"] and after["agents"] == before["agents"]
    assert client.get(f"{T}").status_code == 200  # the tenant list still renders


# -- YAML ---------------------------------------------------------------------------------------
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))
MERGE_LAUGHS = "a0: &a0 {x: 1}\n" + "".join(
    f"a{i}: &a{i}\n  <<: [{', '.join([f'*a{i - 1}'] * 9)}]\n  k{i}: 1\n" for i in range(1, 10))


@pytest.mark.parametrize("text, message", [
    ("a: &a [*a]\n", "1:4: an alias refers to a collection that contains it (a recursive alias)"),
    ("a: &a {b: *a}\n", "recursive alias"),
    ("a: &a {<<: *a}\n", "a merge key names a mapping that contains it"),
    (LAUGHS, f"more than {MAX_VALUES} values once aliases are expanded"),
    (MERGE_LAUGHS, f"more than {MAX_VALUES} values once aliases are expanded"),
    ("[" * 100_000, f"nested deeper than {MAX_DEPTH} levels"),
    ("x:\n" + "".join("  " * i + "- \n" for i in range(200)), f"nested deeper than {MAX_DEPTH} levels"),
    ("a: &a [[[[[[[[[[[[x]]]]]]]]]]]]\n"
     + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [[[[[[[[[[*{chr(97 + i)}]]]]]]]]]]\n" for i in range(6)),
     "deeper than 50 levels once aliases are expanded"),
    ("a: " + "1" * 5000, "cannot read this value"),
    ("a: {<<: 5}\n", "a merge key (<<) takes a mapping or a list of mappings"),
])
def test_hostile_yaml_is_one_clear_problem(tmp_path: Path, capsys: Any, text: str, message: str) -> None:
    started = time.perf_counter()
    code, err = validate(tmp_path, text, capsys)
    assert code == 2 and message in err, err
    assert time.perf_counter() - started < 5  # "billion laughs" took 37 s and 3.4 GB


def test_a_file_over_the_size_cap_is_refused_without_reading_it_all(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("# " + "x" * (MAX_CHARS * 4) + "\n" + scenario(), encoding="utf-8")
    assert main(["scenario", "validate", str(path)]) == 2
    assert f"longer than {MAX_CHARS:,} characters" in capsys.readouterr().err


def test_scenario_run_of_a_recursive_alias_exits_2_with_one_line(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "rec.yaml"
    path.write_text("name: r\ntimeline: &t [*t]\n", encoding="utf-8")
    assert main(["scenario", "run", str(path), "--vendor", "kerauno"]) == 2
    out, err = capsys.readouterr()
    assert err == f"{path}:2:11: an alias refers to a collection that contains it (a recursive alias)\n"


def test_merge_keys_let_the_mapping_override_what_it_merges(tmp_path: Path, capsys: Any) -> None:
    behaviour = ("world:\n  behaviour: &slow {answer_after: 9s, talk: 1m}\n  agents:\n"
                 "    - {id: a1, extension: '100', behaviour: {<<: *slow, answer_after: 2s}}\n")
    code, err = validate(tmp_path, scenario(behaviour), capsys)
    assert code == 0, err  # was "duplicate key 'answer_after'"


def test_hostile_yaml_through_the_control_plane_is_400_and_the_server_keeps_answering(emu_factory: Any) -> None:
    client = emu_factory("kerauno").client("kerauno")
    for text in ("a: &a [*a]\n", LAUGHS, "[" * 100_000):
        answer = client.post(f"{T}/default/scenarios", content=text.encode(), headers=YAML)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid scenario", answer.text
    too_long = client.post(f"{T}/default/scenarios", content=b"#" * (MAX_CHARS + 1), headers=YAML)
    assert too_long.status_code == 400 and "longer than" in too_long.json()["problems"][0]
    assert client.get("/_emulator/health").status_code == 200


def test_a_template_shift_past_the_clock_bound_fails_its_check_not_the_run(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "shift.yaml"
    path.write_text(scenario("world: {default: true}\n", STEP.replace("to: \"100\"", "to: \"1001\"")) + (
        "expect:\n  api:\n    - vendor: voipcloud\n      path: /api/integration/v1/get-user-calls\n"
        "      query: {from_date: \"${now+99999999999999h}\"}\n      status: 200\n"), encoding="utf-8")
    assert main(["scenario", "run", str(path), "--vendor", "voipcloud"]) == 1
    out = capsys.readouterr().out
    assert "${now+99999999999999h}: '99999999999999h' is longer than any clock can run" in out, out
