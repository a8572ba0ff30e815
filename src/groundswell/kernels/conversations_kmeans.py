"""Weighted k-means (Lloyd, Hamerly-accelerated) and silhouette kernels.

Lloyd (1982) iterations: assign each point to its nearest centre (squared
Euclidean distance, lowest index on ties, as Pol.is ``add-to-closest``), move
each centre to the weighted mean of its points (Pol.is ``weighted-mean``,
``clusters.clj``). Stops when no assignment changes, which is exact and
independent of the coordinate scale (Pol.is's 0.01 centre-move rule is not).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, inline="always")
def _visit(i, points, centres, half_gap, labels, upper, lower):
    """Hamerly's test for point ``i``; rescan only when the bounds allow a change.

    Returns 1 when the label changed. Ties go to the lowest centre index.
    """
    k, d = centres.shape
    a = labels[i]
    bound = max(half_gap[a], lower[i])
    if upper[i] <= bound:
        return 0
    s = 0.0
    for t in range(d):
        z = points[i, t] - centres[a, t]
        s += z * z
    upper[i] = np.sqrt(s)
    if upper[i] <= bound:
        return 0
    d1 = np.inf
    d2 = np.inf
    best = -1
    for c in range(k):
        s = 0.0
        for t in range(d):
            z = points[i, t] - centres[c, t]
            s += z * z
        if s < d1:
            d2 = d1
            d1 = s
            best = c
        elif s < d2:
            d2 = s
    upper[i] = np.sqrt(d1)
    lower[i] = np.sqrt(d2)
    if best != a:
        labels[i] = best
        return 1
    return 0


@njit(cache=True, parallel=True)
def _sweep_parallel(points, centres, half_gap, labels, upper, lower):
    changed = 0
    for i in prange(points.shape[0]):
        changed += _visit(i, points, centres, half_gap, labels, upper, lower)
    return changed


@njit(cache=True)
def _sweep(points, centres, half_gap, labels, upper, lower):
    changed = 0
    for i in range(points.shape[0]):
        changed += _visit(i, points, centres, half_gap, labels, upper, lower)
    return changed


@njit(cache=True)
def lloyd(points, weights, centres, max_iter, tol=0.0):
    """Weighted Lloyd k-means from ``centres``, accelerated by Hamerly's bounds.

    Hamerly (SDM 2010) keeps, per point, an upper bound on the distance to its
    centre and a lower bound on the distance to any other; a point whose
    bounds cannot cross is skipped, so the result is Lloyd's but most points
    cost O(1) per iteration. Stops when no label changes, or when no centre
    moved more than ``tol`` (0: exact convergence). Returns ``(labels,
    centres, inertia, iterations)``.
    A centre left without points stays where it is; the caller drops it.
    """
    n, d = points.shape
    k = centres.shape[0]
    centres = centres.copy()
    labels = np.zeros(n, np.int64)
    upper = np.full(n, np.inf)
    lower = np.zeros(n)
    half_gap = np.zeros(k)
    parallel = n * k >= 200_000  # thread start-up costs more on small inputs
    it = 0
    while it < max_iter:
        if parallel:
            changed = _sweep_parallel(points, centres, half_gap, labels, upper, lower)
        else:
            changed = _sweep(points, centres, half_gap, labels, upper, lower)
        it += 1
        if changed == 0 and it > 1:
            break
        sums = np.zeros((k, d))
        wsum = np.zeros(k)
        for i in range(n):
            c = labels[i]
            wsum[c] += weights[i]
            for t in range(d):
                sums[c, t] += weights[i] * points[i, t]
        move = np.zeros(k)
        for c in range(k):
            if wsum[c] > 0:
                s = 0.0
                for t in range(d):
                    z = sums[c, t] / wsum[c]
                    s += (z - centres[c, t]) ** 2
                    centres[c, t] = z
                move[c] = np.sqrt(s)
        biggest = move.max()
        if biggest <= tol:
            it = max_iter  # converged to tolerance: final relabel below
            break
        for i in range(n):
            upper[i] += move[labels[i]]
            lower[i] -= biggest
        for c in range(k):
            gap = np.inf
            for c2 in range(k):
                if c2 != c:
                    s = 0.0
                    for t in range(d):
                        s += (centres[c, t] - centres[c2, t]) ** 2
                    gap = min(gap, s)
            half_gap[c] = 0.5 * np.sqrt(gap) if k > 1 else np.inf
    if it == max_iter:  # labels must match the final centres: full rescan
        upper[:] = np.inf
        lower[:] = 0.0
        half_gap[:] = 0.0
        if parallel:
            _sweep_parallel(points, centres, half_gap, labels, upper, lower)
        else:
            _sweep(points, centres, half_gap, labels, upper, lower)
    inertia = 0.0
    for i in range(n):
        s = 0.0
        for t in range(d):
            s += (points[i, t] - centres[labels[i], t]) ** 2
        inertia += weights[i] * s
    return labels, centres, inertia, it


@njit(cache=True)
def weighted_silhouette(points, weights, labels, k):
    """Mean silhouette (Rousseeuw 1987) of weighted points, weights as multiplicities.

    A point of weight ``w`` stands for ``w`` participants at the same place, so
    ``a(i)`` averages over the other ``W_own - 1`` members; a participant alone
    in its cluster scores 0 (Rousseeuw's convention, as Pol.is and sklearn).
    Returns the participant-weighted mean.
    """
    n, d = points.shape
    csum = np.zeros(k)
    for i in range(n):
        csum[labels[i]] += weights[i]
    total = 0.0
    wtotal = 0.0
    acc = np.zeros(k)
    for i in range(n):
        acc[:] = 0.0
        for j in range(n):
            s = 0.0
            for a in range(d):
                t = points[i, a] - points[j, a]
                s += t * t
            acc[labels[j]] += weights[j] * np.sqrt(s)
        own = labels[i]
        wtotal += weights[i]
        if csum[own] <= 1.0:
            continue
        a_i = acc[own] / (csum[own] - 1.0)
        b_i = np.inf
        for c in range(k):
            if c != own and csum[c] > 0:
                b_i = min(b_i, acc[c] / csum[c])
        m = max(a_i, b_i)
        if np.isfinite(b_i) and m > 0:
            total += weights[i] * (b_i - a_i) / m
    return total / wtotal if wtotal > 0 else 0.0


@njit(cache=True, parallel=True)
def nearest(points, centres):
    """Index of and squared distance to the nearest centre, per point."""
    n, d = points.shape
    labels = np.empty(n, np.int64)
    dist = np.empty(n)
    for i in prange(n):
        best = -1
        best_d = np.inf
        for c in range(centres.shape[0]):
            s = 0.0
            for t in range(d):
                z = points[i, t] - centres[c, t]
                s += z * z
            if s < best_d:
                best_d = s
                best = c
        labels[i] = best
        dist[i] = best_d
    return labels, dist
