"""The runner on two small real vendors (toy: webhooks; quiet: none): timing, failures and how
they are reported, steps a vendor cannot express, refusals, determinism."""

from __future__ import annotations

import pytest

from emulators.scenario.loader import load_text
from emulators.scenario.result import ERROR, FAILED, PASSED, SKIPPED, Result
from emulators.testing import run_scenario

from support.minivendor import QUIET, TOY

TOYS = ["toy", "quiet"]

WORLD = """
world:
  behaviour: {talk: 10m}
  agents:
    - {id: a1, name: Ann, extension: 2001, behaviour: {answer_after: 2s}}
    - {id: a2, name: Bob, extension: 2002, behaviour: {answer_after: 4s}}
  queues:
    - {id: q1, number: 4000, name: Support, strategy: linear, members: [a1, a2]}
"""


def run(text: str, vendor=TOY, **kw) -> Result:  # type: ignore[no-untyped-def]
    return run_scenario(load_text(text, "t.yaml", TOYS), vendor, **kw)


def test_a_scenario_that_holds_passes() -> None:
    result = run("name: ok\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 30s}
  - wait_until: {call: c1, state: ended}
expect:
  cdrs: {c1: {disposition: answered, answered_by: a1, talk: 30s, duration: 32s}}
""")
    assert result.status == PASSED, result.report()
    assert len(result.checks) == 4 and all(c.ok for c in result.checks)


def test_a_failed_expectation_says_what_was_expected_and_what_happened() -> None:
    result = run("name: wrong\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 30s}
expect:
  cdrs:
    c1: {answered_by: a2, talk: {min: 40s}}
  webhooks:
    - deliveries:
        - {event: call.ended, call: c1, fields: {duration: 99}}
""")
    assert result.status == FAILED
    report = result.report()
    assert "t.yaml:15: expect.cdrs.c1.answered_by" in report
    assert "expected: a2" in report and "actual:   'a1'" in report
    assert "expected: >= 40s" in report and "actual:   30 (int)" in report
    assert "nearest call.ended" in report and "duration: expected 99 (int), got 32 (int)" in report
    with pytest.raises(AssertionError) as info:
        result.assert_expectations()
    assert "FAILED: wrong on toy" in str(info.value)


def test_a_refused_step_stops_the_timeline() -> None:
    result = run("name: refused\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000}
  - at: 5s
    resume: {call: c1}
  - at: 6s
    pause: {agent: a2}
expect:
  cdrs: {c1: {disposition: answered}}
""")
    assert result.status == ERROR
    assert "step 2 (resume, line 13)" in result.reason and "stopped" in result.reason
    failure = result.failures()[0]
    assert failure.name == "timeline[1].resume" and "illegal_transition" in failure.actual
    assert "end expectations were not evaluated" in " ".join(result.notes)


def test_wait_until_times_out_with_what_it_saw() -> None:
    result = run("name: slow\n" + WORLD.replace("answer_after: 2s", "mode: script") + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000}
  - wait_until: {agent: a1, state: on_call, timeout: 5s}
""")
    assert result.status == ERROR
    failure = result.failures()[0]
    assert "timed out after 5s" in failure.reason
    assert failure.expected == "agent a1 on_call" and failure.actual == "agent a1 ringing"


def test_wait_until_that_nothing_can_satisfy_fails_at_once() -> None:
    result = run("name: never\n" + WORLD + """
timeline:
  - login: {agent: a1}
  - wait_until: {agent: a1, state: on_call, timeout: 1h}
""")
    assert result.status == ERROR and "can never hold" in result.failures()[0].reason
    assert result.stats["simulated_seconds"] == 0


