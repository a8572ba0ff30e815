"""CSR build rules: self-loops dropped, duplicates merged, sorted rows, lazy reverse."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from groundswell.network import from_arrays, from_labelled_edges
from groundswell.network.graph import Graph


def _rows(g: Graph) -> list[list[int]]:
    return [g.neighbours(u).tolist() for u in range(g.n)]


def test_undirected_stores_both_ways_sorted() -> None:
    g, report = from_arrays([2, 0, 0], [0, 1, 2])
    assert _rows(g) == [[1, 2], [0], [0]]
    assert (g.n, g.m, g.stored_edges) == (3, 2, 4)
    assert report.ties == 2 and report.nodes == 3 and report.edges_read == 3


def test_self_loops_and_duplicates_counted() -> None:
    g, report = from_arrays([0, 1, 1, 2, 0, 0], [1, 0, 1, 2, 1, 2])
    assert report.self_loops_dropped == 2
    assert report.duplicates_merged == 2  # 1-0 and the second 0-1 repeat 0-1
    assert g.m == 2


def test_undirected_duplicate_keeps_first_weight_both_ways() -> None:
    g, _ = from_arrays([1, 0], [0, 1], weights=[0.25, 0.75])
    assert g.weights.tolist() == [0.25, 0.25]


def test_directed_keeps_direction_and_first_weight() -> None:
    g, report = from_arrays([0, 1, 0], [1, 0, 1], directed=True, weights=[0.1, 0.2, 0.3])
    assert _rows(g) == [[1], [0]]
    assert g.weights.tolist() == pytest.approx([0.1, 0.2])
    assert report.duplicates_merged == 1 and g.m == 2


def test_reverse_is_lazy_and_transposes_with_weights() -> None:
    g, _ = from_arrays([0, 0, 2], [1, 2, 1], directed=True, weights=[0.1, 0.2, 0.3])
    assert not g._reverse
    r = g.reverse()
    assert r is g.reverse()
    assert _rows(r) == [[], [0, 2], [0]]
    assert r.weights.tolist() == pytest.approx([0.1, 0.3, 0.2])
    assert r.in_degree().tolist() == g.out_degree().tolist()
    u, _ = from_arrays([0], [1])
    assert u.reverse() is u


def test_matches_networkx_on_random_multigraph() -> None:
    rng = np.random.default_rng(5)
    src, dst = rng.integers(0, 300, 5000), rng.integers(0, 300, 5000)
    g, report = from_arrays(src, dst, n=300)
    ref = nx.Graph()
    ref.add_nodes_from(range(300))
    ref.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
    ref.remove_edges_from(list(nx.selfloop_edges(ref)))
    assert g.m == ref.number_of_edges()
    assert all(g.neighbours(u).tolist() == sorted(ref[u]) for u in range(300))
    assert report.edges_read - report.self_loops_dropped - report.duplicates_merged == g.m


def test_long_rows_sorted_and_deduplicated() -> None:
    rng = np.random.default_rng(1)
    dst = rng.integers(1, 200, 3000)
    g, report = from_arrays(np.zeros(3000, dtype=np.int64), dst, directed=True)
    assert g.neighbours(0).tolist() == sorted(set(dst.tolist()))
    assert report.duplicates_merged == 3000 - len(set(dst.tolist()))


def test_bad_arrays_rejected() -> None:
    with pytest.raises(ValueError, match="same length"):
        from_arrays([0, 1], [1])
    with pytest.raises(ValueError, match="node ids"):
        from_arrays([0, 5], [1, 2], n=3)


def test_empty_graph() -> None:
    g, report = from_arrays(np.array([], dtype=np.int64), np.array([], dtype=np.int64), n=4)
    assert (g.n, g.m, report.ties) == (4, 0, 0)


def test_labelled_edges_first_appearance_and_extra_nodes() -> None:
    g, _ = from_labelled_edges(["b", "a", 7], ["a", "c", "b"], extra_nodes=["z"])
    assert g.labels.tolist() == ["z", "b", "a", "c", "7"]
    assert g.ids_of(["a", 7]).tolist() == [2, 4]
    assert g.m == 3 and g.neighbours(0).size == 0
