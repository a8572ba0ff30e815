"""Build a ``Graph`` from edge arrays: dedupe, drop self-loops, sort, count.

Rules, the same for every reader:

- **Self-loops are dropped** (a person does not influence themself) and
  counted in ``LoadReport.self_loops_dropped``.
- **Duplicate ties are merged**, keeping the first one's weight, and counted
  in ``LoadReport.duplicates_merged``. In an undirected graph ``u v`` and
  ``v u`` are the same tie.
- An undirected graph stores every tie in both directions with the same weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.kernels.graph_csr import build_csr
from groundswell.network.graph import Graph
from groundswell.network.labels import map_objects

_NO_WEIGHTS = np.empty(0, dtype=np.float32)


@dataclass(frozen=True)
class LoadReport:
    """What loading did to the input, so nothing is changed silently.

    Attributes
    ----------
    lines : lines in the file, header, comments and blank lines included (0 when
        the graph did not come from a text file)
    edges_read : ties read from the input (data lines, XML edges, store rows)
    self_loops_dropped : ties from a node to itself, dropped
    duplicates_merged : repeated ties merged into the first (``u v`` and ``v u``
        are one tie in an undirected graph)
    nodes : nodes in the graph
    ties : ties in the graph (``Graph.m``)
    notes : anything else worth telling the user, e.g. columns that were ignored
    """

    lines: int = 0
    edges_read: int = 0
    self_loops_dropped: int = 0
    duplicates_merged: int = 0
    nodes: int = 0
    ties: int = 0
    notes: tuple[str, ...] = ()


def from_arrays(
    src: np.ndarray,
    dst: np.ndarray,
    *,
    n: int | None = None,
    labels: np.ndarray | None = None,
    directed: bool = False,
    weights: np.ndarray | None = None,
    deduplicate: bool = True,
) -> tuple[Graph, LoadReport]:
    """CSR graph from 0-based ``src -> dst`` arrays.

    Parameters
    ----------
    src, dst : integer arrays of node ids in ``0..n-1``
    n : number of nodes (default: largest id + 1); ids above are isolated nodes
    labels : node labels, shape (n,) (default: the ids)
    directed : keep ``src -> dst`` only; otherwise each tie is stored both ways
    weights : optional per-tie weight or probability, stored as float32
    deduplicate : merge repeated ties (turn off only for input known to be unique)

    Examples
    --------
    >>> g, report = from_arrays([0, 1, 1, 2], [1, 0, 1, 0])
    >>> g.n, g.m, report.self_loops_dropped, report.duplicates_merged
    (3, 2, 1, 1)
    >>> g.neighbours(0).tolist()
    [1, 2]
    """
    src = np.asarray(src)
    dst = np.asarray(dst)
    if src.shape != dst.shape or src.ndim != 1:
        raise ValueError("src and dst must be 1-d arrays of the same length")
    if n is None:
        n = int(max(src.max(initial=-1), dst.max(initial=-1)) + 1)
    if n >= 2**31:
        raise ValueError(f"{n} nodes is more than the int32 ids of a Graph allow")
    if src.size and (min(src.min(), dst.min()) < 0 or max(src.max(), dst.max()) >= n):
        raise ValueError(f"node ids must lie in 0..{n - 1}")
    read = int(src.shape[0])
    w = None if weights is None else np.asarray(weights, dtype=np.float32)
    if w is not None and w.shape != src.shape:
        raise ValueError("weights must have one value per tie")
    keep = src != dst
    loops = read - int(np.count_nonzero(keep))
    if loops:
        src, dst = src[keep], dst[keep]
        w = None if w is None else w[keep]
    src = src.astype(np.int32, copy=False)
    dst = dst.astype(np.int32, copy=False)
    wk = _NO_WEIGHTS if w is None else w
    if directed:
        indptr, indices, wout, merged = build_csr(src, dst, wk, n, deduplicate)
    else:
        # Canonical (low, high) pairs first, so u-v and v-u merge into one tie
        # that keeps the first weight in both directions.
        lo, hi = np.minimum(src, dst), np.maximum(src, dst)
        del src, dst
        uptr, ucol, uw, merged = build_csr(lo, hi, wk, n, deduplicate)
        del lo, hi
        urow = np.repeat(np.arange(n, dtype=np.int32), np.diff(uptr))
        # Lower neighbours first: each row then arrives already sorted.
        rows = np.concatenate([ucol, urow])
        cols = np.concatenate([urow, ucol])
        del urow, ucol
        wboth = np.concatenate([uw, uw]) if w is not None else _NO_WEIGHTS
        indptr, indices, wout, _ = build_csr(rows, cols, wboth, n, False)
    if labels is None:
        labels = np.arange(n, dtype=np.int64)
    labels = np.asarray(labels)
    if labels.shape != (n,):
        raise ValueError(f"labels must have one entry per node ({n})")
    graph = Graph(
        indptr=indptr,
        indices=indices,
        labels=labels,
        directed=directed,
        weights=None if w is None else wout,
    )
    report = LoadReport(
        edges_read=read,
        self_loops_dropped=loops,
        duplicates_merged=int(merged),
        nodes=n,
        ties=graph.m,
    )
    return graph, report


def from_labelled_edges(
    sources: list[object] | np.ndarray,
    targets: list[object] | np.ndarray,
    *,
    directed: bool = False,
    weights: np.ndarray | None = None,
    extra_nodes: list[object] | None = None,
) -> tuple[Graph, LoadReport]:
    """CSR graph from label pairs; labels get contiguous ids in order of first appearance.

    Labels are compared as text (``17`` and ``"17"`` are one person) and kept
    as a ``str`` array. ``extra_nodes`` come first, so isolated people get ids too.

    Examples
    --------
    >>> g, _ = from_labelled_edges(["ann", "bob"], ["bob", "cat"], extra_nodes=["dan"])
    >>> g.labels.tolist(), g.m
    (['dan', 'ann', 'bob', 'cat'], 2)
    """
    extra = [] if extra_nodes is None else list(extra_nodes)
    src = np.asarray(sources, dtype=object).astype(str)
    dst = np.asarray(targets, dtype=object).astype(str)
    if src.shape != dst.shape:
        raise ValueError("sources and targets must have the same length")
    # Interleave (source, target) so ids follow first appearance edge by edge.
    pairs = np.stack([src, dst], axis=1).reshape(-1)
    both = np.concatenate([np.asarray(extra, dtype=object).astype(str), pairs])
    if both.size == 0:
        return from_arrays(src.astype(np.int64), dst.astype(np.int64), n=0, directed=directed)
    ids, first = map_objects(both)
    offset = len(extra)
    return from_arrays(
        ids[offset::2],
        ids[offset + 1 :: 2],
        n=int(first.size),
        labels=both[first],
        directed=directed,
        weights=weights,
    )
