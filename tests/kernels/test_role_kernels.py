"""Kernels against networkx and hand counts: 2-hop reach, betweenness, participation, trees."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from groundswell.kernels import roles as role_kernels
from groundswell.network import from_networkx
from groundswell.roles.communities import leiden, nmi, sampled_betweenness


@pytest.fixture(scope="module")
def karate():
    return from_networkx(nx.karate_club_graph())[0], nx.karate_club_graph()


def test_reach2_matches_networkx(karate):
    g, G = karate
    want = [len(nx.single_source_shortest_path_length(G, u, cutoff=2)) - 1 for u in G]
    assert role_kernels.reach2(g.indptr, g.indices, 2).tolist() == want


def test_betweenness_with_every_source_is_exact(karate):
    g, G = karate
    exact = nx.betweenness_centrality(G, normalized=True)
    got = sampled_betweenness(g, samples=g.n, seed=0)
    assert np.allclose(got, [exact[u] for u in G])


def test_sampled_betweenness_is_close_and_repeatable(karate):
    g, G = karate
    exact = np.array(list(nx.betweenness_centrality(G).values()))
    a = sampled_betweenness(g, samples=20, seed=3)
    assert np.array_equal(a, sampled_betweenness(g, samples=20, seed=3))
    assert np.argmax(a) in np.argsort(exact)[-3:]


def test_participation_by_hand():
    # 0 has ties to 1 (community 0), 2 and 3 (community 1): P = 1 - (1/3)^2 - (2/3)^2 = 4/9.
    indptr = np.array([0, 3, 4, 5, 6])
    indices = np.array([1, 2, 3, 0, 0, 0], dtype=np.int32)
    comm = np.array([0, 0, 1, 1], dtype=np.int32)
    pc, reached = role_kernels.participation(indptr, indices, comm, 2)
    assert pc[0] == pytest.approx(4 / 9)
    assert pc[1:].tolist() == [0.0, 0.0, 0.0]
    assert reached.tolist() == [2, 1, 1, 1]
    assert role_kernels.linked_communities(indptr, indices, comm, 2, 2).tolist() == [1, 0, 0, 0]
    assert role_kernels.linked_communities(indptr, indices, comm, 2, 1).tolist() == [1, 0, 1, 1]


def test_tree_depth_and_subtree_sizes():
    parent = np.array([-1, 0, 0, 1, 3, -1, 5, 8, 6])  # 0-1-3-4, 0-2, 5-6-8-7
    depth = role_kernels.tree_depth(parent)
    assert depth.tolist() == [0, 1, 1, 2, 3, 0, 1, 3, 2]
    assert role_kernels.subtree_sizes(parent, depth).tolist() == [4, 2, 0, 1, 0, 3, 2, 0, 1]
    cycle = role_kernels.tree_depth(np.array([1, 0, -1]))
    assert cycle.max() <= 2  # a cycle is cut, not followed forever


def test_within_two_steps_on_a_path():
    g = from_networkx(nx.path_graph(6))[0]
    active = np.zeros(6, bool)
    active[0] = True
    assert role_kernels.within_two(g.indptr, g.indices, active).tolist() == [1, 1, 1, 0, 0, 0]


def test_within_two_steps_matches_networkx_on_a_random_graph():
    graph = nx.gnm_random_graph(300, 500, seed=4)
    g = from_networkx(graph)[0]
    active = np.random.default_rng(4).random(300) < 0.02
    want = np.zeros(300, bool)
    for u in np.flatnonzero(active).tolist():
        for v in nx.single_source_shortest_path_length(graph, u, cutoff=2):
            want[v] = True
    assert role_kernels.within_two(g.indptr, g.indices, active).tolist() == want.tolist()


def test_leiden_is_seeded_and_leaves_global_random_alone(karate):
    g, _ = karate
    random.seed(11)
    before = random.random()
    random.seed(11)
    a = leiden(g, seed=4)
    assert random.random() == before
    assert np.array_equal(a, leiden(g, seed=4))
    assert 2 <= a.max() + 1 <= 6


def test_nmi_by_hand():
    assert nmi(np.array([0, 0, 1, 1]), np.array([5, 5, 7, 7])) == pytest.approx(1.0)
    assert nmi(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])) == pytest.approx(0.0)
