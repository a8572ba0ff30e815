"""Exact reach and greedy under deterministic rules (ic with p = 1, complex thresholds)."""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np
import pytest

from groundswell.network.build import from_arrays
from groundswell.seeds import Constraints, best_k, check_selection, deterministic, fewest_seeds
from groundswell.seeds.complex import complex_seeds
from groundswell.spread import Model, simulate

MODELS = [
    Model("ic", p=1.0),
    Model("ic", p=1.0, max_steps=2),
    Model("complex", threshold=2),
    Model("complex", fraction=0.5),
    Model("complex", threshold=2, max_steps=1),
    Model("sir", p=1.0, recovery=1.0),
]


def _graph(rng: np.random.Generator, n: int, directed: bool):
    m = int(rng.integers(n, 3 * n + 1))
    return from_arrays(rng.integers(0, n, m), rng.integers(0, n, m), n=n, directed=directed)[0]


def _within(graph, seeds, steps: int | None) -> int:
    """People within ``steps`` ties of ``seeds`` by breadth-first search (the reference)."""
    dist = {int(s): 0 for s in seeds}
    queue = deque(dist)
    while queue:
        u = queue.popleft()
        if steps is not None and dist[u] >= steps:
            continue
        for v in graph.neighbours(u):
            if int(v) not in dist:
                dist[int(v)] = dist[u] + 1
                queue.append(int(v))
    return len(dist)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.describe())
def test_exact_count_matches_one_run_of_the_simulation_and_breadth_first_search(model):
    rng = np.random.default_rng(11)
    assert deterministic.rule(model) is not None
    for trial in range(40):
        g = _graph(rng, int(rng.integers(2, 40)), directed=bool(trial % 2))
        seeds = rng.choice(g.n, size=int(rng.integers(1, max(2, g.n // 3))), replace=False)
        got = deterministic.count(g, model, seeds)
        assert got == simulate(g, model, seeds.astype(np.int32), runs=1, seed=0).reach_mean
        if model.kind != "complex":
            assert got == _within(g, seeds, model.max_steps)
        curve = deterministic.prefix_count(g, model, seeds)
        assert curve[-1] == got and curve[0] == 0


def test_random_and_fading_models_are_not_counted():
    for model in (Model("ic", p=0.5), Model("wc"), Model("lt"), Model("sir", p=1, recovery=0.5)):
        assert deterministic.rule(model) is None
    assert deterministic.rule(Model("complex", threshold=2, never_adopt=0.1)) is None


def _plain_greedy(graph, model, candidates, k):
    chosen: list[int] = []
    for _ in range(k):
        base = deterministic.count(graph, model, np.array(chosen, dtype=np.int64))
        gains = [
            (deterministic.count(graph, model, np.array([*chosen, u])) - base, -u)
            for u in candidates
            if u not in chosen
        ]
        if not gains or max(gains)[0] <= 0:
            break
        chosen.append(-max(gains)[1])
    return chosen


@pytest.mark.parametrize("model", MODELS[:2], ids=lambda m: m.describe())
def test_lazy_greedy_picks_what_plain_greedy_picks_and_counts_it_exactly(model):
    rng = np.random.default_rng(5)
    for trial in range(25):
        g = _graph(rng, int(rng.integers(3, 40)), directed=bool(trial % 2))
        k = int(rng.integers(1, 6))
        sel = best_k(g, model, k)
        assert sel.seeds.tolist() == _plain_greedy(g, model, list(range(g.n)), k)
        assert sel.verified == _within(g, sel.seeds, model.max_steps) == sel.estimate
        assert sel.rr_sets == 0


def test_best_k_is_within_greedys_guarantee_of_the_optimum_found_by_exhaustive_search():
    rng = np.random.default_rng(8)
    model = Model("ic", p=1.0, max_steps=2)
    for _ in range(12):
        g = _graph(rng, int(rng.integers(5, 14)), directed=True)
        k = 2
        best = max(_within(g, c, 2) for c in itertools.combinations(range(g.n), k))
        got = best_k(g, model, k).verified
        assert got is not None and got >= (1 - 1 / np.e) * best - 1e-9


@pytest.mark.parametrize("model", [MODELS[0], MODELS[1]], ids=lambda m: m.describe())
def test_target_is_reached_only_on_the_exact_count(model):
    rng = np.random.default_rng(21)
    for trial in range(20):
        g = _graph(rng, int(rng.integers(5, 50)), directed=bool(trial % 2))
        target = float(rng.choice([0.5, 0.8, 1.0]))
        consented = np.nonzero(rng.random(g.n) < 0.5)[0] if trial % 3 == 0 else None
        constraints = Constraints(consented=consented)
        sel = fewest_seeds(g, model, target, constraints=constraints)
        counted = _within(g, sel.seeds, model.max_steps)
        assert sel.verified == counted and sel.method.startswith("exact-greedy")
        report = check_selection(g, model, sel, baselines=True, constraints=constraints)
        assert report.check.runs == 0
        assert report.reached == (counted >= target * g.n - 1e-9)
        if consented is not None:
            assert np.isin(report.selection.seeds, consented).all()
            for ids, _check in report.baselines.values():
                assert np.isin(ids, consented).all()
        for ids, check in report.baselines.values():  # never beaten at the same size
            assert check.reach_mean <= report.check.reach_mean + 1e-9 or len(ids) > len(
                report.selection.seeds
            )


def test_greedy_on_a_threshold_rule_counts_each_prefix_exactly():
    rng = np.random.default_rng(2)
    model = Model("complex", threshold=2)
    for trial in range(20):
        g = _graph(rng, int(rng.integers(4, 40)), directed=bool(trial % 2))
        resolved = Constraints().resolve(g.n)
        got = deterministic.greedy(g, model, resolved, 6)
        assert got is not None
        order, after, forced_value = got
        assert forced_value == 0
        for i in range(order.size):
            assert after[i] == deterministic.count(g, model, order[: i + 1])


def test_complex_seeds_under_a_deterministic_rule_report_the_exact_reach():
    rng = np.random.default_rng(4)
    model = Model("complex", threshold=2)
    for trial in range(10):
        g = _graph(rng, int(rng.integers(10, 60)), directed=bool(trial % 2))
        sel = complex_seeds(g, model, target=0.6, seed=1)
        counted = deterministic.count(g, model, sel.seeds)
        assert sel.verified == sel.estimate == counted
        assert sel.reached == (counted >= 0.6 * g.n)
        assert check_selection(g, model, sel).check.reach_mean == counted


def test_past_the_work_limit_the_answer_falls_back_to_sampling():
    rng = np.random.default_rng(9)
    g = _graph(rng, 200, directed=True)
    resolved = Constraints().resolve(g.n)
    assert deterministic.greedy(g, Model("ic", p=1.0), resolved, 5, work=0) is None
    assert deterministic.greedy(g, Model("complex", threshold=2), resolved, 5, work=0) is None
    assert deterministic.greedy(g, Model("ic", p=1.0), resolved, 5) is not None
