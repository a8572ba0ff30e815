"""Exact reach under deterministic rules, and greedy on it: arrays in, arrays out.

A person adopts once at least ``need[v]`` of their in-neighbours have (an
empty ``need`` means 1: ``ic`` with ``p = 1``, where reach is reachability),
in synchronous steps from the seeds, for at most ``steps`` steps. Nothing is
random, so one pass gives the reach exactly.

Greedy keeps the state of the chosen set and evaluates a candidate by
spreading from it alone over stamped scratch arrays (reset by stamp, not by
clearing), so an evaluation costs the ties it touches, not the network.
The greedy kernels count the ties they scan and stop, returning ``ok = False``,
once they pass ``work``: the caller then falls back to sampling or heuristics.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from groundswell.kernels.direct import _pop, _push


@njit(cache=True)
def _need(need, v):
    return 1 if need.shape[0] == 0 else need[v]


@njit(cache=True)
def cascade_count(indptr, indices, need, steps, seeds):
    """People reached (seeds included) by the synchronous threshold cascade."""
    n = indptr.shape[0] - 1
    adopted = np.zeros(n, dtype=np.bool_)
    count = np.zeros(n, dtype=np.int32)
    frontier = np.empty(n, dtype=np.int32)
    size = 0
    for s in seeds:
        if not adopted[s]:
            adopted[s] = True
            frontier[size] = s
            size += 1
    total, start, t = size, 0, 0
    while start < size and t < steps:
        end = size
        for i in range(start, end):
            u = frontier[i]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if not adopted[v]:
                    count[v] += 1
                    if count[v] >= _need(need, v):
                        adopted[v] = True
                        frontier[size] = v
                        size += 1
        total += size - end
        start, t = end, t + 1
    return total


@njit(cache=True)
def _reach_from(indptr, indices, dist, u, steps, scratch, stamp, tick, queue, commit, block):
    """People newly within ``steps`` ties of the chosen set once ``u`` joins it.

    ``dist[v]`` is v's distance from the chosen set (``steps + 1`` or more:
    not reached). With ``commit`` the distances are updated; with ``block``
    (no step limit) reached people count as distance 0, so a search stops
    at them. Returns (gain, ties scanned).
    """
    if dist[u] == 0:
        return 0, 0
    gain = 1 if dist[u] > steps else 0
    scanned = 0
    head, tail = 0, 1
    queue[0] = u
    if commit:
        dist[u] = 0
    else:
        stamp[u], scratch[u] = tick, 0
    while head < tail:
        w = queue[head]
        head += 1
        d = dist[w] if commit else scratch[w]
        if d >= steps:
            continue
        for e in range(indptr[w], indptr[w + 1]):
            x = indices[e]
            scanned += 1
            nd = d + 1
            seen = commit or stamp[x] == tick
            if not commit and seen:
                continue
            if nd >= dist[x]:
                continue
            if dist[x] > steps:
                gain += 1
            if commit:
                dist[x] = 0 if block else nd
            else:
                stamp[x], scratch[x] = tick, nd
            queue[tail] = x
            tail += 1
    return gain, scanned


@njit(cache=True)
def celf_reachability(indptr, indices, steps, block, bound, candidate, forced, max_seeds,
                      stop_value, work):  # fmt: skip
    """Lazy greedy (CELF) on the exact number of people within ``steps`` ties.

    Reach within a step limit is a coverage function, so lazy evaluation
    picks what plain greedy would (Leskovec et al., KDD 2007). ``bound[u]``
    is an upper bound on ``u``'s reach alone (its weak component's size).
    Returns (order, reach after each, reach of the forced, ok).
    """
    n = indptr.shape[0] - 1
    dist = np.full(n, steps + 1, dtype=np.int64)
    scratch = np.zeros(n, dtype=np.int64)
    stamp = np.zeros(n, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    used = 0
    value = 0.0
    for s in forced:
        g, w = _reach_from(indptr, indices, dist, s, steps, scratch, stamp, 0, queue, True, block)
        value += g
        used += w
    forced_value = value
    keys = np.empty(n, dtype=np.float64)
    nodes = np.empty(n, dtype=np.int64)
    stamps = np.empty(n, dtype=np.int64)
    size = 0
    for u in range(n):
        if candidate[u] and dist[u] != 0:
            size = _push(keys, nodes, stamps, size, float(bound[u]), u, -1)
    order = np.empty(min(max_seeds, n), dtype=np.int32)
    after = np.empty(min(max_seeds, n), dtype=np.float64)
    chosen, tick = 0, 0
    while size > 0 and chosen < max_seeds and value < stop_value:
        if used > work:
            return order[:chosen], after[:chosen], forced_value, False
        key, u, last = keys[0], nodes[0], stamps[0]
        size = _pop(keys, nodes, stamps, size)
        if last == chosen:  # fresh this round: the best of all
            if key <= 0.0:
                break
            g, w = _reach_from(
                indptr, indices, dist, u, steps, scratch, stamp, 0, queue, True, block
            )
            used += w
            value += g
            order[chosen], after[chosen] = u, value
            chosen += 1
            continue
        tick += 1
        g, w = _reach_from(
            indptr, indices, dist, u, steps, scratch, stamp, tick, queue, False, block
        )
        used += w
        if g > 0:
            size = _push(keys, nodes, stamps, size, float(g), u, chosen)
    return order[:chosen], after[:chosen], forced_value, True


@njit(cache=True)
def _adopt_from(indptr, indices, need, count, adopted, u, tcount, tadopt, stamp, tick, queue,
                commit):  # fmt: skip
    """People newly adopting (``u`` included) once ``u`` is a seed, with no step limit
    (the end state of a threshold cascade does not depend on the order)."""
    if adopted[u]:
        return 0, 0
    gain, scanned, head, tail = 1, 0, 0, 1
    queue[0] = u
    if commit:
        adopted[u] = True
    else:
        stamp[u], tadopt[u], tcount[u] = tick, True, count[u]
    while head < tail:
        w = queue[head]
        head += 1
        for e in range(indptr[w], indptr[w + 1]):
            x = indices[e]
            scanned += 1
            if adopted[x]:
                continue
            if commit:
                count[x] += 1
                if count[x] >= _need(need, x):
                    adopted[x] = True
                    gain += 1
                    queue[tail] = x
                    tail += 1
                continue
            if stamp[x] != tick:
                stamp[x], tadopt[x], tcount[x] = tick, False, count[x]
            if tadopt[x]:
                continue
            tcount[x] += 1
            if tcount[x] >= _need(need, x):
                tadopt[x] = True
                gain += 1
                queue[tail] = x
                tail += 1
    return gain, scanned


@njit(cache=True)
def greedy_threshold(indptr, indices, need, candidate, forced, max_seeds, stop_value, work):
    """Greedy on the exact end state of a threshold cascade (no step limit).

    Reach is not submodular here (Centola & Macy 2007: adopters reinforce
    each other), so every round evaluates every candidate afresh. Ties in
    reach (often: one seed alone moves nobody past a threshold of 2) go to
    the candidate who brings most people closer to their threshold, sum of
    ``1 / (need - count)`` over their not-yet-adopted out-neighbours.
    Returns (order, reach after each, reach of the forced, ok).
    """
    n = indptr.shape[0] - 1
    count = np.zeros(n, dtype=np.int32)
    adopted = np.zeros(n, dtype=np.bool_)
    tcount = np.zeros(n, dtype=np.int32)
    tadopt = np.zeros(n, dtype=np.bool_)
    stamp = np.zeros(n, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    used, value, tick = 0, 0.0, 0
    for s in forced:
        g, w = _adopt_from(indptr, indices, need, count, adopted, s, tcount, tadopt, stamp, 0,
                           queue, True)  # fmt: skip
        value += g
        used += w
    forced_value = value
    order = np.empty(min(max_seeds, n), dtype=np.int32)
    after = np.empty(min(max_seeds, n), dtype=np.float64)
    chosen = 0
    while chosen < max_seeds and value < stop_value:
        best, best_gain, best_push = -1, 0, -1.0
        for u in range(n):
            if not candidate[u] or adopted[u]:
                continue
            tick += 1
            g, w = _adopt_from(indptr, indices, need, count, adopted, u, tcount, tadopt, stamp,
                               tick, queue, False)  # fmt: skip
            used += w
            push = 0.0
            for e in range(indptr[u], indptr[u + 1]):
                x = indices[e]
                if not adopted[x]:
                    push += 1.0 / max(1, _need(need, x) - count[x])
            if g > best_gain or (g == best_gain and push > best_push):
                best, best_gain, best_push = u, g, push
        if used > work:
            return order[:chosen], after[:chosen], forced_value, False
        if best < 0:
            break
        g, w = _adopt_from(indptr, indices, need, count, adopted, best, tcount, tadopt, stamp, 0,
                           queue, True)  # fmt: skip
        used += w
        value += g
        order[chosen], after[chosen] = best, value
        chosen += 1
    return order[:chosen], after[:chosen], forced_value, True


@njit(cache=True)
def prefix_reachability(indptr, indices, steps, block, order):
    """People within ``steps`` ties of each prefix of ``order`` (``out[0]`` = nobody)."""
    n = indptr.shape[0] - 1
    dist = np.full(n, steps + 1, dtype=np.int64)
    scratch = np.zeros(n, dtype=np.int64)
    stamp = np.zeros(n, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    out = np.zeros(order.shape[0] + 1, dtype=np.float64)
    for i in range(order.shape[0]):
        g, _ = _reach_from(indptr, indices, dist, order[i], steps, scratch, stamp, 0, queue, True,
                           block)  # fmt: skip
        out[i + 1] = out[i] + g
    return out
