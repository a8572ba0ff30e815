"""Tiny named graphs for the spread tests."""

from __future__ import annotations

import numpy as np

from groundswell.network.build import from_arrays
from groundswell.network.graph import Graph


def graph_of(edges: list[tuple[int, int]], n: int, directed: bool = False, weights=None) -> Graph:
    e = np.array(edges, dtype=np.int64).reshape(-1, 2)
    return from_arrays(e[:, 0], e[:, 1], n=n, directed=directed, weights=weights)[0]


def ring_lattice(n: int, k: int) -> Graph:
    """Each person tied to the ``k // 2`` nearest on each side (Watts-Strogatz, beta = 0)."""
    src = np.repeat(np.arange(n), k // 2)
    dst = (src + np.tile(np.arange(1, k // 2 + 1), n)) % n
    return from_arrays(src, dst, n=n)[0]
