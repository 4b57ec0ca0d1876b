"""``telemock``: serve the emulators, run scenarios.

    telemock serve [--vendor NAME ...] [--host H] [--port P] [--seed N] [--config FILE]
                   [--state-dir DIR] [--state-interval SECONDS] [--access-log] ...
    telemock state save|load FILE [--url URL] [--admin-token T] | inspect FILE
    telemock health [--url URL ...]
    telemock scenario run FILE|NAME [--vendor V] ... | list | ...   (``telemock scenario --help``)
    telemock contracts verify [--vendor V] [--base-url URL] ...   (see ``telemock contracts --help``)

A user's mistake is one line on stderr and exit status 2 (``_fail``), never a traceback.
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
    from .config import LOG_LEVELS
    p = sub.add_parser("serve", help="start the vendor emulators, each on its own port",
                       description="Start the chosen vendor emulators (default: all), each on its "
                                   "own port with the vendor's exact paths, plus the control plane "
                                   "at /_emulator on every port. Ctrl-C stops them cleanly.")
    p.add_argument("--vendor", action="append", metavar="NAME",
                   help="vendor to start (repeatable; default: all)")
    p.add_argument("--host", default=None,
                   help="address to bind (default 127.0.0.1); any other needs --admin-token, and "
                        "then an empty ip_whitelist admits every address (README, Docker)")
    p.add_argument("--port", type=int, default=None,
                   help="with one --vendor: that vendor's port; with several: serve all of them "
                        "on this one port under /<listener>/ (single-port mode)")
    p.add_argument("--single-port", type=int, metavar="PORT", default=None,
                   help="serve every vendor on PORT under /<listener>/ (for Docker)")
    p.add_argument("--listener-port", action="append", default=[], metavar="NAME=PORT",
                   help="port of one listener, e.g. kerauno-status=57081 (repeatable)")
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
    p.add_argument("--log-level", default=None, choices=LOG_LEVELS, metavar="LEVEL",
                   help=f"how much the server logs on stderr: {', '.join(LOG_LEVELS)} (default "
                        "warning: start-up problems and our own defects only)")
    p.add_argument("--access-log", action="store_true", default=None,
                   help="print one line per vendor request on stdout: time, method, path, vendor, "
                        "operation, tenant, status, duration (and why, when refused)")


def _fail(message: str) -> int:
    """A user's mistake: one line on stderr, exit status 2."""
    print(f"telemock: {message}", file=sys.stderr)
    return 2


class _Refused(Exception):
    """A mistake on the command line or in the config: its one line is printed, exit 2."""


def cmd_serve(args: argparse.Namespace) -> int:
    from .config import ConfigError, load_config
    from .core.collector import tune_for_serving
    from .httpguard import Limits
    from .registry import Registry
    from .server import PortUnavailable, new_event_loop, plan, run
    from .vendors import load_vendors

    started = time.perf_counter()
    try:
        config = load_config(args.config)
        vendors_arg = args.vendor or config.get("vendors")
        if isinstance(vendors_arg, str):
            vendors_arg = [vendors_arg]
        host = args.host or config.get("host") or "127.0.0.1"
        seed = args.seed if args.seed is not None else int(config.get("seed", 0))
        token = args.admin_token or config.get("admin_token") or os.environ.get(ADMIN_TOKEN_ENV)
        if host not in LOOPBACK and not token:
            raise _Refused(f"binding to {host} exposes the control plane; give --admin-token (or ${ADMIN_TOKEN_ENV})")
        try:
            vendors = load_vendors(vendors_arg)
        except ValueError as exc:
            raise _Refused(f"{config.where('vendors')}: {exc}" if not args.vendor and args.config else str(exc)) \
                from None
        config.check_settings(vendors)
        clock = _clock(args, config)
        settings: dict[str, Any] = {**dict(config.get("settings") or {}), "clock": clock}
        if host not in LOOPBACK:
            settings = {**OPEN_WHITELIST, **settings}  # an explicit ip_whitelist still wins
        ports, single = _ports(args, config, vendors)
        max_body, read_timeout = _limits(args, config)
    except (ConfigError, _Refused) as exc:
        return _fail(str(exc))
    registry = Registry(vendors, seed=seed, settings=settings, admin_token=token)
    if args.access_log or (args.access_log is None and config.get("access_log")):
        from .accesslog import printer
        registry.on_request = printer()
    state_dir = args.state_dir or config.get("state_dir")
    if state_dir:
        status = _open_state(registry, str(state_dir), args.state_interval
                             if args.state_interval is not None else config.get("state_interval"))
        if status:
            return status
    bindings = plan(registry, host, ports, single, max_body_bytes=max_body)

    def ready() -> None:
        print(f"telemock {__version__} ready in {time.perf_counter() - started:.2f}s "
              f"(clock {clock['mode']}, start {clock['start']}, seed {seed})")
        print("\n".join(banner(registry, bindings)), flush=True)

    tune_for_serving()
    try:
        with asyncio.Runner(loop_factory=new_event_loop) as runner:
            runner.run(run(registry, bindings, log_level=args.log_level or config.get("log_level") or "warning",
                           on_ready=ready,
                           limits=Limits(read_timeout=float(read_timeout), max_body_bytes=max_body)))
    except PortUnavailable as exc:
        by_port = (next(iter(vendors.values())).listeners[0].name
                   if args.port is not None and len(vendors) == 1 else None)
        return _fail(_port_message(exc, single_flag="--port" if args.port is not None else "--single-port",
                                   port_listener=by_port))
    except KeyboardInterrupt:
        pass
    return 0


