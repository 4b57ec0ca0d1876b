"""``telemock``: serve the emulators, run scenarios.

    telemock serve [--vendor NAME ...] [--host H] [--port P] [--seed N] [--config FILE]
                   [--state-dir DIR] [--state-interval SECONDS]
    telemock state save|load FILE [--url URL] [--admin-token T] | inspect FILE
    telemock scenario run FILE [--vendor V] ...      (see ``telemock scenario --help``)
    telemock contracts verify [--vendor V] [--base-url URL] ...   (see ``telemock contracts --help``)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from typing import Any, Sequence

from . import __version__
from .defaults import ADMIN_TOKEN_ENV

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _serve_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="start the vendor emulators, each on its own port",
                       description="Start the chosen vendor emulators (default: all), each on its "
                                   "own port with the vendor's exact paths, plus the control plane "
                                   "at /_emulator on every port. Ctrl-C stops them cleanly.")
    p.add_argument("--vendor", action="append", metavar="NAME",
                   help="vendor to start (repeatable; default: all)")
    p.add_argument("--host", default=None, help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=None,
                   help="with one --vendor: that vendor's port; with several: serve all of them "
                        "on this one port under /<vendor>/ (single-port mode)")
    p.add_argument("--single-port", type=int, metavar="PORT", default=None,
                   help="serve every vendor on PORT under /<listener>/ (for Docker)")
    p.add_argument("--listener-port", action="append", default=[], metavar="NAME=PORT",
                   help="port of one listener, e.g. kerauno-status=57080 (repeatable)")
    p.add_argument("--seed", type=int, default=None, help="seed of the default tenants' data (default 0)")
    p.add_argument("--config", metavar="FILE", help="YAML file with any of these options and tenant settings")
    p.add_argument("--clock-mode", choices=["manual", "auto", "realtime"], default=None,
                   help="clock mode of every tenant (default realtime)")
    p.add_argument("--clock-speed", type=float, default=None, help="realtime factor (default 1)")
    p.add_argument("--clock-start", default=None,
                   help="ISO instant every tenant's clock starts at, or 'now' (default now)")
    p.add_argument("--admin-token", default=None,
                   help=f"token the control plane requires (or ${ADMIN_TOKEN_ENV}); "
                        "needed when binding to a non-loopback address")
    p.add_argument("--max-body-bytes", type=int, default=None, metavar="N",
                   help="largest request body any route reads; larger ones get the vendor's error "
                        "and 413 (default 4194304, 4 MiB)")
    p.add_argument("--read-timeout", type=float, default=None, metavar="SECONDS",
                   help="close a connection whose request has not fully arrived this long after "
                        "its first byte (default 10)")
    p.add_argument("--state-dir", metavar="DIR", default=None,
                   help="keep every tenant in DIR/state.json: restored at start, saved every "
                        "--state-interval seconds and on shutdown")
    p.add_argument("--state-interval", type=float, metavar="SECONDS", default=None,
                   help="seconds between saves of --state-dir (default 10; 0: only on shutdown)")
    p.add_argument("--log-level", default="warning")


def _load_config(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    import yaml  # only for a config file: ~20 ms of start-up otherwise
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh) or {}
    if not isinstance(data, dict):
        raise SystemExit(f"telemock: {path}: the config must be a mapping")
    return data


def cmd_serve(args: argparse.Namespace) -> int:
    from .control.settings import SettingsError, validate_settings
    from .core.formats import parse_instant, utc_iso
    from .dialect.request import MAX_BODY_BYTES
    from .httpguard import READ_TIMEOUT, Limits
    from .registry import Registry
    from .server import plan, run
    from .vendors import load_vendors

    started = time.perf_counter()
    config = _load_config(args.config)
    vendors_arg = args.vendor or config.get("vendors")
    host = args.host or config.get("host") or "127.0.0.1"
    seed = args.seed if args.seed is not None else int(config.get("seed", 0))
    configured_token = config.get("admin_token")
    if configured_token is not None and not isinstance(configured_token, str):  # YAML: 12345 is a number
        print(f"telemock: {args.config}: admin_token must be text; put it in quotes "
              f"(admin_token: \"...\")", file=sys.stderr)
        return 2
    token = args.admin_token or config.get("admin_token") or os.environ.get(ADMIN_TOKEN_ENV)
    if host not in LOOPBACK and not token:
        print(f"telemock: binding to {host} exposes the control plane; give --admin-token "
              f"(or ${ADMIN_TOKEN_ENV})", file=sys.stderr)
        return 2
    try:
        vendors = load_vendors(vendors_arg)
    except ValueError as exc:
        print(f"telemock: {exc}", file=sys.stderr)
        return 2
    clock_start = args.clock_start or config.get("clock_start") or "now"
    if clock_start == "now":
        clock_start = utc_iso(int(time.time()))
    settings: dict[str, Any] = dict(config.get("settings") or {})
    settings["clock"] = {"start": clock_start,
                         "mode": args.clock_mode or config.get("clock_mode") or "realtime",
                         "speed": args.clock_speed or float(config.get("clock_speed", 1.0))}
    try:
        if args.config:  # the full schema check imports jsonschema (~0.1 s): only for config files
            validate_settings(settings)
        elif not settings["clock"]["speed"] > 0:
            raise SettingsError("--clock-speed must be positive")
        else:
            parse_instant(clock_start)
    except SettingsError as exc:
        print(f"telemock: {exc}", file=sys.stderr)
        return 2
    except ValueError:
        print(f"telemock: --clock-start {clock_start!r} is not an ISO 8601 instant", file=sys.stderr)
        return 2
    ports: dict[str, int] = {str(k): int(v) for k, v in (config.get("ports") or {}).items()}
    for item in args.listener_port:
        name, _, port = item.partition("=")
        if not port.isdigit():
            print(f"telemock: --listener-port wants NAME=PORT, got {item!r}", file=sys.stderr)
            return 2
        ports[name] = int(port)
    single = args.single_port if args.single_port is not None else config.get("single_port")
    if args.port is not None:
        if len(vendors) == 1:
            ports[next(iter(vendors.values())).listeners[0].name] = args.port
        else:
            single = args.port
    max_body = args.max_body_bytes if args.max_body_bytes is not None else config.get("max_body_bytes", MAX_BODY_BYTES)
    if not isinstance(max_body, int) or isinstance(max_body, bool) or max_body < 1:
        print(f"telemock: --max-body-bytes must be a whole number of bytes, 1 or more; got {max_body!r}",
              file=sys.stderr)
        return 2
    read_timeout = args.read_timeout if args.read_timeout is not None else config.get("read_timeout", READ_TIMEOUT)
    if not isinstance(read_timeout, (int, float)) or isinstance(read_timeout, bool) or not 0 < read_timeout <= 3600:
        print(f"telemock: --read-timeout must be seconds between 0 and 3600; got {read_timeout!r}", file=sys.stderr)
        return 2
    registry = Registry(vendors, seed=seed, settings=settings, admin_token=token)
    state_dir = args.state_dir or config.get("state_dir")
    if state_dir:
        status = _open_state(registry, str(state_dir), args.state_interval
                             if args.state_interval is not None else config.get("state_interval"))
        if status:
            return status
    bindings = plan(registry, host, ports, single, max_body_bytes=max_body)

    def ready() -> None:
        print(f"telemock {__version__} ready in {time.perf_counter() - started:.2f}s "
              f"(clock {settings['clock']['mode']}, start {clock_start}, seed {seed})")
        print(f"{'listener':<18} {'url':<32} credentials")
        for b in bindings:
            prefix = "" if b.name != "gateway" else "/<listener>"
            creds = "" if b.name == "gateway" else _creds(registry, b.name)
            print(f"{b.name:<18} http://{b.host}:{b.port}{prefix:<12} {creds}")
        print("control plane: /_emulator on every port (docs/CONTROL_API.md). Ctrl-C stops.", flush=True)

    try:
        asyncio.run(run(registry, bindings, log_level=args.log_level, on_ready=ready,
                        limits=Limits(read_timeout=float(read_timeout))))
    except KeyboardInterrupt:
        pass
    return 0


def _open_state(registry: Any, directory: str, interval: Any) -> int:
    """Give ``registry`` its ``--state-dir`` and load what it holds; an exit status on error."""
    from pathlib import Path

    from .persistence import DEFAULT_INTERVAL, StateError, StateStore
    interval = DEFAULT_INTERVAL if interval is None else interval
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not 0 <= interval < 1e9:
        print(f"telemock: --state-interval must be a number of seconds >= 0, got {interval!r}",
              file=sys.stderr)
        return 2
    store = StateStore(Path(directory), float(interval))
    try:
        store.open()
    except (OSError, StateError) as exc:
        print(f"telemock: --state-dir {directory}: {exc}", file=sys.stderr)
        return 2
    restored, line = store.load_into(registry)
    print(line, file=sys.stdout if restored else sys.stderr, flush=True)
    registry.store = store
    return 0


# -- telemock state ----------------------------------------------------------------------------
def _state_parser(sub: Any) -> None:
    p = sub.add_parser("state", help="save, load or inspect a server's state (every tenant)",
                       description="A state file holds every tenant of a telemock server (what "
                                   "serve --state-dir keeps). save and load talk to a running "
                                   "server's control plane; inspect reads a file.")
    actions = p.add_subparsers(dest="state_action", metavar="ACTION")
    for name, text in (("save", "write the running server's state to FILE"),
                       ("load", "replace the running server's tenants by those in FILE")):
        q = actions.add_parser(name, help=text, description=text)
        q.add_argument("file", metavar="FILE")
        q.add_argument("--url", default=None,
                       help="the server's control plane, e.g. http://127.0.0.1:8085 (any vendor "
                            "port; default: the first vendor's default port)")
        q.add_argument("--admin-token", default=None, help=f"control-plane token (or ${ADMIN_TOKEN_ENV})")
    q = actions.add_parser("inspect", help="summarise FILE and check that it can be loaded")
    q.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_state, state_parser=p)


def cmd_state(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .persistence import StateError, decode, prepare, summary, write_atomic
    if args.state_action is None:
        args.state_parser.print_help()
        return 2
    path = Path(args.file)
    if args.state_action == "inspect":
        try:
            document = decode(path.read_bytes())
        except (OSError, StateError) as exc:
            print(f"telemock: {path}: {exc}", file=sys.stderr)
            return 1
        print("\n".join(summary(document)))
        from .registry import Registry
        from .vendors import load_vendors
        try:
            prepared = prepare(document, Registry(load_vendors()))
        except StateError as exc:
            print(f"telemock: {path} cannot be loaded: {exc}", file=sys.stderr)
            return 1
        kept = f" (kept unchecked: {', '.join(sorted(prepared.carried))})" if prepared.carried else ""
        print(f"loadable: yes{kept}")
        return 0
    import httpx
    url = (args.url or _default_url()).rstrip("/") + "/_emulator/state"
    token = args.admin_token or os.environ.get(ADMIN_TOKEN_ENV)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    try:
        if args.state_action == "save":
            response = httpx.get(url, headers=headers, timeout=120)
        else:
            body = path.read_bytes()
            response = httpx.put(url, content=body, headers={**headers, "content-type": "application/json"},
                                 timeout=120)
    except OSError as exc:
        print(f"telemock: {path}: {exc}", file=sys.stderr)
        return 1
    except httpx.HTTPError as exc:
        print(f"telemock: cannot reach {url}: {exc}", file=sys.stderr)
        return 1
    if response.status_code != 200:
        print(f"telemock: {url} answered {response.status_code}: {_error_of(response)}", file=sys.stderr)
        return 1
    if args.state_action == "load":
        loaded = response.json()["loaded"]
        print(f"loaded {sum(len(t) for t in loaded.values())} tenant(s) of {', '.join(loaded)} from {path}")
        return 0
    try:
        document = decode(response.content)  # a state document, as the server sent it
        write_atomic(path, response.content)
    except (OSError, StateError) as exc:
        print(f"telemock: {path}: {exc}", file=sys.stderr)
        return 1
    count = sum(len(v["tenants"]) for v in document["vendors"].values()
                if isinstance(v, dict) and isinstance(v.get("tenants"), list))
    print(f"saved {count} tenant(s) of {', '.join(document['vendors'])} to {path}")
    return 0


def _default_url() -> str:
    from .vendors import load_vendors
    first = next(iter(load_vendors().values())).listeners[0]
    return f"http://127.0.0.1:{first.default_port}"


def _error_of(response: Any) -> str:
    try:
        return str(response.json()["error"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


def _creds(registry: Any, listener: str) -> str:
    for name, spec in registry.vendors.items():
        if any(l.name == listener for l in spec.listeners):
            tenant = registry.get(name, "default")
            return " ".join(f"{k}={v}" for k, v in tenant.credentials.items())
    return ""


def _openapi_parser(sub: Any) -> None:
    p = sub.add_parser("openapi", help="write a vendor's OpenAPI 3.1 document",
                       description="Write the OpenAPI 3.1 document of a vendor's API, generated from "
                                   "the same operation tables the server routes with.")
    p.add_argument("--vendor", required=True, metavar="NAME", help="the vendor")
    p.add_argument("--output", "-o", metavar="FILE", help="write to FILE (default: standard output)")
    p.add_argument("--host", default="127.0.0.1", help="host of the servers the document names")
    p.set_defaults(func=cmd_openapi)


def cmd_openapi(args: argparse.Namespace) -> int:
    import json

    from .dialect.openapi import document
    from .vendors import load_vendors

    try:
        spec = load_vendors([args.vendor])[args.vendor]
    except ValueError as exc:
        print(f"telemock: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(document(spec, args.host), indent=2, ensure_ascii=False) + "\n"
    if not args.output:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        print(f"telemock: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _contracts_parser(sub: Any) -> None:
    """``telemock contracts verify | publish | generate`` (emulators/contracts/cli.py)."""
    from .contracts import cli as contracts_cli
    contracts_cli.register(sub)


def _vendor_apps(registry: Any, spec: Any) -> Any:
    """The server's ``vendor_apps``, imported when a scenario runs in-process."""
    from .server import vendor_apps
    return vendor_apps(registry, spec)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="telemock",
        description="Offline, faithful, stateful emulators of telephony vendor HTTP APIs.")
    parser.add_argument("--version", action="version", version=f"telemock {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _serve_parser(sub)
    _openapi_parser(sub)
    _contracts_parser(sub)
    _state_parser(sub)
    from .scenario import cli as scenario_cli
    scenario_cli.register(sub, _vendor_apps)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return cmd_serve(args)
    if getattr(args, "func", None) is not None:
        return int(args.func(args) or 0)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
