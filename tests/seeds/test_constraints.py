"""Each constraint: consented-only, excluded, already active, cost with a budget."""

from __future__ import annotations

import numpy as np
import pytest

from groundswell.errors import InvalidInput
from groundswell.network.build import from_arrays
from groundswell.seeds import BASELINES, Constraints, best_k, fewest_seeds
from groundswell.spread import Model


@pytest.fixture
def graph():
    rng = np.random.default_rng(11)
    return from_arrays(rng.integers(0, 200, 1000), rng.integers(0, 200, 1000), n=200)[0]


MODEL = Model("ic", p=0.2)


def _hubs(graph, k):
    deg = graph.out_degree()
    return np.argsort(-deg, kind="stable")[:k]


def test_consented_only(graph):
    allowed = np.arange(100, 200)
    sel = best_k(graph, MODEL, 5, constraints=Constraints(consented=allowed))
    assert set(sel.seeds.tolist()) <= set(allowed.tolist())


def test_excluded_never_chosen(graph):
    hubs = _hubs(graph, 10)
    for fn in (
        lambda c: best_k(graph, MODEL, 5, constraints=c).seeds,
        lambda c: fewest_seeds(graph, MODEL, 0.3, constraints=c, error=0.03).seeds,
        *[lambda c, f=f: f(graph, 5, constraints=c) for f in BASELINES.values()],
    ):
        assert not set(fn(Constraints(excluded=hubs)).tolist()) & set(hubs.tolist())


def test_already_active_are_included_first_and_not_counted(graph):
    active = np.array([3, 4])
    sel = best_k(graph, MODEL, 5, constraints=Constraints(must_include=active))
    assert sel.seeds[:2].tolist() == [3, 4]
    assert sel.forced == 2 and len(sel.seeds) == 7
    with pytest.raises(InvalidInput, match="both already active"):
        best_k(graph, MODEL, 5, constraints=Constraints(must_include=[3], excluded=[3]))


def test_cost_budget_is_respected_and_cheap_people_preferred(graph):
    cost = np.ones(graph.n)
    hubs = _hubs(graph, 20)
    cost[hubs] = 100.0
    sel = best_k(graph, MODEL, graph.n, constraints=Constraints(cost=cost, budget=8.0))
    assert cost[sel.seeds].sum() <= 8.0
    assert not set(sel.seeds.tolist()) & set(hubs.tolist())
    assert "(1 - 1/e) / 2" in sel.guarantee
    with pytest.raises(InvalidInput, match="cost"):
        best_k(graph, MODEL, 3, constraints=Constraints(cost=np.zeros(graph.n), budget=1))