def test_expect_error_passes_only_for_a_refusal_that_changes_nothing() -> None:
    result = run("name: refusals\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000}
  - at: 5s
    expect_error: {error: agent_on_call, queue_logout: {agent: a1, queue: q1}}
  - after: 1s
    expect_error: {error: agent_busy, queue_logout: {agent: a1, queue: q1}}
  - after: 1s
    expect_error: {error: not_found, queue_logout: {agent: a1, queue: q1}}
  - after: 1s
    expect_error: {error: illegal_transition, hold: {call: c1}}
""")
    oks = [(c.name, c.ok) for c in result.checks if c.kind == "step"]
    assert [ok for _, ok in oks] == [True, True, False, False], result.report()
    assert "refused with agent_on_call" in result.checks[2].actual
    assert result.checks[3].actual == "the core accepted it"


def test_a_vendor_without_webhooks_skips_webhook_expectations_out_loud() -> None:
    text = "name: hooks\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 5s}
expect:
  webhooks:
    - count: {total: 3}
    - optional: true
      count: {total: 3}
"""
    quiet = run(text, QUIET)
    assert quiet.status == PASSED
    assert [(c.ok, c.reason) for c in quiet.checks] == [(None, "skipped: quiet has no webhooks")]
    assert "SKIP t.yaml:" in quiet.report() and any("(optional) skipped" in n for n in quiet.notes)
    loud = run(text, TOY)
    assert [c.ok for c in loud.checks] == [True, True]


def test_delivered_without_a_webhooks_block_uses_the_built_in_receiver() -> None:
    base = "name: delivered\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 5s}
expect:
  webhooks:
    - delivered: true
"""
    result = run(base)
    assert result.status == PASSED, result.report()
    assert any("built-in receiver" in n for n in result.notes)
    counted = run(base.replace("delivered: true", "count: {total: {min: 1}}"))  # asks nothing of a receiver
    assert counted.status == PASSED and not any("built-in receiver" in n for n in counted.notes)
    assert run(base.replace("name: delivered\n", "name: delivered\nwebhooks: {max_attempts: 2}\n")).status == PASSED


def test_a_step_the_vendor_cannot_express_makes_the_scenario_not_applicable() -> None:
    text = "name: outage\n" + WORLD + """
webhooks: {}
timeline:
  - webhook_receiver: {state: down}
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 5s}
"""
    result = run(text, QUIET)
    assert result.status == SKIPPED
    assert "step 1 (webhook_receiver, line 13) needs webhooks: quiet has no webhooks" in result.reason
    optional = run(text.replace("  - webhook_receiver: {state: down}",
                                "  - optional: true\n    webhook_receiver: {state: down}"), QUIET)
    assert optional.status == PASSED and optional.stats["calls"] == 1
    assert any("skipped (optional)" in n for n in optional.notes)


def test_vendors_list_limits_where_a_scenario_runs() -> None:
    result = run("name: only toy\nvendors: [toy]\n" + WORLD + "timeline: []\n", QUIET)
    assert result.status == SKIPPED and result.reason == "the scenario applies to toy only"


def test_template_errors_are_reported_not_raised() -> None:
    result = run("name: tpl\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 5s}
expect:
  webhooks:
    - deliveries: [{event: call.started, fields: {id: "${c1.nope}"}}]
  api:
    - {path: /calls, query: {key: "${credentials.nope}"}}
""")
    reasons = [c.reason for c in result.failures()]
    assert "'unknown template ${credentials.nope}'" in reasons
    assert any("${c1.nope}" in r for r in reasons)


