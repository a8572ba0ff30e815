"""Grouping embedded texts into themes, choosing how many, and leaving outliers unthemed.

1. The embeddings are centred and projected on their first 64 principal
   components (Pearson 1901): the dimensions that vary across these texts,
   without the direction every sentence shares.
2. Each text is linked to its 15 most similar texts (cosine), and the themes
   are the communities of that graph found by Leiden (Traag, Waltman & van
   Eck 2019, Sci. Rep. 9, 5233) maximising modularity (Newman & Girvan 2004):
   the number of themes is the one modularity favours, not a guess. The
   nearest-neighbour graph plays the part UMAP's graph plays in BERTopic
   (Grootendorst 2022), without the layout.
3. Asked for ``n_themes``, k-means (Lloyd 1982, k-means++ starts, Arthur &
   Vassilvitskii 2007) on the same vectors gives exactly that many.
4. A text is left unthemed rather than forced into the nearest theme, in
   the spirit of HDBSCAN's noise (Campello, Moulavi & Sander 2013), when
   fewer than a third of its nearest neighbours share its theme (it sits
   between themes), when its similarity to its theme's centre is below the
   theme's lower Tukey fence, Q1 - 1.5 IQR (Tukey 1977: it is far from the
   rest), or when its theme has fewer than ``min_size`` texts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from groundswell.rng import igraph_seeded

COMPONENTS = 64
NEIGHBOURS = 15
RESOLUTION = 1.0  # modularity's own (Newman & Girvan 2004); higher gives more, smaller themes
AGREEMENT = 1 / 3  # share of a text's neighbours in its theme below which it is unthemed
FENCE = 1.5  # Tukey's (1977) inner fence: Q1 - 1.5 IQR
BLOCK = 1024  # rows of the similarity matrix held at once: 1024 x n float32


@dataclass(frozen=True)
class Graph:
    """The nearest-neighbour graph the themes were found on, kept for the sub-themes."""

    rows: NDArray[np.int64]
    """Row of ``x`` of each node (the rows with words in them)."""
    z: NDArray[np.float32]
    """Each node's reduced, unit-length vector."""
    neighbours: NDArray[np.int64]
    """Each node's nearest other nodes, most similar first."""


def assign_themes(
    x: NDArray[np.float32], *, n_themes: int | None, seed: int, min_size: int
) -> NDArray[np.int64]:
    """A theme per row of ``x`` (unit rows; zero rows are never themed), -1 for unthemed.

    Themes are numbered 0..k-1 from the largest; with ``n_themes`` there are
    exactly that many, each keeping at least its most central text.
    """
    return themes_and_graph(x, n_themes=n_themes, seed=seed, min_size=min_size)[0]


def themes_and_graph(
    x: NDArray[np.float32], *, n_themes: int | None, seed: int, min_size: int
) -> tuple[NDArray[np.int64], Graph | None]:
    """``assign_themes``, and the graph it used (None when it needed none)."""
    n = x.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    usable = np.flatnonzero(np.linalg.norm(x, axis=1) > 0)
    if usable.size == 0:
        return labels, None
    if n_themes is None and np.ptp(x[usable], axis=0).max() == 0:
        labels[usable] = 0  # the same text every time: one theme, nothing to tell apart
        return labels, None
    z = reduce(x[usable])
    k = min(NEIGHBOURS, usable.size - 1)
    neighbours = nearest(z, k) if k > 0 else np.zeros((usable.size, 0), dtype=np.int64)
    seeds = np.random.SeedSequence(seed).generate_state(2)
    if n_themes is None:
        found = _leiden(neighbours, int(seeds[0]))
    else:
        found = _kmeans(z, n_themes, int(seeds[1]))
    found = drop_outliers(z, found, neighbours, keep_every_theme=n_themes is not None)
    if n_themes is None:
        counts = np.bincount(found[found >= 0], minlength=1)
        found = np.where((found >= 0) & (counts[np.maximum(found, 0)] < min_size), -1, found)
    labels[usable] = by_size(found)
    return labels, Graph(usable, z, neighbours)


