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


@njit(cache=True, inline="always")
def _point_silhouette(acc, csum, own, k):
    """s(i) = (b - a) / max(a, b) (Rousseeuw 1987) from the weighted distance sums
    ``acc`` to each cluster of sizes ``csum``; 0 where it is undefined."""
    a_i = acc[own] / (csum[own] - 1.0)
    b_i = np.inf
    for c in range(k):
        if c != own and csum[c] > 0:
            b_i = min(b_i, acc[c] / csum[c])
    m = max(a_i, b_i)
    if np.isfinite(b_i) and m > 0:
        return (b_i - a_i) / m
    return 0.0


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
        total += weights[i] * _point_silhouette(acc, csum, own, k)
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


@njit(cache=True)
def _draw(mass, u):
    """Index drawn with probability proportional to ``mass``, from a uniform ``u`` in [0, 1).

    Inverse-CDF sampling: the first index whose running total exceeds
    ``u x total``, as ``numpy.random.Generator.choice(p=mass / total)`` does
    (searchsorted on the cumulative sum, side right). Returns -1 when the
    total mass is not positive.
    """
    total = 0.0
    last = -1
    for i in range(mass.shape[0]):
        total += mass[i]
        if mass[i] > 0:
            last = i
    if not total > 0:
        return -1
    target = u * total
    run = 0.0
    for i in range(mass.shape[0]):
        run += mass[i]
        if run > target and mass[i] > 0:
            return i
    return last  # u x total rounded up to the total


@njit(cache=True)
def kmeans_pp_start(points, weights, uniforms):
    """k-means++ seeding (Arthur & Vassilvitskii, SODA 2007), weighted.

    The first centre is drawn with probability proportional to weight, each
    next one proportional to weight x squared distance to the nearest centre
    so far; draw ``c`` uses ``uniforms[c]``. Stops early when every point sits
    on a centre, so fewer than ``len(uniforms)`` rows may come back.
    """
    n, d = points.shape
    k = uniforms.shape[0]
    centres = np.empty((k, d))
    first = _draw(weights, uniforms[0])
    centres[0] = points[first]
    d2 = np.empty(n)
    mass = np.empty(n)
    for i in range(n):
        s = 0.0
        for t in range(d):
            z = points[i, t] - centres[0, t]
            s += z * z
        d2[i] = s
    m = 1
    for c in range(1, k):
        for i in range(n):
            mass[i] = weights[i] * d2[i]
        nxt = _draw(mass, uniforms[c])
        if nxt < 0:
            break  # every point already sits on a centre
        centres[m] = points[nxt]
        m += 1
        for i in range(n):
            s = 0.0
            for t in range(d):
                z = points[i, t] - points[nxt, t]
                s += z * z
            d2[i] = min(d2[i], s)
    return centres[:m].copy()


@njit(cache=True)
def weighted_distances(points, weights):
    """``out[i, j] = weights[j] * ||points[i] - points[j]||``, the silhouette's summands."""
    n, d = points.shape
    out = np.empty((n, n))
    for i in range(n):
        out[i, i] = 0.0
        for j in range(i + 1, n):
            s = 0.0
            for t in range(d):
                z = points[i, t] - points[j, t]
                s += z * z
            s = np.sqrt(s)
            out[i, j] = weights[j] * s
            out[j, i] = weights[i] * s
    return out


@njit(cache=True, fastmath={"reassoc"})
def _masked_sums(row, mask, out):
    """``out[c] = sum_j row[j] mask[c, j]``; reassociation lets LLVM vectorise the sums."""
    for c in range(mask.shape[0]):
        m = mask[c]
        s = 0.0
        for j in range(row.shape[0]):
            s += row[j] * m[j]
        out[c] = s


@njit(cache=True)
def silhouette_from_distances(wdist, weights, labels, k):
    """``weighted_silhouette`` from ``weighted_distances(points, weights)``.

    The n^2 distances are computed once for all candidate partitions; each
    point's per-cluster sums are dot products of its row with 0/1 cluster
    masks, which vectorise (a scattered ``acc[labels[j]] += ...`` does not).
    Equal to ``weighted_silhouette`` up to rounding.
    """
    n = wdist.shape[0]
    csum = np.zeros(k)
    mask = np.zeros((k, n))
    for i in range(n):
        csum[labels[i]] += weights[i]
        mask[labels[i], i] = 1.0
    total = 0.0
    wtotal = 0.0
    acc = np.zeros(k)
    for i in range(n):
        own = labels[i]
        wtotal += weights[i]
        if csum[own] <= 1.0:
            continue
        _masked_sums(wdist[i], mask, acc)
        total += weights[i] * _point_silhouette(acc, csum, own, k)
    return total / wtotal if wtotal > 0 else 0.0


