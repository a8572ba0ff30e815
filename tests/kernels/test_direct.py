"""Exact one-step reach kernels against pure-Python references and brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from groundswell.kernels import direct as k
from groundswell.network.build import from_arrays


def _graph(rng, n, directed):
    m = int(rng.integers(0, 3 * n))
    return from_arrays(rng.integers(0, n, m), rng.integers(0, n, m), n=n, directed=directed)[0]


def reference_reach(graph, p, seeds) -> float:
    """Slow reference: 1 for a seed, else 1 - (1 - p)^(seeds with a tie to them)."""
    chosen = set(int(s) for s in seeds)
    ties = [0] * graph.n
    for u in chosen:
        for v in graph.neighbours(u):
            ties[int(v)] += 1
    return sum(1.0 if v in chosen else 1.0 - (1.0 - p) ** ties[v] for v in range(graph.n))


def brute_force_reach(graph, p, seeds) -> float:
    """Every live/dead state of every tie out of a seed, weighted by its probability."""
    chosen = sorted(set(int(s) for s in seeds))
    edges = [(u, int(v)) for u in chosen for v in graph.neighbours(u)]
    total = 0.0
    for live in itertools.product([False, True], repeat=len(edges)):
        weight = 1.0
        reached = set(chosen)
        for (_, v), on in zip(edges, live, strict=True):
            weight *= p if on else 1.0 - p
            if on:
                reached.add(v)
        total += weight * len(reached)
    return total


@pytest.mark.parametrize("p", [1.0, 0.35, 0.0])
@pytest.mark.parametrize("trial", range(8))
def test_prefix_reach_matches_the_reference(trial, p):
    rng = np.random.default_rng(trial)
    g = _graph(rng, int(rng.integers(1, 30)), bool(trial % 2))
    order = rng.permutation(g.n)[: int(rng.integers(0, g.n + 1))].astype(np.int32)
    got = k.prefix_reach(g.indptr, g.indices, p, order)
    want = [reference_reach(g, p, order[:i]) for i in range(order.size + 1)]
    np.testing.assert_allclose(got, want, atol=1e-9)


@pytest.mark.parametrize("p", [1.0, 0.4])
def test_exact_reach_matches_brute_force_over_tie_states(p):
    rng = np.random.default_rng(5)
    for _ in range(12):
        g = _graph(rng, 9, True)
        seeds = rng.choice(g.n, size=int(rng.integers(1, 3)), replace=False).astype(np.int32)
        if sum(g.neighbours(int(s)).size for s in seeds) > 12:
            continue
        got = k.prefix_reach(g.indptr, g.indices, p, seeds)[-1]
        assert got == pytest.approx(brute_force_reach(g, p, seeds), abs=1e-9)


def reference_greedy(graph, p, candidate, k_max):
    """Plain greedy (no laziness): largest exact gain, smaller id on ties."""
    chosen: list[int] = []
    for _ in range(k_max):
        base = reference_reach(graph, p, chosen)
        gains = [
            (reference_reach(graph, p, [*chosen, u]) - base, -u)
            for u in range(graph.n)
            if candidate[u] and u not in chosen
        ]
        if not gains:
            break
        g, u = max(gains)
        if g <= 0:
            break
        chosen.append(-u)
    return chosen


@pytest.mark.parametrize("trial", range(10))
def test_celf_picks_what_plain_greedy_picks(trial):
    rng = np.random.default_rng(100 + trial)
    g = _graph(rng, int(rng.integers(2, 25)), bool(trial % 2))
    candidate = rng.random(g.n) < 0.8
    forced = np.zeros(0, dtype=np.int32)
    cost = np.ones(g.n)
    order, after, _ = k.celf(
        g.indptr, g.indices, 1.0, candidate, forced, cost, np.inf, 5, np.inf, False
    )
    assert order.tolist() == reference_greedy(g, 1.0, candidate, 5)[: order.size]
    np.testing.assert_allclose(
        after, [reference_reach(g, 1.0, order[: i + 1]) for i in range(order.size)]
    )


@pytest.mark.parametrize("p", [1.0, 0.5])
def test_improve_never_loses_reach_and_keeps_the_forced(p):
    rng = np.random.default_rng(7)
    for _ in range(20):
        g = _graph(rng, 20, False)
        rev = g.reverse()
        seeds = rng.choice(g.n, size=4, replace=False).astype(np.int32)
        forced = np.zeros(g.n, dtype=np.bool_)
        forced[seeds[0]] = True
        candidate = ~forced
        before = reference_reach(g, p, seeds)
        chosen, value, _ = k.improve(
            g.indptr,
            g.indices,
            rev.indptr,
            rev.indices,
            p,
            candidate,
            seeds,
            forced,
            -1.0,
            500,
            1e-9,
        )
        assert chosen.sum() == 4 and chosen[seeds[0]]
        assert value == pytest.approx(reference_reach(g, p, np.nonzero(chosen)[0]))
        assert value >= before - 1e-9
