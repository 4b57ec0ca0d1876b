"""The JSON Schema (draft 2020-12) of scenario files: the one source of the format.

Published beside the library as ``scenarios/scenario.schema.json`` (generated from here by ``telemock scenario schema``;
a test keeps the two equal). Steps come from the step table in ``actions.py``, so the schema
accepts exactly the steps something executes.
"""

from __future__ import annotations

import json
from typing import Any

from ..core.agents import AGENT_STATES
from ..core.calls import CALL_TRANSITIONS, DISPOSITIONS
from ..core.errors import CoreError
from .actions import ACTIONS, CONTROL_STEPS, RESERVED
from .schemabits import DEFS, Schema, enum, obj, ref, text

SCHEMA_ID = "urn:telemock:scenario:1"
STRATEGIES = ("ringall", "roundrobin", "priority", "linear")
CALL_STATES = tuple(CALL_TRANSITIONS)
RESERVED_GENERATORS = {"sms": "the SMS engine", "contacts": "a generator of campaign contacts"}


def error_codes() -> list[str]:
    """Codes of every core refusal (``expect_error.error``), from the core's error classes."""
    seen: list[str] = []
    stack: list[type[CoreError]] = [CoreError]
    while stack:
        cls = stack.pop(0)
        if cls.code not in seen:
            seen.append(cls.code)
        stack.extend(cls.__subclasses__())
    return seen


BEHAVIOUR = obj({"mode": enum(("auto", "script"), "auto: answers after answer_after; script: only steps act."),
                 "answer_after": ref("duration"), "talk": ref("duration"),
                 "fault": enum(("busy", "no_answer", "congestion", "unreachable", "reject")),
                 "latency": ref("duration")},
                description="How the simulated person at this phone behaves.")

AGENT = obj({"id": ref("id"), "name": text(), "extension": ref("phone"), "username": text(),
             "number": ref("phone"), "presence": text(), "logged_in": {"type": "boolean"},
             "paused": {"type": "boolean"}, "pause_reason": text(), "behaviour": ref("behaviour")},
            ["id", "extension"], description="An agent / user with an extension.")

MEMBER = {"description": "An agent id, or {agent, priority, logged_in, paused}.",
          "anyOf": [ref("id"), obj({"agent": ref("id"), "priority": {"type": "integer", "minimum": 0},
                                    "logged_in": {"type": "boolean"}, "paused": {"type": "boolean"}},
                                   ["agent"])]}

QUEUE = obj({"id": ref("id"), "kind": enum(("queue", "ring_group")), "number": ref("phone"), "name": text(),
             "strategy": enum(STRATEGIES), "ring_timeout": ref("duration"), "max_wait": ref("duration"),
             "retry": ref("duration"), "wrapup": ref("duration"),
             "members": {"type": "array", "items": MEMBER}},
            ["id", "number"], description="A queue or ring group and its members (in ring order).")

NUMBER = obj({"number": ref("phone"), "routes_to": ref("id"), "name": text()}, ["number", "routes_to"],
             description="An inbound number (DID) routed to a queue or agent id.")

PARTY = obj({"number": ref("phone"), "mode": enum(("auto", "script")), "answer_after": ref("duration"),
             "talk": ref("duration"), "fault": enum(("busy", "no_answer", "congestion", "unreachable", "reject")),
             "latency": ref("duration")}, ["number"],
            description="How an external number behaves when it is called.")

POOL = obj({"count": {"type": "integer", "minimum": 1, "maximum": 10000},
             "id_prefix": text("Agent ids are <id_prefix><n>, n from 1 (default agent)."),
             "extension_from": {"type": "integer", "minimum": 0, "description": "First extension (default 3001)."},
             "queues": {"type": "array", "items": ref("id"), "description": "Queues they are members of."},
             "behaviour": ref("behaviour")}, ["count"],
            description="Many agents at once, for load scenarios: <id_prefix>1..N with consecutive extensions.")

