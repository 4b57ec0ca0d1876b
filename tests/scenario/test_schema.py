"""The format: the published schema, the step table behind it, the library, the broken corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.scenario.actions import ACTIONS, CONTROL_STEPS, RESERVED
from emulators.scenario.loader import load_file, load_text
from emulators.scenario.model import ScenarioError
from emulators.scenario.schema import SCHEMA, schema_text
from emulators.scenario.validate import VALIDATOR
from emulators.scenario.yamlpos import load as load_yaml

from .conftest import BROKEN, LIBRARY, ROOT

STEP_KEYS = {"at", "after", "optional", "note"}


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_published_schema_is_generated_from_the_source() -> None:
    published = (ROOT / "emulators" / "scenario" / "library" / "scenario.schema.json").read_text(encoding="utf-8")
    assert published == schema_text(), "run: telemock scenario schema -o scenarios/scenario.schema.json"
    assert json.loads(published) == SCHEMA


def test_schema_steps_are_exactly_the_executable_ones() -> None:
    step = SCHEMA["$defs"]["step"]
    names = set(step["properties"]) - STEP_KEYS
    assert names == set(ACTIONS) | set(CONTROL_STEPS)
    assert all(callable(a.run) for a in ACTIONS.values())
    assert not set(RESERVED) & names


def test_reserved_steps_are_documented_but_refused() -> None:
    assert SCHEMA["$defs"]["reserved_steps"]["enum"] == list(RESERVED)  # none now: SMS and campaigns run
    for name in RESERVED:
        doc = {"name": "x", "timeline": [{name: {}}]}
        assert list(VALIDATOR.iter_errors(doc)), f"the schema accepted the reserved step {name}"
        with pytest.raises(ScenarioError) as info:
            load_text(f"name: x\ntimeline:\n  - {name}: {{}}\n", "r.yaml")
        assert "reserved" in str(info.value) and str(info.value).startswith("r.yaml:3:5:")


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_library_file_passes_the_schema(path: Path) -> None:
    data, _ = load_yaml(path.read_text(encoding="utf-8"))
    assert list(VALIDATOR.iter_errors(data)) == []
    scenario = load_file(path)
    assert scenario.name and scenario.expect, "a library scenario is a test: it must expect something"


def test_library_covers_the_issue_list() -> None:
    names = {p.stem for p in LIBRARY}
    assert {"inbound_answered_first_ring", "queue_strategies", "no_agent_abandon", "reject_then_next",
            "transfer_attended", "transfer_blind", "hold_resume", "park", "paused_agent",
            "queue_logout_refused", "outbound_call", "faults_busy_no_answer", "receiver_outage",
            "busy_day"} <= names


def _expected(path: Path) -> tuple[str, str]:
    header = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# expect: (\d+:\d+): (.+)", header)
    assert match, f"{path.name}: first line must be '# expect: LINE:COL: text'"
    return match.group(1), match.group(2)


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_file_is_rejected_at_the_right_place(path: Path) -> None:
    where, text = _expected(path)
    with pytest.raises(ScenarioError) as info:
        load_file(path)
    lines = [str(p) for p in info.value.problems]
    wanted = f"{path}:{where}: "
    assert any(line.startswith(wanted) and text in line for line in lines), \
        f"wanted {wanted}...{text}; got:\n" + "\n".join(lines)


def test_broken_corpus_is_big_enough() -> None:
    assert len(BROKEN) >= 20


def test_every_problem_of_a_file_is_reported_at_once() -> None:
    text = ("name: many problems\n"
            "world:\n  agents: [{id: a1, extension: 2001}]\n"
            "timeline:\n"
            "  - after: soon\n    login: {agent: a1}\n"
            "  - hodl: {call: c1}\n"
            "expect:\n  cdrs: {c1: {disposition: answerd}}\n")
    with pytest.raises(ScenarioError) as info:
        load_text(text, "m.yaml")
    lines = [str(p) for p in info.value.problems]
    assert [l.split(": ")[0] for l in lines] == ["m.yaml:5:12", "m.yaml:7:5", "m.yaml:9:28"]


def test_semantic_checks_wait_for_a_clean_schema_pass() -> None:
    # An unknown agent is only reported once the file has the right shape; the shape error
    # comes first and alone, so a person fixes one layer at a time.
    text = "name: x\nworld:\n  agents: [{id: a1, extension: 2001}]\ntimeline:\n  - login: {agent: a9, x: 1}\n"
    with pytest.raises(ScenarioError) as info:
        load_text(text, "s.yaml")
    assert len(info.value.problems) == 1 and "unknown key 'x'" in str(info.value)


def test_a_valid_file_round_trips_into_steps() -> None:
    scenario = load_text("name: x\nworld:\n  agents: [{id: a1, extension: 2001}]\n"
                         "timeline:\n  - at: 1m30s\n    login: {agent: a1}\n  - after: 250ms\n"
                         "    logout: {agent: a1}\n", "ok.yaml")
    assert [(s.name, s.at, s.after, s.line) for s in scenario.steps] == [
        ("login", 90.0, 0.0, 5), ("logout", None, 0.25, 7)]


KEYS = ["name", "timeline", "world", "agents", "queues", "expect", "cdrs", "at", "after", "inbound_call",
        "hold", "call", "agent", "id", "to", "from", "wait_until", "expect_error", "error", "members",
        "generate", "calls", "count", "over", "webhooks", "states", "api", "path", "talk", "x"]
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-5, 5000), st.floats(allow_nan=True),
                   st.sampled_from(["5s", "1h", "c1", "a1", "q1", "answered", "", "${c1.id}", "4000"]))
TREES = st.recursive(LEAVES, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                    st.dictionaries(st.sampled_from(KEYS), kids, max_size=5)),
                     max_leaves=30)


@settings(max_examples=60, deadline=None)
@given(tree=TREES)
def test_any_yaml_is_loaded_or_refused_never_crashes(tree: object) -> None:
    import yaml
    text = yaml.safe_dump(tree, allow_unicode=True)
    try:
        load_text(text, "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.problems and all(str(p).startswith("fuzz.yaml:") for p in exc.problems)


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_is_loaded_or_refused_never_crashes(text: str) -> None:
    try:
        load_text(text, "t.yaml")
    except ScenarioError as exc:
        assert all(str(p).startswith("t.yaml:") for p in exc.problems)
