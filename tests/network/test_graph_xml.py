"""GraphML and GEXF: networkx-written files read back, directedness, duplicates, weights."""

from __future__ import annotations

import gzip

import networkx as nx
import numpy as np
import pytest

from groundswell.network import read_graph, to_networkx


@pytest.fixture
def weighted_digraph() -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_nodes_from(["ann", "bob", "cat", "dan"])  # dan has no ties
    G.add_weighted_edges_from([("ann", "bob", 0.5), ("bob", "ann", 0.25), ("bob", "cat", 2.0)])
    return G


@pytest.mark.parametrize("ext", ["graphml", "gexf", "graphml.gz"])
def test_round_trip_keeps_direction_labels_weights(tmp_path, weighted_digraph, ext) -> None:
    path = tmp_path / f"g.{ext}"
    plain = tmp_path / f"plain.{ext.removesuffix('.gz')}"
    writer = nx.write_gexf if ext.startswith("gexf") else nx.write_graphml
    writer(weighted_digraph, plain)
    path.write_bytes(
        gzip.compress(plain.read_bytes()) if ext.endswith(".gz") else plain.read_bytes()
    )
    g, report = read_graph(path)
    assert g.directed and g.labels.tolist() == ["ann", "bob", "cat", "dan"]
    back = to_networkx(g)
    assert sorted(back.edges(data="weight")) == sorted(weighted_digraph.edges(data="weight"))
    assert report.nodes == 4 and report.ties == 3 and report.lines > 0


def test_override_directed_merges_mutual_ties(tmp_path, weighted_digraph) -> None:
    nx.write_graphml(weighted_digraph, tmp_path / "g.graphml")
    g, report = read_graph(tmp_path / "g.graphml", directed=False)
    assert not g.directed and g.m == 2 and report.duplicates_merged == 1
    assert "read as undirected" in report.notes[0]


def test_undirected_file_read_as_directed(tmp_path) -> None:
    nx.write_graphml(nx.path_graph(3), tmp_path / "p.graphml")
    g, _ = read_graph(tmp_path / "p.graphml")
    assert not g.directed and g.m == 2
    d, report = read_graph(tmp_path / "p.graphml", directed=True)
    assert d.directed and d.m == 4 and report.edges_read == 2


def test_parallel_edges_and_self_loops_counted(tmp_path) -> None:
    G = nx.MultiGraph()
    G.add_edges_from([(1, 2), (1, 2), (2, 1), (3, 3), (2, 3)])
    nx.write_graphml(G, tmp_path / "m.graphml")
    g, report = read_graph(tmp_path / "m.graphml")
    assert g.labels.tolist() == ["1", "2", "3"]  # XML ids are text
    assert (g.m, report.duplicates_merged, report.self_loops_dropped) == (2, 2, 1)


def test_probability_attribute_and_explicit_name(tmp_path) -> None:
    G = nx.Graph()
    G.add_edge("a", "b", p=0.3, strength=4.0)
    nx.write_graphml(G, tmp_path / "p.graphml")
    g, _ = read_graph(tmp_path / "p.graphml")
    assert g.weights.tolist() == pytest.approx([0.3, 0.3])
    g, _ = read_graph(tmp_path / "p.graphml", weight_column="strength")
    assert g.weights.tolist() == [4.0, 4.0]


def test_real_network_through_graphml(real_data, tmp_path) -> None:
    edges, _ = read_graph(real_data / "networks/email-eu-core/email-Eu-core.txt.gz")
    nx.write_graphml(to_networkx(edges), tmp_path / "email.graphml")
    g, _ = read_graph(tmp_path / "email.graphml")
    assert (g.n, g.m) == (edges.n, edges.m)
    assert np.array_equal(np.sort(g.out_degree()), np.sort(edges.out_degree()))
