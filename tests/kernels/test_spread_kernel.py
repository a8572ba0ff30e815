"""The spread kernel against its pure-Python twin, and its random numbers."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from spread_reference import SplitMix64, one_run

from groundswell.kernels import spread as k
from groundswell.network.build import from_arrays
from groundswell.spread.models import Model, pack


def _graph(directed: bool = False, weights: bool = False):
    g = nx.gnm_random_graph(60, 150, seed=3, directed=directed)
    e = np.array(g.edges())
    w = np.random.default_rng(1).uniform(0.05, 0.6, len(e)) if weights else None
    return from_arrays(e[:, 0], e[:, 1], n=60, directed=directed, weights=w)[0]


CASES = {
    "ic": (Model("ic", p=0.2), False),
    "ic-per-edge": (Model("ic"), True),
    "ic-never": (Model("ic", p=0.4, never_adopt=0.3), False),
    "ic-p1": (Model("ic", p=1.0), False),
    "wc": (Model("wc"), False),
    "lt": (Model("lt"), False),
    "lt-weighted": (Model("lt"), True),
    "complex": (Model("complex", threshold=2), False),
    "fraction": (Model("complex", fraction=0.3, never_adopt=0.1), False),
    "sir": (Model("sir", p=0.15, recovery=0.4), False),
    "direct": (Model("direct", p=0.5), False),
    "ic-capped": (Model("ic", p=0.3, max_steps=2), False),
}


@pytest.mark.parametrize("directed", [False, True])
@pytest.mark.parametrize("case", sorted(CASES))
def test_kernel_matches_python_reference(case: str, directed: bool) -> None:
    model, weighted = CASES[case]
    g = _graph(directed, weighted)
    pk = pack(g, model, curve_steps=50)
    seeds = np.array([0, 5, 9], np.int32)
    states = np.array([11, 2**63 + 5, 42, 7, 99], np.uint64)
    args = (g.indptr, g.indices, pk.edge_value, pk.need, seeds, states, pk.fparams, pk.iparams)
    reach, last, curve, counts = k.simulate_serial(*args)
    expected_counts = np.zeros(g.n, np.int64)
    for r, state in enumerate(states):
        adopted, per_step = one_run(
            g.indptr, g.indices, pk.edge_value, pk.need, seeds, pk.fparams, pk.iparams, state
        )
        assert reach[r] == len(adopted)
        assert last[r] == len(per_step) - 1
        assert curve[r, : len(per_step)].tolist() == per_step
        expected_counts[adopted] += 1
    assert counts.tolist() == expected_counts.tolist()


@pytest.mark.parametrize("lanes", [1, 2, 3, 7])
def test_parallel_equals_serial_whatever_the_lanes(lanes: int) -> None:
    g = _graph()
    pk = pack(g, Model("sir", p=0.2, recovery=0.5, never_adopt=0.1), curve_steps=30)
    seeds = np.array([1, 2], np.int32)
    states = np.arange(1, 41, dtype=np.uint64) * np.uint64(7919)
    args = (g.indptr, g.indices, pk.edge_value, pk.need, seeds, states, pk.fparams, pk.iparams)
    serial = k.simulate_serial(*args)
    parallel = k.simulate_parallel(*args, lanes)
    for a, b in zip(serial, parallel, strict=True):
        assert np.array_equal(a, b)


def test_uniform_matches_splitmix64_and_is_in_range() -> None:
    rng = np.array([12345], np.uint64)
    ref = SplitMix64(12345)
    draws = [k._uniform(rng) for _ in range(2000)]
    assert draws[:50] == [ref.uniform() for _ in range(50)]
    assert min(draws) >= 0.0 and max(draws) < 1.0
    assert abs(np.mean(draws) - 0.5) < 0.03


def test_geometric_skip_has_the_right_mean() -> None:
    p = 0.05
    rng = np.array([99], np.uint64)
    skips = np.array([k._skip(rng, np.log1p(-p)) for _ in range(20000)])
    # Failures before a success: mean (1 - p) / p = 19, sd about 19.5 / sqrt(20000).
    assert abs(skips.mean() - (1 - p) / p) < 4 * 19.5 / np.sqrt(20000)
    assert skips.min() == 0


def test_empty_and_one_node_graphs() -> None:
    for n in (0, 1):
        g = from_arrays(np.array([], int), np.array([], int), n=n)[0]
        pk = pack(g, Model("lt"), curve_steps=10)
        seeds = np.arange(n, dtype=np.int32)
        states = np.array([1, 2], np.uint64)
        reach, last, _curve, counts = k.simulate_parallel(
            g.indptr, g.indices, pk.edge_value, pk.need, seeds, states, pk.fparams, pk.iparams, 2
        )
        assert reach.tolist() == [n, n] and last.tolist() == [0, 0]
        assert counts.tolist() == [2] * n
