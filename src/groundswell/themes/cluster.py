"""Grouping embedded texts into themes, choosing how many, and leaving outliers unthemed.

Texts are clustered by spherical k-means (k-means on unit vectors, so on
cosine similarity; Dhillon & Modha 2001). Unless a number is asked for, k is
the one with the best silhouette (Rousseeuw 1987) on a sample. A text much
further from its centre than the rest of its theme (below the lower Tukey
fence, Q1 - 1.5 IQR, of its theme's similarities) is left unthemed rather
than forced in, and so is every text of a theme smaller than ``min_size``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

SAMPLE = 2000  # texts the silhouette is measured on: enough to rank k, quick at 10,000
MAX_THEMES = 30


def cluster(
    x: NDArray[np.float32], *, n_themes: int | None, seed: int, min_size: int
) -> NDArray[np.int64]:
    """A theme per row of ``x`` (unit rows; zero rows are never themed), -1 for unthemed.

    Themes are numbered 0..k-1 from the largest; with ``n_themes`` there are
    exactly that many, each keeping at least its most central text.
    """
    from sklearn.cluster import KMeans

    n = x.shape[0]
    labels = np.full(n, -1, dtype=np.int64)
    usable = np.flatnonzero(np.linalg.norm(x, axis=1) > 0)
    if usable.size == 0:
        return labels
    data = x[usable]
    rng = np.random.default_rng(seed)
    k = n_themes if n_themes is not None else _choose_k(data, min_size, rng)
    model = KMeans(n_clusters=k, n_init=3, random_state=_seed(rng)).fit(data)
    found = model.labels_.astype(np.int64)
    centres = model.cluster_centers_ / np.maximum(
        np.linalg.norm(model.cluster_centers_, axis=1, keepdims=True), 1e-12
    )
    sims = np.einsum("ij,ij->i", data, centres[found])
    keep = np.ones(data.shape[0], dtype=bool)
    for c in range(k):
        members = np.flatnonzero(found == c)
        if members.size == 0:
            continue
        q1, q3 = np.percentile(sims[members], [25, 75])
        outliers = members[sims[members] < q1 - 1.5 * (q3 - q1)]
        keep[outliers] = False
        keep[members[np.argmax(sims[members])]] = True
        if n_themes is None and np.count_nonzero(keep[members]) < min_size:
            keep[members] = False
    found[~keep] = -1
    labels[usable] = _by_size(found)
    return labels


def _choose_k(data: NDArray[np.float32], min_size: int, rng: np.random.Generator) -> int:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = data.shape[0]
    top = min(MAX_THEMES, n // max(min_size, 1), n - 1)
    if top < 2:
        return 1
    sample = data[np.sort(rng.choice(n, size=min(n, SAMPLE), replace=False))]
    best, best_score = 2, -np.inf
    for k in range(2, top + 1):
        labels = KMeans(n_clusters=k, n_init=1, random_state=_seed(rng)).fit_predict(sample)
        if len(np.unique(labels)) < 2:
            continue
        score = silhouette_score(sample, labels, metric="cosine")
        if score > best_score:
            best, best_score = k, score
    return best


def _by_size(found: NDArray[np.int64]) -> NDArray[np.int64]:
    """Renumber themes 0..k-1 from the largest (ties by the old number); -1 stays."""
    themed = found[found >= 0]
    if themed.size == 0:
        return found
    counts = np.bincount(themed)
    present = np.flatnonzero(counts)
    order = present[np.lexsort((present, -counts[present]))]
    mapping = np.full(counts.size, -1, dtype=np.int64)
    mapping[order] = np.arange(order.size)
    return np.where(found >= 0, mapping[np.maximum(found, 0)], -1)


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))
