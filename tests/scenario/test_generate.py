"""Load generators: reproducible from the seed, inside their window, with the asked-for shape."""

from __future__ import annotations

import random
import statistics

from hypothesis import given, settings
from hypothesis import strategies as st

from emulators.scenario.generate import Dist, arrivals, draw


def spec(**kw):  # type: ignore[no-untyped-def]
    return {"id": "g", "count": 500, "over": "1h", "to": "4000", **kw}


def test_same_seed_same_calls_other_seed_other_calls() -> None:
    a = arrivals(spec(talk={"mean": "3m"}), seed=1, index=0)
    assert a == arrivals(spec(talk={"mean": "3m"}), seed=1, index=0)
    assert a != arrivals(spec(talk={"mean": "3m"}), seed=2, index=0)
    assert a != arrivals(spec(talk={"mean": "3m"}), seed=1, index=1)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32), count=st.integers(1, 300), over=st.integers(1, 36000),
       start=st.integers(0, 600), uniform=st.booleans())
def test_arrivals_are_ordered_inside_the_window_and_callers_distinct(seed: int, count: int, over: int,
                                                                     start: int, uniform: bool) -> None:
    made = arrivals(spec(count=count, over=over, start=start, arrival="uniform" if uniform else "poisson"),
                    seed, 0)
    times = [a.at for a in made]
    assert len(made) == count and times == sorted(times)
    assert all(start <= t <= start + over for t in times)
    assert len({a.caller for a in made}) == count
    assert [a.label for a in made] == [f"g-{n}" for n in range(1, count + 1)]


def test_poisson_arrivals_look_poisson() -> None:
    made = arrivals(spec(count=5000, over="10h"), seed=3, index=0)
    gaps = [b.at - a.at for a, b in zip(made, made[1:])]
    mean = statistics.mean(gaps)
    assert 6.5 < mean < 7.9  # 36000 s / 5000 calls = 7.2 s
    assert 0.8 < statistics.stdev(gaps) / mean < 1.2  # exponential gaps: cv ~ 1


def test_distributions_respect_bounds_and_means() -> None:
    rng = random.Random(0)
    talk = Dist.parse({"mean": "3m", "min": "10s", "max": "10m"})
    values = [draw(rng, talk) for _ in range(4000)]
    assert min(values) >= 10 and max(values) <= 600 and all(v == int(v) for v in values)
    assert 160 < statistics.mean(values) < 200
    assert draw(rng, Dist.parse({"mean": "30s", "dist": "fixed"})) == 30
    uniform = [draw(rng, Dist.parse({"min": "1m", "max": "2m", "dist": "uniform"})) for _ in range(500)]
    assert min(uniform) >= 60 and max(uniform) <= 120
    assert draw(rng, Dist.parse(None)) is None


def test_several_targets_are_all_used() -> None:
    made = arrivals(spec(to=["4000", "4001", "+15550100"]), seed=9, index=0)
    assert {a.to for a in made} == {"4000", "4001", "+15550100"}