def _clock(args: argparse.Namespace, config: Any) -> dict[str, Any]:
    """Every tenant's clock settings from the flags and the config (start ``now`` by default)."""
    from .control.settings import MAX_CLOCK_SPEED
    from .core.formats import parse_instant, utc_iso
    start = args.clock_start or config.get("clock_start") or "now"
    if start == "now":
        start = utc_iso(int(time.time()))
    speed = args.clock_speed if args.clock_speed is not None else float(config.get("clock_speed", 1.0))
    if not 0 < speed <= MAX_CLOCK_SPEED:
        raise _Refused(f"--clock-speed must be above 0 and at most {MAX_CLOCK_SPEED:g}; got {speed:g}")
    try:
        parse_instant(start)
    except ValueError:
        raise _Refused(f"--clock-start {start!r} is not an ISO 8601 instant") from None
    return {"start": start, "mode": args.clock_mode or config.get("clock_mode") or "realtime", "speed": speed}


def _ports(args: argparse.Namespace, config: Any, vendors: dict[str, Any]) -> tuple[dict[str, int], int | None]:
    """(port per listener, the single port or None) from the flags and the config, checked."""
    listeners = {l.name for spec in vendors.values() for l in spec.listeners}
    ports: dict[str, int] = {}
    for name, port in (config.get("ports") or {}).items():
        problem = _listener_problem(str(name), listeners) or _port_problem(port)
        if problem:
            raise _Refused(f"{config.where('ports', name)}: ports.{name}: {problem}")
        ports[str(name)] = port
    for item in args.listener_port:
        name, _, port = item.partition("=")
        if not port.isdigit() or int(port) > 65535:
            raise _Refused(f"--listener-port wants NAME=PORT with a port 0-65535, got {item!r}")
        problem = _listener_problem(name, listeners)
        if problem:
            raise _Refused(f"--listener-port {item}: {problem}")
        ports[name] = int(port)
    single = args.single_port if args.single_port is not None else config.get("single_port")
    port = args.port if args.port is not None else config.get("port")
    if port is not None:
        if len(vendors) == 1:
            ports[next(iter(vendors.values())).listeners[0].name] = port
        else:
            single = port
    if single is None:
        problem = _shared_port(ports, vendors)
        if problem:
            raise _Refused(problem)
    return ports, single


def _limits(args: argparse.Namespace, config: Any) -> tuple[int, float]:
    """(largest body, read timeout) from the flags and the config, checked."""
    from .dialect.request import MAX_BODY_BYTES
    from .httpguard import READ_TIMEOUT
    max_body = args.max_body_bytes if args.max_body_bytes is not None else config.get("max_body_bytes", MAX_BODY_BYTES)
    if not isinstance(max_body, int) or isinstance(max_body, bool) or max_body < 1:
        raise _Refused(f"--max-body-bytes must be a whole number of bytes, 1 or more; got {max_body!r}")
    read_timeout = args.read_timeout if args.read_timeout is not None else config.get("read_timeout", READ_TIMEOUT)
    if not isinstance(read_timeout, (int, float)) or isinstance(read_timeout, bool) or not 0 < read_timeout <= 3600:
        raise _Refused(f"--read-timeout must be seconds between 0 and 3600; got {read_timeout!r}")
    return max_body, float(read_timeout)


OPEN_WHITELIST: dict[str, Any] = {"ip_whitelist": ["0.0.0.0/0", "::/0"]}
"""Every tenant's default whitelist when ``serve`` binds beyond loopback (``--host 0.0.0.0``,
as the Docker image does): there the host's own client comes from a bridge address, not
loopback, and the admin token, not the whitelist, guards the sandbox (README, Docker)."""
EPHEMERAL_PORTS = range(32768, 61000)
"""Linux's default ephemeral port range (net.ipv4.ip_local_port_range 32768-60999): the
system lends these ports to outgoing connections, so one may be taken for a moment."""


def _listener_problem(name: str, listeners: set[str]) -> str | None:
    if name in listeners:
        return None
    from .control.settings import did_you_mean
    return f"no listener {name!r}{did_you_mean(name, sorted(listeners))} (listeners: {', '.join(sorted(listeners))})"


def _port_problem(port: Any) -> str | None:
    ok = isinstance(port, int) and not isinstance(port, bool) and 0 <= port <= 65535
    return None if ok else f"{port!r} is not a port number 0-65535"