WORLD = obj({
    "default": {"type": "boolean", "description": "Start from the vendor's default tenant as seeded "
                "(its agents, queues, numbers and call history); the lists below are added to it. "
                "false (default): start from an empty world holding only what is listed here."},
    "agents": {"type": "array", "items": ref("agent")},
    "agent_pools": {"type": "array", "items": POOL},
    "queues": {"type": "array", "items": ref("queue")},
    "numbers": {"type": "array", "items": ref("number")},
    "parties": {"type": "array", "items": ref("party")},
    "behaviour": {**ref("behaviour"), "description": "Default behaviour of every listed agent."},
    "timezone": text("IANA time zone of the PBX (e.g. Australia/Sydney)."),
    "sim": {"type": "object", "description": "Core simulation settings (answer_after, talk_min, "
            "talk_max, ring_timeout, hangup_by, park_timeout, ...).",
            "additionalProperties": {"type": ["number", "string"]}},
})

WEBHOOKS = obj({
    "url": text("Receiver URL. Omitted: telemock's built-in receiver (records what arrives)."),
    "encoding": enum(("form", "json")),
    "max_attempts": {"type": "integer", "minimum": 1},
    "backoff_base": ref("duration"), "backoff_factor": {"type": "number", "minimum": 1},
    "backoff_max": ref("duration"), "timeout": ref("duration"),
}, description="Deliver the vendor's webhooks (through the core dispatcher, with retries).")

DIST = obj({"mean": ref("duration"), "min": ref("duration"), "max": ref("duration"),
            "dist": enum(("exponential", "uniform", "fixed"), "Default exponential (mean), "
                         "clipped to [min, max].")}, minProperties=1)

CALLS_GENERATOR = obj({
    "id": {**ref("label"), "description": "Label prefix of the generated calls (default gen)."},
    "count": {"type": "integer", "minimum": 1, "maximum": 1000000},
    "over": {**ref("duration"), "description": "Arrivals spread over this long."},
    "start": {**ref("offset"), "description": "First possible arrival (default 0s)."},
    "arrival": enum(("poisson", "uniform"), "poisson (default): random times; uniform: evenly spaced."),
    "to": {"description": "Number dialled, or a list to pick from.",
           "anyOf": [ref("phone"), {"type": "array", "items": ref("phone"), "minItems": 1}]},
    "from": obj({"prefix": ref("phone"), "digits": {"type": "integer", "minimum": 1, "maximum": 12}}),
    "talk": ref("dist"), "patience": ref("dist"),
}, ["count", "over", "to"], description="Inbound calls arriving at random, reproducible from the seed.")

GENERATOR = {"type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
             "properties": {"calls": CALLS_GENERATOR},
             "propertyNames": {"not": {"enum": list(RESERVED_GENERATORS)}}}

CONDITION_PROPS: dict[str, Schema] = {
    "call": ref("call_ref"), "state": text("A call state (with call) or agent state (with agent)."),
    "disposition": enum(DISPOSITIONS), "agent": ref("id"), "queue": ref("id"),
    "waiting": ref("count_matcher"), "webhooks": ref("count_matcher"),
    "live_calls": ref("count_matcher"),
}
WAIT_UNTIL = obj({**CONDITION_PROPS, "timeout": {**ref("duration"), "description": "Default 10m."}},
                 minProperties=1, description="Run the clock until the condition holds (or fail at timeout).")

EVENT_ITEM = obj({"type": text("A core event type (CallParked, CallEnded, ...)."), "call": ref("call_ref"),
                  "agent": ref("id"), "data": {"type": "object"}}, ["type"])

