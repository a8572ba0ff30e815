"""The network picture engine: seeded layouts, communities above the threshold, opening one."""

from __future__ import annotations

import numpy as np
import pytest

from groundswell.network.build import from_arrays
from groundswell.network.graph import Graph
from groundswell.network.picture import (
    OTHER,
    PAD,
    SIZE,
    communities,
    draw,
    merged,
    role_counts,
)


def cliques(sizes: list[int], bridges: int = 1) -> tuple[Graph, np.ndarray]:
    """Cliques of ``sizes`` in a ring, each joined to the next by ``bridges`` ties."""
    src, dst, label, start = [], [], [], 0
    starts = []
    for c, size in enumerate(sizes):
        starts.append(start)
        for i in range(size):
            label.append(c)
            for j in range(i + 1, size):
                src.append(start + i)
                dst.append(start + j)
        start += size
    for c in range(len(sizes)):
        nxt = (c + 1) % len(sizes)
        for b in range(bridges):
            src.append(starts[c] + b % sizes[c])
            dst.append(starts[nxt] + b % sizes[nxt])
    return from_arrays(src, dst, n=start)[0], np.array(label, np.int64)


def test_same_seed_same_picture_and_another_seed_another():
    g, comm = cliques([12, 12, 12])
    a, b = draw(g, comm, seed=5), draw(g, comm, seed=5)
    assert np.array_equal(a.xy, b.xy) and np.array_equal(a.edges, b.edges)
    assert not np.allclose(a.xy, draw(g, comm, seed=6).xy)


def test_people_up_to_the_limit_every_tie_inside_the_view_box():
    g, comm = cliques([12, 12, 12])
    p = draw(g, comm, seed=1)
    assert p.kind == "people" and p.nodes.tolist() == list(range(36))
    assert p.edges.shape[0] == p.edges_total == g.m
    assert (p.xy >= PAD - 1e-9).all() and (p.xy <= SIZE - PAD + 1e-9).all()
    assert p.community.tolist() == comm.tolist()


def test_above_the_limit_one_node_per_community_with_weighted_ties():
    g, comm = cliques([20, 15, 12, 3, 2], bridges=2)
    p = draw(g, comm, seed=1, limit=30)
    assert p.kind == "communities"
    # The two communities under 10 are one node, "other".
    assert sorted(p.nodes.tolist()) == [OTHER, 0, 1, 2]
    assert dict(zip(p.nodes.tolist(), p.sizes.tolist(), strict=True)) == {
        OTHER: 5,
        0: 20,
        1: 15,
        2: 12,
    }
    ties = {
        tuple(sorted((int(p.nodes[a]), int(p.nodes[b])))): int(w)
        for (a, b), w in zip(p.edges.tolist(), p.weights.tolist(), strict=True)
    }
    # Ring 0-1-2-3-4-0 with 2 bridges each; 3 and 4 are both "other".
    assert ties == {(0, 1): 2, (1, 2): 2, (OTHER, 2): 2, (OTHER, 0): 2}
    bigger = p.radius[p.nodes.tolist().index(0)] > p.radius[p.nodes.tolist().index(2)]
    assert bigger


def test_opening_a_community_lays_out_its_members_and_their_ties_only():
    g, comm = cliques([20, 15, 12])
    p = draw(g, comm, seed=1, limit=30, expand=1)
    assert p.kind == "people" and p.expanded == 1
    assert p.nodes.tolist() == list(range(20, 35))
    assert p.edges_total == 15 * 14 // 2
    with pytest.raises(ValueError, match="nobody"):
        draw(g, comm, seed=1, expand=7)


def test_merged_and_role_counts():
    comm = np.array([0] * 10 + [1] * 3)
    assert merged(comm).tolist() == [0] * 10 + [OTHER] * 3
    g, _ = cliques([10, 3])
    p = draw(g, comm, limit=5)
    roles = ["organiser"] * 2 + [None] * 8 + ["connector", None, None]
    seeds = np.zeros(13, bool)
    seeds[[0, 11]] = True
    counts = dict(zip(p.nodes.tolist(), role_counts(p, comm, roles, seeds), strict=True))
    assert counts == {0: {"seeds": 1, "organiser": 2}, OTHER: {"seeds": 1, "connector": 1}}


def test_communities_are_split_until_the_largest_can_be_opened():
    g, _ = cliques([30] * 8, bridges=3)
    coarse, res = communities(g, seed=0, largest=10_000)
    fine, finer = communities(g, seed=0, largest=40)
    assert res == 1.0 and np.bincount(fine).max() <= 40 and finer >= 1.0
    assert communities(g, seed=0, largest=40)[0].tolist() == fine.tolist()
    assert coarse.size == g.n


def test_wrong_number_of_labels_and_empty_graph():
    g, comm = cliques([12])
    with pytest.raises(ValueError, match="labels"):
        draw(g, comm[:-1])
    empty = from_arrays([], [], n=0)[0]
    p = draw(empty, np.empty(0, np.int64))
    assert p.nodes.size == 0 and p.xy.shape == (0, 2)


def test_people_of_small_communities_can_be_left_out():
    graph, label = cliques([12, 3, 12, 2])
    whole = draw(graph, label, seed=1)
    assert whole.nodes.size == graph.n and (whole.community == OTHER).sum() == 5
    public = draw(graph, label, seed=1, leave_out_small=True)
    assert public.kind == "people" and OTHER not in public.community.tolist()
    assert public.nodes.tolist() == [i for i in range(graph.n) if merged(label)[i] != OTHER]
    # Only ties between two people drawn: none to or among the people left out.
    assert int(public.edges.max()) < public.nodes.size
    assert public.edges_total == 2 * (12 * 11 // 2)