def reduce(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """Centred rows on their first principal components, L2-normalised (cosine geometry)."""
    centred = (x - x.mean(axis=0)).astype(np.float64)
    dims = min(COMPONENTS, x.shape[1], max(x.shape[0] - 1, 1))
    # Eigenvectors of the d x d covariance: cheaper than an SVD of the n x d data, and exact.
    # Their signs are arbitrary, but flipping an axis changes no cosine similarity.
    _, vectors = np.linalg.eigh(centred.T @ centred)
    z = (centred @ vectors[:, ::-1][:, :dims]).astype(np.float32)
    norms = np.linalg.norm(z, axis=1, keepdims=True)
    out: NDArray[np.float32] = np.divide(z, norms, out=np.zeros_like(z), where=norms > 0)
    return out


def nearest(z: NDArray[np.float32], k: int) -> NDArray[np.int64]:
    """The ``k`` most similar other rows of each row (exact, by blocks of the Gram matrix)."""
    n = z.shape[0]
    out = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, BLOCK):
        sims = z[start : start + BLOCK] @ z.T
        m = sims.shape[0]
        sims[np.arange(m), np.arange(m) + start] = -np.inf  # a text is not its own neighbour
        # The k-th largest similarity of each row (np.partition moves values only, several
        # times quicker than argpartition), then every column at or above it: k or more.
        kth = np.partition(sims, n - k, axis=1)[:, n - k]
        rows, cols = np.nonzero(sims >= kth[:, None])
        # Best first, ties by index, so the graph never depends on the partition's order.
        order = np.lexsort((cols, -sims[rows, cols], rows))
        rows, cols = rows[order], cols[order]
        first = np.searchsorted(rows, np.arange(m))
        take = (first[:, None] + np.arange(k)).ravel()
        out[start : start + m] = cols[take].reshape(m, k)
    return out


def _leiden(neighbours: NDArray[np.int64], seed: int) -> NDArray[np.int64]:
    n, k = neighbours.shape  # k >= 1: assign_themes has at least two different rows here
    return leiden(n, np.repeat(np.arange(n, dtype=np.int64), k), neighbours.ravel(), seed)


def leiden(n: int, src: NDArray[np.int64], dst: NDArray[np.int64], seed: int) -> NDArray[np.int64]:
    """Leiden communities maximising modularity of the undirected graph of edges src-dst."""
    import igraph as ig

    low, high = np.minimum(src, dst), np.maximum(src, dst)
    edges = np.unique(low * n + high)  # the union of both directions, once each
    graph = ig.Graph(n=n, edges=np.column_stack([edges // n, edges % n]).tolist())
    # igraph draws from Python's random module: lend it a private generator so the
    # result repeats for a seed and the caller's random state is left alone.
    with igraph_seeded(random.Random(seed)):
        parts = graph.community_leiden(
            objective_function="modularity", resolution=RESOLUTION, n_iterations=-1
        )
    return np.asarray(parts.membership, dtype=np.int64)


def _kmeans(z: NDArray[np.float32], k: int, seed: int) -> NDArray[np.int64]:
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(z)
    labels: NDArray[np.int64] = np.asarray(model.labels_, dtype=np.int64)
    return labels


def drop_outliers(
    z: NDArray[np.float32],
    found: NDArray[np.int64],
    neighbours: NDArray[np.int64],
    *,
    keep_every_theme: bool,
) -> NDArray[np.int64]:
    if neighbours.shape[1] == 0:
        return found
    # The share of a text's neighbours in its theme, out of as many as the theme could hold
    # (a text in a theme of 5 has at most 4 neighbours in it, however many it has).
    # A neighbour of -1 is none (a sub-theme's graph keeps only neighbours in its theme).
    present = neighbours >= 0
    sizes = np.bincount(found)[found]
    possible = np.minimum(present.sum(axis=1), np.maximum(sizes - 1, 1))
    same = (found[np.maximum(neighbours, 0)] == found[:, None]) & present
    agree = same.sum(axis=1) / np.maximum(possible, 1)
    out = np.where(agree < AGREEMENT, -1, found)
    # Far from its theme: similarity to the theme's centre below the lower Tukey fence.
    for c in np.unique(found):
        members = np.flatnonzero(found == c)
        centre = z[members].mean(axis=0)
        sims = z[members] @ (centre / max(float(np.linalg.norm(centre)), 1e-12))
        q1, q3 = np.percentile(sims, [25, 75])
        out[members[sims < q1 - FENCE * (q3 - q1)]] = -1
    if keep_every_theme:
        # A theme asked for keeps at least the text most agreed with its neighbours.
        for c in np.setdiff1d(np.unique(found), np.unique(out)):
            members = np.flatnonzero(found == c)
            out[members[np.argmax(agree[members])]] = c
    return out


def by_size(found: NDArray[np.int64]) -> NDArray[np.int64]:
    """Renumber themes 0..k-1 from the largest (ties by the old number); -1 stays."""
    themed = found[found >= 0]
    if themed.size == 0:
        return found
    counts = np.bincount(themed)
    present = np.flatnonzero(counts)
    order = present[np.lexsort((present, -counts[present]))]
    mapping = np.full(counts.size, -1, dtype=np.int64)
    mapping[order] = np.arange(order.size)
    out: NDArray[np.int64] = np.where(found >= 0, mapping[np.maximum(found, 0)], -1)
    return out
