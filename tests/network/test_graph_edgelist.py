"""CSV/TSV/SNAP readers on the real networks in data/ and on tiny named files."""

from __future__ import annotations

import gzip
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundswell.network import read_graph
from groundswell.network.generate import barabasi_albert
from groundswell.network.write import write_edgelist


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    data = text.encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


# Counts published in each SOURCE.txt (SNAP's statistics).
REAL = [
    ("email-eu-core/email-Eu-core.txt.gz", False, 1005, 16064, 642),
    ("email-eu-core/email-Eu-core.txt.gz", True, 1005, 24929, 642),
    ("college-msg/CollegeMsg.txt.gz", True, 1899, 20296, 0),
    ("college-msg/CollegeMsg.txt.gz", False, 1899, 13838, 0),
    ("facebook-ego/facebook_combined.txt.gz", False, 4039, 88234, 0),
    ("github-musae/musae_git_edges.csv.gz", False, 37700, 289003, 0),
]


@pytest.mark.parametrize(("name", "directed", "n", "m", "loops"), REAL)
def test_real_networks_match_published_counts(real_data, name, directed, n, m, loops) -> None:
    g, report = read_graph(real_data / "networks" / name, directed=directed)
    assert (g.n, g.m) == (n, m)
    assert report.self_loops_dropped == loops
    assert report.edges_read == report.self_loops_dropped + report.duplicates_merged + m
    assert g.labels.dtype == np.int64
    assert g.directed is directed


def test_snap_extra_columns_named_in_report(real_data) -> None:
    _, report = read_graph(real_data / "networks/college-msg/CollegeMsg.txt.gz")
    assert any("weight_column=3" in note for note in report.notes)


def test_csv_without_source_target_uses_first_two_columns(real_data) -> None:
    _, report = read_graph(real_data / "networks/github-musae/musae_git_edges.csv.gz")
    assert report.notes == ("columns 'id_1' and 'id_2' read as source and target",)
    assert report.lines == 289004


def test_snap_comments_blank_lines_and_labels(tmp_path) -> None:
    path = write(tmp_path, "g.txt", "# nodes 4\n\n10\t20\n  20 30  \r\n# x\n30 10\n5 5\n")
    g, report = read_graph(path)
    assert g.labels.tolist() == [5, 10, 20, 30]
    assert g.ids_of(["10", 30]).tolist() == [1, 3]
    assert (report.lines, report.edges_read, report.self_loops_dropped, g.m) == (7, 4, 1, 3)
    assert g.n == 4  # a node named only in a self-loop is still a node


def test_snap_text_labels_in_order_of_appearance(tmp_path) -> None:
    g, _ = read_graph(write(tmp_path, "g.edges", "ann bob\nbob 007\n007 ann\n"))
    assert g.labels.tolist() == ["ann", "bob", "007"]
    assert g.m == 3


def test_zero_padded_labels_stay_text(tmp_path) -> None:
    g, _ = read_graph(write(tmp_path, "g.txt", "1 2\n01 2\n"))
    assert g.labels.tolist() == ["1", "2", "01"]


def test_snap_weight_column(tmp_path) -> None:
    g, _ = read_graph(write(tmp_path, "g.txt", "1 2 0.5\n2 3 2e-1\n"), weight_column=3)
    assert g.weights.tolist() == pytest.approx([0.5, 0.5, 0.2, 0.2])
    g, _ = read_graph(write(tmp_path, "h.txt", "1 2 0.5\n"))
    assert g.weights is None


def test_csv_source_target_weight_and_extra_columns(tmp_path) -> None:
    text = "kind,Target,source,weight\nfriend,b,a,2\nwork,c,a,0.5\nx,a,b,9\n"
    g, report = read_graph(write(tmp_path, "t.csv", text))
    assert g.labels.tolist() == ["a", "b", "c"]
    assert g.weights[g.indptr[0] : g.indptr[1]].tolist() == [2.0, 0.5]
    assert report.duplicates_merged == 1
    assert report.notes == ("ignored columns: kind",)