CALL_EXPECT = obj({
    "state": enum(CALL_STATES), "disposition": enum(DISPOSITIONS),
    "direction": enum(("inbound", "outbound", "internal")), "answered_by": ref("id"), "agent": ref("id"),
    "ended_by": enum(("caller", "agent", "remote", "system")), "queue": ref("id"),
    "caller": ref("phone"), "callee": ref("phone"), "duration": ref("duration_matcher"),
    "talk": ref("duration_matcher"), "wait": ref("duration_matcher"), "hold": ref("duration_matcher"),
    "transfers": ref("count_matcher"), "legs": ref("count_matcher"), "parked_slot": ref("phone"),
    "dtmf": text()}, description="What the call's CDR must show.")

AGENT_EXPECT = {"anyOf": [enum(AGENT_STATES), obj({
    "state": enum(AGENT_STATES), "paused": {"type": "boolean"}, "logged_in": {"type": "boolean"},
    "calls_taken": ref("count_matcher")})]}

STATES = obj({"at": ref("offset"), "agents": {"type": "object", "additionalProperties": AGENT_EXPECT},
              "calls": {"type": "object", "additionalProperties": enum(CALL_STATES)},
              "queues": {"type": "object", "additionalProperties": obj({"waiting": ref("count_matcher")})}},
             ["at"], description="States at one moment.")

TOTALS = obj({"of": text("A generator id (default: every call of the run)."), "calls": ref("count_matcher"),
              "dispositions": {"type": "object", "propertyNames": enum(DISPOSITIONS),
                               "additionalProperties": ref("count_matcher")}})

VENDOR_SCOPED = {"vendor": text("Only for this vendor (its dialect's names and fields)."),
                 "optional": {"type": "boolean", "description": "Not applicable on a vendor → no report."}}

DELIVERY_ITEM = obj({"event": text("The vendor's event name."), "call": ref("call_ref"),
                     "fields": {"type": "object", "description": "Subset of the payload fields."}})

WEBHOOK_EXPECT = obj({
    **VENDOR_SCOPED,
    "match": enum(("ordered", "exact", "unordered"), "ordered (default): these deliveries appear in this "
                  "order, others may come between; exact: nothing else; unordered: in any order."),
    "deliveries": {"type": "array", "items": DELIVERY_ITEM},
    "count": {"type": "object", "additionalProperties": ref("count_matcher"),
              "description": "Deliveries per event name; key total counts all."},
    "delivered": {"type": "boolean", "description": "Every delivery reached the receiver in the end."},
    "attempts": {**ref("count_matcher"), "description": "Most attempts any one delivery needed."},
    "in_order": {"type": "boolean", "description": "The receiver got them in the order they were made."},
})

API_EXPECT = obj({
    **VENDOR_SCOPED,
    "at": {**ref("offset"), "description": "When to send the request (default: at the end)."},
    "listener": text("Which of the vendor's ports (default its first)."),
    "method": enum(("GET", "POST", "PUT", "PATCH", "DELETE")), "path": text(pattern="^/"),
    "query": {"type": "object"}, "form": {"type": "object"}, "json": {}, "headers": {"type": "object"},
    "status": {"type": "integer"}, "body": {"description": "Subset the JSON answer must contain."},
    "find": {"type": "array", "items": {"type": "object"},
             "description": "Objects that must each appear somewhere in the JSON answer (as subsets)."},
    "text": {"type": "array", "items": {"type": "string"}, "description": "Strings the raw answer must contain."},
}, ["path"], description="A request to the vendor's own API and what it must answer. Strings may use "
                         "${c1.id}, ${c1.caller}, ${agent.a1.extension}, ${credentials.NAME}, ${date}.")

EXPECT = obj({
    "cdrs": {"type": "object", "additionalProperties": ref("call_expect"),
              "description": "Per call label: what its CDR must show."},
    "totals": {"type": "array", "items": ref("totals")},
    "states": {"type": "array", "items": ref("states")},
    "events": obj({"match": enum(("ordered", "exact", "unordered")),
                   "items": {"type": "array", "items": EVENT_ITEM},
                   "count": {"type": "object", "additionalProperties": ref("count_matcher")}}),
    "webhooks": {"type": "array", "items": ref("webhook_expect")},
    "api": {"type": "array", "items": ref("api_expect")},
})