def _shared_port(ports: dict[str, int], vendors: dict[str, Any]) -> str | None:
    """Two listeners given the same port: say so before either is bound."""
    seen: dict[int, str] = {}
    for spec in vendors.values():
        for listener in spec.listeners:
            port = ports.get(listener.name, listener.default_port)
            if port and port in seen:
                return (f"port {port} is given to both {seen[port]} and {listener.name}; pick "
                        f"another with --listener-port {listener.name}=PORT")
            seen[port] = listener.name
    return None


def _port_message(exc: Any, single_flag: str, port_listener: str | None = None) -> str:
    """One line: which port, whose, what is wrong, and how to pick another (with the flag that
    chose it: ``--port`` with one vendor sets ``port_listener``'s)."""
    from .server import GATEWAY
    b = exc.binding
    whose = "single-port gateway" if b.name == GATEWAY else f"listener {b.name}"
    how = (f"{single_flag} PORT" if b.name == GATEWAY or b.name == port_listener
           else f"--listener-port {b.name}=PORT")
    line = f"port {b.port} ({whose}) {exc.reason}; pick another with {how}"
    if exc.in_use and b.port in EPHEMERAL_PORTS:
        documented = any(l.documented_port and l.default_port == b.port for l in b.listeners)
        line += (f" ({b.port} is {'the vendor document' + chr(39) + 's own port, ' if documented else ''}"
                 f"in the range {EPHEMERAL_PORTS.start}-{EPHEMERAL_PORTS.stop - 1} the system lends to "
                 "outgoing connections: it may be free again in a moment)")
    return line


def banner(registry: Any, bindings: Any) -> list[str]:
    """Where each listener's own paths are, with the default tenant's credentials."""
    from .server import GATEWAY
    rows: list[tuple[str, str, str]] = []
    for b in bindings:
        root = f"http://{b.host}:{b.port}"
        for listener in b.listeners:
            base = listener.gateway_urls(root)[0] if b.name == GATEWAY else root
            rows.append((listener.name, f"{base}{listener.path_prefix}...", _creds(registry, listener.name)))
    width = max(len(url) for _, url, _ in rows) + 1
    lines = [f"{'listener':<18} {'vendor paths':<{width}} credentials (tenant default)"]
    lines += [f"{name:<18} {url:<{width}} {creds}" for name, url, creds in rows]
    where = ("/<listener>/_emulator on port " + str(bindings[0].port) if bindings[0].name == GATEWAY
             else "/_emulator on every port")
    lines.append(f"control plane: {where} (docs/CONTROL_API.md). Ctrl-C stops.")
    return lines


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


def _health_parser(sub: Any) -> None:
    p = sub.add_parser("health", help="ask a running server whether it is healthy (exit 0) or not (1)",
                       description="GET /_emulator/health of a running telemock serve: exit 0 when it "
                                   "answers ok, 1 when it is degraded or unreachable (the Docker "
                                   "image's HEALTHCHECK). Without --url, the default ports of every "
                                   "vendor are tried in turn.")
    p.add_argument("--url", action="append", default=None, metavar="URL",
                   help="a port of the server, e.g. http://127.0.0.1:8085 (repeatable: the first "
                        "that answers decides)")
    p.add_argument("--admin-token", default=None, help=f"control-plane token (or ${ADMIN_TOKEN_ENV})")
    p.add_argument("--timeout", type=float, default=3.0, metavar="SECONDS", help="per try (default 3)")
    p.set_defaults(func=cmd_health)


def cmd_health(args: argparse.Namespace) -> int:
    import httpx

    from .vendors import load_vendors
    urls = args.url or [f"http://127.0.0.1:{spec.listeners[0].default_port}" for spec in load_vendors().values()]
    token = args.admin_token or os.environ.get(ADMIN_TOKEN_ENV)
    headers = {"authorization": f"Bearer {token}"} if token else {}
    problems: list[str] = []
    for url in urls:
        target = url.rstrip("/") + "/_emulator/health"
        try:
            response = httpx.get(target, headers=headers, timeout=args.timeout)
        except httpx.HTTPError as exc:
            problems.append(f"{target}: {type(exc).__name__}")
            continue
        if response.status_code != 200:
            print(f"telemock: {target} answered {response.status_code}: {_error_of(response)}", file=sys.stderr)
            return 1
        body = response.json()
        print(f"{target}: {body.get('status')} ({body.get('vendor')}, {body.get('tenants')} tenant(s))")
        return 0 if body.get("status") == "ok" else 1
    print(f"telemock: no server answered ({'; '.join(problems)})", file=sys.stderr)
    return 1


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
            if spec.describe_credentials is not None:
                return spec.describe_credentials(dict(tenant.credentials))
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
    _health_parser(sub)
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
    parser.print_help(sys.stderr)  # no command: what there is, and a failed exit
    return 2


if __name__ == "__main__":
    sys.exit(main())
