"""Who is clustered, base clusters and opinion groups (reference sections 1.2, 1.4).

Two stages, as Pol.is (``clusters.clj``, ``conversation.clj:400-474``):

1. **Base clusters**: k-means with k = 100 on the 2-D positions of the
   participants in the conversation, so the second stage works on at most 100
   weighted points however large the conversation. Up to ``EXACT_SILHOUETTE``
   distinct positions, each position is its own base cluster instead.
2. **Groups**: weighted k-means (weight = members) over the base-cluster centres
   for each k in 2..5; k is chosen by silhouette (Rousseeuw 1987). With few
   participants the silhouette is the exact participant-level one; beyond
   ``EXACT_SILHOUETTE`` it is computed on the base centres weighted by size.

Deliberate departures from Pol.is, each for determinism or quality: a seeded
k-means++ start (Arthur & Vassilvitskii, SODA 2007) with ``n_init`` restarts
instead of "first k distinct points"; Lloyd runs until no label changes
instead of Pol.is's scale-dependent 0.01 centre move and its accidental 20
group iterations (CLOJURE_QUIRKS Q3); groups numbered by size on a cold start.
Pol.is's rule against flapping is kept: the chosen k only changes after the
same new k has won ``K_BUFFER`` consecutive updates (``group-k-buffer``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from groundswell.kernels.conversations_kmeans import (
    best_partition,
    lloyd,
    nearest,
    weighted_distances,
)
from groundswell.rng import Seed, generator, seed_sequence

BASE_K = 100
MAX_K = 5
K_BUFFER = 4
BASE_SAMPLE = 20_000  # distinct positions the base k-means is fitted on
EXACT_SILHOUETTE = 2000  # distinct positions: exact silhouette, each its own base cluster


def in_conversation(
    row_counts: np.ndarray,
    n_cols: int,
    previous: np.ndarray | None = None,
    min_votes: int = 7,
    greedy_n: int = 15,
) -> np.ndarray:
    """Boolean mask of participants who are clustered (Pol.is ``:in-conv``, ``conversation.clj``).

    In when ``n_i >= min(min_votes, C)``; if fewer than ``greedy_n`` are in, the
    top voters are added (ties by row order); once in, always in (``previous``).
    """
    mask = row_counts >= min(min_votes, n_cols)
    mask &= row_counts > 0
    if previous is not None:
        mask[: previous.shape[0]] |= previous
    if mask.sum() < greedy_n:
        order = np.argsort(-row_counts, kind="stable")
        for i in order:
            if mask.sum() >= greedy_n or row_counts[i] == 0:
                break
            mask[i] = True
    return mask


def kmeans_pp(
    points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator
) -> np.ndarray:
    """k-means++ seeding with probability proportional to weight x squared distance."""
    n = points.shape[0]
    first = rng.choice(n, p=weights / weights.sum())
    centres = [points[first]]
    d2 = ((points - points[first]) ** 2).sum(axis=1)
    for _ in range(1, k):
        mass = weights * d2
        total = mass.sum()
        if total <= 0:
            break  # every point already sits on a centre
        nxt = rng.choice(n, p=mass / total)
        centres.append(points[nxt])
        d2 = np.minimum(d2, ((points - points[nxt]) ** 2).sum(axis=1))
    return np.array(centres)


def kmeans(
    points: np.ndarray,
    weights: np.ndarray,
    k: int,
    *,
    seed: Seed = 0,
    init: np.ndarray | None = None,
    n_init: int = 1,
    max_iter: int = 100,
    tol: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Weighted k-means; best of ``n_init`` seeded starts, or one run from ``init``.

    Returns ``(labels, centres, inertia)`` with empty clusters dropped and
    labels renumbered 0..k'-1 in centre order.
    """
    points = np.ascontiguousarray(points, np.float64)
    weights = np.ascontiguousarray(weights, np.float64)
    starts = [np.asarray(init, np.float64)] if init is not None else []
    rng = generator(seed)
    while len(starts) < max(n_init, 1):
        starts.append(kmeans_pp(points, weights, k, rng))
    best = None
    for start in starts:
        labels, centres, inertia, _ = lloyd(
            points, weights, np.ascontiguousarray(start), max_iter, tol
        )
        if best is None or inertia < best[2] - 1e-12 * max(1.0, abs(inertia)):
            best = (labels, centres, inertia)
    assert best is not None  # at least one start ran
    labels, centres, inertia = best
    used = np.unique(labels)
    remap = np.full(centres.shape[0], -1, np.int64)
    remap[used] = np.arange(used.shape[0])
    return remap[labels], centres[used], float(inertia)