def _step_schema() -> Schema:
    names = [*ACTIONS, *CONTROL_STEPS]
    inner = {n: ref(f"step_{n}") for n in ACTIONS}
    expect_error = {"type": "object", "additionalProperties": False,
                    "description": "Run the wrapped step and require the core to refuse it with this "
                                   "error, changing nothing.",
                    "properties": {"error": enum(error_codes()), **inner},
                    "required": ["error"],
                    "oneOf": [{"required": [n]} for n in ACTIONS]}
    return {
        "type": "object",
        "description": "One step: exactly one action, at an offset (at) or after the previous step (after).",
        "properties": {"at": {**ref("offset"), "description": "Time from the start."},
                       "after": {**ref("duration"), "description": "Delay after the previous step."},
                       "optional": {"type": "boolean", "description": "Skip (noted) where the vendor "
                                    "cannot express it instead of making the scenario not applicable."},
                       "note": text("Free text, shown in reports."),
                       **inner, "wait_until": ref("wait_until"), "expect_error": expect_error},
        "additionalProperties": False,
        "propertyNames": {"not": ref("reserved_steps")},
        "not": {"required": ["at", "after"]},
        "oneOf": [{"required": [n]} for n in names],
    }


def build_schema() -> Schema:
    defs: dict[str, Schema] = dict(DEFS)
    defs.update({f"step_{name}": {**a.args, "description": a.summary} for name, a in ACTIONS.items()})
    defs.update({
        "behaviour": BEHAVIOUR, "agent": AGENT, "queue": QUEUE, "number": NUMBER, "party": PARTY,
        "dist": DIST, "wait_until": WAIT_UNTIL, "call_expect": CALL_EXPECT, "states": STATES,
        "totals": TOTALS, "webhook_expect": WEBHOOK_EXPECT, "api_expect": API_EXPECT, "step": _step_schema(),
        "reserved_steps": {"description": "Step names kept free for engines that do not exist yet ("
                           + ("; ".join(f"{k}: {v}" for k, v in RESERVED.items()) or "none at present")
                           + "). The schema refuses them until an engine executes them.",
                           "enum": list(RESERVED)},
    })
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "telemock scenario",
        "description": "A vendor-neutral call flow that runs on the emulator's clock against any vendor, "
                       "emits that vendor's webhooks and checks expectations. See docs/SCENARIOS.md.",
        "type": "object",
        "additionalProperties": False,
        "required": ["name"],
        "anyOf": [{"required": ["timeline"]}, {"required": ["generate"]}],
        "properties": {
            "name": text("Short name of the scenario.", minLength=1),
            "description": text("What the scenario shows."),
            "vendors": {"type": "array", "items": {"type": "string"}, "uniqueItems": True,
                        "description": "Vendors it applies to (default: every vendor)."},
            "seed": {"type": "integer", "minimum": 0, "description": "Seed of the tenant and the generators."},
            "start": text("ISO 8601 instant the clock starts at (default 2026-01-05T14:00:00Z).",
                          pattern=r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"),
            "end": {**ref("offset"), "description": "Stop the clock here (default: when nothing is left to happen)."},
            "world": WORLD,
            "webhooks": WEBHOOKS,
            "timeline": {"type": "array", "items": ref("step")},
            "generate": {"type": "array", "items": GENERATOR},
            "expect": EXPECT,
        },
        "$defs": defs,
    }


SCHEMA: Schema = build_schema()


def schema_text() -> str:
    """The published form: 2-space indented JSON with a final newline."""
    return json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n"


def describe_steps() -> list[tuple[str, str]]:
    return [(name, a.summary) for name, a in ACTIONS.items()] + [
        ("wait_until", WAIT_UNTIL["description"]), ("expect_error", "Require the core to refuse a step.")]


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
