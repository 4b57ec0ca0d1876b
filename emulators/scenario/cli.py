"""``telemock scenario ...``: the sub-commands' arguments. Their code is in ``commands.py``,
imported only when one runs, so that ``telemock serve`` starts without the scenario runner."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Any, Callable

from ..defaults import ADMIN_TOKEN_ENV


def _lazy(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        return int(getattr(importlib.import_module(f"{__package__}.commands"), name)(args))
    return run


def register(sub: Any, apps_for: Callable[..., Any]) -> None:
    """Add ``telemock scenario``; ``apps_for(registry, spec)`` builds a vendor's listener apps
    for in-process runs (the server's ``vendor_apps``, passed in by the top-level CLI)."""
    p = sub.add_parser("scenario", help="run, check and describe YAML call-flow scenarios",
                       description="Vendor-neutral call flows (YAML; a library of them ships with "
                                   "telemock: `telemock scenario list`) that run on the "
                                   "emulator's clock against any vendor, emit its webhooks and "
                                   "check expectations. See docs/SCENARIOS.md.")
    ssub = p.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND")
    # no sub-command: what there is, on stderr, and a failed exit (as `telemock` alone)
    p.set_defaults(func=lambda args: p.print_help(sys.stderr) or 2, apps_for=apps_for)

    run = ssub.add_parser("run", help="run a scenario and check its expectations",
                          description="Run FILE on a fresh in-process tenant of each vendor (or on a "
                                      "running `telemock serve` with --target), print a summary, and "
                                      "exit non-zero when an expectation fails.")
    run.add_argument("file", metavar="SCENARIO",
                     help="a scenario file (YAML), or the name of one in the library (see `list`)")
    run.add_argument("--vendor", action="append", metavar="NAME",
                     help="vendor to run against (repeatable; default: every vendor it applies to)")
    run.add_argument("--webhook-url", metavar="URL", help="deliver the vendor's webhooks to URL")
    pace = run.add_mutually_exclusive_group()
    pace.add_argument("--speed", type=float, metavar="N", help="run N simulated seconds per second")
    pace.add_argument("--instant", action="store_true", help="jump from timer to timer (the default)")
    run.add_argument("--seed", type=int, help="seed (default: the scenario's, else 0)")
    run.add_argument("--target", metavar="URL",
                     help="a vendor port of a running `telemock serve`: run there, on a new tenant")
    run.add_argument("--admin-token", help=f"control-plane token for --target (or ${ADMIN_TOKEN_ENV})")
    fate = run.add_mutually_exclusive_group()
    fate.add_argument("--keep", dest="keep", action="store_true", default=True,
                      help="with --target: keep the tenant the run made, to look at (the default)")
    fate.add_argument("--cleanup", dest="keep", action="store_false",
                      help="with --target: delete the tenant the run made once it is over")
    run.add_argument("-v", "--verbose", action="store_true", help="list every check, not only failures")
    run.add_argument("--json", action="store_true", help="print the results as JSON")
    run.set_defaults(func=_lazy("cmd_run"))

    val = ssub.add_parser("validate", help="check scenario files against the schema",
                          description="Check files; report every problem as file:line:column: message.")
    val.add_argument("files", nargs="+", metavar="SCENARIO", help="files or library names")
    val.set_defaults(func=_lazy("cmd_validate"))

    sch = ssub.add_parser("schema", help="print the JSON Schema of scenario files",
                          description="Print the JSON Schema (draft 2020-12) editors can use.")
    sch.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead")
    sch.set_defaults(func=_lazy("cmd_schema"))

    lst = ssub.add_parser("list", help="list the scenario library shipped with telemock",
                          description="The library's scenarios, by the name `run` takes, each with "
                                      "what it plays.")
    lst.set_defaults(func=_lazy("cmd_list"))

    steps = ssub.add_parser("steps", help="list the timeline steps")
    steps.set_defaults(func=_lazy("cmd_steps"))


