"""Exact reach of a seed set under one-step spread with a uniform tie probability.

Under ``direct`` (and any cascade stopped after one step) a person ``v`` is
reached with probability ``1`` if chosen, else ``1 - (1 - p)^c`` where ``c``
counts chosen people with a tie to ``v``: each tie is an independent try.
So the expected reach of a set is a sum over people, exact, with no sampling;
with ``p = 1`` it is the plain count of people covered (set cover).

State is two arrays: ``chosen`` (bool) and ``count`` (chosen in-neighbours,
int32); ``pw[c] = (1 - p)^c`` is precomputed. All kernels take the out-CSR
(``indptr``, ``indices``) of the graph and these arrays only.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def powers(p, top):
    """``(1 - p)^c`` for ``c = 0 .. top`` (``0^0 = 1``, so ``p = 1`` gives 1, 0, 0, ...)."""
    pw = np.empty(top + 2, dtype=np.float64)
    pw[0] = 1.0
    for c in range(1, top + 2):
        pw[c] = pw[c - 1] * (1.0 - p)
    return pw


@njit(cache=True)
def _apply(indptr, indices, chosen, count, u, sign):
    chosen[u] = sign > 0
    for e in range(indptr[u], indptr[u + 1]):
        count[indices[e]] += sign


@njit(cache=True)
def _value(chosen, count, pw):
    total = 0.0
    for v in range(chosen.shape[0]):
        total += 1.0 if chosen[v] else 1.0 - pw[count[v]]
    return total


@njit(cache=True)
def _gain(indptr, indices, chosen, count, pw, p, u):
    """Expected reach added by choosing ``u`` (not chosen yet)."""
    g = pw[count[u]]
    for e in range(indptr[u], indptr[u + 1]):
        v = indices[e]
        if not chosen[v]:
            g += p * pw[count[v]]
    return g


@njit(cache=True)
def _loss(indptr, indices, chosen, count, pw, p, u):
    """Expected reach lost by dropping ``u`` (chosen)."""
    g = pw[count[u]]
    for e in range(indptr[u], indptr[u + 1]):
        v = indices[e]
        if not chosen[v]:
            g += p * pw[count[v] - 1]
    return g


@njit(cache=True)
def prefix_reach(indptr, indices, p, order):
    """Exact expected reach of every prefix of ``order``: ``out[i]`` after ``i`` people."""
    n = indptr.shape[0] - 1
    pw = powers(p, n)
    chosen = np.zeros(n, dtype=np.bool_)
    count = np.zeros(n, dtype=np.int32)
    out = np.zeros(order.shape[0] + 1, dtype=np.float64)
    total = 0.0
    for i in range(order.shape[0]):
        u = order[i]
        if not chosen[u]:
            total += _gain(indptr, indices, chosen, count, pw, p, u)
            _apply(indptr, indices, chosen, count, u, 1)
        out[i + 1] = total
    return out


@njit(cache=True)
def _before(key_a, node_a, key_b, node_b):
    # Larger key first; equal keys: smaller id first (same answer every run).
    return key_a > key_b or (key_a == key_b and node_a < node_b)


@njit(cache=True)
def _push(keys, nodes, stamps, size, key, node, stamp):
    i = size
    keys[i], nodes[i], stamps[i] = key, node, stamp
    while i > 0:
        parent = (i - 1) // 2
        if not _before(keys[i], nodes[i], keys[parent], nodes[parent]):
            break
        keys[i], keys[parent] = keys[parent], keys[i]
        nodes[i], nodes[parent] = nodes[parent], nodes[i]
        stamps[i], stamps[parent] = stamps[parent], stamps[i]
        i = parent
    return size + 1


@njit(cache=True)
def _pop(keys, nodes, stamps, size):
    size -= 1
    keys[0], nodes[0], stamps[0] = keys[size], nodes[size], stamps[size]
    i = 0
    while True:
        best, a, b = i, 2 * i + 1, 2 * i + 2
        if a < size and _before(keys[a], nodes[a], keys[best], nodes[best]):
            best = a
        if b < size and _before(keys[b], nodes[b], keys[best], nodes[best]):
            best = b
        if best == i:
            return size
        keys[i], keys[best] = keys[best], keys[i]
        nodes[i], nodes[best] = nodes[best], nodes[i]
        stamps[i], stamps[best] = stamps[best], stamps[i]
        i = best


@njit(cache=True)
def celf(indptr, indices, p, candidate, forced, cost, budget, max_seeds, stop_value, by_ratio):
    """Lazy greedy (CELF: Leskovec et al., KDD 2007) on the exact expected reach.

    ``forced`` people are chosen first at no cost. Then, while fewer than
    ``max_seeds`` are chosen, the budget allows and the reach is below
    ``stop_value``, the candidate with the largest gain (or gain / cost with
    ``by_ratio``) is added. Gains only shrink as the set grows (the reach is
    submodular), so a stale gain at the top of the heap that is still the
    largest once refreshed is the true best.

    Returns (order of new seeds, reach after each, reach of the forced alone).
    """
    n = indptr.shape[0] - 1
    pw = powers(p, n)
    chosen = np.zeros(n, dtype=np.bool_)
    count = np.zeros(n, dtype=np.int32)
    total = 0.0
    for i in range(forced.shape[0]):
        u = forced[i]
        if not chosen[u]:
            total += _gain(indptr, indices, chosen, count, pw, p, u)
            _apply(indptr, indices, chosen, count, u, 1)
    forced_value = total
    keys = np.empty(n, dtype=np.float64)
    nodes = np.empty(n, dtype=np.int32)
    stamps = np.empty(n, dtype=np.int32)
    size = 0
    for u in range(n):
        if candidate[u] and not chosen[u]:
            g = _gain(indptr, indices, chosen, count, pw, p, u)
            size = _push(keys, nodes, stamps, size, g / cost[u] if by_ratio else g, u, 0)
    order = np.empty(min(max(max_seeds, 0), size), dtype=np.int32)
    after = np.empty(order.shape[0], dtype=np.float64)
    picked = 0
    spent = 0.0
    while picked < order.shape[0] and size > 0 and total < stop_value:
        key, u, stamp = keys[0], nodes[0], stamps[0]
        size = _pop(keys, nodes, stamps, size)
        if spent + cost[u] > budget:
            continue  # cannot afford u now, nor later (the budget only shrinks)
        if stamp == picked:
            if key <= 0.0:
                break  # nobody adds anything
            total += _gain(indptr, indices, chosen, count, pw, p, u)
            _apply(indptr, indices, chosen, count, u, 1)
            spent += cost[u]
            order[picked] = u
            after[picked] = total
            picked += 1
        else:
            g = _gain(indptr, indices, chosen, count, pw, p, u)
            size = _push(keys, nodes, stamps, size, g / cost[u] if by_ratio else g, u, picked)
    return order[:picked], after[:picked], forced_value


@njit(cache=True)
def _best_drop(indptr, indices, chosen, count, pw, p, removable):
    best, best_l = -1, np.inf
    for u in range(chosen.shape[0]):
        if chosen[u] and removable[u]:
            g = _loss(indptr, indices, chosen, count, pw, p, u)
            if g < best_l:
                best, best_l = u, g
    return best, best_l


TOP = 64  # best gains kept sorted: most trials find their best add among them


@njit(cache=True)
def _mark(indptr, indices, rptr, rind, s, stamp, tick, near, size):
    """Collect the people whose gain changes when ``s`` joins or leaves: the
    in-neighbours of ``s`` and of everyone ``s`` has a tie to (and those)."""
    for j in range(indptr[s] - 1, indptr[s + 1]):
        v = s if j < indptr[s] else indices[j]
        for e in range(rptr[v] - 1, rptr[v + 1]):
            u = v if e < rptr[v] else rind[e]
            if stamp[u] != tick:
                stamp[u] = tick
                near[size] = u
                size += 1
    return size


@njit(cache=True)
def _refresh(indptr, indices, chosen, count, pw, p, candidate, gain, near, size):
    for i in range(size):
        u = near[i]
        ok = candidate[u] and not chosen[u]
        gain[u] = _gain(indptr, indices, chosen, count, pw, p, u) if ok else -1.0


@njit(cache=True)
def _sweep(
    indptr,
    indices,
    rptr,
    rind,
    chosen,
    count,
    pw,
    p,
    candidate,
    removable,
    total,
    stop,
    trials,
    tol,
):
    """1-swaps: for each seed, least useful first, drop it and add the best candidate
    if that raises the reach. Passes until one improves nothing, the reach
    reaches ``stop`` or ``trials`` run out. Returns (reach, trials left).

    Dropping ``s`` changes only the gains of people near it (``_mark``); the
    best add is the best of those, recomputed, or else the first of the
    ``TOP`` best gains kept from before that is not near ``s``.
    """
    n = chosen.shape[0]
    gain = np.full(n, -1.0)
    for u in range(n):
        if candidate[u] and not chosen[u]:
            gain[u] = _gain(indptr, indices, chosen, count, pw, p, u)
    stamp = np.zeros(n, dtype=np.int64)
    near = np.empty(n, dtype=np.int32)
    tick = 0
    top = np.argsort(-gain)[:TOP]
    loss = np.empty(n, dtype=np.float64)
    improved = True
    while improved and total < stop and trials > 0:
        improved = False
        seeds = np.nonzero(chosen & removable)[0]
        for i in range(seeds.shape[0]):
            loss[i] = _loss(indptr, indices, chosen, count, pw, p, seeds[i])
        for i in np.argsort(loss[: seeds.shape[0]], kind="mergesort"):
            if trials <= 0 or total >= stop:
                break
            s = seeds[i]
            lo = _loss(indptr, indices, chosen, count, pw, p, s)
            _apply(indptr, indices, chosen, count, s, -1)
            trials -= 1
            tick += 1
            size = _mark(indptr, indices, rptr, rind, s, stamp, tick, near, 0)
            best, best_g = -1, -1.0
            for j in range(size):
                u = near[j]
                if u != s and candidate[u] and not chosen[u]:
                    g = _gain(indptr, indices, chosen, count, pw, p, u)
                    if g > best_g:
                        best, best_g = u, g
            found = False
            for j in range(top.shape[0]):
                u = top[j]
                if stamp[u] != tick and gain[u] >= 0.0:
                    found = True
                    if gain[u] > best_g:
                        best, best_g = u, gain[u]
                    break
            if not found:  # every kept best is near s: look at everyone
                for u in range(n):
                    if stamp[u] != tick and gain[u] > best_g:
                        best, best_g = u, gain[u]
            if best >= 0 and best_g > lo + tol:
                _apply(indptr, indices, chosen, count, best, 1)
                total += best_g - lo
                improved = True
                tick += 1
                size = _mark(indptr, indices, rptr, rind, s, stamp, tick, near, 0)
                size = _mark(indptr, indices, rptr, rind, best, stamp, tick, near, size)
                _refresh(indptr, indices, chosen, count, pw, p, candidate, gain, near, size)
                top = np.argsort(-gain)[:TOP]
            else:
                _apply(indptr, indices, chosen, count, s, 1)
    return total, trials


@njit(cache=True)
def improve(indptr, indices, rptr, rind, p, candidate, seeds, forced_mask, target, max_trials, tol):
    """Remove redundant seeds, then swap to need fewer (or, with ``target < 0``, reach more).

    With a target: drop the least useful seed while the reach stays at or
    above ``target``; then drop one more and run 1-swap passes (``_sweep``)
    until the smaller set reaches the target again (keep it, repeat) or no
    swap helps (return the last set that reached it). Without a target, only
    swap passes at the same size. At most ``max_trials`` swaps tried in all,
    each over the people near the one dropped. ``forced_mask`` marks people never dropped.
    Returns (chosen mask, reach, swaps tried).
    """
    n = indptr.shape[0] - 1
    pw = powers(p, n)
    chosen = np.zeros(n, dtype=np.bool_)
    count = np.zeros(n, dtype=np.int32)
    for i in range(seeds.shape[0]):
        if not chosen[seeds[i]]:
            _apply(indptr, indices, chosen, count, seeds[i], 1)
    removable = ~forced_mask
    total = _value(chosen, count, pw)
    trials = max_trials
    if target < 0:
        total, trials = _sweep(
            indptr,
            indices,
            rptr,
            rind,
            chosen,
            count,
            pw,
            p,
            candidate,
            removable,
            total,
            np.inf,
            trials,
            tol,
        )
        return chosen, _value(chosen, count, pw), max_trials - trials
    best = chosen.copy()
    while True:
        # Prune: every seed whose absence keeps the target goes.
        while True:
            r, lo = _best_drop(indptr, indices, chosen, count, pw, p, removable)
            if r < 0 or total - lo < target - tol:
                break
            _apply(indptr, indices, chosen, count, r, -1)
            total -= lo
        best[:] = chosen
        r, lo = _best_drop(indptr, indices, chosen, count, pw, p, removable)
        if r < 0 or trials <= 0:
            break
        _apply(indptr, indices, chosen, count, r, -1)
        total -= lo
        total, trials = _sweep(
            indptr,
            indices,
            rptr,
            rind,
            chosen,
            count,
            pw,
            p,
            candidate,
            removable,
            total,
            target - tol,
            trials,
            tol,
        )
        if total < target - tol:
            break
    return best, _value(best, _counts(indptr, indices, best), pw), max_trials - trials


@njit(cache=True)
def _counts(indptr, indices, chosen):
    count = np.zeros(chosen.shape[0], dtype=np.int32)
    for u in range(chosen.shape[0]):
        if chosen[u]:
            for e in range(indptr[u], indptr[u + 1]):
                count[indices[e]] += 1
    return count
