"""``telemock contracts``: verify contracts, publish the coverage and OpenAPI documents, generate
skeletons from the operation catalog.

    telemock contracts verify [--vendor V ...] [--base-url [LISTENER=]URL ...]
                              [--credentials NAME=ENVVAR ...] [--only OP ...] [--var NAME=VALUE ...]
                              [--format text|json|junit] [--output FILE] [--allow-writes]
                              [--record DIR] [--recorded DIR] [--seeded] [--contracts DIR]
    telemock contracts publish [--check]
    telemock contracts generate [--catalog DIR] [--check]

This module only builds the parser: the work is imported when a command runs (``telemock
serve`` starts without YAML or httpx).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path
from typing import Any

ENV_PREFIX = "TELEMOCK_"


def register(sub: Any) -> None:
    p = sub.add_parser("contracts", help="verify vendor contracts; publish coverage and OpenAPI documents",
                       description="Executable vendor contracts (contracts/<vendor>/*.yaml): verify them "
                                   "against the emulator or any server, publish docs/COVERAGE.md and "
                                   "docs/openapi/, generate skeletons from the operation catalog.")
    actions = p.add_subparsers(dest="contracts_action", metavar="ACTION")
    _verify_parser(actions)
    q = actions.add_parser("publish", help="write docs/COVERAGE.md and docs/openapi/<vendor>.json",
                           description="Regenerate docs/COVERAGE.md (every catalog operation: implemented, "
                                       "with contracts, passing) and docs/openapi/<vendor>.json.")
    q.add_argument("--check", action="store_true", help="write nothing; exit 1 if a document is out of date")
    q.add_argument("--root", default=None, metavar="DIR", help="the checkout (default: this one)")
    q.set_defaults(func=cmd_publish)
    q = actions.add_parser("generate", help="contract skeletons from the operation catalog",
                           description="Write contracts/_catalog/<vendor>.yaml from the vendor operation "
                                       "catalog: every operation, and every documented example as a "
                                       "contract skeleton.")
    q.add_argument("--catalog", default=None, metavar="DIR",
                   help="the catalog's folder (default: shared/catalog beside the checkout)")
    q.add_argument("--check", action="store_true", help="write nothing; exit 1 if a file is out of date")
    q.add_argument("--root", default=None, metavar="DIR", help="the checkout (default: this one)")
    q.set_defaults(func=cmd_generate)
    p.set_defaults(func=lambda args: _help(p))


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _verify_parser(actions: Any) -> None:
    q = actions.add_parser(
        "verify", help="run contracts against the emulator (default) or a server",
        description="Run the vendor's contracts and print a conformance report: per operation pass or "
                    "fail, and for each failure its drifts (field added, removed or renamed, type, "
                    "string, order, status changed). Without --base-url the emulator runs in this "
                    "process; with it, any server (a vendor sandbox, a telemock elsewhere), where "
                    "state-changing contracts are skipped unless --allow-writes.")
    q.add_argument("--vendor", action="append", metavar="NAME",
                   help="vendor whose contracts run (repeatable; default: every vendor with contracts)")
    q.add_argument("--base-url", action="append", default=[], metavar="[LISTENER=]URL",
                   help="the server to verify; LISTENER=URL for a vendor's other port "
                        "(kerauno-status=http://pbx:57080)")
    q.add_argument("--credentials", action="append", default=[], metavar="NAME=ENVVAR",
                   help="read credential NAME from environment variable ENVVAR (default for a live "
                        "run: TELEMOCK_<VENDOR>_<NAME>, e.g. TELEMOCK_VOIPCLOUD_API_KEY)")
    q.add_argument("--only", action="append", default=[], metavar="OP",
                   help="only this operation (table name or catalog id) or contract id (repeatable)")
    q.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                   help="a contract variable for your server's data (an extension, an app guid)")
    q.add_argument("--format", choices=("text", "json", "junit"), default="text", help="report format")
    q.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE (a summary still prints)")
    q.add_argument("--allow-writes", action="store_true",
                   help="with --base-url: also run contracts that change the server's state")
    q.add_argument("--record", metavar="DIR", help="write each answer, normalised, to DIR/<vendor>/")
    q.add_argument("--recorded", metavar="DIR", help="also compare each answer with the one recorded in DIR")
    q.add_argument("--seeded", action="store_true",
                   help="with --base-url: the server holds the vendor documents' example data (a "
                        "telemock), so !example values are compared exactly")
    q.add_argument("--contracts", metavar="DIR", help="the contracts folder (default ./contracts or the checkout's)")
    q.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per request (default 30)")
    q.set_defaults(func=cmd_verify)


class UsageError(Exception):
    """A mistake on the command line: one line, exit 2."""


def cmd_verify(args: argparse.Namespace) -> int:
    from .loader import ContractError

    try:
        runs = _runs(args)
    except (UsageError, ContractError, ValueError) as exc:
        print(f"telemock: {exc}", file=sys.stderr)
        return 2
    from .report import render, summary
    text = render(runs, args.format)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"telemock: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        print("\n".join(summary(r) for r in runs))
    else:
        sys.stdout.write(text)
    return 0 if all(r.ok for r in runs) else 1


def _runs(args: argparse.Namespace) -> list[Any]:
    from ..vendors import VENDOR_MODULES
    from .loader import contracts_root, load_vendor, vendors_with_contracts
    from .runner import Options, selected, verify

    root = contracts_root(args.contracts)
    available = vendors_with_contracts(root)
    if not available:
        raise UsageError(f"no contracts in {root} (give --contracts DIR)")
    vendors = args.vendor or available
    for name in vendors:
        if name not in available:
            known = "; not emulated yet" if name not in VENDOR_MODULES else ""
            raise UsageError(f"no contracts for vendor {name!r} in {root}{known} (have: {', '.join(available)})")
    if args.base_url and len(vendors) != 1:
        raise UsageError("--base-url verifies one vendor: give --vendor")
    options = Options(only=tuple(args.only), allow_writes=args.allow_writes, vars=_pairs(args.var, "--var"),
                      record_dir=Path(args.record) if args.record else None,
                      recorded_dir=Path(args.recorded) if args.recorded else None)
    if options.recorded_dir is not None and not options.recorded_dir.is_dir():
        raise UsageError(f"--recorded {options.recorded_dir}: no such folder")
    loaded = [load_vendor(root, name) for name in vendors]
    for wanted in options.only:
        if not any(selected(c, (wanted,)) for v in loaded for c in v.contracts):
            raise UsageError(f"--only {wanted}: no contract of {', '.join(vendors)} has that operation, "
                             "catalog id or contract id")
    return [verify(contracts, _target(args, contracts), options) for contracts in loaded]


def _target(args: argparse.Namespace, contracts: Any) -> Any:
    from ..vendors import VENDOR_MODULES, load_vendors
    from .targets import InProcess, Remote

    if not args.base_url:
        if contracts.vendor not in VENDOR_MODULES:
            raise UsageError(f"vendor {contracts.vendor!r} is not emulated yet: verify it with --base-url")
        return InProcess(contracts.vendor)
    default, per_listener = None, {}
    for item in args.base_url:
        name, sep, url = item.partition("=")
        if sep and not name.startswith(("http:", "https:")):
            per_listener[name] = url
        else:
            default = item
    if not default:
        raise UsageError("--base-url: give the vendor's URL (LISTENER=URL only adds other ports)")
    for url in (default, *per_listener.values()):
        if not re.match(r"https?://[^/\s]+", url):
            raise UsageError(f"--base-url {url!r} is not an http(s) URL")
    listeners: tuple[str, ...] = ()
    if contracts.vendor in VENDOR_MODULES:
        listeners = tuple(l.name for l in load_vendors([contracts.vendor])[contracts.vendor].listeners)
    unknown = [n for n in per_listener if listeners and n not in listeners]
    if unknown:
        raise UsageError(f"--base-url {unknown[0]}=...: {contracts.vendor} has no listener {unknown[0]!r} "
                         f"(it has {', '.join(listeners)})")
    return Remote(default, per_listener, listeners, _credentials(args, contracts), seeded=args.seeded,
                  timeout=args.timeout)


def _credentials(args: argparse.Namespace, contracts: Any) -> dict[str, str]:
    """Each credential the contracts use, from its environment variable (never the command line)."""
    mapping = _pairs(args.credentials, "--credentials")
    unknown = sorted(set(mapping) - set(contracts.credentials))
    if unknown:
        raise UsageError(f"--credentials {unknown[0]}=...: {contracts.vendor}'s contracts use "
                         f"{', '.join(contracts.credentials) or 'no credentials'}")
    found = {}
    for name in contracts.credentials:
        variable = mapping.get(name) or env_name(contracts.vendor, name)
        value = os.environ.get(variable)
        if not value:
            raise UsageError(f"the credential {name!r} is not set: export {variable} "
                             f"(or --credentials {name}=ENVVAR)")
        found[name] = value
    return found


def env_name(vendor: str, credential: str) -> str:
    """``TELEMOCK_VOIPCLOUD_API_KEY``: where a live run finds a credential by default."""
    return ENV_PREFIX + re.sub(r"[^A-Z0-9]+", "_", f"{vendor}_{credential}".upper())


def _pairs(items: list[str], option: str) -> dict[str, str]:
    found = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise UsageError(f"{option} wants NAME=VALUE, got {item!r}")
        found[name] = value
    return found


def cmd_publish(args: argparse.Namespace) -> int:
    from .publish import publish

    stale = publish(Path(args.root) if args.root else None, check=args.check)
    for line in stale:
        print(line)
    return 1 if args.check and stale else 0


def cmd_generate(args: argparse.Namespace) -> int:
    from .catalog import generate

    try:
        stale = generate(Path(args.catalog) if args.catalog else None,
                         Path(args.root) if args.root else None, check=args.check)
    except (OSError, ValueError) as exc:
        print(f"telemock: {exc}", file=sys.stderr)
        return 2
    for line in stale:
        print(line)
    return 1 if args.check and stale else 0