def test_api_expectations_go_through_the_vendor_app() -> None:
    result = run("name: api\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 5s}
expect:
  api:
    - at: 1s
      path: /calls
      query: {key: "${credentials.token}"}
      body: {calls: []}
    - path: /calls
      query: {key: wrong}
      status: 401
    - path: /calls
      query: {key: "${credentials.token}"}
      find: [{id: "${c1.id}", duration: 7, talk: 5, answered_by: a1}]
    - {listener: nowhere, path: /calls}
""")
    assert [c.ok for c in result.checks] == [True, True, True, False], result.report()
    assert result.api_answers[1] == '401 {"error":"bad token"}'
    assert "toy has toy" in result.checks[3].actual


def test_states_are_checked_at_their_moment() -> None:
    result = run("name: states\n" + WORLD + """
timeline:
  - at: 10s
    inbound_call: {id: c1, from: "+1555", to: 4000, talk: 5s}
expect:
  states:
    - {at: 11s, agents: {a1: ringing, a2: idle}, calls: {c1: ringing}, queues: {q1: {waiting: 1}}}
    - {at: 12s, agents: {a1: {state: on_call, calls_taken: 1}}, queues: {q1: {waiting: 0}}}
    - {at: 30s, agents: {a1: idle}, calls: {c1: ended}}
    - {at: 30s, agents: {a2: on_call}}
""")
    assert [c.ok for c in result.checks] == [True, True, True, True, True, True, True, True, False]
    assert result.checks[-1].name == "expect.states[3].agents.a2 (at 30s)"


def test_end_stops_the_clock_with_calls_still_live() -> None:
    result = run("name: cut\nend: 20s\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000}
expect:
  cdrs: {c1: {state: answered, talk: 18s}}
""")
    assert result.status == PASSED, result.report()
    assert result.stats["simulated_seconds"] == 20


def test_an_at_step_delayed_by_a_wait_runs_late_with_a_note() -> None:
    result = run("name: late\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 30s}
  - wait_until: {call: c1, state: ended}
  - at: 10s
    pause: {agent: a2}
""")
    assert result.status == PASSED
    assert any("planned at 10s ran at 32s" in n for n in result.notes)


def _day(seed: int, vendor=TOY) -> Result:  # type: ignore[no-untyped-def]
    return run("name: day\nwebhooks: {}\n" + WORLD.replace("linear", "roundrobin") + f"""
seed: {seed}
generate:
  - calls: {{count: 40, over: 20m, to: 4000, talk: {{mean: 60s}}, patience: {{mean: 30s}}}}
expect:
  api:
    - {{path: /calls, query: {{key: "${{credentials.token}}"}}}}
""", vendor)


def test_same_file_seed_and_vendor_give_the_same_bytes() -> None:
    first, second = _day(5), _day(5)
    assert first.webhook_bodies and first.webhook_bodies == second.webhook_bodies
    assert first.api_answers and first.api_answers == second.api_answers
    other = _day(6)
    assert other.webhook_bodies != first.webhook_bodies


@pytest.mark.parametrize("name,vendor", [
    ("queue_strategies", "kerauno"), ("queue_strategies", "voipcloud"), ("outbound_call", "kerauno"),
    ("outbound_call", "voipcloud"), ("receiver_outage", "kerauno"), ("busy_day", "kerauno")])
def test_library_runs_are_byte_identical(name: str, vendor: str) -> None:
    from .conftest import LIBRARY
    path = next(p for p in LIBRARY if p.stem == name)

    def once() -> Result:
        scenario = load_text(path.read_text(encoding="utf-8"), str(path))
        if scenario.generators:
            scenario.generators[0].update(count=120, over="10m")
        return run_scenario(scenario, vendor)

    a, b = once(), once()
    assert (a.webhook_bodies, a.api_answers) == (b.webhook_bodies, b.api_answers)
    assert a.webhook_bodies or a.api_answers


def test_a_missing_api_object_is_reported_with_the_nearest_one() -> None:
    result = run("name: near\n" + WORLD + """
timeline:
  - inbound_call: {id: c1, from: "+1555", to: 4000, talk: 5s}
expect:
  api:
    - path: /calls
      query: {key: "${credentials.token}"}
      find: [{id: "${c1.id}", duration: 8}]
""")
    [failure] = result.failures()
    assert failure.reason.endswith("nearest: duration: expected 8 (int), got 7 (int)")
    assert "'answered_by': 'a1'" in failure.actual


def test_the_docs_describe_every_step() -> None:
    from emulators.scenario.schema import describe_steps

    from .conftest import ROOT
    doc = (ROOT / "docs" / "SCENARIOS.md").read_text(encoding="utf-8")
    missing = [name for name, _ in describe_steps() if f"`{name}" not in doc]
    assert not missing
