"""The scenario runner: moves one tenant's clock timer to timer and action to action.

It never names a vendor: steps call core engines, the tenant's dialect renders whatever the
vendor would send, and expectations read the world and the outbox. ``Run.advance`` is
synchronous and bounded; a driver (``driver.py``) calls it, lets webhooks go out between
clock moves, runs API checks, and paces it for ``--speed``.

Order at one instant: clock timers due at T fire first, then the timeline steps at T, then
generated arrivals, then the checks at T.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

from ..core import engine
from ..core.calls import Call
from ..core.clock import LATEST
from ..core.errors import CallNotFound, CoreError
from ..core.formats import parse_instant, utc_iso
from ..core.world import Tenant
from . import generate, plan
from .actions import ACTIONS, inner_step, step_needs
from .capabilities import capabilities_of
from .durations import format_duration
from .expect import evaluate_end, evaluate_states
from .model import Scenario, Step
from .observe import Condition
from .plan import Checkpoint
from .receiver import Receiver
from .result import ERROR, SKIPPED, Check, Result
from .worlds import apply_world

RECENT_STEPS = 50
"""Steps a run's progress lists (a paced run prints each; polls come several times a second)."""


@dataclass(frozen=True)
class Baseline:
    """Where the tenant stood when the run began: what expectations count from."""

    t0: float
    """Virtual time of the run's start."""
    event_seq: int
    """Events up to this sequence number happened before the run."""
    outbox_seq: int
    """Webhook deliveries up to this number were made before the run."""
    calls: int
    """How many calls the tenant had made before the run."""


