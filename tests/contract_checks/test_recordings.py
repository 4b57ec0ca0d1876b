"""Snapshot mode: record a live vendor's answers (here a stand-in Kerauno PBX on a free port, with
its own calls, ids, times and people), normalised by the vendor's transformers; later runs
compare the emulator with those recordings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from emulators.pytest_plugin import LiveServer

from .helpers import STAND_IN_KEY, STAND_IN_VARS, stand_in_pbx, telemock

READS = ["reporting/missing_key", "reporting/success_cdr", "reporting/success_cdr_post",
         "reporting/success_ring_groups", "reporting/no_results", "reporting/invalid_type",
         "agent_statuses/shape", "agent_statuses/no_results"]
"""The JSON read contracts the stand-in answers (it has no CSV, XML or Make Call)."""
ONLY = [arg for contract in READS for arg in ("--only", contract)]
VARS = [arg for var in STAND_IN_VARS for arg in ("--var", var)]


@pytest.fixture
def stand_in() -> Iterator[str]:
    with LiveServer(stand_in_pbx()) as server:
        yield server.url


def record(url: str, directory: Path) -> tuple[int, str]:
    done = telemock("contracts", "verify", "--vendor", "kerauno", "--base-url", url, "--record", str(directory),
                    *ONLY, *VARS, env={"TELEMOCK_KERAUNO_KEY": STAND_IN_KEY})
    return done.returncode, done.stdout + done.stderr


def test_record_then_compare_the_emulator(stand_in: str, tmp_path: Path) -> None:
    status, output = record(stand_in, tmp_path)
    assert status == 0, output  # the stand-in keeps every contract (its own data: shapes only)
    files = sorted(p.name for p in (tmp_path / "kerauno").iterdir())
    assert files == sorted(c.replace("/", "__") + ".json" for c in READS)
    recorded = (tmp_path / "kerauno" / "reporting__success_cdr_post.json").read_text()
    for raw in ("1710249302.41", "2024-03-12 09:15:02", "pbx.example.net", "Ann Lee", STAND_IN_KEY):
        assert raw not in recorded  # masked by the transformers in contracts/kerauno/_vendor.yaml
    answer = json.loads(recorded)["steps"][0]
    assert answer["status"] == 200 and answer["content_type"] == "application/json"
    assert answer["body"]["cdr_1"]["unique_id"] == "<uniqueid:2>"
    assert answer["body"]["cdr_1"]["source_num"] == answer["body"]["cdr_0"]["source_num"] == "<number:1>"
    assert list(json.loads((tmp_path / "kerauno" / "agent_statuses__shape.json").read_text())
                ["steps"][0]["body"]) == ["<extension:1>", "<extension:2>", "<extension:3>"]

    compared = telemock("contracts", "verify", "--vendor", "kerauno", "--recorded", str(tmp_path), *ONLY)
    assert compared.returncode == 0, compared.stdout
    assert "[recording]" not in compared.stdout


def test_a_vendor_that_drifted_shows_in_the_comparison(tmp_path: Path) -> None:
    with LiveServer(stand_in_pbx(rename={"dest_name": "destination_name"})) as server:
        status, output = record(server.url, tmp_path)
    assert status == 1  # the recording run already reports the drift from the contract
    assert '$.cdr_0.dest_name: field renamed: expected "dest_name", got "destination_name"' in output
    compared = telemock("contracts", "verify", "--vendor", "kerauno", "--recorded", str(tmp_path), *ONLY)
    assert compared.returncode == 1
    assert ('[recording] $.cdr_0.destination_name: field renamed: expected "destination_name", got "dest_name"'
            in compared.stdout)
    assert "FAIL reporting/success_cdr" in compared.stdout
    assert "PASS agent_statuses/shape" in compared.stdout  # what did not drift still matches


def test_a_recording_that_is_not_one_is_refused_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "kerauno").mkdir()
    (tmp_path / "kerauno" / "reporting__success_cdr.json").write_text("{not json")
    done = telemock("contracts", "verify", "--vendor", "kerauno", "--recorded", str(tmp_path),
                    "--only", "reporting/success_cdr")
    assert done.returncode == 2
    assert "reporting__success_cdr.json: not a telemock recording" in done.stderr
    assert done.stderr.count("\n") == 1
