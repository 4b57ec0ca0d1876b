"""Load a scenario file: YAML with positions → schema check → meaning checks → ``Scenario``.

Every problem is reported as ``file:line:column: message``, all of them at once, and a file
with any problem yields no ``Scenario`` at all, so nothing of a bad file is ever applied.
"""

from __future__ import annotations

from pathlib import Path as FsPath
from typing import Any, Iterable

from ..core.agents import AGENT_STATES
from ..core.clock import LATEST
from ..core.formats import parse_instant
from .actions import ACTIONS, inner_step
from .durations import parse_duration
from .model import Problem, Scenario, ScenarioError, Step
from .schema import CALL_STATES
from .validate import render_path, schema_problems
from .worlds import pool_agents
from .yamlpos import MAX_CHARS, Path, Positions, YamlError
from .yamlpos import load as load_yaml

MAX_PROBLEMS = 50


def load_file(path: str | FsPath, known_vendors: Iterable[str] | None = None) -> Scenario:
    """Load a scenario file, or the library scenario a bare name (``park``) means when no
    such file exists (``catalog``)."""
    from .catalog import resolve
    found = resolve(path)
    try:
        with open(found, encoding="utf-8") as fh:
            text = fh.read(MAX_CHARS + 1)  # one more than allowed: the YAML loader says it is too long
    except FileNotFoundError as exc:
        raise ScenarioError([Problem(str(path), None, f"cannot read the file: {exc.strerror}; nor is it "
                                     "a library scenario (`telemock scenario list` shows them)")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(str(path), None, f"cannot read the file: {exc}")]) from None
    return load_text(text, found.name if found != FsPath(path) else str(path), known_vendors)


def load_text(text: str, file: str = "<scenario>", known_vendors: Iterable[str] | None = None) -> Scenario:
    """``known_vendors``: names ``vendors:`` may use (default: every vendor telemock serves)."""
    try:
        data, positions = load_yaml(text)
    except YamlError as exc:
        raise ScenarioError([Problem(file, exc.mark, exc.message)]) from None
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, positions.of(()), "a scenario is a mapping with name, "
                                     "world, timeline, expect ... (see `telemock scenario schema`)")])
    problems = schema_problems(file, data, positions)
    if not problems:
        if known_vendors is None:
            from ..vendors import VENDOR_MODULES  # names only; no vendor is imported
            known_vendors = VENDOR_MODULES
        problems = _Checker(file, data, positions, list(known_vendors)).run()
    if problems:
        raise ScenarioError(problems[:MAX_PROBLEMS])
    return _build(file, data, positions, text)


