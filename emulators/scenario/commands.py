"""What ``telemock scenario run | validate | schema | steps`` do (``cli.py`` only registers them).

Exit codes of ``run``: 0 every run passed, 1 an expectation failed or a step was refused,
2 a malformed file or bad usage, 3 the scenario applies to none of the vendors asked for.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..cli import ADMIN_TOKEN_ENV
from .loader import load_file
from .model import Scenario, ScenarioError
from .progress import ProgressBar, paced_progress
from .result import EXIT_CODES, FAILED, PASSED, SKIPPED, Result
from .schema import describe_steps, schema_text


def _load(path: str) -> Scenario | None:
    try:
        return load_file(path)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return None


def cmd_validate(args: argparse.Namespace) -> int:
    bad = 0
    for path in args.files:
        if _load(path) is None:
            bad += 1
        else:
            print(f"{path}: ok")
    return 2 if bad else 0


def cmd_schema(args: argparse.Namespace) -> int:
    if args.output:
        Path(args.output).write_text(schema_text(), encoding="utf-8")
    else:
        sys.stdout.write(schema_text())
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from .catalog import LIBRARY, names
    rows = []
    for name in names():
        scenario = load_file(LIBRARY / f"{name}.yaml")
        only = f" ({', '.join(scenario.vendors)} only)" if scenario.vendors else ""
        rows.append((name, scenario.name + only))
    width = max(len(name) for name, _ in rows)
    for name, text in rows:
        print(f"{name:<{width}}  {text}")
    return 0


def cmd_steps(args: argparse.Namespace) -> int:
    for name, summary in describe_steps():
        print(f"{name:<18} {summary}")
    return 0


def _vendors(scenario: Scenario, asked: list[str] | None) -> list[str]:
    from ..vendors import VENDOR_MODULES
    if asked:
        return asked
    return [v for v in VENDOR_MODULES if not scenario.vendors or v in scenario.vendors] or list(VENDOR_MODULES)


def cmd_run(args: argparse.Namespace) -> int:
    scenario = _load(args.file)
    if scenario is None:
        return 2
    speed = None if args.instant else args.speed
    if speed is not None and not speed > 0:
        print("telemock: --speed must be positive", file=sys.stderr)
        return 2
    results: list[Result] = []
    vendors = [None] if args.target and not args.vendor else _vendors(scenario, args.vendor)
    for vendor in vendors:
        bar = ProgressBar(f"{scenario.name} [{vendor or 'target'}]")
        report = paced_progress(f"[{vendor or 'target'}]", speed, bar, sys.stderr if args.json else sys.stdout)
        try:
            if args.target:
                from .remote import run_remote
                token = args.admin_token or os.environ.get(ADMIN_TOKEN_ENV)
                result = run_remote(scenario, args.target, vendor, seed=args.seed, webhook_url=args.webhook_url,
                                    speed=speed, token=token, progress=report, keep=args.keep,
                                    on_tenant=_tenant_printer(args))
            else:
                from .driver import run_in_process
                assert vendor is not None  # only --target runs without naming one
                result = run_in_process(scenario, vendor, apps_for=args.apps_for, seed=args.seed,
                                        webhook_url=args.webhook_url, speed=speed, progress=report)
        except (ValueError, OSError) as exc:
            bar.close()
            print(f"telemock: {exc}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            bar.close()
            print("telemock: interrupted", file=sys.stderr)
            return 130
        bar.close()
        results.append(result)
        if not args.json:
            print(result.report(verbose=args.verbose))
    if args.json:
        print(json.dumps([r.to_dict() for r in results], indent=2))
    return _exit_code(results)


def _tenant_printer(args: argparse.Namespace) -> Any:
    """Say which tenant a ``--target`` run made, its credentials, and what becomes of it."""
    def say(target: str, tenant: dict[str, Any]) -> None:
        creds = " ".join(f"{k}={v}" for k, v in tenant.get("credentials", {}).items())
        fate = ("deleted after the run (--cleanup)" if not args.keep
                else "kept after the run, to look at (--cleanup deletes it)")
        print(f"tenant {tenant['id']} of {tenant.get('vendor')} on {target} ({creds}): {fate}",
              file=sys.stderr if args.json else sys.stdout, flush=True)
    return say


def _exit_code(results: list[Result]) -> int:
    statuses = {r.status for r in results}
    if statuses - {PASSED, SKIPPED}:
        return EXIT_CODES[FAILED]
    if statuses == {SKIPPED}:
        return EXIT_CODES[SKIPPED]
    return 0
