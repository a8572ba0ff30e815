"""Simulated means against exact expectations from enumerating every live-edge world.

Kempe, Kleinberg & Tardos (KDD 2003): independent cascade is reachability in
a random graph keeping each arc with its probability (claim 2.3); linear
threshold equals each person keeping at most one in-arc, arc (u, v) with
probability b(u, v) and none with 1 - sum b (claim 2.6). On graphs with at most
12 arcs every world can be listed, so the expected reach is exact.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from spread_graphs import graph_of

from groundswell.network.graph import Graph
from groundswell.spread import Model, simulate

RUNS = 20_000


def _arcs(g: Graph) -> list[tuple[int, int]]:
    src = np.repeat(np.arange(g.n), np.diff(g.indptr))
    return list(zip(src.tolist(), g.indices.tolist(), strict=True))


def _reach(n: int, live: list[tuple[int, int]], seeds, blocked=frozenset()) -> int:
    out: dict[int, list[int]] = {}
    for u, v in live:
        out.setdefault(u, []).append(v)
    seen, stack = set(seeds), list(seeds)
    while stack:
        for v in out.get(stack.pop(), []):
            if v not in seen and v not in blocked:
                seen.add(v)
                stack.append(v)
    return len(seen)


def exact_ic(g: Graph, probs: np.ndarray, seeds, never: float = 0.0) -> float:
    arcs = _arcs(g)
    assert len(arcs) <= 12, "keep the enumeration small"
    others = [v for v in range(g.n) if v not in set(seeds)] if never else []
    total = 0.0
    for keep in itertools.product([0, 1], repeat=len(arcs)):
        pw = float(np.prod([p if k else 1 - p for p, k in zip(probs, keep, strict=True)]))
        live = [a for a, k in zip(arcs, keep, strict=True) if k]
        for block in itertools.product([0, 1], repeat=len(others)):
            pb = float(np.prod([never if b else 1 - never for b in block]))
            blocked = frozenset(v for v, b in zip(others, block, strict=True) if b)
            total += pw * pb * _reach(g.n, live, seeds, blocked)
    return total


def exact_lt(g: Graph, weights: np.ndarray, seeds) -> float:
    arcs = _arcs(g)
    assert len(arcs) <= 12
    into: dict[int, list[tuple[int, float]]] = {v: [] for v in range(g.n)}
    for (u, v), b in zip(arcs, weights, strict=True):
        into[v].append((u, b))
    # Each person picks one in-arc (u, b) or none (None, 1 - sum b).
    choices = [[*into[v], (None, 1.0 - sum(b for _, b in into[v]))] for v in range(g.n)]
    total = 0.0
    for pick in itertools.product(*choices):
        prob = float(np.prod([b for _, b in pick]))
        if prob <= 0:
            continue
        live = [(u, v) for v, (u, _) in enumerate(pick) if u is not None]
        total += prob * _reach(g.n, live, seeds)
    return total


def _within_3_se(model: Model, g: Graph, seeds, expected: float) -> None:
    r = simulate(g, model, np.array(seeds), runs=RUNS, seed=12)
    assert abs(r.reach_mean - expected) <= 3 * r.reach_se + 1e-12, (r.reach_mean, expected)


DIRECTED = graph_of([(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 1), (2, 5), (5, 4)], 6, True)
UNDIRECTED = graph_of([(0, 1), (1, 2), (2, 3), (3, 0), (2, 4), (4, 5)], 6)  # 12 arcs


@pytest.mark.parametrize("g", [DIRECTED, UNDIRECTED], ids=["directed", "undirected"])
@pytest.mark.parametrize("p", [0.2, 0.5])
def test_ic_uniform(g: Graph, p: float) -> None:
    _within_3_se(Model("ic", p=p), g, [0], exact_ic(g, np.full(g.stored_edges, p), [0]))


def test_ic_per_edge_probabilities() -> None:
    w = np.array([0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.6, 0.4])
    g = graph_of([(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 1), (2, 5), (5, 4)], 6, True, w)
    _within_3_se(Model("ic"), g, [0], exact_ic(g, g.weights.astype(float), [0]))


def test_weighted_cascade_is_one_over_in_degree() -> None:
    g = DIRECTED
    probs = 1.0 / g.in_degree()[g.indices]
    _within_3_se(Model("wc"), g, [0], exact_ic(g, probs, [0]))


def test_ic_with_a_share_who_never_adopt() -> None:
    g = graph_of([(0, 1), (1, 2), (2, 3), (1, 4), (4, 3)], 5, True)
    exact = exact_ic(g, np.full(5, 0.6), [0], never=0.25)
    _within_3_se(Model("ic", p=0.6, never_adopt=0.25), g, [0], exact)


@pytest.mark.parametrize("g", [DIRECTED, UNDIRECTED], ids=["directed", "undirected"])
def test_linear_threshold_unweighted(g: Graph) -> None:
    b = 1.0 / g.in_degree()[g.indices]
    _within_3_se(Model("lt"), g, [0], exact_lt(g, b, [0]))


def test_linear_threshold_weights_normalised_by_in_weight() -> None:
    w = np.array([2.0, 1.0, 1.0, 3.0, 1.0, 1.0, 1.0, 2.0])
    g = graph_of([(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 1), (2, 5), (5, 4)], 6, True, w)
    wf = g.weights.astype(float)
    b = wf / np.bincount(g.indices, weights=wf, minlength=g.n)[g.indices]
    _within_3_se(Model("lt"), g, [0, 5], exact_lt(g, b, [0, 5]))


def test_direct_contact_is_one_step() -> None:
    g = DIRECTED  # 0 -> 1, 2; nothing further counts
    _within_3_se(Model("direct", p=0.3), g, [0], 1 + 2 * 0.3)
    r = simulate(g, Model("direct"), np.array([0]), runs=10)
    assert r.reach.tolist() == [3] * 10  # p defaults to 1


def test_sir_with_full_recovery_is_exactly_ic() -> None:
    g = UNDIRECTED
    a = simulate(g, Model("ic", p=0.4), np.array([0]), runs=500, seed=3)
    b = simulate(g, Model("sir", p=0.4, recovery=1.0), np.array([0]), runs=500, seed=3)
    assert np.array_equal(a.reach, b.reach)
    assert np.array_equal(a.adoption_probability, b.adoption_probability)


def test_sir_slower_recovery_reaches_more() -> None:
    g = UNDIRECTED
    means = [
        simulate(g, Model("sir", p=0.2, recovery=r), np.array([0]), runs=4000, seed=1).reach_mean
        for r in (1.0, 0.5, 0.2)
    ]
    assert means[0] < means[1] < means[2]
    # A path 0-1 with recovery g: P(1 infected) = p / (1 - (1-p)(1-g)) (geometric sum).
    path = graph_of([(0, 1)], 2)
    p, gam = 0.2, 0.5
    _within_3_se(Model("sir", p=p, recovery=gam), path, [0], 1 + p / (1 - (1 - p) * (1 - gam)))
