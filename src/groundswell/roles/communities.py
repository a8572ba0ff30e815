"""Communities and bridges: Leiden communities, participation and sampled betweenness.

- Communities: Leiden (Traag, Waltman & van Eck, Sci. Rep. 9, 5233, 2019)
  maximising modularity, through igraph.
- Participation coefficient (Guimerà & Amaral 2005): how evenly a person's
  ties spread over communities; 0 when all stay inside one.
- Betweenness: Brandes' dependencies from a uniform sample of sources, scaled
  by n / k (Brandes & Pich 2007), so a million people cost k breadth-first
  searches rather than a million.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numba import get_num_threads

from groundswell.kernels import roles as role_kernels
from groundswell.network.convert import edge_arrays
from groundswell.network.graph import Graph
from groundswell.rng import Seed, generator, igraph_seeded

DEFAULT_SAMPLES = 64


@dataclass(frozen=True, eq=False)
class Bridges:
    """Community of each person and how much they bridge communities.

    ``betweenness`` is normalised: the estimated share of shortest paths
    between pairs of other people that pass through the person (0..1).
    """

    community: np.ndarray  # int32, 0..n_communities-1, largest community first
    n_communities: int
    participation: np.ndarray  # float64 in [0, 1)
    communities_reached: np.ndarray  # int32: distinct communities among a person's ties
    betweenness: np.ndarray  # float64
    samples: int


def undirected(graph: Graph) -> Graph:
    """The graph with every tie both ways (bridging ignores who wrote to whom)."""
    if not graph.directed:
        return graph
    from groundswell.network.build import from_arrays

    src, dst = edge_arrays(graph)
    return from_arrays(src, dst, n=graph.n, labels=graph.labels, directed=False)[0]


def leiden(
    graph: Graph, seed: Seed = 0, *, resolution: float = 1.0, iterations: int = 2
) -> np.ndarray:
    """Leiden communities maximising modularity, numbered largest first.

    igraph draws from Python's ``random`` module; we lend it a private
    ``random.Random`` seeded from ``seed`` so the result repeats and the
    caller's global random state is left alone.

    Examples
    --------
    >>> from groundswell.network.build import from_arrays
    >>> g, _ = from_arrays([0, 1, 0, 3, 4, 3, 2], [1, 2, 2, 4, 5, 5, 3], n=6)
    >>> leiden(g, seed=1).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    import igraph as ig

    g = undirected(graph)
    if g.n == 0:
        return np.empty(0, np.int32)
    src, dst = edge_arrays(g)
    keep = src < dst
    ig_graph = ig.Graph(n=g.n, edges=np.column_stack([src[keep], dst[keep]]))
    state = random.Random(int(generator(seed).integers(0, 2**63 - 1)))
    with igraph_seeded(state):
        parts = ig_graph.community_leiden(
            objective_function="modularity", resolution=resolution, n_iterations=iterations
        )
    return renumber(np.asarray(parts.membership, dtype=np.int64))


def renumber(labels: np.ndarray) -> np.ndarray:
    """Community ids 0..C-1 by decreasing size (ties: lower old id first)."""
    uniq, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    order = np.lexsort((uniq, -counts))
    rank = np.empty(uniq.size, dtype=np.int32)
    rank[order] = np.arange(uniq.size, dtype=np.int32)
    return rank[inverse]


def sampled_betweenness(graph: Graph, samples: int = DEFAULT_SAMPLES, seed: Seed = 0) -> np.ndarray:
    """Normalised betweenness estimated from ``samples`` random sources.

    With ``samples >= n`` every node is a source and the value is exact:
    ``networkx.betweenness_centrality(G, normalized=True)`` for an undirected G.
    """
    g = undirected(graph)
    n = g.n
    if n < 3:
        return np.zeros(n)
    k = min(int(samples), n)
    sources = np.sort(generator(seed).choice(n, size=k, replace=False)).astype(np.int64)
    chunks = max(1, min(get_num_threads(), k))
    total = role_kernels.brandes_sources(g.indptr, g.indices, sources, chunks)
    # Each unordered pair is counted from both ends: (n-1)(n-2) ordered pairs.
    scaled: np.ndarray = total * (n / k) / ((n - 1) * (n - 2))
    return scaled


def find_bridges(
    graph: Graph,
    seed: Seed = 0,
    *,
    samples: int = DEFAULT_SAMPLES,
    community: np.ndarray | None = None,
    resolution: float = 1.0,
) -> Bridges:
    """Communities (Leiden unless given), participation and sampled betweenness."""
    g = undirected(graph)
    seeds = np.random.SeedSequence(int(generator(seed).integers(0, 2**63 - 1))).spawn(2)
    # The betweenness kernel releases the GIL, so it runs on a second thread
    # while igraph's Leiden (single-threaded C) runs on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(sampled_betweenness, g, samples, np.random.default_rng(seeds[1]))
        if community is None:
            comm = leiden(g, np.random.default_rng(seeds[0]), resolution=resolution)
        else:
            comm = renumber(np.asarray(community))
        between = pending.result()
    count = int(comm.max()) + 1 if comm.size else 0
    pc, reached = role_kernels.participation(g.indptr, g.indices, comm, max(count, 1))
    return Bridges(comm, count, pc, reached, between, min(int(samples), g.n))


def community_ties(graph: Graph, community: np.ndarray) -> dict[tuple[int, int], int]:
    """Ties between each pair of different communities ``(a, b)``, ``a < b``."""
    g = undirected(graph)
    src, dst = edge_arrays(g)
    keep = src < dst
    a, b = community[src[keep]].astype(np.int64), community[dst[keep]].astype(np.int64)
    cross = a != b
    lo, hi = np.minimum(a[cross], b[cross]), np.maximum(a[cross], b[cross])
    width = int(community.max()) + 1 if community.size else 1
    keys, counts = np.unique(lo * width + hi, return_counts=True)
    return {
        (int(k // width), int(k % width)): int(c)
        for k, c in zip(keys.tolist(), counts.tolist(), strict=True)
    }


def nmi(a: np.ndarray, b: np.ndarray) -> float:
    """Normalised mutual information of two labellings, arithmetic mean of entropies.

    NMI = 2 I(A; B) / (H(A) + H(B)) (Danon et al., J. Stat. Mech. P09008,
    2005); the same as scikit-learn's default. 1 when both labellings agree.
    """
    a = np.unique(np.asarray(a), return_inverse=True)[1].astype(np.int64)
    b = np.unique(np.asarray(b), return_inverse=True)[1].astype(np.int64)
    n = a.size
    if n == 0:
        return 1.0
    width = int(b.max()) + 1
    pa = np.bincount(a) / n
    pb = np.bincount(b) / n
    ha = -np.sum(pa * np.log(pa))
    hb = -np.sum(pb * np.log(pb))
    if ha == 0 and hb == 0:
        return 1.0
    keys, counts = np.unique(a * width + b, return_counts=True)
    pij = counts / n
    mi = np.sum(pij * np.log(pij / (pa[keys // width] * pb[keys % width])))
    return float(2 * mi / (ha + hb))
