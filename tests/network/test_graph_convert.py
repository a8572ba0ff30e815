"""networkx and igraph conversions round-trip labels, direction and weights."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from groundswell.errors import InvalidInput
from groundswell.network import from_igraph, from_networkx, to_igraph, to_networkx
from groundswell.network.generate import barabasi_albert


def same(a, b) -> bool:
    return (
        np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and a.labels.tolist() == b.labels.tolist()
        and a.directed == b.directed
        and (a.weights is None) == (b.weights is None)
        and (a.weights is None or np.array_equal(a.weights, b.weights))
    )


def test_networkx_round_trip_int_labels() -> None:
    g = barabasi_albert(200, 3, seed=2)
    back, report = from_networkx(to_networkx(g))
    assert same(g, back) and back.labels.dtype == np.int64
    assert report.duplicates_merged == 0


def test_networkx_round_trip_directed_weighted_text_labels() -> None:
    G = nx.DiGraph()
    G.add_weighted_edges_from([("a", "b", 0.5), ("b", "a", 0.1), ("c", "a", 1.0)], weight="p")
    g, _ = from_networkx(G, weight="p")
    assert g.directed and g.labels.tolist() == ["a", "b", "c"]
    H = to_networkx(g, weight="p")
    assert sorted(H.edges(data="p")) == sorted(G.edges(data="p"))
    assert same(g, from_networkx(H, weight="p")[0])


def test_networkx_graph_matches_neighbourhoods(real_data) -> None:
    from groundswell.network import read_graph

    g, _ = read_graph(real_data / "networks/facebook-ego/facebook_combined.txt.gz")
    G = to_networkx(g)
    assert (G.number_of_nodes(), G.number_of_edges()) == (4039, 88234)
    assert all(sorted(G[u]) == g.neighbours(u).tolist() for u in range(0, 4039, 97))


def test_networkx_missing_weight_and_label_clash() -> None:
    G = nx.Graph()
    G.add_edge(1, 2, weight=1.0)
    G.add_edge(2, 3)
    with pytest.raises(InvalidInput, match="numeric 'weight'"):
        from_networkx(G, weight="weight")
    clash = nx.Graph([(1, "1")])
    with pytest.raises(InvalidInput, match="same label"):
        from_networkx(clash)


def test_networkx_tuple_labels_become_text() -> None:
    g, _ = from_networkx(nx.grid_2d_graph(2, 2))
    assert g.labels.tolist()[0] == "(0, 0)" and g.m == 4


def test_igraph_round_trip() -> None:
    g = barabasi_albert(150, 2, seed=3)
    h = to_igraph(g)
    assert (h.vcount(), h.ecount(), h.is_directed()) == (150, g.m, False)
    assert same(g, from_igraph(h)[0])


def test_igraph_directed_weighted_and_unnamed() -> None:
    h = ig.Graph(n=4, edges=[(0, 1), (1, 2), (2, 0), (0, 1)], directed=True)
    h.es["weight"] = [0.2, 0.4, 0.6, 0.8]
    g, report = from_igraph(h)
    assert g.directed and g.labels.tolist() == [0, 1, 2, 3]
    assert report.duplicates_merged == 1 and g.weights.tolist() == pytest.approx([0.2, 0.4, 0.6])
    back = to_igraph(g)
    assert sorted(back.get_edgelist()) == [(0, 1), (1, 2), (2, 0)]
    assert same(g, from_igraph(back)[0])
