"""The scenario library ships in the package: every scenario runs by name from anywhere
(the CLI, ``run_scenario``, the plugin's ``scenario_runner``), a path still works, and
``telemock scenario list`` describes them. The checkout's ``scenarios/`` is the same library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from emulators.scenario.catalog import LIBRARY, names
from emulators.scenario.loader import load_file
from emulators.scenario.model import ScenarioError
from emulators.testing import run_scenario

from .conftest import LIBRARY as CHECKOUT_LIBRARY
from .conftest import ROOT


def telemock(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "emulators.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_the_checkouts_scenarios_folder_is_the_packaged_library() -> None:
    assert (ROOT / "scenarios").resolve() == LIBRARY
    assert names() == [p.stem for p in CHECKOUT_LIBRARY] and len(names()) >= 10
    assert (LIBRARY / "scenario.schema.json").is_file()  # what the files' $schema line names
    assert all(p.read_text().startswith("# yaml-language-server: $schema=scenario.schema.json\n")
               for p in CHECKOUT_LIBRARY)


def test_list_shows_every_library_scenario_with_its_description(tmp_path: Path) -> None:
    result = telemock("scenario", "list", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split(None, 1)[1] for line in result.stdout.splitlines()}
    assert list(rows) == names()
    for name, text in rows.items():
        assert text.startswith(load_file(LIBRARY / f"{name}.yaml").name)
    assert rows["kerauno_doc_ring_group"].endswith("(kerauno only)")


def test_a_library_scenario_runs_by_name_outside_the_checkout(tmp_path: Path) -> None:
    result = telemock("scenario", "run", "transfer_attended", "--vendor", "kerauno", "--instant", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("PASSED: attended transfer to another agent on kerauno")


def test_a_path_still_works_and_wins_over_a_name(tmp_path: Path) -> None:
    assert telemock("scenario", "run", "scenarios/park.yaml", "--vendor", "kerauno", cwd=ROOT).returncode == 0
    own = tmp_path / "park"  # a file of that name here is the file, not the library's
    own.write_text("name: my own park\ntimeline: []\n")
    result = telemock("scenario", "run", "park", "--vendor", "kerauno", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("PASSED: my own park on kerauno")


def test_an_unknown_name_says_where_to_look(tmp_path: Path) -> None:
    result = telemock("scenario", "run", "prak", "--vendor", "kerauno", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "nor is it a library scenario (`telemock scenario list` shows them)" in result.stderr
    with pytest.raises(ScenarioError):
        load_file("../park")  # a path with a directory is never a library name


def test_run_scenario_takes_a_name(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_scenario("transfer_attended", "kerauno")
    result.assert_expectations()
    assert result.scenario == "attended transfer to another agent"
