"""Reverse-reachable (RR) sets and coverage: numba kernels over CSR arrays.

An RR set for a random root ``v`` is the set of people who would have
activated ``v`` in one random live-edge world (Borgs et al., SODA 2014;
Tang, Shi & Xiao, SIGMOD 2015, Def. 1). ``n * Pr[S covers an RR set]`` is the
expected spread of ``S`` (IMM Lemma 2), which turns influence maximisation
into maximum coverage over sampled sets.

Layout: ``offsets`` (int64, sets + 1) and ``members`` (int32) flat arrays, as
CSR. Randomness: set ``i`` draws only from its own stream, seeded by mixing a
64-bit key (from a ``SeedSequence``) with ``i`` (splitmix64, Steele et al.,
OOPSLA 2014). So set ``i`` is the same however sets are grouped into chunks,
threads or Dask workers.

Every kernel has a pure-Python reference in ``tests/kernels/test_rrsets.py``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

# Kinds of RR set, packed into one kernel (STYLE 3: share one kernel).
IC_UNIFORM = 0  # every in-edge live with probability p (geometric skipping)
IC_WEIGHTED = 1  # in-edge j live with probability probs[j]
LT = 2  # reverse random walk: pick in-edge j with probability probs[j]

_GAMMA = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(inline="always")
def _mix(z):
    # splitmix64 finaliser: a bijective 64-bit hash with full avalanche.
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@njit(inline="always")
def _stream(key, index):
    """Initial state of the private stream of RR set ``index``."""
    return _mix(key ^ _mix(np.uint64(index) + _GAMMA))


@njit(inline="always")
def _uniform(state):
    """Next (state, u) with u uniform in (0, 1]: never 0, so log(u) is finite."""
    state = state + _GAMMA
    u = (np.float64(_mix(state) >> _S11) + 1.0) * _INV53
    return state, u


# Geometric skips for IC_UNIFORM come from an alias table (Walker, ACM TOMS
# 1977; Vose, IEEE TSE 1991) over 256 outcomes: skips 0 .. 254 with their
# exact probabilities p q^j, and "255 or more" (q^255). The top 8 bits of one
# 64-bit draw pick the column, the low 56 bits the coin, so a skip costs one
# draw and two table reads instead of a logarithm. The rare tail draws the rest
# by inversion, 255 + floor(ln u / ln q), which is exact because the geometric
# law is memoryless.
_GEO_BITS = 8
_GEO_SIZE = 1 << _GEO_BITS
_GEO_TAIL = _GEO_SIZE - 1
_GEO_CAP = float(2**62)  # the longest skip drawn: past the edges of any graph
_GEO_SHIFT = np.uint64(64 - _GEO_BITS)
_GEO_LOW = np.uint64((1 << (64 - _GEO_BITS)) - 1)
_GEO_ONE = 72057594037927936.0  # 2**56: a coin threshold of 1


@njit(cache=True)
def geometric_table(p):
    """Alias table (thresholds, aliases) of the skip law above, for 0 < p < 1.

    Vose's construction: columns start at ``size * probability``; a column
    under 1 is topped up from one over 1, which becomes its alias.
    """
    q = 1.0 - p
    prob = np.empty(_GEO_SIZE, dtype=np.float64)
    for j in range(_GEO_TAIL):
        prob[j] = p * q**j * _GEO_SIZE
    prob[_GEO_TAIL] = q**_GEO_TAIL * _GEO_SIZE
    alias = np.arange(_GEO_SIZE).astype(np.int64)
    small = np.empty(_GEO_SIZE, dtype=np.int64)
    large = np.empty(_GEO_SIZE, dtype=np.int64)
    ns = 0
    nl = 0
    for j in range(_GEO_SIZE):
        if prob[j] < 1.0:
            small[ns] = j
            ns += 1
        else:
            large[nl] = j
            nl += 1
    while ns > 0 and nl > 0:
        ns -= 1
        s = small[ns]
        g = large[nl - 1]
        alias[s] = g
        prob[g] = prob[g] + prob[s] - 1.0
        if prob[g] < 1.0:
            nl -= 1
            small[ns] = g
            ns += 1
    # Columns left on either list are full (rounding leaves them at ~1).
    for j in range(nl):
        prob[large[j]] = 1.0
    for j in range(ns):
        prob[small[j]] = 1.0
    thresholds = np.empty(_GEO_SIZE, dtype=np.uint64)
    for j in range(_GEO_SIZE):
        thresholds[j] = np.uint64(min(prob[j], 1.0) * _GEO_ONE)
    return thresholds, alias


@njit(inline="always")
def _skip(state, thresholds, alias, inv_log_q):
    """Next (state, g) with g ~ Geometric(p) on 0, 1, 2, ... (failures before a success)."""
    state = state + _GAMMA
    z = _mix(state)
    col = np.int64(z >> _GEO_SHIFT)
    g = col if (z & _GEO_LOW) < thresholds[col] else alias[col]
    if g == _GEO_TAIL:
        state, u = _uniform(state)
        # Capped before the cast: with p near 0 (1e-38) the skip passes 2**63 and the
        # cast would wrap to a negative index. Any skip past every edge means the same.
        g = _GEO_TAIL + np.int64(min(np.log(u) * inv_log_q, _GEO_CAP))
    return state, g


@njit(nogil=True, cache=True)
def geometric_sample(p, key, count):
    """``count`` skips from ``_skip`` (for tests of the sampler against the exact law)."""
    thresholds, alias = geometric_table(p)
    inv_log_q = 1.0 / np.log1p(-p)
    state = _stream(key, 0)
    out = np.empty(count, dtype=np.int64)
    for i in range(count):
        state, out[i] = _skip(state, thresholds, alias, inv_log_q)
    return out


@njit(cache=True)
def _tables(kind, p):
    # Geometric-skip tables for IC_UNIFORM with 0 < p < 1 (unused otherwise).
    geometric = kind == IC_UNIFORM and 0.0 < p < 1.0
    thresholds, alias = geometric_table(p if geometric else 0.5)
    return thresholds, alias, (1.0 / np.log1p(-p) if geometric else 0.0)


@njit(inline="always")
def _one_set(indptr, indices, probs, kind, p, max_steps, tables, key, index, mark, queue, stop):
    """Breadth-first RR set ``index`` into ``queue``; returns (size, hit).

    With a non-empty ``stop`` mask the search ends at the first member in it
    (hit = True), which is all a coverage count needs to know: "hit-and-stop"
    RR sets (Guo, Yang, Xiao & Wen, SIGMOD 2020, Sec. 5). The members found up
    to then are the same as in the full set, because the draws are the same.
    """
    thresholds, alias, inv_log_q = tables
    n = indptr.shape[0] - 1
    stopping = stop.shape[0] > 0
    state = _stream(key, index)
    state, u = _uniform(state)
    root = min(int(u * n), n - 1)
    mark[root] = index
    queue[0] = root
    if stopping and stop[root]:
        return 1, True
    head = 0
    tail = 1
    level_end = 1
    depth = 0
    while head < tail:
        if head == level_end:
            depth += 1
            level_end = tail
        if max_steps >= 0 and depth >= max_steps:
            break
        v = queue[head]
        head += 1
        start = indptr[v]
        end = indptr[v + 1]
        if kind == IC_UNIFORM:
            if p <= 0.0:
                continue
            if p >= 1.0:
                pos = start
            else:
                # Geometric skipping: jump straight to the next live edge,
                # so the cost is the live edges, not all edges scanned.
                state, g = _skip(state, thresholds, alias, inv_log_q)
                pos = start + g
            while pos < end:
                w = indices[pos]
                if mark[w] != index:
                    mark[w] = index
                    queue[tail] = w
                    tail += 1
                    if stopping and stop[w]:
                        return tail, True
                if p >= 1.0:
                    pos += 1
                else:
                    state, g = _skip(state, thresholds, alias, inv_log_q)
                    pos += 1 + g
        elif kind == IC_WEIGHTED:
            for pos in range(start, end):
                state, u = _uniform(state)
                if u <= probs[pos]:
                    w = indices[pos]
                    if mark[w] != index:
                        mark[w] = index
                        queue[tail] = w
                        tail += 1
                        if stopping and stop[w]:
                            return tail, True
        else:  # LT: one in-neighbour with probability probs[pos], or none
            state, u = _uniform(state)
            acc = 0.0
            for pos in range(start, end):
                acc += probs[pos]
                if u <= acc:
                    w = indices[pos]
                    if mark[w] != index:
                        # The walk stops at the first person seen twice.
                        mark[w] = index
                        queue[tail] = w
                        tail += 1
                        if stopping and stop[w]:
                            return tail, True
                    break
    return tail, False


@njit(nogil=True, cache=True)
def rr_chunk(indptr, indices, probs, kind, p, max_steps, key, first, count, stop):
    """RR sets ``first .. first + count - 1`` of the reverse graph.

    Parameters
    ----------
    indptr, indices : CSR of the *reverse* graph (row ``v`` = people who can
        influence ``v``).
    probs : float64 per reverse edge (IC_WEIGHTED: live probability; LT: the
        walk's choice probability, summing to <= 1 per row); unused by IC_UNIFORM.
    kind : IC_UNIFORM, IC_WEIGHTED or LT.
    p : live-edge probability for IC_UNIFORM.
    max_steps : hops from the root (``-1``: unlimited; 1 is the one-step
        "direct conversation" model: the root and its live in-neighbours).
    key : uint64 stream key; first, count : which sets.
    stop : bool (n,) or empty: end each set at its first member in ``stop``
        (that member included; see ``_one_set``).

    Returns
    -------
    sizes : int64 (count,), members : int32 (sizes.sum(),), each set starting with its root.
    """
    n = indptr.shape[0] - 1
    sizes = np.zeros(count, dtype=np.int64)
    cap = max(16, 4 * count)
    members = np.empty(cap, dtype=np.int32)
    mark = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    tables = _tables(kind, p)
    total = 0
    for j in range(count):
        tail, _ = _one_set(
            indptr, indices, probs, kind, p, max_steps, tables, key, first + j, mark, queue, stop
        )
        if total + tail > cap:
            while total + tail > cap:
                cap *= 2
            grown = np.empty(cap, dtype=np.int32)
            grown[:total] = members[:total]
            members = grown
        members[total : total + tail] = queue[:tail]
        total += tail
        sizes[j] = tail
    return sizes, members[:total].copy()


@njit(nogil=True, cache=True)
def rr_hits(indptr, indices, probs, kind, p, max_steps, key, first, count, in_seed):
    """How many of RR sets ``first .. first + count - 1`` hold a node with ``in_seed``.

    Equals ``covered_count`` over ``rr_chunk``'s sets, but each set is searched
    only until its first seed (hit-and-stop), so covered sets cost little.
    """
    n = indptr.shape[0] - 1
    mark = np.full(n, -1, dtype=np.int64)
    queue = np.empty(n, dtype=np.int32)
    tables = _tables(kind, p)
    hits = 0
    for j in range(count):
        _, hit = _one_set(
            indptr, indices, probs, kind, p, max_steps, tables, key, first + j, mark, queue, in_seed
        )
        hits += hit
    return hits


@njit(nogil=True, cache=True)
def node_counts(members, n):
    """How many RR sets contain each node (sets hold each node at most once)."""
    counts = np.zeros(n, dtype=np.int64)
    for i in range(members.shape[0]):
        counts[members[i]] += 1
    return counts


@njit(cache=True)
def invert(offsets, members, n):
    """Node -> sets index (CSR): ``sets[ptr[v]:ptr[v+1]]`` are the sets holding ``v``."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    for i in range(members.shape[0]):
        ptr[members[i] + 1] += 1
    for v in range(n):
        ptr[v + 1] += ptr[v]
    fill = ptr[:-1].copy()
    sets = np.empty(members.shape[0], dtype=np.int32)
    for s in range(offsets.shape[0] - 1):
        for i in range(offsets[s], offsets[s + 1]):
            v = members[i]
            sets[fill[v]] = s
            fill[v] += 1
    return ptr, sets


@njit(nogil=True, cache=True)
def covered_count(offsets, members, in_seed):
    """Number of RR sets holding at least one node with ``in_seed[v]``."""
    covered = 0
    for s in range(offsets.shape[0] - 1):
        for i in range(offsets[s], offsets[s + 1]):
            if in_seed[members[i]]:
                covered += 1
                break
    return covered


@njit(nogil=True, cache=True)
def prefix_coverage(offsets, members, order, n):
    """Sets covered by each prefix of ``order``: result[i] = coverage of order[:i]."""
    big = order.shape[0]
    rank = np.full(n, big, dtype=np.int64)
    for i in range(order.shape[0]):
        if rank[order[i]] == big:
            rank[order[i]] = i
    hist = np.zeros(big + 1, dtype=np.int64)
    for s in range(offsets.shape[0] - 1):
        best = big
        for i in range(offsets[s], offsets[s + 1]):
            r = rank[members[i]]
            if r < best:
                best = r
        if best < big:
            hist[best + 1] += 1
    return np.cumsum(hist)


# -- lazy greedy maximum coverage ------------------------------------------------


@njit(inline="always")
def _above(keys, nodes, a, b):
    # Max-heap order: larger key first, ties to the smaller node id (deterministic).
    return keys[a] > keys[b] or (keys[a] == keys[b] and nodes[a] < nodes[b])


@njit(inline="always")
def _swap(keys, nodes, a, b):
    keys[a], keys[b] = keys[b], keys[a]
    nodes[a], nodes[b] = nodes[b], nodes[a]


@njit
def _sift_down(keys, nodes, i, size):
    while True:
        left = 2 * i + 1
        if left >= size:
            return
        best = left
        if left + 1 < size and _above(keys, nodes, left + 1, left):
            best = left + 1
        if _above(keys, nodes, best, i):
            _swap(keys, nodes, best, i)
            i = best
        else:
            return


@njit(cache=True)
def greedy_cover(
    offsets,
    members,
    ptr,
    sets,
    candidate,
    forced,
    cost,
    budget,
    max_seeds,
    stop_covered,
    by_ratio,
    bound_k,
):
    """Greedy maximum coverage with lazy evaluation (CELF, Leskovec et al. KDD 2007).

    Keeps each node's exact count of uncovered sets (``gain``); heap keys can
    only be stale upwards because gains only fall, so a popped node whose key
    still equals its gain is the true best (the lazy-evaluation argument).

    Parameters
    ----------
    candidate : bool (n,), who may be chosen; forced : int32 ids chosen first (free).
    cost : float64 (n,), budget : total cost allowed (inf for a count budget).
    max_seeds : most nodes to add after ``forced``; stop_covered : stop once this
        many sets are covered (target mode; > sets to disable).
    by_ratio : rank by gain / cost (cost-benefit greedy) instead of gain.
    bound_k : if > 0, also return OPIM-C's upper bound on the coverage of the
        best ``bound_k`` nodes (Tang et al., SIGMOD 2018, Lemma 4.4 "minBound":
        min over greedy steps i of covered(S_i) + the sum of the ``bound_k``
        largest gains given S_i), taken at every step.

    Returns
    -------
    order : int32 chosen nodes (without ``forced``), covered_after : int64 sets
    covered after each choice, forced_after : int64 sets covered by each prefix
    of ``forced``, upper : the bound (0 when ``bound_k`` is 0).
    """
    n = ptr.shape[0] - 1
    num_sets = offsets.shape[0] - 1
    gain = np.empty(n, dtype=np.int64)
    for v in range(n):
        gain[v] = ptr[v + 1] - ptr[v]
    covered = np.zeros(num_sets, dtype=np.bool_)
    done = np.zeros(n, dtype=np.bool_)
    # counted[v]: v's gain is in the histogram ``hist`` (gain -> how many
    # eligible nodes have it), so the top-k sum of gains is a walk down from
    # the largest gain instead of an O(n) selection at every step.
    track = bound_k > 0
    counted = np.zeros(n if track else 0, dtype=np.bool_)
    hist = np.zeros(0, dtype=np.int64)
    total = 0
    forced_after = np.empty(forced.shape[0], dtype=np.int64)
    for i in range(forced.shape[0]):
        f = forced[i]
        if not done[f]:
            done[f] = True
            total += _take(f, ptr, sets, offsets, members, covered, gain, counted, hist, False)
        forced_after[i] = total

    keys = np.empty(n, dtype=np.float64)
    nodes = np.empty(n, dtype=np.int32)
    size = 0
    for v in range(n):
        if candidate[v] and not done[v] and gain[v] > 0 and cost[v] <= budget:
            keys[size] = gain[v] / cost[v] if by_ratio else gain[v]
            nodes[size] = v
            size += 1
    for i in range(size // 2 - 1, -1, -1):
        _sift_down(keys, nodes, i, size)
    top = 0
    if track:
        for v in range(n):
            if candidate[v] and not done[v] and gain[v] > 0:
                counted[v] = True
                top = max(top, gain[v])
        hist = np.zeros(top + 1, dtype=np.int64)
        for v in range(n):
            if counted[v]:
                hist[gain[v]] += 1

    order = np.empty(min(max_seeds, size), dtype=np.int32)
    after = np.empty(min(max_seeds, size), dtype=np.int64)
    picked = 0
    spent = 0.0
    upper = np.inf if track else 0.0
    while size > 0 and picked < order.shape[0] and total < stop_covered:
        v = nodes[0]
        key = gain[v] / cost[v] if by_ratio else np.float64(gain[v])
        if gain[v] == 0 or spent + cost[v] > budget:
            # No gain left for v, or v no longer fits the budget: drop it.
            size -= 1
            _swap(keys, nodes, 0, size)
            _sift_down(keys, nodes, 0, size)
            continue
        if key < keys[0]:
            keys[0] = key  # stale: re-rank and look again
            _sift_down(keys, nodes, 0, size)
            continue
        if track:
            # Gains are exact for S_i here: one bound per greedy step.
            top = _lower_top(hist, top)
            upper = min(upper, total + _top_sum(hist, top, bound_k))
        size -= 1
        _swap(keys, nodes, 0, size)
        _sift_down(keys, nodes, 0, size)
        done[v] = True
        if track and counted[v]:
            counted[v] = False
            hist[gain[v]] -= 1
        spent += cost[v]
        total += _take(v, ptr, sets, offsets, members, covered, gain, counted, hist, track)
        order[picked] = v
        after[picked] = total
        picked += 1
    if track:
        top = _lower_top(hist, top)
        upper = min(upper, total + _top_sum(hist, top, bound_k))
    return order[:picked], after[:picked], forced_after, upper


@njit(inline="always")
def _take(v, ptr, sets, offsets, members, covered, gain, counted, hist, track):
    newly = 0
    for i in range(ptr[v], ptr[v + 1]):
        s = sets[i]
        if not covered[s]:
            covered[s] = True
            newly += 1
            for j in range(offsets[s], offsets[s + 1]):
                u = members[j]
                if track and counted[u]:
                    hist[gain[u]] -= 1
                    hist[gain[u] - 1] += 1
                gain[u] -= 1
    return newly


@njit(inline="always")
def _lower_top(hist, top):
    # Gains only fall, so the largest one only moves down.
    while top > 0 and hist[top] == 0:
        top -= 1
    return top


@njit(inline="always")
def _top_sum(hist, top, k):
    """Sum of the ``k`` largest gains, from the gain histogram (gain 0 adds nothing)."""
    acc = 0
    left = k
    g = top
    while left > 0 and g > 0:
        c = min(hist[g], left)
        acc += c * g
        left -= c
        g -= 1
    return acc
