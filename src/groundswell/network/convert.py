"""Conversions between ``Graph`` and networkx / igraph graphs.

Node labels: networkx nodes (or igraph ``name`` attributes, or vertex indices
where there are none) become ``Graph.labels`` — an ``int64`` array when every
label is an integer, otherwise a ``str`` array (labels are compared as text).
Self-loops and parallel edges (multigraphs) follow the rules in ``build.py``:
dropped or merged, and counted in the ``LoadReport``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from groundswell.errors import InvalidInput
from groundswell.network.build import LoadReport, from_arrays
from groundswell.network.graph import Graph


def from_networkx(
    G: Any, weight: str | None = None, *, directed: bool | None = None
) -> tuple[Graph, LoadReport]:
    """``Graph`` from a networkx graph, keeping its node order.

    Parameters
    ----------
    G : networkx ``Graph``, ``DiGraph``, ``MultiGraph`` or ``MultiDiGraph``
    weight : edge attribute to keep as the per-tie weight (None: unweighted);
        every edge must have it, as a finite number
    directed : override ``G.is_directed()``. Directed read as undirected merges
        ``u->v`` and ``v->u`` (counted as duplicates); undirected read as
        directed gives each tie both directions.

    Examples
    --------
    >>> import networkx as nx
    >>> g, report = from_networkx(nx.path_graph(["a", "b", "c"]))
    >>> g.labels.tolist(), g.m, g.neighbours(1).tolist()
    (['a', 'b', 'c'], 2, [0, 2])
    """
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    count = G.number_of_edges()
    src = np.empty(count, dtype=np.int64)
    dst = np.empty(count, dtype=np.int64)
    w = np.empty(count, dtype=np.float64) if weight is not None else None
    edges = G.edges(data=weight) if weight is not None else G.edges()
    for k, edge in enumerate(edges):
        src[k] = index[edge[0]]
        dst[k] = index[edge[1]]
        if w is not None and weight is not None:
            w[k] = _number(edge[2], weight, edge)
    labels = label_array(nodes)
    file_directed = bool(G.is_directed())
    want = file_directed if directed is None else bool(directed)
    notes: tuple[str, ...] = ()
    if want and not file_directed:
        loops = int(np.count_nonzero(src == dst))
        both = src != dst
        graph, report = from_arrays(
            np.concatenate([src, dst[both]]),
            np.concatenate([dst, src[both]]),
            n=len(nodes),
            labels=labels,
            directed=True,
            weights=None if w is None else np.concatenate([w, w[both]]),
        )
        report = replace(
            report,
            edges_read=count,
            self_loops_dropped=loops,
            duplicates_merged=report.duplicates_merged // 2,
        )
        notes = ("undirected ties read as directed: each one in both directions",)
    else:
        graph, report = from_arrays(src, dst, n=len(nodes), labels=labels, directed=want, weights=w)
        if file_directed and not want:
            notes = ("directed ties read as undirected: u->v and v->u merged into one tie",)
    return graph, replace(report, notes=notes)


def to_networkx(graph: Graph, weight: str = "weight") -> Any:
    """A networkx ``Graph`` (or ``DiGraph``) with the same labels, ties and weights.

    Examples
    --------
    >>> from groundswell.network.build import from_labelled_edges
    >>> g, _ = from_labelled_edges(["a"], ["b"])
    >>> sorted(to_networkx(g).edges())
    [('a', 'b')]
    """
    import networkx as nx

    G = nx.DiGraph() if graph.directed else nx.Graph()
    labels = graph.labels
    G.add_nodes_from(labels.tolist())
    src, dst = edge_arrays(graph)
    keep = slice(None) if graph.directed else src < dst
    us, vs = labels[src[keep]].tolist(), labels[dst[keep]].tolist()
    if graph.weights is None:
        G.add_edges_from(zip(us, vs, strict=True))
    else:
        ws = float32_values(graph.weights[keep])
        G.add_weighted_edges_from(zip(us, vs, ws, strict=True), weight=weight)
    return G


def from_igraph(g: Any, weight: str | None = "weight") -> tuple[Graph, LoadReport]:
    """``Graph`` from an ``igraph.Graph``; labels from the ``name`` vertex attribute if any.

    ``weight`` names the edge attribute kept as weights when the graph has it.
    """
    n = g.vcount()
    labels = (
        label_array(g.vs["name"]) if "name" in g.vs.attributes() else np.arange(n, dtype=np.int64)
    )
    pairs = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = None
    if weight is not None and weight in g.es.attributes():
        raw = g.es[weight]
        w = np.array([_number(x, weight, g.es[i].tuple) for i, x in enumerate(raw)])
    return from_arrays(
        pairs[:, 0], pairs[:, 1], n=n, labels=labels, directed=g.is_directed(), weights=w
    )


def to_igraph(graph: Graph, weight: str = "weight") -> Any:
    """An ``igraph.Graph`` with vertex ``name`` = label and edge ``weight`` if weighted."""
    import igraph as ig

    src, dst = edge_arrays(graph)
    keep = slice(None) if graph.directed else src < dst
    pairs = np.column_stack([src[keep], dst[keep]])
    g = ig.Graph(n=graph.n, edges=pairs.tolist(), directed=graph.directed)
    g.vs["name"] = graph.labels.tolist()
    if graph.weights is not None:
        g.es[weight] = float32_values(graph.weights[keep])
    return g


def edge_arrays(graph: Graph) -> tuple[np.ndarray, np.ndarray]:
    """Stored edges as ``(src, dst)`` id arrays (both directions for undirected)."""
    src = np.repeat(np.arange(graph.n, dtype=np.int32), np.diff(graph.indptr))
    return src, graph.indices


def float32_values(w: np.ndarray) -> list[float]:
    """float32 weights as the floats they were written as (0.1, not 0.10000000149)."""
    # numpy prints a float32 as the shortest decimal that reads back to it.
    floats: list[float] = w.astype(str).astype(np.float64).tolist()
    return floats


def label_array(values: list[Any]) -> np.ndarray:
    """Labels as ``int64`` when all are integers, else as text; text must stay unique."""
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in values):
        try:
            return np.array(values, dtype=np.int64)
        except OverflowError:
            pass
    text = np.array([str(v) for v in values], dtype=str)
    if np.unique(text).size != text.size:
        raise InvalidInput(
            "two different nodes have the same label as text (e.g. 1 and '1'); "
            "relabel the nodes so each one's text is unique"
        )
    return text


def _number(value: Any, name: str, edge: Any) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = float("nan")
    if not np.isfinite(x):
        raise InvalidInput(
            f"edge {edge[0]!r}-{edge[1]!r}: '{name}' is {value!r}, not a finite number; "
            f"give every edge a numeric '{name}'"
        )
    return x