@njit(cache=True)
def lloyd_small(points, weights, centres, max_iter):
    """Plain weighted Lloyd k-means from ``centres``: ``lloyd`` without Hamerly's bounds.

    For the few points and k <= 5 of the group stage a full scan is cheaper
    than keeping bounds. Same rules as ``lloyd`` with ``tol = 0``: nearest
    centre with ties to the lowest index, weighted means, an empty centre
    stays put, stop when no label changes; labels match the final centres.
    Returns ``(labels, centres)``.
    """
    n, d = points.shape
    k = centres.shape[0]
    centres = centres.copy()
    labels = np.full(n, -1, np.int64)
    sums = np.zeros((k, d))
    wsum = np.zeros(k)
    for it in range(max_iter + 1):
        changed = 0
        for i in range(n):
            best = 0
            best_d = np.inf
            for c in range(k):
                s = 0.0
                for t in range(d):
                    z = points[i, t] - centres[c, t]
                    s += z * z
                if s < best_d:
                    best_d = s
                    best = c
            if labels[i] != best:
                labels[i] = best
                changed += 1
        if changed == 0 or it == max_iter:
            break
        sums[:, :] = 0.0
        wsum[:] = 0.0
        for i in range(n):
            c = labels[i]
            wsum[c] += weights[i]
            for t in range(d):
                sums[c, t] += weights[i] * points[i, t]
        for c in range(k):
            if wsum[c] > 0:
                for t in range(d):
                    centres[c, t] = sums[c, t] / wsum[c]
    return labels, centres


@njit(cache=True)
def _canonical(labels, k):
    """Labels renumbered in order of first appearance: equal iff same partition."""
    seen = np.full(k, -1, np.int64)
    out = np.empty(labels.shape[0], np.int64)
    nxt = 0
    for i in range(labels.shape[0]):
        c = labels[i]
        if seen[c] < 0:
            seen[c] = nxt
            nxt += 1
        out[i] = seen[c]
    return out


@njit(cache=True)
def best_partition(points, weights, uniforms, init, member_of, wdist, sil_weights, max_iter):
    """Weighted k-means from several starts; the partition with the best silhouette.

    ``k = uniforms.shape[1]``. Starts: ``init`` alone when it has rows (a
    warm start), else one k-means++ start per row of ``uniforms``. Each start
    runs ``lloyd`` to convergence; a run that leaves a cluster empty is
    dropped. The silhouette is taken over the points of ``wdist``
    (``weighted_distances`` of the silhouette points), whose point ``p``
    belongs to the cluster of ``points[member_of[p]]``. A partition equal to
    one already scored is not scored again (same partition, same score), and
    a later start replaces the best only when its score is higher by 1e-12.

    Returns ``(labels, centres, score, found)``; ``found`` is False when no
    start kept ``k`` clusters. Lloyd runs are ``lloyd_small``.
    """
    n = points.shape[0]
    k = uniforms.shape[1]
    n_starts = 1 if init.shape[0] > 0 else uniforms.shape[0]
    seen = np.empty((n_starts, n), np.int64)
    n_seen = 0
    best_labels = np.zeros(n, np.int64)
    best_centres = np.zeros((k, points.shape[1]))
    best = -np.inf
    found = False
    sil_labels = np.empty(member_of.shape[0], np.int64)
    for r in range(n_starts):
        start = init if init.shape[0] > 0 else kmeans_pp_start(points, weights, uniforms[r])
        if start.shape[0] != k:
            continue
        labels, centres = lloyd_small(points, weights, start, max_iter)
        used = np.zeros(k, np.bool_)
        for i in range(n):
            used[labels[i]] = True
        if not used.all():
            continue
        canon = _canonical(labels, k)
        repeat = False
        for s in range(n_seen):
            if (seen[s] == canon).all():
                repeat = True
                break
        if repeat:
            continue
        seen[n_seen] = canon
        n_seen += 1
        for p in range(member_of.shape[0]):
            sil_labels[p] = labels[member_of[p]]
        score = silhouette_from_distances(wdist, sil_weights, sil_labels, k)
        if not found or score > best + 1e-12:
            best, found = score, True
            best_labels[:] = labels
            best_centres[:, :] = centres
    return best_labels, best_centres, best, found