class Run:
    def __init__(self, scenario: Scenario, tenant: Tenant, *, seed: int | None = None,
                 webhook_url: str | None = None, receiver: Receiver | None = None) -> None:
        self.scenario = scenario
        self.tenant = tenant
        self.caps = capabilities_of(tenant.dialect)
        self.vendor = self.caps.vendor
        self.seed = seed if seed is not None else (scenario.seed or 0)
        self.webhook_url = webhook_url
        self.receiver = receiver or Receiver()
        self.result = Result(scenario.name, scenario.file, self.vendor, tenant.id)
        self.labels: dict[str, str] = {}
        """Call label → call id."""
        self._labels_by_id: dict[str, str] = {}
        self.generated: dict[str, list[str]] = {}
        """Generator id → ids of its calls."""
        self.done = False
        self.kicked = False
        """Set when the outbox woke the dispatcher: the driver must let it send before time moves."""
        self.api_due: list[Checkpoint] = []
        self.started = False
        self.t0 = tenant.now()
        self.baseline = Baseline(self.t0, tenant.event_seq, tenant.outbox.seq, len(tenant.calls))
        """Set again when the run is prepared (after the world is built)."""
        # The plan, filled by ``prepare``:
        self.arrivals: list[generate.Arrival] = []
        self.ai = 0
        """Index of the next generated arrival."""
        self.checkpoints: list[Checkpoint] = []
        self.ci = 0
        """Index of the next checkpoint."""
        self.ti = 0
        """Index of the next timeline step."""
        self.prev = self.t0
        self.wait: tuple[Step, Condition, float] | None = None
        """A pending ``wait_until``: its step, its condition and its deadline."""
        self.step_time: float | None = None
        self.planned = 0.0
        self.hard_stop = math.inf
        self.steps_done = 0
        self.recent_steps: deque[tuple[int, str]] = deque(maxlen=RECENT_STEPS)
        """(number, line) of the latest steps run, for the progress of paced runs."""

    # -- StepContext ----------------------------------------------------------------------
    def call_id(self, label: str) -> str:
        if label not in self.labels:
            raise CallNotFound(f"no call labelled {label!r} yet", call_id=label)
        return self.labels[label]

    def call(self, label: str) -> Call | None:
        call_id = self.labels.get(label)
        return self.tenant.calls.get(call_id) if call_id else None

    def label_of(self, call_id: str | None) -> str | None:
        """The label of a call (for reports), or its id when it has none."""
        if call_id is None:
            return None
        if len(self._labels_by_id) != len(self.labels):
            self._labels_by_id = {v: k for k, v in self.labels.items()}
        return self._labels_by_id.get(call_id, call_id)

    def bind_call(self, label: str | None, call: Call, talk: float | None) -> None:
        if label:
            self.labels[label] = call.id
        if talk is not None:
            engine.plan_talk(self.tenant, call.id, talk)

    def set_receiver(self, state: str, status: int, latency: float) -> None:
        self.receiver.set(state, status, latency)

    def webhooks_made(self) -> int:
        return self.tenant.outbox.seq - self.baseline.outbox_seq

    # -- preparing ------------------------------------------------------------------------
    def prepare(self) -> bool:
        """Check the scenario applies, build the world, plan the day. False: skipped."""
        sc, t = self.scenario, self.tenant
        reason = plan.not_applicable(sc, self.caps)
        if reason:
            self.result.status, self.result.reason = SKIPPED, reason
            self.done = True
            return False
        if not self.caps.declared:
            self.result.notes.append(f"{self.vendor}'s dialect declares no features; all were assumed")
        if self._reach() > LATEST:  # before anything changes: the tenant's clock may be late already
            self.result.status = ERROR
            self.result.reason = "the run would take the clock past 3000-01-01T00:00:00Z, where every clock stops"
            self.done = True
            return False
        if sc.start:
            target = parse_instant(sc.start)
            if target > t.now():
                t.clock.advance_to(target)
            elif target < t.now():
                self.result.notes.append(f"start {sc.start} ignored: the tenant clock is already at {utc_iso(t.now())}")
        apply_world(t, sc.world)
        patch = plan.webhook_patch(sc.webhooks, self.webhook_url)
        if patch is None and plan.asks_for_a_receiver(sc.expect):
            patch = plan.webhook_patch({}, None)
            self.result.notes.append("webhooks went to the built-in receiver: an expectation asks whether "
                                     "they arrive and the file has no `webhooks:`")
        if patch:
            t.configure(patch)
            self.receiver.timeout = float(t.settings["webhooks"]["timeout"])
        self.t0 = t.now()
        self.baseline = Baseline(self.t0, t.event_seq, t.outbox.seq, len(t.calls))
        t.outbox.hold(self.baseline.outbox_seq)  # expectations read every delivery the run makes
        self.arrivals, self.ai = plan.arrivals(sc, self.seed), 0
        self.checkpoints, self.ci = plan.checkpoints(sc.expect, self.t0), 0
        self.ti, self.prev = 0, self.t0
        self.wait = None
        self.step_time = self._time_of(0)
        self.planned = plan.span(sc, self.checkpoints, self.t0)
        self.hard_stop = self.t0 + (sc.end if sc.end is not None else self.planned + plan.DRAIN_HORIZON)
        self.started = True
        return True

    def _reach(self) -> float:
        """The latest instant the run may move the tenant's clock to (its safety stop)."""
        sc, now = self.scenario, self.tenant.now()
        t0 = max(parse_instant(sc.start), now) if sc.start else now
        if sc.end is not None:
            return t0 + sc.end
        return t0 + plan.span(sc, plan.checkpoints(sc.expect, t0), t0) + plan.DRAIN_HORIZON

    def _time_of(self, index: int) -> float | None:
        steps = self.scenario.steps
        if index >= len(steps):
            return None
        step = steps[index]
        if step.at is not None:
            planned = self.t0 + step.at
            if planned < self.tenant.now():
                self.result.notes.append(f"{step.describe()} planned at {format_duration(step.at)} ran at "
                                         f"{format_duration(self.tenant.now() - self.t0)} (after a wait)")
            return max(planned, self.tenant.now())
        return self.prev + step.after

    # -- running --------------------------------------------------------------------------
    def next_time(self) -> float | None:
        """The next moment anything happens (a timer or an action), or None when nothing will."""
        action = self._next_action()
        timer = self.tenant.clock.peek()
        return min(x for x in (action, timer) if x is not None) if (action or timer) else None

    def _next_action(self) -> float | None:
        # Asked once per move of a busy day: the earliest of a few times, without building lists.
        first: float | None = None
        if self.wait is not None:
            if self.tenant.clock.peek() is None and self._next_other() is None:
                return None  # only the deadline is left: nothing can make the wait hold
            first = self.wait[2]
        elif self.step_time is not None:
            first = self.step_time
        other = self._next_other()
        if other is None:
            return first
        return other if first is None or other < first else first

    def _next_other(self) -> float | None:
        """The next generated arrival, checkpoint or end, or None."""
        first: float | None = None
        if self.ai < len(self.arrivals):
            first = self.t0 + self.arrivals[self.ai].at
        if self.ci < len(self.checkpoints):
            at = self.checkpoints[self.ci].at
            if first is None or at < first:
                first = at
        if self.scenario.end is not None:
            at = self.t0 + self.scenario.end
            if first is None or at < first:
                first = at
        return first

    def advance(self, limit: float = math.inf, budget: int = 20000) -> None:
        """Do up to ``budget`` units of work, none later than virtual time ``limit``.

        Returns early when webhooks wait to be sent (``kicked``), an API check is due
        (``api_due``) or the run is done.
        """
        clock = self.tenant.clock
        while budget > 0 and not self.done and not self.kicked and not self.api_due:
            budget -= 1
            action = self._next_action()
            timer = clock.peek()
            if timer is not None and (action is None or timer <= action):
                # Fire timers up to the next action; the plan changes only when a wait resolves.
                while timer is not None and (action is None or timer <= action):
                    if timer > limit:
                        return
                    if timer > self.hard_stop:
                        self._stop(f"still busy {format_duration(self.hard_stop - self.t0)} "
                                   "after the start; stopped")
                        return
                    if self.wait is None:
                        # Nothing to look at between instants but webhooks to send and the budget:
                        # the clock fires the instants up to the next action in one go.
                        budget = self._fire_instants(min(limit, self.hard_stop, math.inf if action is None
                                                         else action), budget)
                    else:
                        clock.advance_to(timer)  # = step(): every timer due then fires
                        budget -= 1
                    if self._react() or self.kicked or self.done or budget <= 0:
                        break
                    timer = clock.peek()
                continue
            if action is None:
                self._idle()
                continue
            if action > limit:
                return
            if action > clock.now():
                clock.advance_to(action)
            self._act(clock.now())
            self._react()

    def _fire_instants(self, bound: float, budget: int) -> int:
        """Fire the instants with timers due by ``bound``, one budget unit each, stopping before
        the next once webhooks wait (``kicked``) or the budget is spent; returns what is left."""
        left = budget - 1

        def stop() -> bool:
            nonlocal left
            if self.kicked or left <= 0:
                return True
            left -= 1
            return False

        self.tenant.clock.fire_due(bound, stop)
        return left

    def _act(self, now: float) -> None:
        sc = self.scenario
        if self.wait is not None and now >= self.wait[2]:
            step, cond, _ = self.wait
            ok, wanted, actual = cond.check()
            if not ok:
                return self._abort(step, f"wait_until timed out after {format_duration(cond.timeout)}",
                                   wanted, actual)
        while self.wait is None and self.step_time is not None and self.step_time <= now and not self.done:
            self._run_step(sc.steps[self.ti])
        while self.ai < len(self.arrivals) and self.t0 + self.arrivals[self.ai].at <= now and not self.done:
            self._arrive(self.arrivals[self.ai])
            self.ai += 1
        while self.ci < len(self.checkpoints) and self.checkpoints[self.ci].at <= now and not self.done:
            cp = self.checkpoints[self.ci]
            self.ci += 1
            if cp.kind == "states":
                evaluate_states(self, cp.item, cp.index)
            else:
                self.api_due.append(cp)
        if sc.end is not None and now >= self.t0 + sc.end:
            self._stop("")

    def _next_step(self) -> None:
        self.prev = self.tenant.now()
        self.ti += 1
        self.step_time = self._time_of(self.ti)

    def _run_step(self, step: Step) -> None:
        self.steps_done += 1
        self.recent_steps.append((self.steps_done, f"{format_duration(self.tenant.now() - self.t0):>8}  "
                                                   f"{step.describe()}"))
        lacks = [f for f in step_needs(step.name, step.args) if not self.caps.has(f)]
        if lacks:  # only optional steps get here (prepare() skipped the others)
            self.result.notes.append(f"{step.describe()} skipped (optional): {self.caps.lacks_message(lacks[0])}")
            return self._next_step()
        if step.name == "wait_until":
            cond = Condition(step.args, self.tenant, self.call, self.webhooks_made)
            if cond.holds():
                return self._next_step()
            self.wait = (step, cond, self.tenant.now() + cond.timeout)
            self.step_time = None
            return
        if step.name == "expect_error":
            self._expect_error(step)
            return self._next_step()
        try:
            ACTIONS[step.name].run(self, step.args)
        except CoreError as exc:
            return self._abort(step, "the core refused the step", "the step is accepted",
                               f"refused ({exc.code}): {exc}")
        self._next_step()

    def _expect_error(self, step: Step) -> None:
        name, args = inner_step(step.args) or ("", {})
        want = step.args["error"]
        before = self.tenant.event_seq
        check = Check("step", f"timeline[{step.index}].expect_error ({name})", step.line, False,
                      expected=f"refused with {want}, nothing changed")
        try:
            ACTIONS[name].run(self, args)
            check.actual = "the core accepted it"
        except CoreError as exc:
            codes = [getattr(c, "code", "") for c in type(exc).__mro__]
            changed = self.tenant.event_seq != before
            check.ok = want in codes and not changed
            check.actual = f"refused with {exc.code}: {exc}" + (" (but events were recorded)" if changed else "")
        self.result.checks.append(check)

    def _arrive(self, a: generate.Arrival) -> None:
        t = self.tenant
        try:
            call = engine.inbound_call(t, a.caller, a.to, origin="scenario", patience=a.patience,
                                       tags={"label": a.label, "generator": a.generator})
        except CoreError as exc:
            self._abort(None, f"generator {a.generator} could not place call {a.label}",
                        f"a call to {a.to}", f"refused ({exc.code}): {exc}")
            return
        self.generated.setdefault(a.generator, []).append(call.id)
        if a.talk is not None:
            engine.plan_talk(t, call.id, a.talk)

    def _react(self) -> bool:
        """Follow what just happened: a pending wait_until (True when it resolved, so the plan
        changed)."""
        if self.wait is not None and self.wait[1].holds():
            self.wait = None
            self._next_step()
            return True
        return False

    def _idle(self) -> None:
        if self.wait is not None:  # nothing can happen any more, so it never will
            step, cond, _ = self.wait
            _, wanted, actual = cond.check()
            return self._abort(step, "wait_until can never hold: nothing is left to happen", wanted, actual)
        self._stop("")

    def _abort(self, step: Step | None, why: str, expected: str, actual: str) -> None:
        name = f"timeline[{step.index}].{step.name}" if step else "generate"
        self.result.checks.append(Check("step", name, step.line if step else 0, False, expected, actual, why))
        self.result.status = ERROR
        self.result.reason = f"{step.describe() if step else 'a generator'}: {why}; the timeline stopped"
        self.done = True

    def _stop(self, note: str) -> None:
        if note:
            self.result.notes.append(note)
        if self.ti < len(self.scenario.steps):
            step = self.scenario.steps[self.ti]
            self.result.notes.append(f"the run ended before {step.describe()}"
                                     + (" stopped waiting" if self.wait is not None else " ran"))
        self.done = True

    # -- finishing ------------------------------------------------------------------------
    def finish(self, wall_seconds: float = 0.0) -> Result:
        res = self.result
        if self.started:
            t = self.tenant
            if res.status != ERROR:
                evaluate_end(self)
            else:
                res.notes.append("end expectations were not evaluated: the timeline stopped early")
            made = t.outbox.since(self.baseline.outbox_seq)
            t.outbox.hold(None)
            res.webhook_bodies = [d.body for d in made]
            dispositions: dict[str, int] = {}
            for call in list(t.calls.values())[self.baseline.calls:]:
                key = call.disposition or "live"
                dispositions[key] = dispositions.get(key, 0) + 1
            res.stats = {"calls": len(t.calls) - self.baseline.calls, "dispositions": dispositions,
                         "events": t.event_seq - self.baseline.event_seq,
                         "webhooks": self.webhooks_made(),
                         "simulated": format_duration(t.now() - self.t0), "simulated_seconds": t.now() - self.t0,
                         "wall_seconds": wall_seconds}
        res.settle()
        return res

    def progress(self) -> dict[str, Any]:
        t = self.tenant
        return {"simulated": t.now() - self.t0 if self.started else 0.0,
                "planned": self.planned,
                "calls": len(t.calls) - self.baseline.calls if self.started else 0,
                "webhooks": self.webhooks_made() if self.started else 0, "done": self.done,
                "steps_done": self.steps_done, "recent_steps": [list(s) for s in self.recent_steps]}

