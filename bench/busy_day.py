"""The 10,000-call busy day (the library's busy_day scenario) in --instant mode, per vendor.

    python bench/busy_day.py                 # every vendor, 10,000 calls
    python bench/busy_day.py --vendor kerauno --count 20000
    python bench/busy_day.py --tracemalloc   # also Python-heap peak (slower run)
    python bench/busy_day.py --runs 5        # five runs per vendor, interleaved

Each vendor runs in its own process (so peak memory is that run's alone) and prints: wall time
of the run and of the whole process, calls simulated per wall second, simulated time per wall
second, events and webhooks journalled, peak RSS (getrusage) and, with --tracemalloc, the
Python heap peak. Targets (issue 4): <= 3 s wall and <= 200 MiB; the ratios say how close.
On a shared machine single runs move by a third: ``--runs`` repeats the vendors in turn and ends
with min / median / max per vendor. ``python`` is the environment telemock is installed in
(bench/README.md).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "emulators" / "scenario" / "library" / "busy_day.yaml"
TARGET_WALL = 3.0
TARGET_MIB = 200.0


def child(vendor: str, count: int, trace: bool) -> dict[str, object]:
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from emulators.scenario.driver import run_in_process
    from emulators.scenario.loader import load_file
    from emulators.server import vendor_apps

    scenario = load_file(SCENARIO)
    scale = count / 10000
    scenario.generators[0]["count"] = count
    for total in scenario.expect.get("totals", []):
        total["calls"] = count
        total["dispositions"] = {k: ({b: int(v * scale) for b, v in m.items()} if isinstance(m, dict)
                                     else int(m * scale)) for k, m in total.get("dispositions", {}).items()}
    scenario.expect.get("events", {})["count"] = {"CallCreated": count, "CallEnded": count}
    for block in scenario.expect.get("webhooks", []):
        block["count"] = {k: count for k in block.get("count", {})}
    if trace:
        import tracemalloc
        tracemalloc.start()
    t0 = time.perf_counter()
    result = run_in_process(scenario, vendor, apps_for=vendor_apps)
    run_wall = time.perf_counter() - t0
    heap = None
    if trace:
        import tracemalloc
        heap = tracemalloc.get_traced_memory()[1] / 2**20
    s = result.stats
    return {"vendor": vendor, "status": result.status, "calls": s.get("calls", 0),
            "events": s.get("events", 0), "webhooks": s.get("webhooks", 0),
            "simulated_s": s.get("simulated_seconds", 0.0), "run_wall_s": run_wall,
            "process_wall_s": time.perf_counter() - started,
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "heap_mib": heap,
            "dispositions": s.get("dispositions", {}), "failures": [c.name for c in result.failures()]}


def run_child(vendor: str, count: int, trace: bool) -> dict[str, Any] | None:
    """One run in a fresh process; prints its two lines and returns its figures (None: crashed)."""
    cmd = [sys.executable, __file__, "--child", "--vendor", vendor, "--count", str(count)]
    if trace:
        cmd.append("--tracemalloc")
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        print(f"{vendor:<10} crashed:\n{out.stderr}")
        return None
    r: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    heap = f"{r['heap_mib']:.1f}" if r["heap_mib"] is not None else "-"
    print(f"{vendor:<10} {r['run_wall_s']:7.2f} {r['process_wall_s']:7.2f} "
          f"{r['calls'] / r['run_wall_s']:8.0f} {r['simulated_s'] / r['run_wall_s']:7.0f} "
          f"{r['events']:8d} {r['webhooks']:8d} {r['rss_mib']:8.1f} {heap:>8}  {r['status']}")
    print(f"{'':<10} wall/target {r['run_wall_s'] / TARGET_WALL:.2f}  "
          f"(process {r['process_wall_s'] / TARGET_WALL:.2f}), "
          f"RSS/target {r['rss_mib'] / TARGET_MIB:.2f}; dispositions {r['dispositions']}"
          + (f"; failed: {r['failures']}" if r["failures"] else ""))
    return r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vendor", action="append", help="vendor (repeatable; default: all)")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--runs", type=int, default=1, help="runs per vendor (interleaved)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.vendor[0], args.count, args.tracemalloc)))
        return 0
    sys.path.insert(0, str(ROOT))
    from emulators.vendors import VENDOR_MODULES
    vendors = args.vendor or list(VENDOR_MODULES)
    print(f"busy day: {args.count} calls over 8 h, --instant ({SCENARIO.relative_to(ROOT)})")
    print(f"{'vendor':<10} {'run s':>7} {'proc s':>7} {'calls/s':>8} {'sim x':>7} {'events':>8} "
          f"{'webhooks':>8} {'RSS MiB':>8} {'heap MiB':>8}  status")
    worst = 0
    walls: dict[str, list[float]] = {vendor: [] for vendor in vendors}
    for _ in range(max(1, args.runs)):
        for vendor in vendors:
            r = run_child(vendor, args.count, args.tracemalloc)
            if r is None:
                worst = 1
                continue
            walls[vendor].append(r["run_wall_s"])
            worst = max(worst, 0 if r["status"] == "passed" else 1)
    if args.runs > 1:
        print(f"{'vendor':<10} {'runs':>5} {'min s':>7} {'median s':>9} {'max s':>7}  "
              f"(run wall; target {TARGET_WALL:g} s)")
        for vendor, ws in walls.items():
            if ws:
                print(f"{vendor:<10} {len(ws):5d} {min(ws):7.2f} {statistics.median(ws):9.2f} {max(ws):7.2f}")
    return worst


if __name__ == "__main__":
    sys.exit(main())