class _Checker:
    """Meaning checks the schema cannot express: references, uniqueness, time order."""

    def __init__(self, file: str, data: dict[str, Any], positions: Positions, vendors: list[str]) -> None:
        self.file, self.data, self.pos, self.vendors = file, data, positions, vendors
        self.problems: list[Problem] = []
        world = data.get("world", {})
        self.explicit = not world.get("default", False)
        pooled = [a for pool in world.get("agent_pools", []) for a in pool_agents(pool)]
        self.agents = {str(a["id"]) for a in [*world.get("agents", []), *pooled]}
        everyone = [*world.get("agents", []), *pooled]
        self.extensions = [str(a["extension"]) for a in everyone] + [str(a["id"]) for a in everyone]
        self.queues = {str(q["id"]) for q in world.get("queues", [])}
        self.reach = parse_duration(data["end"]) if "end" in data else 0.0
        """Seconds from the start the timeline (or ``end``) reaches, at least."""

    def add(self, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(Problem(self.file, self.pos.of(path, key=key), f"{render_path(path)}: {message}"))

    def run(self) -> list[Problem]:
        self._world()
        labels = self._timeline()
        self._generators(labels)
        self._expect(labels)
        self._top()
        self.problems.sort(key=lambda p: (p.mark.line, p.mark.column) if p.mark else (0, 0))
        return self.problems

    def _unique(self, items: list[Any], key: str, base: Path, what: str) -> None:
        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            value = str(item.get(key)) if isinstance(item, dict) else str(item)
            if value in seen:
                self.add(base + (i, key), f"{what} {value!r} is already defined in item {seen[value]}")
            seen.setdefault(value, i)

    def _world(self) -> None:
        world = self.data.get("world", {})
        base: Path = ("world",)
        self._unique(world.get("agents", []), "id", base + ("agents",), "agent id")
        self._unique(world.get("agents", []), "extension", base + ("agents",), "extension")
        if world.get("agent_pools") and len(set(self.extensions)) != len(self.extensions):
            self.add(base + ("agent_pools",), "the pools' agent ids or extensions overlap other agents'")
        for pi, pool in enumerate(world.get("agent_pools", [])):
            for qi, queue in enumerate(pool.get("queues", [])):
                self._ref(base + ("agent_pools", pi, "queues", qi), "queue", queue)
        self._unique(world.get("queues", []), "id", base + ("queues",), "queue id")
        self._unique(world.get("queues", []), "number", base + ("queues",), "queue number")
        self._unique(world.get("numbers", []), "number", base + ("numbers",), "number")
        for name in sorted(self.agents & self.queues):
            self.add(base + ("queues",), f"{name!r} is both an agent and a queue id; routes_to needs them distinct")
        for qi, queue in enumerate(world.get("queues", [])):
            for mi, member in enumerate(queue.get("members", [])):
                agent = str(member["agent"] if isinstance(member, dict) else member)
                if self.explicit and agent not in self.agents:
                    self.add(base + ("queues", qi, "members", mi), f"no agent {agent!r} in world.agents")
        for ni, number in enumerate(world.get("numbers", [])):
            target = str(number["routes_to"])
            if self.explicit and target not in self.agents | self.queues:
                self.add(base + ("numbers", ni, "routes_to"), f"no agent or queue {target!r} in the world")

    def _ref(self, path: Path, kind: str, value: Any) -> None:
        names = self.agents if kind == "agent" else self.queues
        if self.explicit and str(value) not in names:
            self.add(path, f"no {kind} {str(value)!r} in world.{kind}s")

    def _args(self, path: Path, args: dict[str, Any], labels: set[str]) -> None:
        for key, value in args.items():
            if key == "agent":
                self._ref(path + (key,), "agent", value)
            elif key == "queue":
                self._ref(path + (key,), "queue", value)
            elif key == "call" and str(value) not in labels:
                self.add(path + (key,), f"no call labelled {value!r} before this step")
            elif key == "to" and isinstance(value, dict):
                self._args(path + (key,), value, labels)

    def _timeline(self) -> set[str]:
        labels: set[str] = set()
        started: set[str] = set()
        clock = 0.0
        static = True
        for i, raw in enumerate(self.data.get("timeline", [])):
            path: Path = ("timeline", i)
            name = next(k for k in raw if k in ACTIONS or k in ("wait_until", "expect_error"))
            args = raw[name]
            if "at" in raw:
                at = parse_duration(raw["at"])
                if static and at < clock:
                    self.add(path + ("at",), f"at {raw['at']} is earlier than the step before it "
                                             f"({clock:g}s); steps run in order", key=True)
                clock, static = at, True
            else:
                clock += parse_duration(raw.get("after", 0))
            self.reach = max(self.reach, clock)
            if name == "expect_error":
                inner = inner_step(args)
                if inner:
                    self._args(path + (name, inner[0]), inner[1], labels)
                continue
            if name == "wait_until":
                self._condition(path + (name,), args, labels)
                static = False
                continue
            self._args(path + (name,), args, labels)
            if name == "start_campaign" and "id" in args:
                if str(args["id"]) in started:
                    self.add(path + (name, "id"), f"campaign {args['id']!r} is already started")
                started.add(str(args["id"]))
            if name == "stop_campaign" and str(args.get("campaign")) not in started:
                self.add(path + (name, "campaign"),
                         f"no campaign {args.get('campaign')!r} started before this step")
            if name in ("inbound_call", "outbound_call") and "id" in args:
                if args["id"] in labels:
                    self.add(path + (name, "id"), f"call label {args['id']!r} is already used")
                labels.add(args["id"])
        return labels

    def _condition(self, path: Path, cond: dict[str, Any], labels: set[str]) -> None:
        subjects = [k for k in ("call", "agent", "queue", "webhooks", "live_calls") if k in cond]
        if len(subjects) != 1:
            self.add(path, "name exactly one of call, agent, queue, webhooks, live_calls")
            return
        self._args(path, {k: v for k, v in cond.items() if k in ("call", "agent", "queue")}, labels)
        if "call" in cond and "state" not in cond and "disposition" not in cond:
            self.add(path, "with call, give state or disposition")
        if "call" in cond and cond.get("state") not in (None, *CALL_STATES):
            self.add(path + ("state",), f"{cond['state']!r} is not a call state ({', '.join(CALL_STATES)})")
        if "agent" in cond and cond.get("state") not in AGENT_STATES:
            self.add(path + ("state",), f"with agent, state is one of {', '.join(AGENT_STATES)}")
        if "queue" in cond and "waiting" not in cond:
            self.add(path, "with queue, give waiting")

    def _generators(self, labels: set[str]) -> None:
        for i, gen in enumerate(self.data.get("generate", [])):
            spec = gen["calls"]
            label = spec.get("id", "gen")
            if label in labels:
                self.add(("generate", i, "calls", "id"), f"label {label!r} is already used")
            labels.add(label)
            talk, patience = spec.get("talk", {}), spec.get("patience", {})
            for name, dist in (("talk", talk), ("patience", patience)):
                lo, hi = dist.get("min"), dist.get("max")
                if lo is not None and hi is not None and parse_duration(lo) > parse_duration(hi):
                    self.add(("generate", i, "calls", name), "min is larger than max")

    def _expect(self, labels: set[str]) -> None:
        expect = self.data.get("expect", {})
        for label in expect.get("cdrs", {}):
            if label not in labels:
                self.add(("expect", "cdrs", label), f"no call labelled {label!r}", key=True)
        for i, state in enumerate(expect.get("states", [])):
            for label in state.get("calls", {}):
                if label not in labels:
                    self.add(("expect", "states", i, "calls", label), f"no call labelled {label!r}", key=True)
            for agent in state.get("agents", {}):
                self._ref(("expect", "states", i, "agents", agent), "agent", agent)
            for queue in state.get("queues", {}):
                self._ref(("expect", "states", i, "queues", queue), "queue", queue)
        for i, block in enumerate(expect.get("webhooks", [])):
            for j, item in enumerate(block.get("deliveries", [])):
                if "call" in item and item["call"] not in labels:
                    self.add(("expect", "webhooks", i, "deliveries", j, "call"), f"no call labelled {item['call']!r}")
        for i, item in enumerate(expect.get("events", {}).get("items", [])):
            if "call" in item and item["call"] not in labels:
                self.add(("expect", "events", "items", i, "call"), f"no call labelled {item['call']!r}")
        for i, total in enumerate(expect.get("totals", [])):
            if "of" in total and total["of"] not in labels:
                self.add(("expect", "totals", i, "of"), f"no generator {total['of']!r}")

    def _top(self) -> None:
        """The scenario's own keys: the vendors it names, its start instant."""
        for i, vendor in enumerate(self.data.get("vendors", [])):
            if vendor not in self.vendors:
                self.add(("vendors", i), f"unknown vendor {vendor!r} (known: {', '.join(self.vendors)})")
        if "start" in self.data:
            try:
                start = parse_instant(str(self.data["start"]))
            except (ValueError, OverflowError):
                self.add(("start",), f"{self.data['start']!r} is not an ISO 8601 instant")
            else:
                if start + self.reach > LATEST:
                    self.add(("start",), "the scenario would run past 3000-01-01T00:00:00Z, where "
                                         "every clock stops")


def _build(file: str, data: dict[str, Any], positions: Positions, text: str) -> Scenario:
    steps = []
    for i, raw in enumerate(data.get("timeline", [])):
        name = next(k for k in raw if k in ACTIONS or k in ("wait_until", "expect_error"))
        steps.append(Step(index=i, name=name, args=raw[name],
                          at=parse_duration(raw["at"]) if "at" in raw else None,
                          after=parse_duration(raw.get("after", 0)), optional=bool(raw.get("optional", False)),
                          note=str(raw.get("note", "")), line=positions.of(("timeline", i)).line))
    return Scenario(file=file, name=str(data["name"]), description=str(data.get("description", "")),
                    vendors=list(data.get("vendors", [])), seed=data.get("seed"), start=data.get("start"),
                    end=parse_duration(data["end"]) if "end" in data else None,
                    world=dict(data.get("world", {})), webhooks=data.get("webhooks"), steps=steps,
                    generators=[g["calls"] for g in data.get("generate", [])],
                    expect=dict(data.get("expect", {})), positions=positions, source=text)