@dataclass(frozen=True)
class BaseClusters:
    """Base clusters of the in-conversation participants.

    ``labels`` gives each in-conversation participant's base cluster (in the
    order of the points given); ``centres`` and ``sizes`` describe them.
    """

    labels: np.ndarray
    centres: np.ndarray
    sizes: np.ndarray


def base_clusters(
    points: np.ndarray,
    *,
    k: int = BASE_K,
    seed: Seed = 0,
    warm: np.ndarray | None = None,
    sample: int = BASE_SAMPLE,
    distinct: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> BaseClusters:
    """Base clusters (Pol.is ``:base-clusters``, ``conversation.clj:400-407``).

    With at most ``max(k, EXACT_SILHOUETTE)`` distinct positions each position is
    its own cluster, so the groups are an exact participant-level k-means
    (Pol.is stops at 100 base clusters for speed, which 2,000 weighted points
    do not need). Otherwise k-means from ``warm`` (last update's centres, grown
    to ``k`` by splitting off the most distal point, Pol.is
    ``clean-start-clusters``) or from a seeded k-means++ start. Beyond
    ``sample`` distinct positions the centres are fitted on a seeded sample of
    that many and every participant then joins its nearest centre: base
    clusters only summarise the map for the group stage. ``distinct`` is
    ``distinct_points(points)`` when the caller already has it.
    """
    uniq, inverse, counts = distinct if distinct is not None else distinct_points(points)
    if uniq.shape[0] <= max(k, EXACT_SILHOUETTE):
        return BaseClusters(inverse, uniq, counts.astype(np.int64))
    rng = generator(seed)
    fit_points, fit_weights = uniq, counts
    if uniq.shape[0] > sample:
        pick = np.sort(rng.choice(uniq.shape[0], size=sample, replace=False))
        fit_points, fit_weights = uniq[pick], counts[pick]
    init = _grow(fit_points, warm, k) if warm is not None and warm.shape[0] > 0 else None
    # Stop once centres move less than 1e-4 of the map's spread (Pol.is uses an
    # absolute 0.01, clusters.clj:68-76, which depends on the map's scale).
    centre = np.average(fit_points, axis=0, weights=fit_weights)
    spread = float(np.sqrt(np.average(((fit_points - centre) ** 2).sum(1), weights=fit_weights)))
    _, centres, _ = kmeans(fit_points, fit_weights, k, seed=rng, init=init, tol=1e-4 * spread)
    labels, _ = nearest(uniq, centres)
    sizes = np.bincount(labels, weights=counts, minlength=centres.shape[0]).astype(np.int64)
    keep = sizes > 0
    remap = np.cumsum(keep) - 1
    return BaseClusters(remap[labels][inverse], centres[keep], sizes[keep])


def _grow(points: np.ndarray, centres: np.ndarray, k: int) -> np.ndarray:
    """Warm centres grown to ``k`` by adding the point farthest from its centre."""
    centres = np.unique(np.asarray(centres, np.float64), axis=0)[:k]
    _, d2 = nearest(points, centres)
    out = list(centres)
    while len(out) < k:
        far = int(np.argmax(d2))
        if d2[far] <= 0:
            break
        out.append(points[far])
        d2 = np.minimum(d2, ((points - points[far]) ** 2).sum(axis=1))
    return np.array(out)


@dataclass(frozen=True)
class Groups:
    """Opinion groups over base clusters, with the evidence for the chosen k."""

    of_base: np.ndarray  # group of each base cluster
    centres: np.ndarray
    k: int
    silhouettes: dict[int, float]
    candidates: dict[int, np.ndarray] = field(default_factory=dict)  # centres per k
    streak: tuple[int, int] = (0, 0)  # (k that won the last updates, how many in a row)


def smooth_k(
    previous: Groups | None, this_k: int, buffer: int = K_BUFFER
) -> tuple[int, tuple[int, int]]:
    """Pol.is k-smoother (``conversation.clj:445-468``): change k only after
    ``this_k`` has won ``buffer`` updates in a row; the first update takes it."""
    if previous is None:
        return this_k, (this_k, 1)
    last_k, run = previous.streak
    run = run + 1 if last_k == this_k else 1
    if this_k != previous.k and run >= buffer:
        return this_k, (this_k, run)
    return previous.k, (this_k, run)


def group_clusters(
    base: BaseClusters,
    participant_points: np.ndarray,
    *,
    max_k: int = MAX_K,
    seed: Seed = 0,
    n_init: int = 10,
    previous: Groups | None = None,
    distinct: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> Groups:
    """Groups for k = 2..max_k: the partition with the best silhouette (k smoothed).

    For each k, weighted k-means over the base centres from ``n_init`` seeded
    k-means++ starts (or from that k's previous centres on an update); every
    distinct candidate partition is scored by silhouette and the best (k,
    start) wins, so the criterion that picks k also picks the partition.
    ``distinct`` is ``distinct_points(participant_points)`` when the caller
    already has it. The starts' uniforms are drawn up front from one
    generator, ``n_init x max_k`` per k, so each k's starts depend only on
    the seed.
    """
    n_base = base.centres.shape[0]
    weights = base.sizes.astype(np.float64)
    if n_base < 2:
        return Groups(np.zeros(n_base, np.int64), base.centres.copy(), 1, {})
    if distinct is None:
        distinct = distinct_points(participant_points)
    points = np.ascontiguousarray(base.centres, np.float64)
    member_of, sil_points, sil_weights = _silhouette_points(base, distinct)
    wdist = weighted_distances(sil_points, sil_weights)
    n_starts = max(n_init, 1)
    uniforms = generator(seed_sequence(seed).spawn(1)[0]).random((max_k + 1, n_starts, max_k))
    sil: dict[int, float] = {}
    found: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for k in range(2, min(max_k, max(n_base - 1, 2)) + 1):
        warm = previous.candidates.get(k) if previous is not None else None
        init = np.zeros((0, 2)) if warm is None else np.ascontiguousarray(warm, np.float64)
        labels, centres, score, ok = best_partition(
            points,
            weights,
            np.ascontiguousarray(uniforms[k, :, :k]),
            init,
            member_of,
            wdist,
            sil_weights,
            100,
        )
        if not ok:
            continue
        if warm is None:
            labels, centres = _order_by_size(labels, centres, weights)
        sil[k], found[k] = float(score), (labels, centres)
    if not found:
        return Groups(np.zeros(n_base, np.int64), base.centres.copy(), 1, {})
    this_k = max(sil, key=lambda k: (sil[k], -k))
    k, streak = smooth_k(previous, this_k)
    if k not in found:
        k = this_k
    labels, centres = found[k]
    return Groups(labels, centres, k, sil, {kk: c for kk, (_, c) in found.items()}, streak)


def _silhouette_points(
    base: BaseClusters, distinct: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where the silhouette is taken: ``(base cluster of each point, points, weights)``.

    Up to ``EXACT_SILHOUETTE`` distinct positions, the participant-level
    silhouette over the distinct positions weighted by count (each one is its
    own base cluster when ``base_clusters`` made them); beyond, the base
    centres weighted by size.
    """
    uniq, inv, counts = distinct
    n_base = base.centres.shape[0]
    if uniq.shape[0] > EXACT_SILHOUETTE:
        return (
            np.arange(n_base),
            np.ascontiguousarray(base.centres, np.float64),
            base.sizes.astype(np.float64),
        )
    member_of = np.zeros(uniq.shape[0], np.int64)
    member_of[inv] = base.labels  # identical points share a base cluster
    return member_of, uniq, np.ascontiguousarray(counts, np.float64)


def distinct_points(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of an (n, 2) array: (rows, index of each point's row, counts)."""
    n = points.shape[0]
    if n == 0:
        return points.reshape(0, 2), np.zeros(0, np.int64), np.zeros(0)
    order = np.lexsort((points[:, 1], points[:, 0]))
    p = points[order]
    new = np.ones(n, dtype=bool)
    new[1:] = np.any(p[1:] != p[:-1], axis=1)
    ids = np.cumsum(new) - 1
    inverse = np.empty(n, np.int64)
    inverse[order] = ids
    counts = np.bincount(ids).astype(np.float64)
    return np.ascontiguousarray(p[new]), inverse, counts


def _order_by_size(
    labels: np.ndarray, centres: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    size = np.bincount(labels, weights=weights, minlength=centres.shape[0])
    order = np.lexsort((centres[:, 1], centres[:, 0], -size))
    rank = np.empty_like(order)
    rank[order] = np.arange(order.shape[0])
    return rank[labels], centres[order]
