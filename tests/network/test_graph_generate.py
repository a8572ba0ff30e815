"""Synthetic generators: sizes, reproducibility and the degree law of networkx's BA."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy import stats

from groundswell.errors import InvalidInput
from groundswell.network.generate import barabasi_albert, erdos_renyi


def test_barabasi_albert_size_and_seed() -> None:
    g = barabasi_albert(1000, 4, seed=9)
    assert (g.n, g.m) == (1000, 4 * 996)
    again = barabasi_albert(1000, 4, seed=9)
    assert np.array_equal(g.indices, again.indices)
    assert not np.array_equal(g.indices, barabasi_albert(1000, 4, seed=10).indices)
    assert g.out_degree()[5:].min() >= 4 and g.out_degree().min() >= 1


def test_barabasi_albert_degrees_match_networkx() -> None:
    ours = np.concatenate([barabasi_albert(4000, 3, seed=s).out_degree() for s in range(3)])
    ref = np.concatenate(
        [
            np.array([d for _, d in nx.barabasi_albert_graph(4000, 3, seed=s).degree()])
            for s in range(3)
        ]
    )
    assert ours.sum() == ref.sum()
    # Same process, so the degree laws agree: two-sample KS test and the tail.
    assert stats.ks_2samp(ours, ref).pvalue > 0.01
    assert np.quantile(ours, 0.99) == pytest.approx(np.quantile(ref, 0.99), rel=0.25)
    assert ours.min() == ref.min() == 3


def test_erdos_renyi_p_and_m() -> None:
    g = erdos_renyi(2000, 0.005, seed=1)
    expected = 0.005 * 2000 * 1999 / 2
    assert abs(g.m - expected) < 5 * np.sqrt(expected)
    assert erdos_renyi(100, 250, seed=1).m == 250
    d = erdos_renyi(100, 250, seed=1, directed=True)
    assert d.directed and d.m == 250
    big = erdos_renyi(10_000, 20_000, seed=2)  # the sparse sampler
    assert big.m == 20_000 and big.n == 10_000
    assert erdos_renyi(5, 1.0, seed=0).m == 10


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (barabasi_albert, (5, 5)),
        (barabasi_albert, (5, 0)),
        (erdos_renyi, (5, 1.5)),
        (erdos_renyi, (5, 11)),
        (erdos_renyi, (5, "x")),
    ],
)
def test_generator_arguments_checked(call, args) -> None:
    with pytest.raises(InvalidInput):
        call(*args, seed=1)
