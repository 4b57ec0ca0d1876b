"""A CPaaS campaign of 100,000 contacts on the instant clock (issue 13's goal: <= 10 s).

    python bench/campaign.py                   # 100,000 contacts, both ways
    python bench/campaign.py --count 20000 --way scenario
    python bench/campaign.py --runs 3          # three runs each, interleaved

The contacts: every 20th number is on the DND list (skipped, a DND CDR), every 50th other one
never answers and every 101st is busy (both retried once, 60 s later); the rest answer after
5 s and hear their own announcement ("Dear {field1}, your due balance is {field2} rupees").
1,000 dials a minute. Two ways, each in a fresh process:

- ``scenario``: ``scenarios/cpaas_campaign.yaml`` scaled up, run in --instant mode (the
  ``start_campaign`` step, the campaign engine, the CPaaS writing its CDRs); its expectations
  check that the CDRs and statistics add up (calls, DND rows, retries, answered).
- ``http``: what a client of the CPaaS does, in-process over HTTP (TestClient): a contact list
  and a DND list filled with add_contact_to_list / add_dnd_contact_to_list in chunks of 10,000,
  create_campaign, the clock advanced through the control plane until the campaign is over,
  then get_campaign_cdr_statistics and get_cdr_by_campaign_id (every row, as the API answers).

Prints wall and CPU seconds per phase and peak RSS; the machine's load moves wall times, CPU
seconds are the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "cpaas_campaign.yaml"
TARGET_WALL = 10.0
PACE = 1000
AUTH = {"account": "account_1", "auth": "d3f1c0a9b8e7d6c5b4a39281f7e6d5c4"}
CHUNK = 10_000


def number(i: int) -> str:
    return f"9190{i:08d}"


def plan(count: int) -> dict[str, Any]:
    """Who is who among ``count`` contacts, and what the CDRs must then add up to."""
    dnd = [i for i in range(count) if i % 20 == 0]
    unanswered = [i for i in range(count) if i % 20 and i % 50 == 1]
    busy = [i for i in range(count) if i % 20 and i % 50 != 1 and i % 101 == 3]
    dialled = count - len(dnd)
    calls = dialled + len(unanswered) + len(busy)  # one retry each
    return {"dnd": dnd, "unanswered": unanswered, "busy": busy, "calls": calls,
            "answered": dialled - len(unanswered) - len(busy)}


def timed(label: str, fn: Any, out: dict[str, Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    out[label] = (time.perf_counter() - wall, time.process_time() - cpu)
    return value


def way_scenario(count: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from emulators.scenario.driver import run_in_process
    from emulators.scenario.loader import load_file
    from emulators.server import vendor_apps

    p = plan(count)
    scenario = load_file(SCENARIO)
    step = scenario.steps[0].args
    step.update(calls_per_minute=PACE, message="Dear {field1}, your due balance is {field2} rupees",
                contacts=[{"number": number(i), "fields": {"field1": f"Customer {i}", "field2": str(i % 997)}}
                          for i in range(count)],
                dnd=[number(i) for i in p["dnd"]])
    scenario.world["parties"] = ([{"number": number(i), "fault": "no_answer"} for i in p["unanswered"]]
                                 + [{"number": number(i), "fault": "busy"} for i in p["busy"]])
    scenario.expect = {
        "totals": [{"calls": p["calls"], "dispositions": {"answered": p["answered"],
                                                          "no_answer": 2 * len(p["unanswered"]),
                                                          "busy": 2 * len(p["busy"])}}],
        "events": {"count": {"CampaignEnded": 1}},  # (older events are trimmed at events_keep)
        "api": [{"vendor": "cpaas", "method": "POST", "path": "/api/get_campaign_cdr_statistics",
                 "headers": {"account": "account_1", "auth": "${credentials.account_1}"},
                 "json": {"campaign_id": step["id"]},
                 "body": {"response": {"result": {
                     "answer_calls": [p["answered"]], "dnd_calls": [len(p["dnd"])],
                     "noanswer_calls": [2 * len(p["unanswered"])], "busy_calls": [2 * len(p["busy"])],
                     "total_calls": [p["calls"] + len(p["dnd"])]}}}}],
    }
    out: dict[str, Any] = {}
    result = timed("run", lambda: run_in_process(scenario, "cpaas", apps_for=vendor_apps), out)
    out["status"] = result.status
    out["failures"] = [f"{c.name}: {c.actual}" for c in result.failures()]
    out["calls"] = result.stats.get("calls", 0)
    out["simulated_s"] = result.stats.get("simulated_seconds", 0.0)
    return out


def way_http(count: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from starlette.testclient import TestClient

    from emulators.registry import Registry
    from emulators.server import listener_app
    from emulators.vendors import load_vendors

    p = plan(count)
    specs = load_vendors(["cpaas"])
    registry = Registry(specs, settings={"clock": {"start": "2026-01-05T14:00:00Z", "mode": "manual",
                                                   "speed": 1.0}}, allowed_hosts=["testserver"])
    spec = specs["cpaas"]
    client = TestClient(listener_app(registry, spec, spec.listeners[0]))
    client.__enter__()
    tenant = registry.get("cpaas", "default")
    assert tenant is not None
    for i in p["unanswered"]:
        tenant.parties[number(i)] = {"fault": "no_answer"}
    for i in p["busy"]:
        tenant.parties[number(i)] = {"fault": "busy"}
    out: dict[str, Any] = {}

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        r = client.post(path, headers=AUTH, json=body)
        assert r.status_code == 200, r.text[:300]
        return dict(r.json()["response"])

    def lists() -> tuple[str, str]:
        list_id = post("/api/create_campaign_list", {"list_name": "bench"})["list_id"]
        for start in range(0, count, CHUNK):
            post("/api/add_contact_to_list", {"list_id": list_id, "contacts": [
                {"contact_name": f"c{i}", "contact_number": number(i),
                 "contact_fields": {"field1": f"Customer {i}", "field2": str(i % 997)}}
                for i in range(start, min(count, start + CHUNK))]})
        dnd_id = post("/api/create_campaign_dnd_list", {"dnd_list_name": "bench"})["dnd_list_id"]
        dnd = p["dnd"]
        for start in range(0, len(dnd), CHUNK):
            post("/api/add_dnd_contact_to_list", {"dnd_list_id": dnd_id, "dnd_contacts": [
                {"dnd_contact_name": "", "dnd_contact_number": number(i)} for i in dnd[start:start + CHUNK]]})
        return list_id, dnd_id

    list_id, dnd_id = timed("lists", lists, out)
    campaign_id = timed("create", lambda: post("/api/create_campaign", {
        "list_id": list_id, "dnd_list_id": dnd_id, "campaign_name": "bench", "campaign_type": "0",
        "campaign_caller_id": "15168148111", "dynamic_announcement": "1",
        "announcement_text": "Dear {field1}, your due balance is {field2} rupees", "repeat": "1",
        "max_retries": "1", "retry_time": "60", "calls_per_minute": str(PACE),
        "campaign_start_date": "2026-01-05 14:00:00", "campaign_end_date": "2026-02-05 14:00:00",
        "time_zone": "UTC"})["campaign_id"], out)

    def run() -> int:
        steps = 0
        while True:
            r = client.post("/_emulator/tenants/default/clock/advance", json={"seconds": 3600})
            assert r.status_code == 200, r.text[:300]
            steps += 1
            details = client.get("/api/get_campaign_details", headers=AUTH).json()["response"]["result"]
            if next(c for c in details if c["campaign_id"] == campaign_id)["campaign_status"] == "3":
                return steps

    out["advances"] = timed("run", run, out)
    stats = timed("statistics", lambda: post("/api/get_campaign_cdr_statistics",
                                             {"campaign_id": campaign_id})["result"], out)
    rows = timed("cdrs", lambda: post("/api/get_cdr_by_campaign_id", {"campaign_id": campaign_id})["result"], out)
    expected = {"answer_calls": [p["answered"]], "dnd_calls": [len(p["dnd"])],
                "noanswer_calls": [2 * len(p["unanswered"])], "busy_calls": [2 * len(p["busy"])],
                "total_calls": [p["calls"] + len(p["dnd"])]}
    wrong = {k: (stats.get(k), v) for k, v in expected.items() if stats.get(k) != v}
    out["status"] = "passed" if not wrong and len(rows) == p["calls"] + len(p["dnd"]) else "failed"
    out["failures"] = [f"{k}: got {got}, expected {want}" for k, (got, want) in wrong.items()]
    out["calls"] = len(tenant.calls)
    client.__exit__(None, None, None)
    return out


def child(way: str, count: int) -> dict[str, Any]:
    out = way_scenario(count) if way == "scenario" else way_http(count)
    out["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--way", choices=["scenario", "http"], action="append")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    ways = args.way or ["scenario", "http"]
    if args.child:
        print(json.dumps(child(ways[0], args.count)))
        return 0
    print(f"campaign: {args.count} contacts, {PACE} dials a minute, instant clock (target {TARGET_WALL:g} s)")
    worst = 0
    for _ in range(max(1, args.runs)):
        for way in ways:
            done = subprocess.run([sys.executable, __file__, "--child", "--way", way, "--count", str(args.count)],
                                  capture_output=True, text=True, cwd=ROOT)
            if done.returncode != 0:
                print(f"{way:<9} crashed:\n{done.stderr[-2000:]}")
                worst = 1
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            phases = "  ".join(f"{name} {r[name][0]:.2f}s wall/{r[name][1]:.2f}s cpu"
                               for name in ("lists", "create", "run", "statistics", "cdrs") if name in r)
            print(f"{way:<9} {r['status']:<7} calls {r['calls']:>7}  {phases}  RSS {r['rss_mib']:.0f} MiB"
                  + (f"  run/target {r['run'][0] / TARGET_WALL:.2f}" if "run" in r else ""))
            for failure in r.get("failures", [])[:5]:
                print(f"{'':<9} FAIL {failure}")
            worst = max(worst, 0 if r["status"] == "passed" else 1)
    return worst


if __name__ == "__main__":
    sys.exit(main())