def test_csv_p_column_and_override(tmp_path) -> None:
    path = write(tmp_path, "t.csv", "source,target,p,strength\n1,2,0.1,7\n")
    g, _ = read_graph(path)
    assert g.weights.tolist() == pytest.approx([0.1, 0.1])
    g, _ = read_graph(path, weight_column="strength")
    assert g.weights.tolist() == [7.0, 7.0]
    g, _ = read_graph(path, weight_column=4)
    assert g.weights.tolist() == [7.0, 7.0]


def test_csv_quoted_fields_and_bom(tmp_path) -> None:
    text = '\ufeffsource,target\n"Smith, Ann",Bob\n"Bob",  "Smith, Ann"\n'
    g, report = read_graph(write(tmp_path, "t.csv", text))
    assert g.labels.tolist() == ["Smith, Ann", "Bob"]
    assert (g.m, report.duplicates_merged) == (1, 1)


def test_tsv_and_gz(tmp_path) -> None:
    g, _ = read_graph(write(tmp_path, "t.tsv.gz", "source\ttarget\nx y\tz\n"))
    assert g.labels.tolist() == ["x y", "z"]


def test_directed_edge_list(tmp_path) -> None:
    path = write(tmp_path, "d.txt", "1 2\n2 1\n1 3\n")
    g, report = read_graph(path, directed=True)
    assert g.directed and g.m == 3 and report.duplicates_merged == 0
    assert g.reverse().neighbours(2).tolist() == [0]
    u, report = read_graph(path)
    assert not u.directed and u.m == 2 and report.duplicates_merged == 1


def test_sparse_and_huge_integer_labels(tmp_path) -> None:
    g, _ = read_graph(write(tmp_path, "g.txt", "999999999999 3\n3 0\n"))
    assert g.labels.tolist() == [0, 3, 999999999999]


def test_write_read_round_trip(tmp_path) -> None:
    g = barabasi_albert(300, 2, seed=4)
    for name in ("g.txt.gz", "g.csv", "g.tsv"):
        write_edgelist(g, tmp_path / name)
        back, report = read_graph(tmp_path / name)
        assert np.array_equal(back.indptr, g.indptr)
        assert np.array_equal(back.indices, g.indices)
        assert report.duplicates_merged == 0


LABELS = ["0", "1", "2", "17", "007", "ann", "Zoë", "x-y", "3.5"]


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=1),
    fmt=st.sampled_from(["g.txt", "g.csv", "g.tsv"]),
    directed=st.booleans(),
)
def test_any_edge_list_matches_networkx(tmp_path_factory, pairs, fmt, directed) -> None:
    sep = {"g.txt": " ", "g.csv": ",", "g.tsv": "\t"}[fmt]
    header = "" if fmt == "g.txt" else f"source{sep}target\n"
    path = tmp_path_factory.mktemp("h") / fmt
    path.write_text(header + "".join(f"{a}{sep}{b}\n" for a, b in pairs), encoding="utf-8")
    g, report = read_graph(path, directed=directed)
    ref = nx.DiGraph() if directed else nx.Graph()
    ref.add_edges_from(pairs)
    loops = sum(a == b for a, b in pairs)
    ref.remove_edges_from(list(nx.selfloop_edges(ref)))
    labels = [str(x) for x in g.labels.tolist()]
    assert sorted(labels) == sorted(ref.nodes)
    assert report.self_loops_dropped == loops and g.m == ref.number_of_edges()
    got = {(labels[u], labels[v]) for u in range(g.n) for v in g.neighbours(u).tolist()}
    want = set(ref.edges) if directed else {e for a, b in ref.edges for e in ((a, b), (b, a))}
    assert got == want


def test_weighted_text_labels_write_read_round_trip(tmp_path) -> None:
    path = write(tmp_path, "w.csv", "source,target,p\nann,bob,0.1\nbob,cat,0.35\n")
    g, _ = read_graph(path)
    write_edgelist(g, tmp_path / "back.tsv")
    back, _ = read_graph(tmp_path / "back.tsv", weight_column="weight")
    assert back.labels.tolist() == g.labels.tolist()
    assert np.array_equal(back.weights, g.weights)
