"""Build a ``Graph`` from edge arrays: dedupe, drop self-loops, sort, count."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from groundswell.network.graph import Graph


@dataclass(frozen=True)
class LoadReport:
    """What loading did to the input, so nothing is changed silently."""

    lines: int = 0
    edges_read: int = 0
    self_loops_dropped: int = 0
    duplicates_merged: int = 0
    nodes: int = 0
    ties: int = 0


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

    Self-loops are dropped (a person does not influence themself). Duplicate
    ties are merged keeping the first weight. For an undirected graph each
    tie is stored in both directions; ``u-v`` and ``v-u`` are one tie.
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    if src.shape != dst.shape:
        raise ValueError("src and dst must have the same length")
    if n is None:
        n = int(max(src.max(initial=-1), dst.max(initial=-1)) + 1)
    read = int(src.shape[0])
    keep = src != dst
    loops = read - int(keep.sum())
    src, dst = src[keep], dst[keep]
    w = None if weights is None else np.asarray(weights, dtype=np.float32)[keep]
    if not directed:
        src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
        if w is not None:
            w = np.concatenate([w, w])
    key = src * n + dst
    order = np.argsort(key, kind="stable")
    key = key[order]
    merged = 0
    if deduplicate and key.size:
        first = np.empty(key.shape, dtype=bool)
        first[0] = True
        np.not_equal(key[1:], key[:-1], out=first[1:])
        merged_stored = int(key.size - first.sum())
        order, key = order[first], key[first]
        merged = merged_stored if directed else merged_stored // 2
    rows = (key // n).astype(np.int64)
    cols = (key % n).astype(np.int32)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    wout = None if w is None else w[order]
    if labels is None:
        labels = np.arange(n)
    graph = Graph(indptr=indptr, indices=cols, labels=np.asarray(labels), directed=directed, weights=wout)
    report = LoadReport(
        edges_read=read, self_loops_dropped=loops, duplicates_merged=merged, nodes=n, ties=graph.m
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
    """CSR graph from label pairs; labels get contiguous ids in order of first appearance."""
    both = np.concatenate([np.asarray(sources, dtype=object), np.asarray(targets, dtype=object)])
    if extra_nodes:
        both = np.concatenate([np.asarray(extra_nodes, dtype=object), both])
    labels, first, inverse = np.unique(both.astype(str), return_index=True, return_inverse=True)
    # Order ids by first appearance so ids are stable and readable.
    rank = np.argsort(np.argsort(first, kind="stable"), kind="stable")
    ids = rank[inverse]
    ordered_labels = labels[np.argsort(first, kind="stable")]
    offset = len(extra_nodes) if extra_nodes else 0
    half = (ids.shape[0] - offset) // 2
    src, dst = ids[offset : offset + half], ids[offset + half :]
    return from_arrays(
        src, dst, n=len(ordered_labels), labels=ordered_labels, directed=directed, weights=weights
    )
