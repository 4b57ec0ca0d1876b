"""Checking ``expect:`` against the world: CDRs, totals, states, domain events and webhooks.

Each check names the file line that asked for it, what was expected and what happened. API
checks live in ``api.py`` (they are requests, so they are async).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..core.calls import Call
from ..core.events import Event
from ..core.formats import sql_datetime
from ..core.webhooks import DELIVERED, NO_TARGET, Delivery
from .durations import parse_duration
from .match import count_ok, describe_bounds, duration_ok, fill, shown, subset_diff
from .observe import agent_view, waiting_in
from .result import Check

if TYPE_CHECKING:
    from .runner import Run

CALL_FIELDS: dict[str, Callable[[Call, float], Any]] = {
    "state": lambda c, now: c.state, "disposition": lambda c, now: c.disposition,
    "direction": lambda c, now: c.direction, "answered_by": lambda c, now: c.answered_by,
    "agent": lambda c, now: c.agent_id, "ended_by": lambda c, now: c.ended_by,
    "queue": lambda c, now: c.queue_id, "caller": lambda c, now: c.caller, "callee": lambda c, now: c.callee,
    "parked_slot": lambda c, now: c.parked_slot, "dtmf": lambda c, now: c.dtmf,
    "duration": lambda c, now: c.duration(now), "talk": lambda c, now: c.talk_time(now),
    "wait": lambda c, now: c.wait_time(), "hold": lambda c, now: c.hold_time(),
    "transfers": lambda c, now: len(c.transfers), "legs": lambda c, now: len(c.legs),
}
DURATIONS = ("duration", "talk", "wait", "hold")
COUNTS = ("transfers", "legs")


class TemplateError(KeyError):
    pass


def resolver(run: "Run") -> Callable[[str], Any]:
    """``${c1.id}``, ``${agent.a1.extension}``, ``${queue.q1.number}``, ``${credentials.key}``,
    ``${start}`` / ``${now}`` (PBX-local ``YYYY-MM-DD HH:MM:SS``), ``${now.date}``, ``${now+1h}``."""
    t = run.tenant

    def resolve(name: str) -> Any:
        head, _, rest = name.partition(".")
        for base, origin in (("start", run.t0), ("now", t.now())):
            if head.startswith(base) and head[len(base):len(base) + 1] in ("", "+", "-"):
                shift = head[len(base):]
                try:
                    delta = parse_duration(shift[1:]) if shift else 0.0
                except ValueError as exc:  # e.g. longer than any clock can run
                    raise TemplateError(f"${{{name}}}: {exc}") from None
                moment = origin + (delta if shift[:1] != "-" else -delta)
                text = sql_datetime(moment, t.timezone)
                return {"": text, "date": text[:10], "epoch": int(moment)}.get(rest, text)
        if head == "credentials" and rest in t.credentials:
            return t.credentials[rest]
        if head == "vendor":
            return run.vendor
        if head in ("agent", "queue"):
            ref_, _, attr = rest.partition(".")
            obj = (t.agents if head == "agent" else t.queues).get(ref_)
            if obj is not None and hasattr(obj, attr or "id"):
                return getattr(obj, attr or "id")
        call = run.call(head)
        if call is not None:
            attr = rest or "id"
            if attr in CALL_FIELDS:
                return CALL_FIELDS[attr](call, t.now())
            if hasattr(call, attr):
                return getattr(call, attr)
        raise TemplateError(f"unknown template ${{{name}}}")
    return resolve


def _check(run: "Run", kind: str, name: str, path: tuple[Any, ...], ok: bool | None,
           expected: str = "", actual: str = "", reason: str = "") -> None:
    run.result.checks.append(Check(kind, name, run.scenario.line_of(path), ok, expected, actual, reason))


def _call_field_ok(field: str, expected: Any, actual: Any) -> bool:
    if field in DURATIONS:
        return duration_ok(expected, actual)
    if field in COUNTS:
        return count_ok(expected, actual)
    return actual is not None and str(expected) == str(actual)


def check_calls(run: "Run") -> None:
    now = run.tenant.now()
    for label, fields in run.scenario.expect.get("cdrs", {}).items():
        call = run.call(label)
        base = ("expect", "cdrs", label)
        if call is None:
            _check(run, "cdrs", f"expect.cdrs.{label}", base, False, "the call exists", "it was never created")
            continue
        for field, expected in fields.items():
            actual = CALL_FIELDS[field](call, now)
            ok = _call_field_ok(field, expected, actual)
            _check(run, "cdrs", f"expect.cdrs.{label}.{field}", base + (field,), ok,
                   describe_bounds(expected), shown(actual))


def run_calls(run: "Run", of: str | None) -> list[Call]:
    t = run.tenant
    if of is not None:
        return [t.calls[c] for c in run.generated.get(of, [])]
    return list(t.calls.values())[run.baseline.calls:]


def check_totals(run: "Run") -> None:
    for i, total in enumerate(run.scenario.expect.get("totals", [])):
        calls = run_calls(run, total.get("of"))
        name = f"expect.totals[{i}]" + (f" (of {total['of']})" if "of" in total else "")
        if "calls" in total:
            _check(run, "totals", f"{name}.calls", ("expect", "totals", i, "calls"),
                   count_ok(total["calls"], len(calls)), describe_bounds(total["calls"]), str(len(calls)))
        for disposition, expected in total.get("dispositions", {}).items():
            n = sum(1 for c in calls if c.disposition == disposition)
            _check(run, "totals", f"{name}.dispositions.{disposition}",
                   ("expect", "totals", i, "dispositions", disposition), count_ok(expected, n),
                   describe_bounds(expected), str(n))


def evaluate_states(run: "Run", item: dict[str, Any], index: int) -> None:
    t = run.tenant
    base = ("expect", "states", index)
    at = f"at {item['at']}"
    for agent_id, want in item.get("agents", {}).items():
        view = agent_view(t, str(agent_id))
        want_d = {"state": want} if isinstance(want, str) else want
        name = f"expect.states[{index}].agents.{agent_id} ({at})"
        if view is None:
            _check(run, "states", name, base + ("agents", agent_id), False, shown(want), "no such agent")
            continue
        bad = {k: view[k] for k, v in want_d.items()
               if not (count_ok(v, view[k]) if k == "calls_taken" else view[k] == v)}
        _check(run, "states", name, base + ("agents", agent_id), not bad, shown(want_d),
               shown({k: view[k] for k in want_d}))
    for label, state in item.get("calls", {}).items():
        call = run.call(label)
        actual = call.state if call else "not created"
        _check(run, "states", f"expect.states[{index}].calls.{label} ({at})", base + ("calls", label),
               actual == state, state, actual)
    for queue_id, want in item.get("queues", {}).items():
        n = waiting_in(t, str(queue_id))
        _check(run, "states", f"expect.states[{index}].queues.{queue_id}.waiting ({at})",
               base + ("queues", queue_id), count_ok(want["waiting"], n), describe_bounds(want["waiting"]), str(n))


def _sequence(items: list[dict[str, Any]], seen: list[Any], matches: Callable[[dict[str, Any], Any], bool],
              mode: str) -> tuple[int | None, str]:
    """Match expected ``items`` against ``seen``: (index of the first item not matched, detail)."""
    if mode == "unordered":
        free = list(range(len(seen)))
        for i, item in enumerate(items):
            hit = next((j for j in free if matches(item, seen[j])), None)
            if hit is None:
                return i, "not found among the remaining ones"
            free.remove(hit)
        return None, ""
    if mode == "exact":
        for i, item in enumerate(items):
            if i >= len(seen):
                return i, f"only {len(seen)} were made"
            if not matches(item, seen[i]):
                return i, f"number {i + 1} differs"
        if len(seen) > len(items):
            return len(items), f"{len(seen) - len(items)} more were made than listed"
        return None, ""
    pos = 0
    for i, item in enumerate(items):
        while pos < len(seen) and not matches(item, seen[pos]):
            pos += 1
        if pos >= len(seen):
            return i, "not found after the ones matched before it"
        pos += 1
    return None, ""


def check_events(run: "Run") -> None:
    spec = run.scenario.expect.get("events")
    if not spec:
        return
    t = run.tenant
    events = [e for e in t.events if e.seq > run.baseline.event_seq]
    resolve = resolver(run)

    def matches(item: dict[str, Any], e: Event) -> bool:
        return (e.type == item["type"] and ("call" not in item or e.call_id == run.labels.get(item["call"]))
                and ("agent" not in item or e.agent_id == str(item["agent"]))
                and subset_diff(item.get("data", {}), e.data) is None)

    try:
        items = fill(spec.get("items", []), resolve)
    except TemplateError as exc:
        return _check(run, "events", "expect.events", ("expect", "events"), False, reason=str(exc))
    mode = spec.get("match", "ordered")
    seen = [e for e in events if e.type in {i["type"] for i in items}] if mode == "exact" else events
    miss, detail = _sequence(items, seen, matches, mode)
    base = ("expect", "events")
    if items:
        _check(run, "events", f"expect.events ({mode}, {len(items)} items)",
               base + (("items", miss) if miss is not None and miss < len(items) else ("items",)), miss is None,
               shown(items[miss]) if miss is not None and miss < len(items) else f"{len(items)} events",
               "; ".join(f"{e.type}({run.label_of(e.call_id) or e.agent_id or ''})" for e in seen[:12])
               + (" ..." if len(seen) > 12 else ""), detail)
    for kind, expected in spec.get("count", {}).items():
        n = len(events) if kind == "total" else sum(1 for e in events if e.type == kind)
        _check(run, "events", f"expect.events.count.{kind}", base + ("count", kind), count_ok(expected, n),
               describe_bounds(expected), str(n))


def check_webhooks(run: "Run") -> None:
    t = run.tenant
    made = t.outbox.since(run.baseline.outbox_seq)
    for i, block in enumerate(run.scenario.expect.get("webhooks", [])):
        base = ("expect", "webhooks", i)
        name = f"expect.webhooks[{i}]"
        if block.get("vendor") and block["vendor"] != run.vendor:
            run.result.scoped_out.append(f"{name} is for {block['vendor']}")
            continue
        if not run.caps.has("webhooks"):
            reason = f"skipped: {run.vendor} has no webhooks"
            if block.get("optional"):
                run.result.notes.append(f"{name} (optional) {reason}")
            else:
                _check(run, "webhooks", name, base, None, reason=reason)
            continue
        _check_block(run, block, made, base, name)


def _check_block(run: "Run", block: dict[str, Any], made: list[Delivery], base: tuple[Any, ...], name: str) -> None:
    resolve = resolver(run)

    def matches(item: dict[str, Any], d: Delivery) -> bool:
        return (("event" not in item or d.event == item["event"])
                and ("call" not in item or d.call_id == run.labels.get(item["call"]))
                and subset_diff(item.get("fields", {}), d.fields) is None)

    try:
        items = fill(block.get("deliveries", []), resolve)
    except TemplateError as exc:
        return _check(run, "webhooks", f"{name}.deliveries", base + ("deliveries",), False, reason=str(exc))
    if items:
        mode = block.get("match", "ordered")
        miss, detail = _sequence(items, made, matches, mode)
        near = _nearest(items[miss], made, run) if miss is not None and miss < len(items) else ""
        _check(run, "webhooks", f"{name}.deliveries ({mode}, {len(items)} items)",
               base + (("deliveries", miss) if miss is not None and miss < len(items) else ("deliveries",)),
               miss is None,
               shown(items[miss]) if miss is not None and miss < len(items) else f"{len(items)} deliveries",
               ", ".join(d.event for d in made[:15]) + (" ..." if len(made) > 15 else "") or "no webhooks",
               detail + near)
    for event, expected in block.get("count", {}).items():
        n = len(made) if event == "total" else sum(1 for d in made if d.event == event)
        _check(run, "webhooks", f"{name}.count.{event}", base + ("count", event), count_ok(expected, n),
               describe_bounds(expected), str(n))
    if "delivered" in block:
        pending = [d for d in made if d.state != DELIVERED]
        no_target = any(d.state == NO_TARGET for d in made)
        ok = (not pending) == bool(block["delivered"]) and bool(made)
        _check(run, "webhooks", f"{name}.delivered", base + ("delivered",), ok,
               "every delivery delivered" if block["delivered"] else "some delivery not delivered",
               f"{len(made) - len(pending)}/{len(made)} delivered"
               + (" (no receiver URL configured)" if no_target else ""))
    if "attempts" in block:
        most = max((len(d.attempts) for d in made), default=0)
        _check(run, "webhooks", f"{name}.attempts", base + ("attempts",), count_ok(block["attempts"], most),
               f"most attempts {describe_bounds(block['attempts'])}", str(most))
    if block.get("in_order"):
        sent = [d.body.encode() for d in made if d.state == DELIVERED]
        got = [r.body for r in run.receiver.received][-len(sent):] if sent else []
        actual = ("nothing was delivered" if not sent else
                  f"{len(got)} received, {'same order' if sent == got else 'different order or content'}")
        _check(run, "webhooks", f"{name}.in_order", base + ("in_order",), sent == got and bool(sent),
               "the receiver got every delivery once, in order", actual)


def _nearest(item: dict[str, Any], made: list[Delivery], run: "Run") -> str:
    """For a report: how the closest delivery of the expected event differs."""
    same = [d for d in made if d.event == item.get("event")
            and ("call" not in item or d.call_id == run.labels.get(item["call"]))]
    if not same:
        return f"; no {item.get('event', 'delivery')} was made" + (f" for {item['call']}" if "call" in item else "")
    diff = subset_diff(item.get("fields", {}), same[0].fields)
    return f"; nearest {same[0].event} ({same[0].id}): {diff}" if diff else ""


def evaluate_end(run: "Run") -> None:
    for step in (check_calls, check_totals, check_events, check_webhooks):
        step(run)
